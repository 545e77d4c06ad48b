package monitor

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/netip"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"gongkai/feed"
	"gongkai/monitor/wire"
	"gongkai/proof"
)

// TestLoginRequired: every page but the login wants a session; a GET goes
// to the login page and comes back after it.
func TestLoginRequired(t *testing.T) {
	m := newTestMonitor(t)
	b := m.browser(t)
	for _, path := range []string{"/", "/notices", "/enroll", "/screens/0123456789abcdef", "/notices/x/csv"} {
		resp, err := b.client.Get(m.http.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if loc := resp.Header.Get("Location"); resp.StatusCode != http.StatusSeeOther || loc != "/login?next="+url.QueryEscape(path) {
			t.Errorf("GET %s without a session: %d to %q", path, resp.StatusCode, loc)
		}
	}
	if code, _, _ := b.post("/enroll", url.Values{"name": {"x"}}); code != http.StatusForbidden {
		t.Errorf("POST /enroll without a session: %d", code)
	}
	// after the login, back to where the operator was going
	if err := m.SetPassword("clerk", "correct horse battery"); err != nil {
		t.Fatal(err)
	}
	code, _, h := b.post("/login", url.Values{"csrf": {b.csrf("/login?next=%2Fnotices")}, "name": {"clerk"},
		"password": {"correct horse battery"}, "next": {"/notices"}})
	if code != http.StatusSeeOther || h.Get("Location") != "/notices" {
		t.Fatalf("login: %d to %q", code, h.Get("Location"))
	}
	if code, body := b.get("/notices"); code != http.StatusOK || !strings.Contains(body, "公告") {
		t.Fatalf("after the login: %d", code)
	}
}

// TestLoginAttacks: a wrong password, a guessing run (throttled even with
// the right password after five), no CSRF token, an open redirect.
func TestLoginAttacks(t *testing.T) {
	m := newTestMonitor(t)
	if err := m.SetPassword("clerk", "correct horse battery"); err != nil {
		t.Fatal(err)
	}
	b := m.browser(t)
	try := func(pw string) int {
		code, _, _ := b.post("/login", url.Values{"csrf": {b.csrf("/login")}, "name": {"clerk"}, "password": {pw}})
		return code
	}
	if code, _, _ := b.post("/login", url.Values{"name": {"clerk"}, "password": {"correct horse battery"}}); code != http.StatusForbidden {
		t.Errorf("login without the form's token: %d", code)
	}
	for i := range 5 {
		if code := try(fmt.Sprintf("guess %d", i)); code != http.StatusUnauthorized {
			t.Fatalf("wrong password %d: %d", i, code)
		}
	}
	if code := try("correct horse battery"); code != http.StatusTooManyRequests {
		t.Errorf("the right password after five wrong ones: %d, want 429", code)
	}
	m.clock.add(throttleWindow)
	if code := try("correct horse battery"); code != http.StatusSeeOther {
		t.Errorf("the right password after the window: %d", code)
	}
	// an unknown name is refused like a wrong password
	b2 := m.browser(t)
	code, body, _ := b2.post("/login", url.Values{"csrf": {b2.csrf("/login")}, "name": {"nobody"}, "password": {"x"}})
	if code != http.StatusUnauthorized || !strings.Contains(body, "用户名或密码不对") {
		t.Errorf("unknown name: %d", code)
	}
	// next= may only lead to a page of this site
	for _, next := range []string{"//evil.example/", "https://evil.example/", "/\\evil.example"} {
		b3 := m.browser(t)
		_, _, h := b3.post("/login", url.Values{"csrf": {b3.csrf("/login")}, "name": {"clerk"}, "password": {"correct horse battery"}, "next": {next}})
		if loc := h.Get("Location"); loc != "/" {
			t.Errorf("next=%q redirected to %q", next, loc)
		}
	}
}

// TestPasswordStored: argon2id in PHC form, never the password.
func TestPasswordStored(t *testing.T) {
	m := newTestMonitor(t)
	if err := m.SetPassword("clerk", "correct horse battery"); err != nil {
		t.Fatal(err)
	}
	if err := m.SetPassword("clerk", "short"); err == nil {
		t.Error("a 5-character password was accepted")
	}
	m.Close()
	raw, err := os.ReadFile(filepath.Join(m.dir, dbFile))
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(raw, []byte("correct horse battery")) {
		t.Fatal("the password is in the database")
	}
	if !bytes.Contains(raw, []byte("$argon2id$v=19$")) {
		t.Fatal("no argon2id hash in the database")
	}
	if ok, err := verifyPassword("$argon2id$v=19$m=99999999,t=1,p=1$AAAA$AAAA", "x"); ok || err == nil {
		t.Error("a hash asking for 100 GB of memory was run")
	}
}

// TestSessionCookies: HttpOnly and SameSite always; Secure with the
// __Host- prefix when the browser came over HTTPS, which only a trusted
// proxy may say; a new session at each login, none after logout.
func TestSessionCookies(t *testing.T) {
	m := newTestMonitor(t)
	if err := m.SetPassword("clerk", "correct horse battery"); err != nil {
		t.Fatal(err)
	}
	login := func(proto string, trusted bool) *http.Cookie {
		t.Helper()
		if trusted {
			m.opt.TrustedProxies = []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8"), netip.MustParsePrefix("::1/128")}
		} else {
			m.opt.TrustedProxies = []netip.Prefix{netip.MustParsePrefix("10.9.9.9/32")}
		}
		b := m.browser(t)
		get, _ := http.NewRequest(http.MethodGet, m.http.URL+"/login", nil)
		get.Header.Set("X-Forwarded-Proto", proto)
		resp, err := b.client.Do(get)
		if err != nil {
			t.Fatal(err)
		}
		var buf bytes.Buffer
		buf.ReadFrom(resp.Body)
		resp.Body.Close()
		token := csrfPattern.FindStringSubmatch(buf.String())[1]
		var login *http.Cookie
		for _, c := range resp.Cookies() {
			login = c
		}
		form := url.Values{"csrf": {token}, "name": {"clerk"}, "password": {"correct horse battery"}}
		req, _ := http.NewRequest(http.MethodPost, m.http.URL+"/login", strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("X-Forwarded-Proto", proto)
		req.AddCookie(&http.Cookie{Name: login.Name, Value: login.Value})
		resp, err = http.DefaultTransport.RoundTrip(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		for _, c := range resp.Cookies() {
			if strings.HasSuffix(c.Name, sessionCookie) && c.MaxAge > 0 {
				return c
			}
		}
		t.Fatalf("no session cookie (proto %s, trusted %v): %d", proto, trusted, resp.StatusCode)
		return nil
	}
	plain := login("", true)
	if plain.Name != sessionCookie || plain.Secure || !plain.HttpOnly || plain.SameSite != http.SameSiteLaxMode {
		t.Errorf("over plain HTTP: %+v", plain)
	}
	tls := login("https", true)
	if tls.Name != "__Host-"+sessionCookie || !tls.Secure || !tls.HttpOnly || tls.Path != "/" || tls.Domain != "" {
		t.Errorf("over HTTPS through the trusted proxy: %+v", tls)
	}
	spoofed := login("https", false)
	if spoofed.Secure || spoofed.Name != sessionCookie {
		t.Errorf("X-Forwarded-Proto from an untrusted address was believed: %+v", spoofed)
	}
	again := login("", true)
	if strings.Split(again.Value, ".")[0] == strings.Split(plain.Value, ".")[0] {
		t.Error("a second login reused the session id")
	}

	// logout ends the session: its cookie no longer opens a page
	m.opt.TrustedProxies = nil
	b := m.browser(t)
	b.login("clerk2", "another good password")
	u, _ := url.Parse(m.http.URL)
	stolen := b.client.Jar.Cookies(u)
	if code, _, _ := b.post("/logout", url.Values{"csrf": {b.csrf("/")}}); code != http.StatusSeeOther {
		t.Fatalf("logout: %d", code)
	}
	thief := m.browser(t)
	thief.client.Jar.SetCookies(u, stolen)
	if code, _ := thief.get("/"); code != http.StatusSeeOther {
		t.Errorf("the cookie of a logged-out session still opens a page: %d", code)
	}
	// a session secret that does not match its id opens nothing
	forged := m.browser(t)
	id := strings.Split(again.Value, ".")[0]
	forged.client.Jar.SetCookies(u, []*http.Cookie{{Name: sessionCookie, Value: id + ".wrongsecret"}})
	if code, _ := forged.get("/"); code != http.StatusSeeOther {
		t.Errorf("a session id with a wrong secret opened a page: %d", code)
	}
}

// TestCSRF: every form that posts carries the token; a post without it,
// with another session's, or from another site is refused.
func TestCSRF(t *testing.T) {
	m := newTestMonitor(t)
	a, b := m.browser(t), m.browser(t)
	a.login("clerk", "correct horse battery")
	b.login("other", "another good password")
	// every POST form on every page has a csrf field
	shown := newDevice(t)
	m.enroll(t, shown, "村委会", "310118901201")
	sv, _ := m.fleet.get(shown.pub)
	formPattern := strings.NewReplacer("\n", " ")
	for _, path := range []string{"/", "/enroll", "/notices", screenURL(sv.ID)} {
		_, body := a.get(path)
		body = formPattern.Replace(body)
		for _, f := range strings.Split(body, "<form")[1:] {
			f = f[:strings.Index(f, "</form>")]
			if strings.Contains(f, `method="post"`) && !csrfPattern.MatchString(f) {
				t.Errorf("a form on %s posts without a csrf field: %.200s", path, f)
			}
		}
	}
	key := string(feed.EncodePublicKey(newDevice(t).pub))
	form := url.Values{"key": {key}, "name": {"村委会"}, "village": {"310118901201"}}
	if code, _, _ := a.post("/enroll", form); code != http.StatusForbidden {
		t.Errorf("enrol without a token: %d", code)
	}
	form.Set("csrf", b.csrf("/enroll"))
	if code, _, _ := a.post("/enroll", form); code != http.StatusForbidden {
		t.Errorf("enrol with another session's token: %d", code)
	}
	form.Set("csrf", a.csrf("/enroll"))
	req, _ := http.NewRequest(http.MethodPost, m.http.URL+"/enroll", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	resp, err := a.client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden {
		t.Errorf("a cross-site POST with a good token: %d", resp.StatusCode)
	}
	if len(m.fleet.all()) != 1 {
		t.Fatal("a refused form enrolled a screen")
	}
	if code, _, h := a.post("/enroll", form); code != http.StatusSeeOther || !strings.Contains(h.Get("Location"), "enrolled=1") {
		t.Fatalf("enrol with the token: %d %s", code, h.Get("Location"))
	}
	if code, _, _ := a.post("/logout", url.Values{}); code != http.StatusForbidden {
		t.Errorf("logout without a token: %d", code)
	}
}

// TestEnrollForms: a device.pub uploaded as a file, a duplicate, a bad
// village, a key that is not one.
func TestEnrollForms(t *testing.T) {
	m := newTestMonitor(t)
	b := m.browser(t)
	b.login("clerk", "correct horse battery")
	d := newDevice(t)
	post := func(fields map[string]string, file []byte) (int, string) {
		var body bytes.Buffer
		mw := multipart.NewWriter(&body)
		mw.WriteField("csrf", b.csrf("/enroll"))
		for k, v := range fields {
			mw.WriteField(k, v)
		}
		if file != nil {
			fw, _ := mw.CreateFormFile("keyfile", "device.pub")
			fw.Write(file)
		}
		mw.Close()
		resp, err := b.client.Post(m.http.URL+"/enroll", mw.FormDataContentType(), &body)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var out bytes.Buffer
		out.ReadFrom(resp.Body)
		return resp.StatusCode, out.String()
	}
	pubFile := feed.EncodePublicKey(d.pub)
	if code, body := post(map[string]string{"name": "东湾村村委会大厅", "village": "310118901201"}, pubFile); code != http.StatusSeeOther {
		t.Fatalf("enrol with a file: %d\n%s", code, body)
	}
	for _, tc := range []struct {
		fields map[string]string
		file   []byte
		want   string
	}{
		{map[string]string{"name": "又一次", "village": "310118901201"}, pubFile, "已经登记过"},
		{map[string]string{"name": "村委会", "village": "31011"}, feed.EncodePublicKey(newDevice(t).pub), "区划代码"},
		{map[string]string{"name": "", "village": "310118901201"}, feed.EncodePublicKey(newDevice(t).pub), "名称"},
		{map[string]string{"name": "村委会", "village": "310118901201", "key": "<script>alert(1)</script>"}, nil, "设备公钥读不出来"},
	} {
		code, body := post(tc.fields, tc.file)
		if code != http.StatusBadRequest || !strings.Contains(body, tc.want) {
			t.Errorf("%v: %d, want 400 saying %s", tc.fields, code, tc.want)
		}
		if strings.Contains(body, "<script>alert(1)</script>") {
			t.Error("the refused key is echoed unescaped")
		}
	}
	if n := len(m.fleet.all()); n != 1 {
		t.Fatalf("%d screens enrolled, want 1", n)
	}
}

// hostile strings a device might send; none may become markup.
const hostileTitle = `<script>document.title='pwned'</script><img src=x onerror="document.title='pwned'">`

// TestDeviceTextEscaped: a hostile title, error, place and program are
// text on every page, and formula cells are defused in the CSV.
func TestDeviceTextEscaped(t *testing.T) {
	m := newTestMonitor(t)
	d := newDevice(t)
	m.enroll(t, d, "东湾村", "310118901201")
	h := m.beat(2)
	h.Notices = []wire.Notice{{ID: "evil", Title: hostileTitle}}
	h.Sync = wire.Sync{Kind: wire.KindNetwork, Error: `<img src=x onerror=alert(1)>"'&`, LastAttempt: h.At}
	h.Place = `<b onmouseover=alert(1)>村</b>`
	h.Program = `"><script>alert(2)</script>`
	m.sendBeat(t, d, h)
	pl := newProofLog(t, d.key, m.clock)
	pl.run(10*time.Minute, "evil")
	export := pl.export()
	// the report's title comes from the screen too
	export = bytes.ReplaceAll(export, []byte(`"公告 evil"`), []byte(mustJSON(hostileTitle)))
	export = forgeReport(t, export, d)
	if code, ans := m.sendProof(t, d, export, wire.Chain{}); code != http.StatusOK {
		t.Fatalf("proof: %d %s", code, ans.Error)
	}
	b := m.browser(t)
	b.login("clerk", "correct horse battery")
	v, _ := m.fleet.get(d.pub)
	for _, path := range []string{"/", screenURL(v.ID), "/notices", "/notices/evil"} {
		code, body := b.get(path)
		if code != http.StatusOK {
			t.Fatalf("%s: %d", path, code)
		}
		for _, bad := range []string{"<script>", "<img src=x", "<b onmouseover"} {
			if strings.Contains(body, bad) {
				t.Errorf("%s contains %q unescaped", path, bad)
			}
		}
	}
	_, page := b.get(screenURL(v.ID))
	if !strings.Contains(page, "&lt;img src=x onerror=alert(1)&gt;") {
		t.Error("the error string is not on the screen's page as text")
	}
	resp, err := b.client.Get(m.http.URL + "/notices/evil/csv")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if h := resp.Header.Get("Content-Security-Policy"); !strings.Contains(h, "default-src 'none'") {
		t.Errorf("CSV without the page's CSP: %q", h)
	}
	rows, err := csv.NewReader(resp.Body).ReadAll()
	if err != nil || len(rows) != 2 {
		t.Fatalf("csv: %v %d rows", err, len(rows))
	}
	_, page = b.get("/")
	for _, hdr := range []string{"Content-Security-Policy", "X-Frame-Options", "X-Content-Type-Options", "Referrer-Policy"} {
		r, _ := b.client.Get(m.http.URL + "/")
		r.Body.Close()
		if r.Header.Get(hdr) == "" {
			t.Errorf("the page has no %s", hdr)
		}
	}
}

func mustJSON(s string) string {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.Encode(s)
	return strings.TrimSpace(b.String())
}

// forgeReport signs an export's report again after a test edited it (the
// chain is untouched).
func forgeReport(t *testing.T, export []byte, d *device) []byte {
	t.Helper()
	return forge(t, export, d.key, func([]proof.Entry) {})
}

// TestCSVFormulas: a cell that starts like a formula is text.
func TestCSVFormulas(t *testing.T) {
	got := cells("=HYPERLINK(\"http://x\")", "+1", "-1", "@SUM(A1)", "\t=1", "普通", "")
	want := []string{"'=HYPERLINK(\"http://x\")", "'+1", "'-1", "'@SUM(A1)", "'\t=1", "普通", ""}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("cell %d: %q, want %q", i, got[i], want[i])
		}
	}
}

// TestStatuses: silent for two heartbeats is offline; a failed sync; two
// versions behind is stale; and the alerts say so.
func TestStatuses(t *testing.T) {
	m := newTestMonitor(t)
	devs := map[string]*device{}
	for _, name := range []string{"正常", "离线", "同步失败", "过期"} {
		d := newDevice(t)
		devs[name] = d
		m.enroll(t, d, name+"屏", "310118901201")
	}
	m.sendBeat(t, devs["离线"], m.beat(3))
	m.clock.add(34 * time.Minute) // two 15-minute heartbeats missed, and their jitter
	m.sendBeat(t, devs["正常"], m.beat(3))
	failed := m.beat(3)
	failed.Sync.Kind, failed.Sync.Error = wire.KindSignature, "feed: bad signature"
	m.sendBeat(t, devs["同步失败"], failed)
	m.sendBeat(t, devs["过期"], m.beat(1))

	now := m.clock.now()
	all := m.fleet.all()
	latest := latestVersions(all)
	for name, d := range devs {
		v, _ := m.fleet.get(d.pub)
		j := judge(v, latest, now)
		want := map[string]Status{"正常": StatusOK, "离线": StatusOffline, "同步失败": StatusSyncFailed, "过期": StatusStale}[name]
		if j.Status != want {
			t.Errorf("%s: %s (%s), want %s", name, j.Status, j.Why, want)
		}
	}
	b := m.browser(t)
	b.login("clerk", "correct horse battery")
	_, page := b.get("/")
	for _, want := range []string{"台屏幕已连续两次没有按时上报", "台屏幕的数据源落后最新版两个版本以上", "台屏幕同步失败",
		"数据签名不符", "落后最新版 2 个版本", `class="badge offline"`} {
		if !strings.Contains(page, want) {
			t.Errorf("the page does not say %q", want)
		}
	}
	_, page = b.get("/?status=offline")
	if !strings.Contains(page, "离线屏") || strings.Contains(page, "正常屏") {
		t.Error("the offline filter")
	}
}

// TestScreensPaged: 120 screens, 50 a page.
func TestScreensPaged(t *testing.T) {
	m := newTestMonitor(t)
	for i := range 120 {
		d := newDevice(t)
		m.enroll(t, d, fmt.Sprintf("屏幕%03d", i), fmt.Sprintf("3101189012%02d", i%7))
	}
	b := m.browser(t)
	b.login("clerk", "correct horse battery")
	_, page := b.get("/?page=3")
	if !strings.Contains(page, "第 3 / 3 页") || strings.Count(page, `class="name"`) != 20 {
		t.Fatalf("page 3 of 120 screens: %d rows", strings.Count(page, `class="name"`))
	}
}

// TestArchive: a notice's archive verifies under the monitor key, and a
// changed byte, or another monitor's key, does not.
func TestArchive(t *testing.T) {
	m := newTestMonitor(t)
	for i := range 2 {
		d := newDevice(t)
		m.enroll(t, d, fmt.Sprintf("屏幕%d", i), "310118901201")
		pl := newProofLog(t, d.key, m.clock)
		pl.run(30*time.Minute, "land-1", "school-2")
		if code, ans := m.sendProof(t, d, pl.export(), wire.Chain{}); code != http.StatusOK {
			t.Fatalf("proof: %d %s", code, ans.Error)
		}
	}
	data, err := m.Archive("land-1")
	if err != nil {
		t.Fatal(err)
	}
	a, err := VerifyArchive(data, m.PublicKey())
	if err != nil {
		t.Fatal(err)
	}
	if len(a.Screens) != 2 || a.Screens[0].Notice.ShownSeconds == 0 {
		t.Fatalf("archive: %d screens, %+v", len(a.Screens), a.Screens[0].Notice)
	}
	changed := bytes.Replace(data, []byte(`"shown_seconds": 1800`), []byte(`"shown_seconds": 9999`), 1)
	if bytes.Equal(changed, data) {
		t.Fatal("the change did not apply")
	}
	if _, err := VerifyArchive(changed, m.PublicKey()); err == nil {
		t.Error("a changed archive verifies")
	}
	if _, err := VerifyArchive(data, newDevice(t).pub); err == nil {
		t.Error("the archive verifies under another monitor key")
	}
}

// TestRemove: a screen taken off the monitor leaves the page, its uploads
// are refused, and enrolling it again brings it back with its state.
func TestRemove(t *testing.T) {
	m := newTestMonitor(t)
	d := newDevice(t)
	m.enroll(t, d, "旧屏幕", "310118901201")
	m.sendBeat(t, d, m.beat(3))
	v, _ := m.fleet.get(d.pub)
	b := m.browser(t)
	b.login("clerk", "correct horse battery")
	if code, _, _ := b.post(screenURL(v.ID)+"/remove", url.Values{}); code != http.StatusForbidden {
		t.Fatalf("remove without a token: %d", code)
	}
	if code, _, _ := b.post(screenURL(v.ID)+"/remove", url.Values{"csrf": {b.csrf(screenURL(v.ID))}}); code != http.StatusSeeOther {
		t.Fatalf("remove: %d", code)
	}
	if _, page := b.get("/"); strings.Contains(page, "旧屏幕") {
		t.Error("a removed screen is still listed")
	}
	body, _ := json.Marshal(m.beat(3))
	if code, _ := m.upload(t, d, wire.UploadHeartbeat, body); code != http.StatusForbidden {
		t.Errorf("an upload from a removed screen: %d", code)
	}
	m.enroll(t, d, "旧屏幕", "310118901201")
	if v, _ := m.fleet.get(d.pub); v.State.Beat == nil {
		t.Error("enrolled again, the screen lost its state")
	}
}
