package monitor

import (
	"bytes"
	"compress/gzip"
	"encoding/base64"
	"encoding/json"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"net/http"
	"strings"
	"testing"
	"time"

	"gongkai/monitor/wire"
)

// TestHeartbeatRecorded: an enrolled screen's heartbeat is its state and
// its first event, and the answer gives back the counter.
func TestHeartbeatRecorded(t *testing.T) {
	m := newTestMonitor(t)
	d := newDevice(t)
	m.enroll(t, d, "东湾村村委会大厅", "310118901201")
	body, _ := json.Marshal(m.beat(3))
	code, ans := m.upload(t, d, wire.UploadHeartbeat, body)
	if code != http.StatusOK || ans.Counter != d.counter {
		t.Fatalf("heartbeat: %d %+v", code, ans)
	}
	v, _ := m.fleet.get(d.pub)
	if v.State.Beat == nil || v.State.Beat.Feed.Version != 3 || v.State.Counter != d.counter {
		t.Fatalf("state after a heartbeat: %+v", v.State)
	}
	evs, err := m.events(d.pub, 10)
	if err != nil || len(evs) < 2 || evs[0].Kind != eventFirst {
		t.Fatalf("events: %v %+v", err, evs)
	}
}

// TestUploadAttacks: each rule of the upload gate refuses its attack with
// its status, and nothing of a refused upload is recorded.
func TestUploadAttacks(t *testing.T) {
	m := newTestMonitor(t)
	d := newDevice(t)
	m.enroll(t, d, "东湾村村委会大厅", "310118901201")
	stranger := newDevice(t)
	good, _ := json.Marshal(m.beat(3))
	// one accepted heartbeat, to replay
	d.counter = 100
	if code, _ := m.uploadWith(t, d.key, wire.UploadHeartbeat, wire.UploadHeartbeat, 100, good, good); code != http.StatusOK {
		t.Fatalf("the first heartbeat: %d", code)
	}
	altered := bytes.Replace(good, []byte(`"version":3`), []byte(`"version":9`), 1)
	for _, tc := range []struct {
		name      string
		code      int
		send      func() (int, wire.Answer)
		wantError string
	}{
		{"unknown key", http.StatusForbidden, func() (int, wire.Answer) {
			return m.uploadWith(t, stranger.key, wire.UploadHeartbeat, wire.UploadHeartbeat, 1, good, good)
		}, "not enrolled"},
		{"body altered after signing", http.StatusUnauthorized, func() (int, wire.Answer) {
			return m.uploadWith(t, d.key, wire.UploadHeartbeat, wire.UploadHeartbeat, 200, good, altered)
		}, "does not verify"},
		{"signed for another endpoint", http.StatusUnauthorized, func() (int, wire.Answer) {
			return m.uploadWith(t, d.key, wire.UploadHeartbeat, wire.UploadScreenshot, 201, good, good)
		}, "does not verify"},
		{"replayed as it was", http.StatusConflict, func() (int, wire.Answer) {
			return m.uploadWith(t, d.key, wire.UploadHeartbeat, wire.UploadHeartbeat, 100, good, good)
		}, "not above 100"},
		{"older counter", http.StatusConflict, func() (int, wire.Answer) {
			return m.uploadWith(t, d.key, wire.UploadHeartbeat, wire.UploadHeartbeat, 99, good, good)
		}, "not above 100"},
		{"another key's signature under this key", http.StatusUnauthorized, func() (int, wire.Answer) {
			req, _ := http.NewRequest(http.MethodPost, m.http.URL+"/"+wire.Path(wire.UploadHeartbeat), bytes.NewReader(good))
			wire.Sign(req.Header, stranger.key, wire.UploadHeartbeat, 300, good)
			req.Header.Set(wire.HeaderDevice, base64.StdEncoding.EncodeToString(d.pub))
			return m.do(t, req)
		}, "does not verify"},
		{"no signature", http.StatusUnauthorized, func() (int, wire.Answer) {
			req, _ := http.NewRequest(http.MethodPost, m.http.URL+"/"+wire.Path(wire.UploadHeartbeat), bytes.NewReader(good))
			return m.do(t, req)
		}, "not signed"},
		{"counter zero", http.StatusUnauthorized, func() (int, wire.Answer) {
			return m.uploadWith(t, d.key, wire.UploadHeartbeat, wire.UploadHeartbeat, 0, good, good)
		}, "not signed"},
		{"oversized, declared", http.StatusRequestEntityTooLarge, func() (int, wire.Answer) {
			big := bytes.Repeat([]byte(" "), wire.MaxHeartbeat+1)
			return m.uploadWith(t, d.key, wire.UploadHeartbeat, wire.UploadHeartbeat, 400, big, big)
		}, "over"},
		{"oversized, streamed without a length", http.StatusRequestEntityTooLarge, func() (int, wire.Answer) {
			big := bytes.Repeat([]byte(" "), wire.MaxHeartbeat+1)
			req, _ := http.NewRequest(http.MethodPost, m.http.URL+"/"+wire.Path(wire.UploadHeartbeat), struct{ *bytes.Reader }{bytes.NewReader(big)})
			wire.Sign(req.Header, d.key, wire.UploadHeartbeat, 401, big)
			return m.do(t, req)
		}, "over"},
		{"not JSON", http.StatusBadRequest, func() (int, wire.Answer) {
			b := []byte("<script>alert(1)</script>")
			return m.uploadWith(t, d.key, wire.UploadHeartbeat, wire.UploadHeartbeat, 500, b, b)
		}, "unreadable"},
		{"a mode we do not know", http.StatusBadRequest, func() (int, wire.Answer) {
			h := m.beat(3)
			h.Mode = "<b>x</b>"
			b, _ := json.Marshal(h)
			return m.uploadWith(t, d.key, wire.UploadHeartbeat, wire.UploadHeartbeat, 501, b, b)
		}, "mode"},
		{"a location that is not a code", http.StatusBadRequest, func() (int, wire.Answer) {
			h := m.beat(3)
			h.Location = "31011890120<"
			b, _ := json.Marshal(h)
			return m.uploadWith(t, d.key, wire.UploadHeartbeat, wire.UploadHeartbeat, 502, b, b)
		}, "location"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, ans := tc.send()
			if code != tc.code || !strings.Contains(ans.Error, tc.wantError) {
				t.Fatalf("answered %d %q, want %d and an error about %q", code, ans.Error, tc.code, tc.wantError)
			}
		})
	}
	v, _ := m.fleet.get(d.pub)
	if v.State.Counter != 100 || v.State.Beat.Feed.Version != 3 {
		t.Errorf("a refused upload changed the state: counter %d, version %d", v.State.Counter, v.State.Beat.Feed.Version)
	}
	if _, ok := m.fleet.get(stranger.pub); ok {
		t.Error("an unknown key got a state")
	}
}

// TestCounterRace: two uploads signed with one counter, sent at once:
// exactly one is recorded.
func TestCounterRace(t *testing.T) {
	m := newTestMonitor(t)
	d := newDevice(t)
	m.enroll(t, d, "东湾村", "310118901201")
	body, _ := json.Marshal(m.beat(1))
	codes := make(chan int, 8)
	for range 8 {
		go func() {
			code, _ := m.uploadWith(t, d.key, wire.UploadHeartbeat, wire.UploadHeartbeat, 7, body, body)
			codes <- code
		}()
	}
	ok := 0
	for range 8 {
		if <-codes == http.StatusOK {
			ok++
		}
	}
	if ok != 1 {
		t.Fatalf("%d of 8 uploads with one counter were accepted, want 1", ok)
	}
}

// TestHostileHeartbeatText: what a device says is cut to one line of
// printable text within limits before it is kept.
func TestHostileHeartbeatText(t *testing.T) {
	h := wire.Heartbeat{Mode: "touch", Location: "310118901201", Interval: 900, Program: "1.0\x1b]0;pwned\x07" + strings.Repeat("x", 500),
		Sync:    wire.Sync{Kind: "made-up", Error: "line one\nline two\x00" + strings.Repeat("错", 2000)},
		Notices: []wire.Notice{{ID: "a", Title: strings.Repeat("长", 10000)}}}
	body, _ := json.Marshal(h)
	got, err := wire.ParseHeartbeat(body)
	if err != nil {
		t.Fatal(err)
	}
	if strings.ContainsAny(got.Program+got.Sync.Error+got.Notices[0].Title, "\x1b\x07\x00\n") {
		t.Errorf("control characters kept: %q %q", got.Program, got.Sync.Error)
	}
	if len([]rune(got.Program)) > 65 || len([]rune(got.Sync.Error)) > 501 || len([]rune(got.Notices[0].Title)) > 301 {
		t.Errorf("text not cut: program %d, error %d, title %d runes", len([]rune(got.Program)), len([]rune(got.Sync.Error)), len([]rune(got.Notices[0].Title)))
	}
	if got.Sync.Kind != wire.KindOther {
		t.Errorf("an unknown kind kept as %q", got.Sync.Kind)
	}
	many := h
	many.Notices = make([]wire.Notice, wire.MaxNotices+1)
	for i := range many.Notices {
		many.Notices[i] = wire.Notice{ID: "n", Title: "t"}
	}
	body, _ = json.Marshal(many)
	if _, err := wire.ParseHeartbeat(body); err == nil {
		t.Error("a heartbeat over the notice limit was accepted")
	}
	bad := h
	bad.Notices = []wire.Notice{{ID: "x\x00y"}}
	body, _ = json.Marshal(bad)
	if _, err := wire.ParseHeartbeat(body); err == nil {
		t.Error("a notice id with a NUL byte was accepted")
	}
}

// TestProofUploadAttacks: a proof upload that is no gzip, a gzip bomb,
// an altered export and one signed by another key are refused.
func TestProofUploadAttacks(t *testing.T) {
	m := newTestMonitor(t)
	d := newDevice(t)
	m.enroll(t, d, "东湾村", "310118901201")
	pl := newProofLog(t, d.key, m.clock)
	pl.run(10*time.Minute, "a", "b")
	export := pl.export()

	bomb := func() []byte {
		var b bytes.Buffer
		zw, _ := gzip.NewWriterLevel(&b, gzip.BestCompression)
		zw.Write([]byte(`{"base":{},"export":"`))
		chunk := bytes.Repeat([]byte("A"), 1<<20)
		for range 70 {
			zw.Write(chunk)
		}
		zw.Close()
		return b.Bytes()
	}()
	if len(bomb) > wire.MaxProof {
		t.Fatalf("the bomb is %d bytes compressed: not a bomb", len(bomb))
	}
	other := newDevice(t)
	otherLog := newProofLog(t, other.key, m.clock)
	otherLog.run(time.Minute, "a")
	altered := bytes.Replace(export, []byte(`"公告 a"`), []byte(`"公告 A"`), 1)
	if bytes.Equal(altered, export) {
		t.Fatal("the alteration did not apply")
	}
	for _, tc := range []struct {
		name string
		body []byte
		code int
		want string
	}{
		{"not gzip", []byte(`{"base":{}}`), http.StatusBadRequest, "not gzip"},
		{"gzip bomb", bomb, http.StatusBadRequest, "over"},
		{"altered report", proofBody(t, altered, wire.Chain{}), http.StatusUnprocessableEntity, "report signature"},
		{"another device's export", proofBody(t, otherLog.export(), wire.Chain{}), http.StatusUnprocessableEntity, "signed by device"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, ans := m.upload(t, d, wire.UploadProof, tc.body)
			if code != tc.code || !strings.Contains(ans.Error, tc.want) {
				t.Fatalf("answered %d %q, want %d about %q", code, ans.Error, tc.code, tc.want)
			}
		})
	}
	if v, _ := m.fleet.get(d.pub); v.State.Chain != (chainState{}) {
		t.Errorf("a refused proof set the chain: %+v", v.State.Chain)
	}
	if code, ans := m.sendProof(t, d, export, wire.Chain{}); code != http.StatusOK {
		t.Fatalf("the genuine export after the attacks: %d %s", code, ans.Error)
	}
}

func jpegOf(t *testing.T, w, h int) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			img.Set(x, y, color.RGBA{uint8(x), uint8(y), 90, 255})
		}
	}
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img, &jpeg.Options{Quality: 60}); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// TestScreenshotAttacks: only a JPEG of sane size, at most every ten
// minutes, is kept.
func TestScreenshotAttacks(t *testing.T) {
	m := newTestMonitor(t)
	d := newDevice(t)
	m.enroll(t, d, "东湾村", "310118901201")
	var pngBuf bytes.Buffer
	png.Encode(&pngBuf, image.NewRGBA(image.Rect(0, 0, 64, 64)))
	// a JPEG header declaring 60000×60000: refused before decoding
	huge := jpegOf(t, 64, 64)
	for i := 0; i+8 < len(huge); i++ {
		if huge[i] == 0xFF && huge[i+1] == 0xC0 { // SOF0: height, width at +5
			huge[i+5], huge[i+6], huge[i+7], huge[i+8] = 0xEA, 0x60, 0xEA, 0x60
			break
		}
	}
	noise := make([]byte, wire.MaxScreenshot+1)
	for _, tc := range []struct {
		name string
		body []byte
		code int
		want string
	}{
		{"a PNG", pngBuf.Bytes(), http.StatusBadRequest, "want JPEG"},
		{"declared 60000×60000", huge, http.StatusBadRequest, "60000"},
		{"over 100 KB", noise, http.StatusRequestEntityTooLarge, "over"},
		{"not an image", []byte("<svg onload=alert(1)>"), http.StatusBadRequest, "not an image"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, ans := m.upload(t, d, wire.UploadScreenshot, tc.body)
			if code != tc.code || !strings.Contains(ans.Error, tc.want) {
				t.Fatalf("answered %d %q, want %d about %q", code, ans.Error, tc.code, tc.want)
			}
		})
	}
	if code, ans := m.upload(t, d, wire.UploadScreenshot, jpegOf(t, 960, 540)); code != http.StatusOK {
		t.Fatalf("a good screenshot: %d %s", code, ans.Error)
	}
	m.clock.add(5 * time.Minute)
	if code, _ := m.upload(t, d, wire.UploadScreenshot, jpegOf(t, 960, 540)); code != http.StatusTooManyRequests {
		t.Fatalf("a second screenshot five minutes later: %d, want 429", code)
	}
	v, _ := m.fleet.get(d.pub)
	if len(v.State.Shots) != 1 {
		t.Fatalf("%d screenshots kept, want 1", len(v.State.Shots))
	}
}

// TestKeepShots: the last 24, and one a day for a week before.
func TestKeepShots(t *testing.T) {
	tz := time.UTC
	start := time.Date(2026, 11, 1, 0, 30, 0, 0, tz)
	var shots []int64
	for h := range 24 * 20 { // 20 days, hourly
		shots = append(shots, start.Add(time.Duration(h)*time.Hour).UnixNano())
		shots, _ = keepShots(shots, tz)
	}
	if len(shots) != shotsRecent+shotsDays {
		t.Fatalf("%d kept, want %d", len(shots), shotsRecent+shotsDays)
	}
	for i := 1; i < len(shots); i++ {
		if shots[i] <= shots[i-1] {
			t.Fatal("kept out of order")
		}
	}
}
