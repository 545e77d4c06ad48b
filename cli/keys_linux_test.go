package cli

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// openPTY opens a pseudo-terminal: the side a person types into, and the
// terminal the program reads.
func openPTY(t *testing.T) (typist, terminal *os.File) {
	t.Helper()
	m, err := os.OpenFile("/dev/ptmx", os.O_RDWR, 0)
	if err != nil {
		t.Skipf("no pseudo-terminals here: %v", err)
	}
	n, err := unix.IoctlGetInt(int(m.Fd()), unix.TIOCGPTN)
	if err == nil {
		err = unix.IoctlSetPointerInt(int(m.Fd()), unix.TIOCSPTLCK, 0)
	}
	if err != nil {
		t.Fatal(err)
	}
	s, err := os.OpenFile(fmt.Sprintf("/dev/pts/%d", n), os.O_RDWR|unix.O_NOCTTY, 0)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close(); m.Close() })
	return m, s
}

// With no --passphrase-file, keygen --encrypt asks twice on the terminal
// and publish asks once, without echo: the passphrase never shows.
func TestPassphraseOnTerminal(t *testing.T) {
	root := t.TempDir()
	keys, out := filepath.Join(root, "keys"), filepath.Join(root, "feed")
	typist, terminal := openPTY(t)
	// run types input once the program has turned the terminal's echo
	// off, as a person types at the prompt: typed earlier, the terminal
	// would echo it before the program could hide it.
	run := func(input string, args ...string) (string, string, int) {
		var stdout, stderr bytes.Buffer
		done := make(chan int)
		go func() { done <- Main(args, &Env{Stdout: &stdout, Stderr: &stderr, Stdin: terminal}) }()
		for {
			select {
			case code := <-done:
				t.Fatalf("%v ended (exit %d) before asking: %s", args, code, stderr.String())
			default:
			}
			tio, err := unix.IoctlGetTermios(int(terminal.Fd()), unix.TCGETS)
			if err != nil {
				t.Fatal(err)
			}
			if tio.Lflag&unix.ECHO == 0 {
				break
			}
			time.Sleep(time.Millisecond)
		}
		typist.Write([]byte(input))
		code := <-done
		return stdout.String(), stderr.String(), code
	}
	if _, stderr, code := run("青禾镇口令2026\n青禾镇口令2026\n", "keygen", "--out", keys, "--encrypt"); code != 0 ||
		stderr != "passphrase for "+filepath.Join(keys, "publisher.key")+": \nthe same passphrase again: \n" {
		t.Fatalf("keygen: exit %d %q", code, stderr)
	}
	key := filepath.Join(keys, "publisher.key")
	stdout, stderr, code := run("青禾镇口令2026\n", "publish", "--key", key, "--src", "../assets/demo", "--out", out)
	if code != 0 || stderr != "passphrase for "+key+": \n" || !strings.Contains(stdout, "version 1") {
		t.Fatalf("publish: exit %d %q %q", code, stdout, stderr)
	}
	if _, stderr, code := run("wrong one\n", "publish", "--key", key, "--src", "../assets/demo", "--out", out); code != 1 || !strings.Contains(stderr, "the passphrase is wrong") {
		t.Fatalf("wrong passphrase: exit %d %q", code, stderr)
	}
	if _, stderr, code := run("one passphrase\nanother one\n", "keygen", "--out", filepath.Join(root, "k2"), "--encrypt"); code != 1 || !strings.Contains(stderr, "the two passphrases differ") {
		t.Fatalf("differing passphrases: exit %d %q", code, stderr)
	}
	// nothing the typist typed was echoed back to the terminal: with the
	// echo on again, a last line is echoed, and nothing before it.
	typist.Write([]byte("END\n"))
	var echo []byte
	for !bytes.Contains(echo, []byte("END")) {
		b := make([]byte, 4096)
		n, err := typist.Read(b)
		if err != nil {
			t.Fatal(err)
		}
		echo = append(echo, b[:n]...)
	}
	if string(echo) != "END\r\n" {
		t.Errorf("the terminal echoed %q", echo)
	}
}
