package publish

import (
	"errors"
	"strings"
	"testing"
	"unicode/utf8"

	"gongkai/feed"
)

// FuzzParseSource feeds ParseItemFile arbitrary file bytes. It must never
// panic; every refusal must be a *SourceError naming the file in one line;
// every accepted item must pass the feed's own item check.
func FuzzParseSource(f *testing.F) {
	f.Add([]byte(strings.Join(landLines, "\n") + "\n"))
	f.Add([]byte(strings.Join(landLines, "\r\n")))
	f.Add([]byte(schoolItem))
	f.Add([]byte("\uFEFF" + schoolItem))
	f.Add([]byte(strings.Join(withLine(6, "published: 2026-02-30"), "\n")))
	f.Add([]byte(strings.Join(withLine(3, "titel: x"), "\n")))
	f.Add([]byte(strings.Join(withLine(3, "title: "+gbk), "\n")))
	f.Add([]byte(strings.Join(withLine(5, "\tagency: x"), "\n")))
	f.Add([]byte(strings.Join(withLine(7, "locations: [[31], {a: b}, ~, 1.5, true]"), "\n")))
	f.Add([]byte(strings.Join(withLine(7, `locations: [&a ["x\ny"], *a]`), "\n")))
	f.Add([]byte(strings.Join(withoutLine(13), "\n")))
	f.Add([]byte(strings.Join(withExtra("normative: true", "valid_from: 2026-13-01", "priority: x"), "\n")))
	f.Add([]byte("---\n---\n"))
	f.Add([]byte("---"))
	f.Add([]byte(""))
	f.Add([]byte("---\nid: &a x\ntitle: *a\n---\n"))

	f.Fuzz(func(t *testing.T, data []byte) {
		const name = "items/x.md"
		si, err := ParseItemFile(name, data)
		if err != nil {
			if si != nil {
				t.Fatalf("returned an item and an error %v", err)
			}
			var se *SourceError
			if !errors.As(err, &se) {
				t.Fatalf("error %q (%T) is not a *SourceError", err, err)
			}
			msg := err.Error()
			if se.File != name || !strings.HasPrefix(msg, name+":") {
				t.Fatalf("error does not name the file: %q", msg)
			}
			if strings.ContainsAny(msg, "\n\r") {
				t.Fatalf("error is not one line: %q", msg)
			}
			if se.Line < 0 || se.Line > strings.Count(string(data), "\n")+1 {
				t.Fatalf("line %d is outside the file: %q", se.Line, msg)
			}
			if len(msg) > 1000 {
				t.Fatalf("error is %d bytes long", len(msg))
			}
			return
		}
		it := si.Item
		for _, a := range it.Attachments {
			if strings.TrimSpace(a.Name) == "" || a.SHA256 != "" {
				t.Fatalf("attachment %+v", a)
			}
		}
		// Attachments get their hashes later, in ParseSource.
		it.Attachments = nil
		if err := it.Check(nil); err != nil {
			t.Fatalf("accepted item fails Check: %v", err)
		}
		if it.Category == "" || !utf8.ValidString(it.Body) || it.Priority == "" {
			t.Fatalf("accepted item %+v", it)
		}
		if it.Normative && it.ValidFrom == "" {
			t.Fatalf("accepted a normative item without valid_from")
		}
		if _, err := feed.EncodeItem(&it); err != nil {
			t.Fatalf("accepted item does not encode: %v", err)
		}
	})
}
