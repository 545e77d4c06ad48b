// Package drafts carries a village clerk's draft notices to the township
// in one .zip file, and shows the township what each draft changes
// against the published notice of the same id. A village's studio has no
// publisher key: only the township approves, and only approval signs.
//
// The file:
//
//	draft.json          {"format": "gongkai-drafts/1", "village": CODE, "from": WHO, "made": RFC 3339}
//	notices/NAME.md     one notice each, in the source format publish reads
//	notices/FILE        attachments the notices name (pictures, PDF, CSV)
//
// Whoever made the file is not trusted, as with a USB bundle
// (sync/bundle.go): it is read in memory and never extracted, every
// entry is checked before any is read (count, sizes, compression ratio,
// names, kinds), and each entry is read through a limit whatever its
// header says.
package drafts

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"path"
	"slices"
	"strings"
	"time"
	"unicode"

	"gongkai/feed"
	"gongkai/publish"
)

// Format is draft.json's format.
const Format = "gongkai-drafts/1"

// Limits of a draft file: a village's drafts are a few notices with a
// picture or a PDF each.
const (
	MaxFile    = 256 << 20 // the .zip
	MaxEntries = 500
	MaxTotal   = 256 << 20 // uncompressed, all entries
	MaxRatio   = 200       // uncompressed:compressed of an entry over 1 MiB, as bundles
	MaxMeta    = 4 << 10   // draft.json
)

// ErrDrafts is wrapped by every refusal of a draft file's content.
var ErrDrafts = errors.New("bad draft file")

// Meta is draft.json.
type Meta struct {
	Format  string    `json:"format"`
	Village string    `json:"village"` // division code of the village that wrote them
	From    string    `json:"from"`    // the clerk, as they sign
	Made    time.Time `json:"made"`
}

// Draft is one notice of a draft file.
type Draft struct {
	Name string // NAME.md inside notices/
	Text []byte // the file as the clerk wrote it
	// Findings are the checks publish runs on it (publish.CheckItem): a
	// Stop finding means it cannot be approved as it is.
	Findings []publish.Finding
	ID       string // its id, "" when it does not parse
}

// Drafts is a read draft file.
type Drafts struct {
	Meta   Meta
	Drafts []Draft
	// Files are the attachments, by name inside notices/.
	Files map[string][]byte
}

// attachmentExts are the kinds of file a draft may carry beside its
// notices: what the studio's file picker offers.
var attachmentExts = []string{".png", ".jpg", ".jpeg", ".pdf", ".csv", ".mp3", ".ogg", ".wav"}

// Export writes a draft file of notices (NAME.md → text) and the files
// they attach (name → bytes).
func Export(w io.Writer, meta Meta, notices, files map[string][]byte) error {
	meta.Format = Format
	if !feed.ValidCode(meta.Village) {
		return fmt.Errorf("drafts: village %q is not a division code", meta.Village)
	}
	if len(notices) == 0 {
		return errors.New("drafts: no notices to send")
	}
	zw := zip.NewWriter(w)
	put := func(name string, data []byte) error {
		f, err := zw.Create(name)
		if err != nil {
			return err
		}
		_, err = f.Write(data)
		return err
	}
	mj, err := json.Marshal(meta)
	if err != nil {
		return err
	}
	if err := put("draft.json", mj); err != nil {
		return fmt.Errorf("drafts: %w", err)
	}
	for i, set := range []map[string][]byte{notices, files} {
		for _, name := range sortedKeys(set) {
			if err := checkName(name, i == 0); err != nil {
				return fmt.Errorf("drafts: %w", err)
			}
			if err := put("notices/"+name, set[name]); err != nil {
				return fmt.Errorf("drafts: %w", err)
			}
		}
	}
	if err := zw.Close(); err != nil {
		return fmt.Errorf("drafts: %w", err)
	}
	return nil
}

func sortedKeys(m map[string][]byte) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// checkName holds a name inside notices/ to one plain file name: no
// folders, no way out, nothing a file system would read otherwise.
func checkName(name string, notice bool) error {
	ext := strings.ToLower(path.Ext(name))
	switch {
	case name == "" || len(name) > 200:
		return fmt.Errorf("a file name is empty or over 200 bytes")
	case strings.ContainsAny(name, `/\:`) || name == "." || name == ".." || strings.HasPrefix(name, "."):
		return fmt.Errorf("%.80q is not a plain file name", name)
	case strings.ContainsFunc(name, func(r rune) bool { return unicode.IsControl(r) || r == unicode.ReplacementChar }):
		return fmt.Errorf("%.80q holds a control character", name)
	case notice && ext != ".md":
		return fmt.Errorf("%.80q: a notice is a .md file", name)
	case !notice && ext != ".md" && !slices.Contains(attachmentExts, ext):
		return fmt.Errorf("%.80q: a draft carries notices (.md) and pictures, PDF, CSV or recordings only", name)
	}
	return nil
}

// Read reads a draft file: every entry checked first, then read through
// its limit; each notice checked as publish checks it. One line of error
// for a file that breaks a rule; nothing is written anywhere.
func Read(data []byte) (*Drafts, error) {
	if len(data) > MaxFile {
		return nil, fmt.Errorf("%w: the file is over %d MiB", ErrDrafts, MaxFile>>20)
	}
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, fmt.Errorf("%w: not a readable zip file: %v", ErrDrafts, err)
	}
	if len(zr.File) > MaxEntries {
		return nil, fmt.Errorf("%w: more than %d entries", ErrDrafts, MaxEntries)
	}
	// Every entry checked before any is read.
	var total uint64
	seen := map[string]bool{}
	for _, f := range zr.File {
		name := f.Name
		if strings.HasSuffix(name, "/") && (name == "notices/") && f.Mode().IsDir() {
			continue
		}
		if !f.Mode().IsRegular() {
			return nil, fmt.Errorf("%w: entry %.80q is not a regular file", ErrDrafts, name)
		}
		if f.Method != zip.Store && f.Method != zip.Deflate {
			return nil, fmt.Errorf("%w: entry %.80q uses compression method %d", ErrDrafts, name, f.Method)
		}
		if name != "draft.json" {
			base, ok := strings.CutPrefix(name, "notices/")
			if !ok {
				return nil, fmt.Errorf("%w: entry %.80q is not part of a draft file", ErrDrafts, name)
			}
			if err := checkName(base, strings.EqualFold(path.Ext(base), ".md")); err != nil {
				return nil, fmt.Errorf("%w: %v", ErrDrafts, err)
			}
		}
		// case-folded: a stick's file system may not tell A.md from a.md
		if folded := strings.ToLower(name); seen[folded] {
			return nil, fmt.Errorf("%w: entry %.80q appears twice", ErrDrafts, name)
		} else {
			seen[folded] = true
		}
		if f.UncompressedSize64 > 1<<20 && (f.CompressedSize64 == 0 || f.UncompressedSize64/f.CompressedSize64 > MaxRatio) {
			return nil, fmt.Errorf("%w: entry %.80q expands over %d:1", ErrDrafts, name, MaxRatio)
		}
		limit := uint64(feed.MaxAttachmentSize)
		if strings.HasSuffix(strings.ToLower(name), ".md") {
			limit = publish.MaxSourceFile
		}
		if name == "draft.json" {
			limit = MaxMeta
		}
		if f.UncompressedSize64 > limit {
			return nil, fmt.Errorf("%w: entry %.80q is %d bytes, over %d", ErrDrafts, name, f.UncompressedSize64, limit)
		}
		if total += f.UncompressedSize64; total > MaxTotal {
			return nil, fmt.Errorf("%w: contents exceed %d MiB", ErrDrafts, MaxTotal>>20)
		}
	}
	if !seen["draft.json"] {
		return nil, fmt.Errorf("%w: no draft.json (not a draft file from a studio)", ErrDrafts)
	}
	d := &Drafts{Files: map[string][]byte{}}
	for _, f := range zr.File {
		if strings.HasSuffix(f.Name, "/") {
			continue
		}
		data, err := readEntry(f)
		if err != nil {
			return nil, err
		}
		switch name := strings.TrimPrefix(f.Name, "notices/"); {
		case f.Name == "draft.json":
			if err := readMeta(data, &d.Meta); err != nil {
				return nil, err
			}
		case strings.EqualFold(path.Ext(name), ".md"):
			dr := Draft{Name: name, Text: data, Findings: publish.CheckItem(name, data)}
			if si, err := publish.ParseItemFile(name, data); err == nil {
				dr.ID = si.Item.ID
			}
			d.Drafts = append(d.Drafts, dr)
		default:
			d.Files[name] = data
		}
	}
	if len(d.Drafts) == 0 {
		return nil, fmt.Errorf("%w: it holds no notice", ErrDrafts)
	}
	ids := map[string]string{}
	for _, dr := range d.Drafts {
		if prev, dup := ids[dr.ID]; dup && dr.ID != "" {
			return nil, fmt.Errorf("%w: %s and %s are both notice %q", ErrDrafts, prev, dr.Name, dr.ID)
		}
		ids[dr.ID] = dr.Name
	}
	return d, nil
}

// readEntry reads one entry through its declared size: a header that
// understates it is an error, not a longer read.
func readEntry(f *zip.File) ([]byte, error) {
	rc, err := f.Open()
	if err != nil {
		return nil, fmt.Errorf("%w: entry %.80q: %v", ErrDrafts, f.Name, err)
	}
	defer rc.Close()
	data, err := io.ReadAll(io.LimitReader(rc, int64(f.UncompressedSize64)+1))
	if err != nil {
		return nil, fmt.Errorf("%w: entry %.80q: %v", ErrDrafts, f.Name, err)
	}
	if uint64(len(data)) != f.UncompressedSize64 {
		return nil, fmt.Errorf("%w: entry %.80q is not the size its header says", ErrDrafts, f.Name)
	}
	return data, nil
}

func readMeta(data []byte, m *Meta) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(m); err != nil {
		return fmt.Errorf("%w: draft.json: %v", ErrDrafts, oneLine(err.Error()))
	}
	switch {
	case m.Format != Format:
		return fmt.Errorf("%w: draft.json is format %.40q, this program reads %s", ErrDrafts, m.Format, Format)
	case !feed.ValidCode(m.Village):
		return fmt.Errorf("%w: draft.json: village %.40q is not a division code", ErrDrafts, m.Village)
	case strings.IndexFunc(m.From, feed.Unprintable) >= 0 || len(m.From) > 200:
		return fmt.Errorf("%w: draft.json: from holds a control character or is over 200 bytes", ErrDrafts)
	}
	return nil
}

func oneLine(s string) string {
	s, _, _ = strings.Cut(s, "\n")
	return strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return ' '
		}
		return r
	}, s)
}
