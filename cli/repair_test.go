package cli

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// A notice's title changed inside store.db (bbolt keeps no checksums of
// its data pages), at each place its bytes are stored, one at a time:
// `gongkai check` fails naming the notice every time; where the damage is
// in what lists and search show, the next `gongkai sync` (unchanged feed)
// rebuilds it, and check, list and search are right again.
func TestCheckFindsAndSyncRepairsAChangedTitle(t *testing.T) {
	const title = "东湾村三组集体土地征收补偿安置方案公告"
	data, _ := demoScreen(t)
	mustRun(t, "sync", "--data", data)
	db := filepath.Join(data, "store.db")
	clean, err := os.ReadFile(db)
	if err != nil {
		t.Fatal(err)
	}
	var at []int
	for i := 0; ; {
		j := bytes.Index(clean[i:], []byte(title))
		if j < 0 {
			break
		}
		at = append(at, i+j)
		i += j + 1
	}
	if len(at) != 3 {
		t.Fatalf("the title is at %d places in store.db, want 3 (item, record, search document)", len(at))
	}
	for n, off := range at {
		damaged := slices.Clone(clean)
		k := off + strings.Index(title, "征")
		copy(damaged[k:], "正") // same length: still a sound bbolt file
		if err := os.WriteFile(db, damaged, 0o600); err != nil {
			t.Fatal(err)
		}
		_, errOut, code := run(t, "check", "--data", data)
		if code == 0 || !strings.Contains(errOut, "item land-2026-017:") {
			t.Fatalf("place %d: check exit %d, stderr %q: the notice is not named", n, code, errOut)
		}
		if strings.Contains(errOut, "bytes do not match its hash") {
			continue // the signed item itself: refetched by sync, not rebuilt
		}
		mustRun(t, "sync", "--data", data)
		if out, errOut, code := run(t, "check", "--data", data); code != 0 {
			t.Fatalf("place %d: after sync, check exit %d: %s%s", n, code, out, errOut)
		}
		for _, args := range [][]string{{"list", "--data", data}, {"search", "--data", data, "tdzs"}} {
			if out := mustRun(t, args...); !strings.Contains(out, title) || strings.Contains(out, "土地正收") {
				t.Errorf("place %d: after sync, %s shows %q", n, args[0], out)
			}
		}
	}
}
