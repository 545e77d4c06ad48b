package sync

import (
	"bytes"
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	gosync "sync"
	"sync/atomic"
	"time"

	"gongkai/atomicfile"
	"gongkai/feed"
)

// Retry bounds the attempts of one request. Delays grow exponentially with
// full jitter (a random delay between 0 and the cap), so a thousand screens
// that lost the server at the same moment do not come back in step.
type Retry struct {
	Attempts int           // tries per request, including the first
	Base     time.Duration // cap of the first delay
	Max      time.Duration // cap of any delay
	Budget   time.Duration // total time a request may spend retrying
}

// DefaultRetry gives up on an unreachable server well within a minute.
var DefaultRetry = Retry{Attempts: 4, Base: 500 * time.Millisecond, Max: 8 * time.Second, Budget: 40 * time.Second}

// Timeouts of one HTTP request.
type Timeouts struct {
	Dial, TLS, Header, Idle time.Duration
	// MinRate is the slowest transfer accepted (TUF's slow retrieval): a
	// body still arriving after a RateWindow must have brought MinRate
	// bytes a second in every window so far. The idle timeout alone is
	// beaten by a server that sends one byte every few seconds. 0: no
	// minimum.
	MinRate    int64 // bytes a second
	RateWindow time.Duration
}

// DefaultTimeouts suit a weak village link: generous, but never endless.
// 512 bytes a second is a tenth of a poor GPRS link.
var DefaultTimeouts = Timeouts{Dial: 10 * time.Second, TLS: 10 * time.Second, Header: 15 * time.Second, Idle: 20 * time.Second,
	MinRate: 512, RateWindow: 30 * time.Second}

// ErrTooSlow is the error of a transfer under Timeouts.MinRate.
var ErrTooSlow = errors.New("transfer too slow")

// HTTP is a feed served by a web server. It remembers the manifest's ETag
// and Last-Modified so an unchanged feed costs one small request, and keeps
// partly downloaded objects so a dropped connection resumes where it was.
type HTTP struct {
	base    *url.URL
	dir     string // private state: cached manifest, validators, partial objects
	client  *http.Client
	retry   Retry
	idle    time.Duration
	rate    int64         // Timeouts.MinRate
	window  time.Duration // Timeouts.RateWindow
	fetched atomic.Int64
}

// NewHTTP makes a source for the feed at rawURL (the folder holding
// manifest.json). stateDir is a private folder of the screen's data
// directory where the source keeps its cache.
func NewHTTP(rawURL, stateDir string, t Timeouts, r Retry) (*HTTP, error) {
	u, err := url.Parse(rawURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("source %q is not an http(s) URL", rawURL)
	}
	if !strings.HasSuffix(u.Path, "/") {
		u.Path += "/"
	}
	sum := sha256.Sum256([]byte(u.String()))
	return &HTTP{
		base:   u,
		dir:    filepath.Join(stateDir, hex.EncodeToString(sum[:8])),
		client: &http.Client{Transport: newTransport(t)},
		retry:  r,
		idle:   t.Idle,
		rate:   t.MinRate,
		window: t.RateWindow,
	}, nil
}

// newTransport is the HTTP transport of a source or an upload, with the
// timeouts t.
func newTransport(t Timeouts) *http.Transport {
	return &http.Transport{
		Proxy:                 http.ProxyFromEnvironment,
		DialContext:           (&net.Dialer{Timeout: t.Dial, KeepAlive: 30 * time.Second}).DialContext,
		TLSHandshakeTimeout:   t.TLS,
		ResponseHeaderTimeout: t.Header,
		MaxIdleConnsPerHost:   8,
		IdleConnTimeout:       90 * time.Second,
		// Objects are already compressed or small; transparent gzip would
		// break Range offsets.
		DisableCompression: true,
	}
}

func (h *HTTP) String() string { return h.base.String() }

// Fetched is the number of bytes received from the server so far.
func (h *HTTP) Fetched() int64 { return h.fetched.Load() }

type validators struct {
	ETag         string `json:"etag"`
	LastModified string `json:"last_modified"`
}

// ErrNotModified is returned by Manifest when the server answered 304.
var ErrNotModified = errors.New("not modified")

// Manifest fetches manifest.json conditionally, then its signature. On a 304
// it returns the cached bytes of the previous fetch together with
// ErrNotModified wrapped, so the caller can end the sync as unchanged.
func (h *HTTP) Manifest(ctx context.Context) (raw, sig []byte, err error) {
	return h.signed(ctx, feed.ManifestFile, feed.MaxManifestSize, signedCache{"manifest.json", "manifest.sig", "validators.json"})
}

// Alerts fetches alerts.json and its signature as Manifest does the
// manifest: an unchanged poll is one request answered 304. A feed that
// has never published alerts (404) gives ErrNoAlerts.
func (h *HTTP) Alerts(ctx context.Context) (raw, sig []byte, err error) {
	raw, sig, err = h.signed(ctx, feed.AlertsFile, feed.MaxAlertsSize, signedCache{"alerts.json", "alerts.sig", "alerts.validators.json"})
	var se *httpStatusError
	if errors.As(err, &se) && se.status == http.StatusNotFound {
		return nil, nil, fmt.Errorf("%w (%v)", ErrNoAlerts, err)
	}
	return raw, sig, err
}

// signedCache names the files in the source's folder that keep a signed
// file's last bytes, its signature and its validators.
type signedCache struct{ raw, sig, validators string }

// signed fetches a signed file (name) conditionally, then the signature
// its hash names, and caches both for the next conditional request.
func (h *HTTP) signed(ctx context.Context, name string, limit int64, c signedCache) (raw, sig []byte, err error) {
	var v validators
	cachedRaw, errRaw := os.ReadFile(filepath.Join(h.dir, c.raw))
	cachedSig, errSig := os.ReadFile(filepath.Join(h.dir, c.sig))
	if meta, err := os.ReadFile(filepath.Join(h.dir, c.validators)); err == nil && errRaw == nil && errSig == nil {
		_ = json.Unmarshal(meta, &v) // a broken cache only costs a full fetch
	}
	var got validators
	status, raw, err := h.get(ctx, name, limit, func(req *http.Request) {
		if v.ETag != "" {
			req.Header.Set("If-None-Match", v.ETag)
		}
		if v.LastModified != "" {
			req.Header.Set("If-Modified-Since", v.LastModified)
		}
	}, func(resp *http.Response) {
		got = validators{ETag: resp.Header.Get("ETag"), LastModified: resp.Header.Get("Last-Modified")}
	})
	if err != nil {
		return nil, nil, err
	}
	if status == http.StatusNotModified {
		if v == (validators{}) {
			// We asked for the whole file: "not modified" answers a
			// question we did not ask, and there is no copy to reuse.
			return nil, nil, fmt.Errorf("%s from %s: server answered 304 Not Modified to a request for the whole file, and this screen holds no copy of it", name, h.base.Host)
		}
		return cachedRaw, cachedSig, ErrNotModified
	}
	_, sig, err = h.get(ctx, feed.SignaturePath(feed.Sum(raw)), feed.MaxSignatureSize, nil, nil)
	if err != nil {
		return nil, nil, err
	}
	// Cache for the next conditional request. Failing to cache is not a
	// sync failure; the next sync simply fetches in full.
	if got.ETag != "" || got.LastModified != "" {
		meta, _ := json.Marshal(got)
		_ = os.MkdirAll(h.dir, 0o700)
		if atomicfile.Write(filepath.Join(h.dir, c.raw), raw) == nil &&
			atomicfile.Write(filepath.Join(h.dir, c.sig), sig) == nil {
			_ = atomicfile.Write(filepath.Join(h.dir, c.validators), meta)
		}
	}
	return raw, sig, nil
}

// get fetches a small file whole, with retries, capped at limit bytes.
func (h *HTTP) get(ctx context.Context, path string, limit int64, prepare func(*http.Request), inspect func(*http.Response)) (int, []byte, error) {
	var data []byte
	var status int
	err := h.withRetry(ctx, path, func(ctx context.Context) error {
		ctx, watched, stop := h.watch(ctx)
		defer stop()
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, h.resolve(path), nil)
		if err != nil {
			return permanent(err)
		}
		if prepare != nil {
			prepare(req)
		}
		resp, err := h.client.Do(req)
		if err != nil {
			return err
		}
		defer resp.Body.Close()
		status = resp.StatusCode
		if err := statusError(resp); err != nil {
			return err
		}
		if inspect != nil {
			inspect(resp)
		}
		if status == http.StatusNotModified {
			return nil
		}
		if resp.ContentLength > limit {
			return permanent(fmt.Errorf("%w: %s is %d bytes, over %d", feed.ErrTooLarge, path, resp.ContentLength, limit))
		}
		data, err = feed.ReadLimited(watched(countingReader{resp.Body, &h.fetched}), limit, path)
		if errors.Is(err, feed.ErrTooLarge) {
			return permanent(err)
		}
		return err
	})
	return status, data, err
}

// smallObject is the size up to which an object is fetched into memory:
// resuming it would save almost nothing, while a partial file costs a
// create, an fsync and a remove per object, which for a feed of 10,000
// small items took most of a first sync.
const smallObject = 64 << 10

// Object returns the bytes of one object (the caller verifies them). A
// large one goes through a partial file, so a download cut off by an
// earlier, interrupted sync resumes where it was.
func (h *HTTP) Object(ctx context.Context, o feed.Object) (io.ReadCloser, error) {
	if o.Size <= smallObject {
		var data []byte
		err := h.withRetry(ctx, o.Path(), func(ctx context.Context) error {
			var err error
			data, err = h.small(ctx, o)
			return err
		})
		if err != nil {
			return nil, err
		}
		return io.NopCloser(bytes.NewReader(data)), nil
	}
	part := filepath.Join(h.dir, "partial", o.SHA256)
	if err := os.MkdirAll(filepath.Dir(part), 0o700); err != nil {
		return nil, err
	}
	err := h.withRetry(ctx, o.Path(), func(ctx context.Context) error { return h.download(ctx, o, part) })
	if err != nil {
		return nil, err
	}
	f, err := os.Open(part)
	if err != nil {
		return nil, err
	}
	return &removeOnClose{File: f}, nil
}

// small fetches a small object whole, capped at its declared size.
func (h *HTTP) small(ctx context.Context, o feed.Object) ([]byte, error) {
	ctx, watched, stop := h.watch(ctx)
	defer stop()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, h.resolve(o.Path()), nil)
	if err != nil {
		return nil, permanent(err)
	}
	resp, err := h.client.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if err := statusError(resp); err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("%s: unexpected status %s", o.Path(), feed.Printable(resp.Status, feed.MaxLineText))
	}
	if resp.ContentLength > o.Size {
		return nil, permanent(fmt.Errorf("%w: %s: server offers %d bytes, manifest declares %d", feed.ErrObjectSize, o.Path(), resp.ContentLength, o.Size))
	}
	data, err := io.ReadAll(io.LimitReader(watched(countingReader{resp.Body, &h.fetched}), o.Size+1))
	switch {
	case int64(len(data)) > o.Size:
		return nil, permanent(fmt.Errorf("%w: %s is longer than the %d bytes the manifest declares", feed.ErrObjectSize, o.Path(), o.Size))
	case err != nil:
		return nil, err
	case int64(len(data)) < o.Size:
		return nil, fmt.Errorf("%s: connection ended after %d of %d bytes", o.Path(), len(data), o.Size)
	}
	return data, nil
}

// download appends the missing bytes of o to the partial file part.
func (h *HTTP) download(ctx context.Context, o feed.Object, part string) error {
	f, err := os.OpenFile(part, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return permanent(err)
	}
	defer f.Close()
	have, err := f.Seek(0, io.SeekEnd)
	if err != nil {
		return permanent(err)
	}
	if have > o.Size { // cannot be ours: start again
		if err := f.Truncate(0); err != nil {
			return permanent(err)
		}
		have, _ = f.Seek(0, io.SeekStart)
	}
	if have == o.Size && o.Size > 0 {
		return nil
	}
	resumed := have > 0
	validator, _ := os.ReadFile(part + ".etag")
	ctx, watched, stop := h.watch(ctx)
	defer stop()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, h.resolve(o.Path()), nil)
	if err != nil {
		return permanent(err)
	}
	if have > 0 {
		req.Header.Set("Range", fmt.Sprintf("bytes=%d-", have))
		if len(validator) > 0 {
			req.Header.Set("If-Range", string(validator))
		}
	}
	resp, err := h.client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if err := statusError(resp); err != nil {
		return err
	}
	switch resp.StatusCode {
	case http.StatusPartialContent:
		if start := rangeStart(resp.Header.Get("Content-Range")); start != have {
			return fmt.Errorf("%s: server sent a range from %d, asked for %d", o.Path(), start, have)
		}
	case http.StatusOK:
		// The server ignored or refused the range (or the object changed
		// under the same name): the body is the whole object, start over.
		if have > 0 {
			if err := f.Truncate(0); err != nil {
				return permanent(err)
			}
			if _, err := f.Seek(0, io.SeekStart); err != nil {
				return permanent(err)
			}
			have = 0
		}
	default:
		return fmt.Errorf("%s: unexpected status %s", o.Path(), feed.Printable(resp.Status, feed.MaxLineText))
	}
	// Remember what identifies this copy (ETag, else Last-Modified), so a
	// resume asks for "the rest, if it is still the same file".
	if e := cmp.Or(resp.Header.Get("ETag"), resp.Header.Get("Last-Modified")); e != "" {
		_ = os.WriteFile(part+".etag", []byte(e), 0o600)
	}
	want := o.Size - have
	if resp.ContentLength > want {
		return permanent(fmt.Errorf("%w: %s: server offers %d bytes, manifest leaves %d", feed.ErrObjectSize, o.Path(), resp.ContentLength, want))
	}
	// Read at most one byte more than the manifest allows: an endless or
	// oversized body fails here instead of filling the disk.
	n, err := io.Copy(f, io.LimitReader(watched(countingReader{resp.Body, &h.fetched}), want+1))
	if n > want {
		_ = f.Truncate(0)
		return permanent(fmt.Errorf("%w: %s is longer than the %d bytes the manifest declares", feed.ErrObjectSize, o.Path(), o.Size))
	}
	if err != nil {
		return err // keep what arrived; the retry resumes after it
	}
	if n < want {
		return fmt.Errorf("%s: connection ended after %d of %d bytes", o.Path(), have+n, o.Size)
	}
	if err := f.Sync(); err != nil {
		return permanent(err)
	}
	// The whole object is here: check it now, so a corrupt partial file is
	// dropped instead of resumed for ever.
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return permanent(err)
	}
	if _, err := io.Copy(io.Discard, feed.NewObjectReader(f, o)); err != nil {
		_ = f.Truncate(0)
		if resumed {
			// The kept part may have been wrong (a server that sent junk
			// before it stalled): worth one more try from the start.
			return fmt.Errorf("%s: resumed download did not verify, starting over: %w", o.Path(), err)
		}
		return permanent(err)
	}
	return nil
}

func (h *HTTP) resolve(path string) string {
	return h.base.ResolveReference(&url.URL{Path: path}).String()
}

// removeOnClose deletes a fully downloaded partial file once its bytes were
// handed over to the store.
type removeOnClose struct{ *os.File }

func (r *removeOnClose) Close() error {
	err := r.File.Close()
	if err == nil {
		os.Remove(r.File.Name())
		os.Remove(r.File.Name() + ".etag")
	}
	return err
}

func rangeStart(cr string) int64 {
	// "bytes 100-199/200"
	s, ok := strings.CutPrefix(cr, "bytes ")
	if !ok {
		return -1
	}
	s, _, _ = strings.Cut(s, "-")
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return -1
	}
	return n
}

// httpStatusError is a response that is not what we asked for.
type httpStatusError struct {
	status     int
	text       string
	retryAfter time.Duration
}

func (e *httpStatusError) Error() string { return "server answered " + e.text }

func statusError(resp *http.Response) error {
	// The status line is the server's own text: it reaches stderr and the
	// status record, so it is made one printable line first.
	text := feed.Printable(resp.Status, feed.MaxLineText)
	switch {
	case resp.StatusCode == http.StatusOK, resp.StatusCode == http.StatusPartialContent, resp.StatusCode == http.StatusNotModified:
		return nil
	case resp.StatusCode == http.StatusTooManyRequests, resp.StatusCode >= 500:
		return &httpStatusError{resp.StatusCode, text, retryAfter(resp.Header.Get("Retry-After"))}
	case resp.StatusCode == http.StatusRequestedRangeNotSatisfiable:
		return &httpStatusError{resp.StatusCode, text, 0}
	default:
		return permanent(&httpStatusError{resp.StatusCode, text, 0})
	}
}

func retryAfter(v string) time.Duration {
	if v == "" {
		return 0
	}
	if s, err := strconv.Atoi(v); err == nil && s >= 0 {
		return time.Duration(s) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil {
		return time.Until(t)
	}
	return 0
}

// permanentError is not worth retrying (a 404, a size violation).
type permanentError struct{ error }

func (p permanentError) Unwrap() error { return p.error }

func permanent(err error) error { return permanentError{err} }

// withRetry runs try until it succeeds, fails permanently, or the attempts
// or time budget are spent.
func (h *HTTP) withRetry(ctx context.Context, what string, try func(context.Context) error) error {
	if _, err := retrying(ctx, h.retry, try); err != nil {
		return fmt.Errorf("%s from %s: %w", what, h.base.Host, err)
	}
	return nil
}

// retrying runs try until it succeeds, fails permanently, or r's attempts
// or time budget are spent. It returns how many tries it made and the last
// error, no longer marked permanent.
func retrying(ctx context.Context, r Retry, try func(context.Context) error) (tries int, err error) {
	deadline := time.Now().Add(r.Budget)
	for attempt := 0; attempt < max(1, r.Attempts); attempt++ {
		tries++
		if err = try(ctx); err == nil {
			return tries, nil
		}
		var p permanentError
		// A server too slow now is not faster in a second: what arrived
		// is kept for the next run.
		if errors.As(err, &p) || errors.Is(err, ErrTooSlow) || ctx.Err() != nil {
			break
		}
		delay := backoff(r, attempt)
		var se *httpStatusError
		if errors.As(err, &se) && se.retryAfter > delay {
			delay = se.retryAfter
		}
		if attempt+1 >= r.Attempts || time.Now().Add(delay).After(deadline) {
			break
		}
		select {
		case <-ctx.Done():
			return tries, ctx.Err()
		case <-time.After(delay):
		}
	}
	var p permanentError
	if errors.As(err, &p) {
		err = p.error
	}
	return tries, err
}

// backoff is "full jitter": uniform in [0, min(Max, Base·2^attempt)].
func backoff(r Retry, attempt int) time.Duration {
	c := r.Base << min(attempt, 20)
	if c > r.Max || c <= 0 {
		c = r.Max
	}
	return time.Duration(rand.Int64N(int64(c) + 1))
}

// watch cancels a transfer that makes no progress for the idle timeout
// (every read that brings bytes pushes that deadline back) or that, once
// the body flows, brings fewer than MinRate bytes a second in a
// RateWindow: a trickle of a byte every few seconds beats the idle
// timeout, not the rate.
func (h *HTTP) watch(ctx context.Context) (context.Context, func(io.Reader) io.Reader, context.CancelFunc) {
	ctx, cancel := context.WithCancelCause(ctx)
	if h.idle <= 0 && h.rate <= 0 {
		return ctx, func(r io.Reader) io.Reader { return r }, func() { cancel(nil) }
	}
	var got atomic.Int64 // bytes of the current rate window
	var idle *time.Timer
	if h.idle > 0 {
		idle = time.AfterFunc(h.idle, func() { cancel(fmt.Errorf("no data for %s", h.idle)) })
	}
	flowing := make(chan struct{}) // closed when the headers arrived
	if h.rate > 0 && h.window > 0 {
		least := int64(float64(h.rate) * h.window.Seconds())
		go func() {
			select {
			case <-flowing:
			case <-ctx.Done():
				return
			}
			tick := time.NewTicker(h.window)
			defer tick.Stop()
			for {
				select {
				case <-ctx.Done():
					return
				case <-tick.C:
					if n := got.Swap(0); n < least {
						cancel(fmt.Errorf("%w: %d bytes in %s, under the %d bytes a second this screen accepts", ErrTooSlow, n, h.window, h.rate))
						return
					}
				}
			}
		}()
	}
	var once gosync.Once
	wrap := func(r io.Reader) io.Reader {
		once.Do(func() {
			if idle != nil {
				idle.Reset(h.idle) // the headers arrived
			}
			close(flowing)
		})
		return progressReader{r, func(n int) {
			got.Add(int64(n))
			if idle != nil {
				idle.Reset(h.idle)
			}
		}, ctx}
	}
	return ctx, wrap, func() {
		if idle != nil {
			idle.Stop()
		}
		cancel(nil)
	}
}

type progressReader struct {
	r   io.Reader
	on  func(n int)
	ctx context.Context
}

func (p progressReader) Read(b []byte) (int, error) {
	n, err := p.r.Read(b)
	if n > 0 {
		p.on(n)
	}
	if err != nil && err != io.EOF {
		if cause := context.Cause(p.ctx); cause != nil {
			err = cause
		}
	}
	return n, err
}

type countingReader struct {
	r io.Reader
	n *atomic.Int64
}

func (c countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n.Add(int64(n))
	return n, err
}
