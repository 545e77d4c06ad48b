package sync

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

var fastUpload = UploadOptions{Timeouts: testTimeouts, Retry: fastRetry, Timeout: 2 * time.Second}

// receiver is a loopback report receiver answering with the codes in turn
// (the last one for ever after), counting the requests it saw.
func receiver(t *testing.T, codes ...int) (*httptest.Server, *atomic.Int32, chan []byte) {
	t.Helper()
	var n atomic.Int32
	got := make(chan []byte, 16)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		i := int(n.Add(1)) - 1
		code := codes[min(i, len(codes)-1)]
		if r.Method != http.MethodPost || r.Header.Get("Content-Type") != "application/json" {
			code = http.StatusBadRequest
		}
		body, _ := io.ReadAll(r.Body)
		if code < 300 {
			got <- body
		}
		w.WriteHeader(code)
		io.WriteString(w, "receiver says\n"+http.StatusText(code))
	}))
	t.Cleanup(srv.Close)
	return srv, &n, got
}

func TestUploadRetriesWithinTheBound(t *testing.T) {
	body := []byte(`{"format":"test"}`)
	for _, tc := range []struct {
		name      string
		codes     []int
		wantTries int
		wantErr   string
	}{
		{"ok at once", []int{200}, 1, ""},
		{"201 is a success", []int{201}, 1, ""},
		{"500 then 200", []int{500, 200}, 2, ""},
		{"503 twice then 200", []int{503, 503, 200}, 3, ""},
		{"always 500", []int{500}, 3, `server answered 500 Internal Server Error "receiver says Internal Server Error" (gave up after 3 tries)`},
		{"429 then 500 for ever", []int{429, 500}, 3, "gave up after 3 tries"},
		{"403 is not retried", []int{403}, 1, "403 Forbidden"},
		{"a redirect is not followed", []int{302}, 1, "302 Found"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv, n, got := receiver(t, tc.codes...)
			tries, err := Upload(context.Background(), srv.URL+"/proof?token=secret", body, fastUpload)
			if tries != tc.wantTries || int(n.Load()) != tc.wantTries {
				t.Errorf("%d tries reported, %d requests seen; want %d", tries, n.Load(), tc.wantTries)
			}
			if tc.wantErr == "" {
				if err != nil {
					t.Fatalf("Upload: %v", err)
				}
				if b := <-got; string(b) != string(body) {
					t.Errorf("received %q", b)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Fatalf("Upload: %v, want %q", err, tc.wantErr)
			}
			if msg := err.Error(); strings.Contains(msg, "\n") || strings.Contains(msg, "secret") || !strings.HasPrefix(msg, "report to 127.0.0.1:") {
				t.Errorf("error is not one line naming only the host: %q", msg)
			}
		})
	}
}

func TestUploadUnreachable(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close() // nothing listens there now
	tries, err := Upload(context.Background(), "http://"+addr+"/proof", []byte("{}"), fastUpload)
	if err == nil || tries != 3 || !strings.Contains(strings.ToLower(err.Error()), "connection refused") || strings.Count(err.Error(), "http://") != 0 {
		t.Fatalf("Upload to %s: %d tries, %v", addr, tries, err)
	}
}

func TestUploadBoundsTheAnswerAndTheRequest(t *testing.T) {
	// An endless answer is read only up to the cap.
	endless := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusOK)
		chunk := []byte(strings.Repeat("x", 32<<10))
		for range 1 << 12 { // 128 MiB, unless the client hangs up
			if _, err := w.Write(chunk); err != nil {
				return
			}
		}
	}))
	defer endless.Close()
	if _, err := Upload(context.Background(), endless.URL, []byte("{}"), fastUpload); err != nil {
		t.Fatalf("endless 200 answer: %v", err)
	}

	// A receiver that never answers costs one timeout per try.
	stall := make(chan struct{})
	slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { <-stall }))
	defer slow.Close()
	defer close(stall)
	opt := fastUpload
	opt.Timeout = 100 * time.Millisecond
	start := time.Now()
	tries, err := Upload(context.Background(), slow.URL, []byte("{}"), opt)
	if err == nil || tries != 3 || !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("stalled receiver: %d tries, %v", tries, err)
	}
	if took := time.Since(start); took > 10*time.Second {
		t.Errorf("three 100 ms tries took %s", took)
	}
}

func TestUploadRefusesABadURL(t *testing.T) {
	for _, u := range []string{"", "ftp://x/y", "https:///path", "://"} {
		if tries, err := Upload(context.Background(), u, nil, fastUpload); err == nil || tries != 0 {
			t.Errorf("Upload(%q): %d tries, %v", u, tries, err)
		}
	}
}
