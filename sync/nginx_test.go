//go:build !windows

package sync

import (
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"gongkai/sync/synctest"
)

// startNginx serves root with the real nginx from Debian on a free loopback
// port, for as long as the test runs. It fails the test when nginx is not
// installed (make test installs it), and skips only under -short.
func startNginx(t testing.TB, root string) (url string, accessLog func() []string) {
	t.Helper()
	return startNginxWith(t, root, "")
}

// startNginxWith is startNginx with more directives in the server block
// (limit_rate, a location that answers 304).
func startNginxWith(t testing.TB, root, server string) (url string, accessLog func() []string) {
	t.Helper()
	bin := synctest.Nginx(t)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	dir := t.TempDir()
	user := ""
	if os.Getuid() == 0 {
		user = "user root;" // workers would otherwise drop to nobody and not read t.TempDir()
	}
	conf := fmt.Sprintf(`%s
daemon off;
master_process on;
worker_processes 1;
pid %[2]s/nginx.pid;
error_log %[2]s/error.log warn;
events { worker_connections 256; }
http {
	log_format req '$request $status $body_bytes_sent';
	access_log %[2]s/access.log req;
	client_body_temp_path %[2]s/body;
	proxy_temp_path %[2]s/proxy;
	fastcgi_temp_path %[2]s/fastcgi;
	uwsgi_temp_path %[2]s/uwsgi;
	scgi_temp_path %[2]s/scgi;
	types { application/json json; }
	default_type application/octet-stream;
	sendfile on;
	etag on;
	server {
		listen %[3]s;
		root %[4]s;
		%[5]s
	}
}
`, user, dir, addr, root, server)
	cf := filepath.Join(dir, "nginx.conf")
	if err := os.WriteFile(cf, []byte(conf), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "-c", cf, "-p", dir, "-e", filepath.Join(dir, "error.log"))
	out := &strings.Builder{}
	cmd.Stdout, cmd.Stderr = out, out
	// Its own process group, so the cleanup stops the workers too (killing
	// only the master would leave them holding our output pipe).
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.WaitDelay = 5 * time.Second
	if err := cmd.Start(); err != nil {
		t.Fatalf("start nginx: %v", err)
	}
	t.Cleanup(func() {
		syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		cmd.Wait()
	})
	// Wait until it accepts connections (bounded: this is readiness, not a timed assertion).
	for i := 0; ; i++ {
		c, err := net.Dial("tcp", addr)
		if err == nil {
			c.Close()
			break
		}
		if i > 200 {
			t.Fatalf("nginx did not start: %s", out)
		}
		time.Sleep(25 * time.Millisecond)
	}
	logPath := filepath.Join(dir, "access.log")
	return "http://" + addr + "/", func() []string {
		data, _ := os.ReadFile(logPath)
		return strings.Split(strings.TrimSpace(string(data)), "\n")
	}
}
