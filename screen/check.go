package screen

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"gongkai/feed"
	"gongkai/store"
)

// CheckResult is what Check found in a sound-enough store.
type CheckResult struct {
	Problems     []string // each one line, for a person
	Items, Blobs int      // what a store without problems holds
}

// Check reads the whole store in data, read-only, for damage: it reports,
// it never repairs. Problems come with a nil error; an error means the
// store could not be read at all (a panic while reading it is damage too).
func Check(data string) (res CheckResult, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("%w: %v; run gongkai sync --data %s to rebuild it from the feed", store.ErrDamaged, r, data)
		}
	}()
	st, err := store.Open(data, store.Options{ReadOnly: true})
	if err != nil {
		return res, StoreError(data, err)
	}
	defer st.Close()
	res.Problems, err = st.Check()
	if err != nil || len(res.Problems) > 0 {
		return res, StoreError(data, err)
	}
	sums, err := st.ItemSums()
	if err != nil {
		return res, StoreError(data, err)
	}
	res.Items, res.Blobs = len(sums), countBlobs(st)
	return res, nil
}

// WriteCheck runs Check in this process and says its verdict: each
// problem a line on stderr, or "ok: …" on stdout; problems are an error.
func WriteCheck(data string, stdout, stderr io.Writer) error {
	res, err := Check(data)
	for _, p := range res.Problems {
		fmt.Fprintln(stderr, feed.Printable(p, feed.MaxErrorText))
	}
	if err == nil && len(res.Problems) > 0 {
		err = fmt.Errorf("%d problem(s) found", len(res.Problems))
	}
	if err == nil {
		fmt.Fprintf(stdout, "ok: %d items, %d attachments\n", res.Items, res.Blobs)
	}
	return err
}

// checkChildEnv marks the process that does the work of CheckInChild.
const checkChildEnv = "GONGKAI_CHECK_CHILD"

// InCheckChild says this process is CheckInChild's child.
func InCheckChild() bool { return os.Getenv(checkChildEnv) == "1" }

// CheckInChild runs WriteCheck in a child process: exe with args, this
// program's own check command, which sees InCheckChild. A damaged
// database file can crash its reader outright (a fault on a bad page, or
// a panic in a goroutine of the database library that no recover
// reaches); in the child such a crash is one more finding, reported in
// one line. verdict is the child's exit code (0 or 1, its output copied
// to stdout and stderr) when it reached one.
func CheckInChild(data, exe string, args []string, stdout, stderr io.Writer) (verdict int, err error) {
	cmd := exec.Command(exe, args...)
	cmd.Env = append(os.Environ(), checkChildEnv+"=1")
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	if err := cmd.Run(); cmd.ProcessState == nil {
		return 0, fmt.Errorf("running the check: %w", err)
	}
	switch code := cmd.ProcessState.ExitCode(); code {
	case 0, 1: // the child's own verdict, already worded for a person
		stdout.Write(out.Bytes())
		stderr.Write(errOut.Bytes())
		return code, nil
	default:
		return 0, fmt.Errorf("%w: reading the database crashed (%s); run gongkai sync --data %s to rebuild it from the feed",
			store.ErrDamaged, CrashReason(errOut.String(), cmd.ProcessState.String()), data)
	}
}

// CrashReason is the line of a Go crash report (a check's child process
// that died reading a damaged file) that says what happened; other when
// there is none.
func CrashReason(stderr, other string) string {
	for _, line := range strings.Split(stderr, "\n") {
		for _, p := range []string{"panic: ", "fatal error: ", "unexpected fault", "unexpected signal"} {
			if strings.HasPrefix(line, p) {
				return strings.TrimSpace(line)
			}
		}
	}
	return other
}

// countBlobs counts the attachment files the store holds. The store has no
// count of its own yet, so this walks the folder its BlobPath names.
func countBlobs(st *store.Store) int {
	probe := st.BlobPath(strings.Repeat("0", 64))
	if probe == "" {
		return 0
	}
	root := filepath.Dir(filepath.Dir(probe))
	n := 0
	dirs, _ := os.ReadDir(root)
	for _, d := range dirs {
		if !d.IsDir() {
			continue
		}
		files, _ := os.ReadDir(filepath.Join(root, d.Name()))
		for _, f := range files {
			if f.Type().IsRegular() && !strings.HasPrefix(f.Name(), ".") && st.HasBlob(f.Name()) {
				n++
			}
		}
	}
	return n
}
