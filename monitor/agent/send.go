package agent

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	gosync "sync"
	"time"

	"gongkai/atomicfile"
	"gongkai/monitor/wire"
)

// counter is the upload counter: each upload signs one above the last,
// kept in DATA/monitor/counter before the upload leaves, so a restart
// never reuses one. It also never falls behind the clock in milliseconds,
// so a data directory restored from a backup still counts up.
type counter struct {
	mu   gosync.Mutex
	path string
	last uint64
}

func loadCounter(path string) *counter {
	c := &counter{path: path}
	if b, err := os.ReadFile(path); err == nil {
		c.last, _ = strconv.ParseUint(strings.TrimSpace(string(b)), 10, 64)
	}
	return c
}

func (c *counter) next(now time.Time) (uint64, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	n := max(c.last+1, uint64(max(0, now.UnixMilli())))
	if err := atomicfile.Write(c.path, []byte(strconv.FormatUint(n, 10)+"\n")); err != nil {
		return 0, fmt.Errorf("agent: counter: %w", err)
	}
	c.last = n
	return n, nil
}

// above makes the next counter greater than last (the monitor's).
func (c *counter) above(last uint64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.last = max(c.last, last)
}

// sendError is an upload the monitor answered with an error: code says
// whether trying again later can help.
type sendError struct {
	code int
	msg  string
}

func (e *sendError) Error() string { return fmt.Sprintf("monitor answered %d: %s", e.code, e.msg) }

// refused: the monitor read the upload and said no; the same upload will
// be refused again (4xx but 408 and 429). Not 403 either: the screen is
// not enrolled yet, and its heartbeats wait in the queue until it is.
func refused(err error) bool {
	var se *sendError
	return errors.As(err, &se) && se.code >= 400 && se.code < 500 && se.code != http.StatusRequestTimeout &&
		se.code != http.StatusTooManyRequests && se.code != http.StatusForbidden
}

// post signs and sends one upload, and reads the monitor's answer. A
// counter the monitor finds not above its last (a restored backup) is
// raised past the monitor's and the upload sent once more.
func (a *Agent) post(ctx context.Context, base, endpoint, ctype string, body []byte, extra http.Header) (wire.Answer, error) {
	target, err := endpointURL(base, endpoint)
	if err != nil {
		return wire.Answer{}, err
	}
	for try := 0; ; try++ {
		n, err := a.counter.next(a.now())
		if err != nil {
			return wire.Answer{}, err
		}
		ans, code, err := a.do(ctx, target, endpoint, ctype, body, n, extra)
		if err != nil {
			return ans, err
		}
		if code == http.StatusConflict && ans.Counter >= n && try == 0 {
			a.counter.above(ans.Counter)
			continue
		}
		if code != http.StatusOK {
			return ans, &sendError{code, wire.OneLine(ans.Error, 300)}
		}
		return ans, nil
	}
}

func (a *Agent) do(ctx context.Context, target, endpoint, ctype string, body []byte, n uint64, extra http.Header) (wire.Answer, int, error) {
	ctx, cancel := context.WithTimeout(ctx, requestTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, target, bytes.NewReader(body))
	if err != nil {
		return wire.Answer{}, 0, err
	}
	req.Header.Set("Content-Type", ctype)
	for k, vs := range extra {
		req.Header[k] = vs
	}
	wire.Sign(req.Header, a.key, endpoint, n, body)
	resp, err := a.client.Do(req)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err // it repeats the URL
		}
		return wire.Answer{}, 0, fmt.Errorf("monitor %s: %w", req.URL.Host, err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(io.LimitReader(resp.Body, wire.MaxAnswer))
	var ans wire.Answer
	if jerr := json.Unmarshal(raw, &ans); jerr != nil {
		if resp.StatusCode == http.StatusOK {
			return wire.Answer{}, 0, fmt.Errorf("monitor %s: answer unreadable: %v", req.URL.Host, jerr)
		}
		ans.Error = resp.Status // not the monitor: a proxy's error page, say
	}
	return ans, resp.StatusCode, nil
}

// endpointURL is the endpoint under the monitor's URL (monitor_url),
// which may sit below a path of a proxy.
func endpointURL(base, endpoint string) (string, error) {
	u, err := url.Parse(base)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return "", fmt.Errorf("monitor_url %q is not an http(s) URL", base)
	}
	if !strings.HasSuffix(u.Path, "/") {
		u.Path += "/"
	}
	u.Path += wire.Path(endpoint)
	u.RawPath = ""
	return u.String(), nil
}

// newClient never follows a redirect (it would turn the POST into a GET).
func newClient() *http.Client {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.ResponseHeaderTimeout = time.Minute
	t.MaxIdleConns = 2
	t.IdleConnTimeout = 30 * time.Second
	return &http.Client{Transport: t, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

// requestTimeout bounds one upload, a proof on a weak village link included.
const requestTimeout = 2 * time.Minute
