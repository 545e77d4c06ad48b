//go:build linux

package monitor

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"io"
	"math/big"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"gongkai/monitor/wire"
	"gongkai/sync/synctest"
)

// TestBehindNginx runs the monitor behind the real nginx with the server
// blocks of deploy/nginx/gongkai-monitor.conf (ports, certificate and
// upstream replaced): plain HTTP is sent to HTTPS, a screen's signed
// heartbeat goes through, and a login over HTTPS gets a Secure __Host-
// cookie because nginx says X-Forwarded-Proto: https from loopback.
func TestBehindNginx(t *testing.T) {
	bin := synctest.Nginx(t)
	m := newTestMonitor(t)
	m.clock.t = time.Now() // the certificate is checked against the real clock
	d := newDevice(t)
	m.enroll(t, d, "东湾村村委会大厅", "310118901201")

	dir := t.TempDir()
	pool := selfSigned(t, dir)
	plainAddr, tlsAddr := freeAddr(t), freeAddr(t)
	site, err := os.ReadFile("../deploy/nginx/gongkai-monitor.conf")
	if err != nil {
		t.Fatal(err)
	}
	conf := strings.NewReplacer(
		"listen 80;", "listen "+plainAddr+";",
		"listen 443 ssl http2;", "listen "+tlsAddr+" ssl http2;",
		"/etc/ssl/gongkai/monitor.crt", filepath.Join(dir, "cert.pem"),
		"/etc/ssl/gongkai/monitor.key", filepath.Join(dir, "key.pem"),
		"http://127.0.0.1:8090", m.http.URL,
	).Replace(string(site))
	for _, want := range []string{plainAddr, tlsAddr, m.http.URL, "cert.pem"} {
		if !strings.Contains(conf, want) {
			t.Fatalf("deploy/nginx/gongkai-monitor.conf changed: %s not substituted", want)
		}
	}
	user := ""
	if os.Getuid() == 0 {
		user = "user root;"
	}
	main := fmt.Sprintf(`%s
daemon off;
worker_processes 1;
pid %[2]s/nginx.pid;
error_log %[2]s/error.log warn;
events { worker_connections 64; }
http {
	access_log off;
	client_body_temp_path %[2]s/body;
	proxy_temp_path %[2]s/proxy;
	fastcgi_temp_path %[2]s/fastcgi;
	uwsgi_temp_path %[2]s/uwsgi;
	scgi_temp_path %[2]s/scgi;
	default_type application/octet-stream;
	%[3]s
}
`, user, dir, conf)
	cf := filepath.Join(dir, "nginx.conf")
	os.WriteFile(cf, []byte(main), 0o644)
	cmd := exec.Command(bin, "-c", cf, "-p", dir, "-e", filepath.Join(dir, "error.log"))
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.WaitDelay = 5 * time.Second
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		cmd.Wait()
	})
	for i := 0; ; i++ {
		if c, err := net.Dial("tcp", tlsAddr); err == nil {
			c.Close()
			break
		}
		if i > 200 {
			t.Fatalf("nginx did not start: %s", out.String())
		}
		time.Sleep(25 * time.Millisecond)
	}
	jar, _ := cookiejar.New(nil)
	client := &http.Client{Jar: jar, Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool, ServerName: "monitor.example.gov.cn"}},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	base := "https://" + tlsAddr + "/"

	resp, err := client.Get("http://" + plainAddr + "/login")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusMovedPermanently || !strings.HasPrefix(resp.Header.Get("Location"), "https://") {
		t.Errorf("plain HTTP: %d to %q", resp.StatusCode, resp.Header.Get("Location"))
	}

	body, _ := json.Marshal(m.beat(3))
	req, _ := http.NewRequest(http.MethodPost, base+wire.Path(wire.UploadHeartbeat), bytes.NewReader(body))
	wire.Sign(req.Header, d.key, wire.UploadHeartbeat, 1, body)
	resp, err = client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || m.Heartbeat(d.pub) == nil {
		t.Fatalf("heartbeat through nginx: %d", resp.StatusCode)
	}

	if err := m.SetPassword("clerk", "correct horse battery"); err != nil {
		t.Fatal(err)
	}
	resp, err = client.Get(base + "login")
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.Header.Get("Strict-Transport-Security") == "" || bytes.Contains(page, []byte("此连接未加密")) {
		t.Error("over nginx's TLS the page does not know it is HTTPS")
	}
	token := csrfPattern.FindSubmatch(page)[1]
	// an older browser sends Origin without Sec-Fetch-Site: it must match
	// the Host nginx passes on, port included
	post := func(path, origin string, form url.Values) *http.Response {
		t.Helper()
		req, _ := http.NewRequest(http.MethodPost, base+path, strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Origin", origin)
		resp, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp
	}
	login := url.Values{"csrf": {string(token)}, "name": {"clerk"}, "password": {"correct horse battery"}}
	if resp := post("login", "https://evil.example", login); resp.StatusCode != http.StatusForbidden {
		t.Errorf("a login posted from another origin: %d", resp.StatusCode)
	}
	resp = post("login", "https://"+tlsAddr, login)
	resp.Body.Close()
	var session *http.Cookie
	for _, c := range resp.Cookies() {
		if strings.HasSuffix(c.Name, sessionCookie) && c.MaxAge > 0 {
			session = c
		}
	}
	if resp.StatusCode != http.StatusSeeOther || session == nil || session.Name != "__Host-"+sessionCookie || !session.Secure {
		t.Fatalf("login over HTTPS: %d, cookie %+v", resp.StatusCode, session)
	}
	resp, err = client.Get(base)
	if err != nil {
		t.Fatal(err)
	}
	page, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !bytes.Contains(page, []byte("东湾村村委会大厅")) {
		t.Fatalf("the page over HTTPS: %d", resp.StatusCode)
	}
}

// selfSigned writes cert.pem and key.pem for monitor.example.gov.cn and
// returns a pool that trusts it.
func selfSigned(t *testing.T, dir string) *x509.CertPool {
	t.Helper()
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "monitor.example.gov.cn"},
		DNSNames: []string{"monitor.example.gov.cn"}, NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}, IsCA: true, BasicConstraintsValid: true}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	kd, _ := x509.MarshalECPrivateKey(key)
	os.WriteFile(filepath.Join(dir, "cert.pem"), pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o644)
	os.WriteFile(filepath.Join(dir, "key.pem"), pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kd}), 0o600)
	cert, _ := x509.ParseCertificate(der)
	pool := x509.NewCertPool()
	pool.AddCert(cert)
	return pool
}

func freeAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}
