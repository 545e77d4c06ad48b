package screen

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestRecordUpload(t *testing.T) {
	dir := t.TempDir()
	if s, err := LoadUploadStatus(dir); err != nil || s != (UploadStatus{}) {
		t.Fatalf("no file yet: %+v %v", s, err)
	}
	t1 := time.Date(2026, 11, 10, 9, 0, 0, 0, time.UTC)
	if _, err := RecordUpload(dir, "https://clerk:pw@proof.example/x", t1, 1000, 1, nil); err != nil {
		t.Fatal(err)
	}
	t2 := t1.Add(15 * time.Minute)
	s, err := RecordUpload(dir, "https://clerk:pw@proof.example/x", t2, 1200, 3, errors.New("report to proof.example: server answered\n500"))
	if err != nil {
		t.Fatal(err)
	}
	back, err := LoadUploadStatus(dir)
	if err != nil || back != s {
		t.Fatalf("read back %+v %v, wrote %+v", back, err, s)
	}
	if !s.LastSuccess.Equal(t1) || !s.LastAttempt.Equal(t2) || s.LastError != "report to proof.example: server answered 500" ||
		s.Tries != 3 || s.Bytes != 1200 || strings.Contains(s.URL, "pw") {
		t.Errorf("after a failure: %+v", s)
	}
	s, _ = RecordUpload(dir, "https://proof.example/x", t2.Add(time.Minute), 1300, 2, nil)
	if s.LastError != "" || !s.LastSuccess.Equal(t2.Add(time.Minute)) {
		t.Errorf("a success did not clear the error: %+v", s)
	}
}

// A damaged, hostile or oversized upload.json gives a one-line error (the
// status says so) and the next upload writes a sound one over it.
func TestLoadUploadStatusDamaged(t *testing.T) {
	for name, write := range map[string]func(path string) error{
		"garbage": func(p string) error { return os.WriteFile(p, []byte("{\"last_attempt\": \"yesterday\""), 0o644) },
		"wrong":   func(p string) error { return os.WriteFile(p, []byte(`{"tries": "three"}`), 0o644) },
		"oversized": func(p string) error {
			return os.WriteFile(p, []byte(`{"url":"`+strings.Repeat("x", maxUploadFile)+`"}`), 0o644)
		},
		"directory": func(p string) error { return os.Mkdir(p, 0o755) },
	} {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, UploadFile)
			if err := write(path); err != nil {
				t.Fatal(err)
			}
			s, err := LoadUploadStatus(dir)
			if err == nil || s != (UploadStatus{}) || strings.Contains(err.Error(), "\n") {
				t.Fatalf("got %+v, %v; want the zero status and a one-line error", s, err)
			}
			if name == "directory" {
				return // nothing to write over; the status keeps saying why
			}
			at := time.Date(2026, 11, 10, 9, 0, 0, 0, time.UTC)
			if _, err := RecordUpload(dir, "https://proof.example/x", at, 10, 1, nil); err != nil {
				t.Fatal(err)
			}
			if s, err := LoadUploadStatus(dir); err != nil || !s.LastSuccess.Equal(at) {
				t.Errorf("after an upload over the damaged file: %+v, %v", s, err)
			}
		})
	}
}

// FuzzLoadUploadStatus: whatever upload.json holds, loading it ends in a
// status or a one-line error, never a panic.
func FuzzLoadUploadStatus(f *testing.F) {
	f.Add([]byte(`{"url":"https://proof.example/x","last_attempt":"2026-11-10T09:00:00Z","tries":3}`))
	f.Add([]byte(`{"last_error":"a\nb"}`))
	f.Add([]byte(`[]`))
	f.Fuzz(func(t *testing.T, data []byte) {
		dir := t.TempDir()
		if err := os.WriteFile(filepath.Join(dir, UploadFile), data, 0o644); err != nil {
			t.Fatal(err)
		}
		if _, err := LoadUploadStatus(dir); err != nil && strings.Contains(err.Error(), "\n") {
			t.Errorf("error of more than one line: %q", err)
		}
	})
}
