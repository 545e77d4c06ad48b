package cli

import (
	"bytes"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"

	"gongkai/monitor"
	"gongkai/proof"
)

// TestMonitorCommands: enrol a provisioned screen's device.pub, set an
// operator's password from stdin, and the one-line refusals.
func TestMonitorCommands(t *testing.T) {
	data, _ := demoScreen(t)
	dir := filepath.Join(t.TempDir(), "monitor")
	pubFile := filepath.Join(data, proof.DevicePubFile)
	out := mustRun(t, "monitor", "enroll", "--data", dir, "--device", pubFile, "--village", "310118901201", "--name", "东湾村村委会大厅")
	if !strings.HasPrefix(out, "enrolled ") || !strings.Contains(out, "东湾村村委会大厅") {
		t.Fatalf("enroll: %q", out)
	}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"monitor", "enroll", "--data", dir, "--device", pubFile, "--village", "310118901201", "--name", "又一次"}, "already enrolled"},
		{[]string{"monitor", "enroll", "--data", dir, "--device", pubFile, "--village", "31", "--name", "x"}, "village"},
		{[]string{"monitor", "enroll", "--data", dir, "--device", filepath.Join(data, "config.toml"), "--village", "310118901201", "--name", "x"}, "public key"},
	} {
		_, errOut, code := run(t, tc.args...)
		if code != 1 || !strings.Contains(errOut, tc.want) || strings.Count(errOut, "\n") != 1 {
			t.Errorf("%v: exit %d, %q; want one line about %s", tc.args[1:4], code, errOut, tc.want)
		}
	}

	var stdout, stderr bytes.Buffer
	code := Main([]string{"monitor", "user", "--data", dir, "--name", "clerk"}, &Env{Stdout: &stdout, Stderr: &stderr, Stdin: strings.NewReader("correct horse battery\n")})
	if code != 0 || !strings.Contains(stdout.String(), "password set for clerk") {
		t.Fatalf("user: exit %d %q %q", code, stdout.String(), stderr.String())
	}
	stderr.Reset()
	code = Main([]string{"monitor", "user", "--data", dir, "--name", "clerk"}, &Env{Stdout: &stdout, Stderr: &stderr, Stdin: strings.NewReader("short\n")})
	if code != 1 || !strings.Contains(stderr.String(), "at least 10") {
		t.Errorf("a short password: exit %d %q", code, stderr.String())
	}

	// a running monitor holds the database: the command says what to do
	srv, err := monitor.Open(dir, monitor.Options{Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	if got := srv.Screens(); len(got) != 1 || !strings.Contains(got[0], "东湾村村委会大厅") {
		t.Fatalf("screens: %v", got)
	}
	_, errOut, code := run(t, "monitor", "enroll", "--data", dir, "--device", pubFile, "--village", "310118901201", "--name", "x")
	if code != 1 || !strings.Contains(errOut, "登记屏幕") {
		t.Errorf("enrol beside a running monitor: exit %d %q", code, errOut)
	}
}
