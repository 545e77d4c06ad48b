package screen

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"

	"gongkai/store"
)

// TestMain makes this test binary CheckInChild's child: WriteCheck of the
// folder named first, or a crash as a damaged page causes one.
func TestMain(m *testing.M) {
	if InCheckChild() {
		if os.Getenv("SCREEN_TEST_CRASH") == "1" {
			panic("runtime error: invalid memory address (a damaged page)")
		}
		if err := WriteCheck(os.Args[1], os.Stdout, os.Stderr); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// The child's verdict comes back with its words; its crash is one line
// that says the database is damaged and why.
func TestCheckInChild(t *testing.T) {
	f := newRuntime(t)
	if _, err := f.rt.SyncNow(t.Context(), nil); err != nil {
		t.Fatal(err)
	}
	f.rt.Close()
	f.st.Close()
	var out, errOut bytes.Buffer
	verdict, err := CheckInChild(f.data, os.Args[0], []string{f.data}, &out, &errOut)
	if err != nil || verdict != 0 || out.String() != "ok: 1 items, 0 attachments\n" || errOut.Len() != 0 {
		t.Fatalf("sound store: %d %v %q %q", verdict, err, out.String(), errOut.String())
	}
	t.Setenv("SCREEN_TEST_CRASH", "1")
	_, err = CheckInChild(f.data, os.Args[0], []string{f.data}, &out, &errOut)
	if !errors.Is(err, store.ErrDamaged) || !strings.Contains(err.Error(), "(panic: runtime error: invalid memory address (a damaged page))") {
		t.Errorf("crashed child: %v", err)
	}
}
