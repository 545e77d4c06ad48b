package monitor

import (
	"bytes"
	"crypto/ed25519"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"regexp"
	"strconv"
	gosync "sync"
	"testing"
	"time"

	"gongkai/feed"
	"gongkai/monitor/wire"
	"gongkai/proof"
)

func TestMain(m *testing.M) {
	// password hashing at test cost; the format and the check are the same
	argonParams = argonCost{Memory: 64, Time: 1, Threads: 1}
	os.Exit(m.Run())
}

// clock is a test clock that moves only when told.
type clock struct {
	mu gosync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// testMonitor is a monitor on a test server, with a clock of its own.
type testMonitor struct {
	*Server
	dir   string
	clock *clock
	http  *httptest.Server
}

func newTestMonitor(t *testing.T) *testMonitor { t.Helper(); return newTestMonitorF(t) }

func newTestMonitorF(t testing.TB) *testMonitor {
	t.Helper()
	c := &clock{t: time.Date(2026, 12, 5, 10, 0, 0, 0, time.UTC)}
	dir := t.TempDir()
	s, err := Open(dir, Options{Clock: c.now, Logger: testLogger()})
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(s)
	t.Cleanup(func() {
		hs.Close()
		s.Close()
	})
	return &testMonitor{Server: s, dir: dir, clock: c, http: hs}
}

// device is a screen's key and counter, for uploads.
type device struct {
	key     ed25519.PrivateKey
	pub     ed25519.PublicKey
	counter uint64
}

func newDevice(t *testing.T) *device { t.Helper(); return newDeviceF(t) }

func newDeviceF(t testing.TB) *device {
	t.Helper()
	pub, key, err := feed.GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	return &device{key: key, pub: pub}
}

func (m *testMonitor) enroll(t *testing.T, d *device, name, village string) {
	t.Helper()
	if err := m.Enroll(d.pub, name, village, "test"); err != nil {
		t.Fatal(err)
	}
}

// upload signs body for endpoint with the next counter and posts it.
func (m *testMonitor) upload(t *testing.T, d *device, endpoint string, body []byte) (int, wire.Answer) {
	t.Helper()
	d.counter++
	return m.uploadWith(t, d.key, endpoint, endpoint, d.counter, body, body)
}

// uploadWith posts sent, signed as signedFor over signed: the parts of an
// attack.
func (m *testMonitor) uploadWith(t *testing.T, key ed25519.PrivateKey, endpoint, signedFor string, counter uint64, signed, sent []byte) (int, wire.Answer) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, m.http.URL+"/"+wire.Path(endpoint), bytes.NewReader(sent))
	if err != nil {
		t.Fatal(err)
	}
	wire.Sign(req.Header, key, signedFor, counter, signed)
	return m.do(t, req)
}

func (m *testMonitor) do(t *testing.T, req *http.Request) (int, wire.Answer) {
	t.Helper()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var ans wire.Answer
	if err := json.Unmarshal(raw, &ans); err != nil {
		t.Fatalf("%s answered %d with %q", req.URL.Path, resp.StatusCode, raw)
	}
	return resp.StatusCode, ans
}

// beat is a plausible heartbeat at the monitor's time.
func (m *testMonitor) beat(version int64) wire.Heartbeat {
	now := m.clock.now()
	return wire.Heartbeat{At: now, Started: now.Add(-time.Hour), Program: "0.1.0", Mode: "display",
		Location: "310118901201", Place: "东湾村", Interval: 900,
		Feed:     wire.Feed{ID: "qinghe", Version: version, IssuedAt: now.Add(-24 * time.Hour), Expires: now.Add(29 * 24 * time.Hour), StaleAfter: 72 * 3600},
		Sync:     wire.Sync{LastSuccess: now.Add(-5 * time.Minute), LastAttempt: now.Add(-5 * time.Minute)},
		DiskFree: 20 << 30, DiskTotal: 60 << 30, Lit: true,
		Notices: []wire.Notice{{ID: "land-2026-017", Title: "东湾村三组集体土地征收补偿安置方案公告"}}}
}

func (m *testMonitor) sendBeat(t *testing.T, d *device, h wire.Heartbeat) {
	t.Helper()
	body, err := json.Marshal(h)
	if err != nil {
		t.Fatal(err)
	}
	if code, ans := m.upload(t, d, wire.UploadHeartbeat, body); code != http.StatusOK {
		t.Fatalf("heartbeat: %d %s", code, ans.Error)
	}
}

// Browsing: an operator with a cookie jar.

type browser struct {
	t      *testing.T
	m      *testMonitor
	client *http.Client
}

func (m *testMonitor) browser(t *testing.T) *browser {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	return &browser{t: t, m: m, client: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

func (b *browser) get(path string) (int, string) {
	b.t.Helper()
	resp, err := b.client.Get(b.m.http.URL + path)
	if err != nil {
		b.t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(raw)
}

func (b *browser) post(path string, form url.Values) (int, string, http.Header) {
	b.t.Helper()
	resp, err := b.client.PostForm(b.m.http.URL+path, form)
	if err != nil {
		b.t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(raw), resp.Header
}

var csrfPattern = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// csrf is the token of the first form on the page at path.
func (b *browser) csrf(path string) string {
	b.t.Helper()
	_, body := b.get(path)
	mt := csrfPattern.FindStringSubmatch(body)
	if mt == nil {
		b.t.Fatalf("no csrf field on %s:\n%s", path, body)
	}
	return mt[1]
}

// login logs in as name; the operator is made first.
func (b *browser) login(name, password string) {
	b.t.Helper()
	if err := b.m.SetPassword(name, password); err != nil {
		b.t.Fatal(err)
	}
	code, body, h := b.post("/login", url.Values{"csrf": {b.csrf("/login")}, "name": {name}, "password": {password}})
	if code != http.StatusSeeOther {
		b.t.Fatalf("login: %d %s\n%s", code, h.Get("Location"), body)
	}
}

// proofLog is a display log of a screen with key, kept in a temp dir,
// whose exports report the notices in ids.
type proofLog struct {
	t     *testing.T
	log   *proof.Log
	key   ed25519.PrivateKey
	clock *clock
	dir   string
}

func newProofLog(t *testing.T, key ed25519.PrivateKey, c *clock) *proofLog {
	t.Helper()
	dir := t.TempDir()
	l, err := proof.Open(dir, key, c.now)
	if err != nil {
		t.Fatal(err)
	}
	p := &proofLog{t: t, log: l, key: key, clock: c, dir: dir}
	t.Cleanup(func() { p.log.Close() }) // the log open then: a test may reopen it
	if err := l.ProgramUp(); err != nil {
		t.Fatal(err)
	}
	return p
}

// run shows ids for d, ticking every 30 s.
func (p *proofLog) run(d time.Duration, ids ...string) {
	p.t.Helper()
	if err := p.log.ScreenOn(true); err != nil {
		p.t.Fatal(err)
	}
	if err := p.log.Showing("display", ids); err != nil {
		p.t.Fatal(err)
	}
	for e := time.Duration(0); e < d; e += 30 * time.Second {
		p.clock.add(30 * time.Second)
		if err := p.log.Tick(); err != nil {
			p.t.Fatal(err)
		}
	}
}

// export is the log's signed export, reporting each notice seen.
func (p *proofLog) export() []byte {
	p.t.Helper()
	tz := time.UTC
	raw, err := p.log.Export(func(recs proof.Records) (proof.Report, error) {
		ev := proof.NewEvidence(recs)
		var covs []proof.Coverage
		for _, id := range sortedKeys(ev.Items) {
			n := proof.Notice{ID: id, Title: "公告 " + id, PostingDays: 10, Start: "2026-12-01"}
			covs = append(covs, proof.Evaluate(ev, n, tz, proof.Hours{}, p.clock.now()))
		}
		return proof.NewReport(p.log.PublicKey(), covs, tz, proof.Hours{}, p.clock.now()), nil
	})
	if err != nil {
		p.t.Fatal(err)
	}
	return raw
}

func sortedKeys[V any](m map[string]V) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	for i := range out {
		for j := i + 1; j < len(out); j++ {
			if out[j] < out[i] {
				out[i], out[j] = out[j], out[i]
			}
		}
	}
	return out
}

// sendProof uploads the export cut to follow base.
func (m *testMonitor) sendProof(t *testing.T, d *device, export []byte, base wire.Chain) (int, wire.Answer) {
	t.Helper()
	body := proofBody(t, export, base)
	return m.upload(t, d, wire.UploadProof, body)
}

func proofBody(t *testing.T, export []byte, base wire.Chain) []byte {
	t.Helper()
	up := wire.ProofUpload{Export: export}
	if base != (wire.Chain{}) {
		up = cutExport(t, export, base)
	}
	body, err := wire.EncodeProof(up)
	if err != nil {
		t.Fatal(err)
	}
	return body
}

// cutExport is what the agent sends (agent.Cut, restated so this package's
// tests do not import the agent).
func cutExport(t *testing.T, export []byte, base wire.Chain) wire.ProofUpload {
	t.Helper()
	var x proof.Export
	if err := json.Unmarshal(export, &x); err != nil {
		t.Fatal(err)
	}
	ss, es := []proof.SummaryJSON{}, []proof.EntryJSON{}
	for _, s := range x.Summaries {
		if s.FirstSeq > base.Summarized {
			ss = append(ss, s)
		}
	}
	for _, e := range x.Entries {
		if e.Seq > base.Seq {
			es = append(es, e)
		}
	}
	x.Summaries, x.Entries = ss, es
	raw, err := wire.Marshal(x)
	if err != nil {
		t.Fatal(err)
	}
	return wire.ProofUpload{Base: base, Export: raw}
}

func itoa(n int) string { return strconv.Itoa(n) }

// testLogger: quiet, unless GONGKAI_TEST_LOG is set.
func testLogger() *slog.Logger {
	if os.Getenv("GONGKAI_TEST_LOG") != "" {
		return slog.New(slog.NewTextHandler(os.Stderr, nil))
	}
	return slog.New(slog.DiscardHandler)
}
