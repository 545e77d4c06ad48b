package sync

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"
	"unicode"
)

// The one thing a screen sends rather than fetches: its signed proof of
// display, POSTed to the configured report_url after a successful sync.

// UploadOptions bound one upload. Zero values take the defaults.
type UploadOptions struct {
	Timeouts Timeouts      // DefaultTimeouts when zero
	Retry    Retry         // UploadRetry when zero
	Timeout  time.Duration // each request, body and answer included; UploadTimeout when zero
}

// UploadRetry: three tries a few seconds apart, so a receiver that is
// restarting gets the report, and one that is down costs little.
var UploadRetry = Retry{Attempts: 3, Base: 2 * time.Second, Max: 10 * time.Second, Budget: 2 * time.Minute}

// UploadTimeout bounds one request: a few MB on a weak village link.
const UploadTimeout = 2 * time.Minute

// maxAnswer caps what is read of the receiver's answer; answerShown is
// how much of it an error quotes.
const (
	maxAnswer   = 64 << 10
	answerShown = 200
)

// Upload POSTs body as application/json to rawURL and returns how many
// tries it made. Network errors, timeouts, 408, 429 and 5xx answers are
// retried within opt's bounds; any other answer but 2xx, and redirects
// (which would turn the POST into a GET), fail at once. The error is one
// line naming the host, not the URL, which may carry a token.
func Upload(ctx context.Context, rawURL string, body []byte, opt UploadOptions) (int, error) {
	u, err := url.Parse(rawURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return 0, fmt.Errorf("report_url %q is not an http(s) URL", RedactURL(rawURL))
	}
	if opt.Timeouts == (Timeouts{}) {
		opt.Timeouts = DefaultTimeouts
	}
	if opt.Retry == (Retry{}) {
		opt.Retry = UploadRetry
	}
	if opt.Timeout <= 0 {
		opt.Timeout = UploadTimeout
	}
	client := &http.Client{
		Transport:     newTransport(opt.Timeouts),
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	defer client.CloseIdleConnections()
	tries, err := retrying(ctx, opt.Retry, func(ctx context.Context) error {
		ctx, cancel := context.WithTimeout(ctx, opt.Timeout)
		defer cancel()
		return post(ctx, client, u.String(), body)
	})
	if err == nil {
		return tries, nil
	}
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err // it repeats the whole URL
	}
	if tries > 1 {
		return tries, fmt.Errorf("report to %s: %w (gave up after %d tries)", u.Host, err, tries)
	}
	return tries, fmt.Errorf("report to %s: %w", u.Host, err)
}

func post(ctx context.Context, client *http.Client, target string, body []byte) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, target, bytes.NewReader(body))
	if err != nil {
		return permanent(err)
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	// Read a bounded part of the answer: enough to quote, and to reuse the
	// connection for a short one; an endless answer is cut off here.
	answer, _ := io.ReadAll(io.LimitReader(resp.Body, maxAnswer))
	code := resp.StatusCode
	if code >= 200 && code < 300 {
		return nil
	}
	e := &httpStatusError{code, resp.Status, retryAfter(resp.Header.Get("Retry-After"))}
	if q := oneLine(string(answer), answerShown); q != "" {
		e.text += fmt.Sprintf(" %q", q)
	}
	switch {
	case code == http.StatusRequestTimeout, code == http.StatusTooManyRequests, code >= 500:
		return e
	case code >= 300 && code < 400:
		e.text += " (a redirect: set report_url to the address it points to)"
	}
	return permanent(e)
}

// oneLine is s with every run of spaces and control characters made one
// space, cut to at most limit characters.
func oneLine(s string, limit int) string {
	s = strings.Join(strings.FieldsFunc(s, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) }), " ")
	if r := []rune(s); len(r) > limit {
		return string(r[:limit]) + "…"
	}
	return s
}

// RedactURL hides the password of a URL, for status and messages.
func RedactURL(rawURL string) string {
	u, err := url.Parse(rawURL)
	if err != nil {
		return oneLine(rawURL, 80)
	}
	return u.Redacted()
}
