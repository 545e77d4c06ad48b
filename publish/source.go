// Package publish turns a township's folder of notices (feed.yaml plus one
// Markdown file with YAML front matter per item) into a signed static feed.
// It validates the whole source before writing anything, and writes the feed
// so that a web server never serves a half-written version.
package publish

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"mime"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/goccy/go-yaml"

	"gongkai/feed"
	"gongkai/markdown"
)

// Source limits: generous for a clerk, small enough that a mistake (a video
// dropped into the folder) is caught before it reaches thousands of screens.
const (
	MaxSourceFile = 2 << 20
	MaxAttachment = feed.MaxAttachmentSize
)

// Source is a parsed and validated source folder.
type Source struct {
	Dir   string
	Feed  FeedConfig
	Items []*SourceItem
	// Calendar is calendar.yaml, nil when the folder has none (working
	// days are then counted Monday–Friday, and screens say so).
	Calendar *feed.Calendar
	// Warnings are problems that do not stop a publication (check.go),
	// each printed "file:line: message".
	Warnings   []Finding
	timezone   *time.Location
	categories map[string]bool
}

// FeedConfig is feed.yaml.
type FeedConfig struct {
	ID         string          `yaml:"id"`
	Title      string          `yaml:"title"`
	Timezone   string          `yaml:"timezone"`
	Categories []feed.Category `yaml:"categories"`
	Locations  []feed.Place    `yaml:"locations"`
}

// SourceItem is one item file with its attachments resolved to real files.
type SourceItem struct {
	Path  string // file the item came from, relative to the source folder
	Item  feed.Item
	Files []string // absolute paths of attachments, in the order of Item.Attachments
	Audio string   // absolute path of the recording named by audio:, "" for none
	audio string   // audio: as written

	keyLine  func(key string) int // file line of a front matter key, 0 if unknown
	titles   []string             // the attachments' titles as written, "" for none
	warnings []Finding            // from checkKind and warn (check.go)
}

// line is the file line of a front matter key of the item, or 0.
func (si *SourceItem) line(key string) int {
	if si.keyLine == nil {
		return 0
	}
	return si.keyLine(key)
}

// FrontMatter is the YAML an author writes; it becomes a feed.Item. The
// studio reads and writes it too (itemfile.go), so a notice saved there
// is the file a clerk would have typed. Empty fields are left out when
// written.
type FrontMatter struct {
	ID              string `yaml:"id"`
	Title           string `yaml:"title"`
	Category        string `yaml:"category"`
	Agency          string `yaml:"agency"`
	Published       string `yaml:"published"`
	Locations       any    `yaml:"locations"` // []string of division codes, or "all"
	DocNo           string `yaml:"doc_no,omitempty"`
	ValidFrom       string `yaml:"valid_from,omitempty"`
	ValidUntil      string `yaml:"valid_until,omitempty"`
	PostingDays     int    `yaml:"posting_days,omitempty"`
	PostingWorkdays int    `yaml:"posting_workdays,omitempty"`
	Kind            string `yaml:"kind,omitempty"` // a kind of Kinds, whose legal minimum period publish enforces
	Priority        string `yaml:"priority,omitempty"`
	Normative       bool   `yaml:"normative,omitempty"`
	Attachments     []any  `yaml:"attachments,omitempty"` // "file", or {file: …, title: …}
	URL             string `yaml:"url,omitempty"`
	Contact         string `yaml:"contact,omitempty"`
	Withdrawn       string `yaml:"withdrawn,omitempty"`
	Audio           string `yaml:"audio,omitempty"` // a recording of the notice read aloud: .mp3, .ogg or .wav
}

// SourceError names the file and line of a problem in the source, and
// the rule it breaks so a window can say it in its own words (Msg is
// the terminal's).
type SourceError struct {
	File   string
	Line   int    // 0 when the problem has no single line
	Field  string // the front matter key it concerns, "body", or "" for none
	Rule   string // publish's or feed's Rule…, "" for one a window shows as Msg
	Detail string // what the rule's words need: see the Rule… constants
	Msg    string
}

// broken is a rule broken, on its way into a SourceError.
type broken struct{ rule, detail, msg string }

func (b *broken) Error() string { return b.msg }

func breaks(rule, detail, format string, args ...any) error {
	return &broken{rule, detail, fmt.Sprintf(format, args...)}
}

// ruleOf is the rule and detail an error carries from the check that
// made it (here, or feed's Item.Check), "" for none.
func ruleOf(err error) (rule, detail string) {
	var b *broken
	var ie *feed.ItemError
	switch {
	case errors.As(err, &b):
		return b.rule, b.detail
	case errors.As(err, &ie):
		return ie.Rule, ""
	}
	return "", ""
}

func (e *SourceError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg)
	}
	return fmt.Sprintf("%s: %s", e.File, e.Msg)
}

// ParseSource reads and validates a whole source folder. Every problem is
// found before anything is written; the first is returned.
func ParseSource(dir string) (*Source, error) {
	root, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	if root, err = filepath.EvalSymlinks(root); err != nil {
		return nil, fmt.Errorf("source folder: %w", err)
	}
	src := &Source{Dir: root}
	if err := src.readFeedConfig(); err != nil {
		return nil, err
	}
	if err := src.readCalendar(); err != nil {
		return nil, err
	}
	var files []string
	err = filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		// a folder whose name starts with '.' is not the source: the
		// studio's unfinished drafts (.drafts), a .git
		if d.IsDir() && path != root && strings.HasPrefix(d.Name(), ".") {
			return filepath.SkipDir
		}
		if d.Type().IsRegular() && strings.HasSuffix(d.Name(), ".md") && !strings.EqualFold(d.Name(), "README.md") {
			files = append(files, path)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("source folder: %w", err)
	}
	slices.Sort(files)
	seen := map[string]string{}
	for _, path := range files {
		rel, _ := filepath.Rel(root, path)
		data, err := readCapped(path, MaxSourceFile)
		if err != nil {
			return nil, &SourceError{File: rel, Msg: err.Error()}
		}
		si, err := ParseItemFile(rel, data)
		if err != nil {
			return nil, err
		}
		if err := src.resolve(si); err != nil {
			return nil, err
		}
		if prev, dup := seen[si.Item.ID]; dup {
			return nil, &SourceError{File: rel, Line: si.line("id"), Field: "id", Rule: RuleDuplicateID, Detail: prev, Msg: fmt.Sprintf("id %q is already used by %s", si.Item.ID, prev)}
		}
		seen[si.Item.ID] = rel
		src.Items = append(src.Items, si)
		src.Warnings = append(src.Warnings, si.warnings...)
	}
	if len(src.Items) == 0 {
		return nil, &SourceError{File: filepath.Base(root), Msg: "no item files (*.md) found"}
	}
	return src, nil
}

func (src *Source) readFeedConfig() error {
	const name = "feed.yaml"
	data, err := readCapped(filepath.Join(src.Dir, name), MaxSourceFile)
	if err != nil {
		return &SourceError{File: name, Msg: err.Error()}
	}
	return src.checkFeedConfig(data)
}

// checkFeedConfig reads and checks the text of feed.yaml into src.Feed.
func (src *Source) checkFeedConfig(data []byte) error {
	const name = "feed.yaml"
	if !utf8.Valid(data) {
		return &SourceError{File: name, Msg: "not UTF-8 text"}
	}
	if n := loneCR(data); n > 0 {
		return &SourceError{File: name, Line: n, Msg: "a carriage return inside the line (save the file with ordinary line ends)"}
	}
	fc := &src.Feed
	var err error
	if err = unmarshalYAML(data, fc); err != nil {
		return yamlError(name, 0, err)
	}
	if fc.Timezone == "" {
		fc.Timezone = "Asia/Shanghai"
	}
	fail := func(key, rule, detail, format string, args ...any) error {
		return &SourceError{File: name, Line: lineOf(data, key), Field: key, Rule: rule, Detail: detail, Msg: fmt.Sprintf(format, args...)}
	}
	switch {
	case !feed.ValidID(fc.ID):
		return fail("id", feed.RuleID, "", "id %q: required, only a-z, 0-9, '.', '_' and '-'", fc.ID)
	case strings.TrimSpace(fc.Title) == "":
		return fail("title", feed.RuleRequired, "", "title is required")
	case len(fc.Categories) == 0:
		return fail("categories", feed.RuleRequired, "", "categories: declare at least one {id, name}")
	}
	if !feed.ValidTimezone(fc.Timezone) {
		return fail("timezone", RuleTimezone, fc.Timezone, "timezone %q is unknown (use a name like Asia/Shanghai)", fc.Timezone)
	}
	if src.timezone, err = time.LoadLocation(fc.Timezone); err != nil {
		return fail("timezone", RuleTimezone, fc.Timezone, "timezone %q is unknown", fc.Timezone)
	}
	for _, f := range []struct{ key, val string }{{"title", fc.Title}} {
		if strings.IndexFunc(f.val, feed.Unprintable) >= 0 {
			return fail(f.key, RuleControl, "", "%s holds a control character; remove it", f.key)
		}
	}
	for _, c := range fc.Categories {
		if strings.IndexFunc(c.Name, feed.Unprintable) >= 0 {
			return fail("categories", RuleControl, c.ID, "category %q: the name holds a control character; remove it", c.ID)
		}
	}
	for _, p := range fc.Locations {
		if strings.IndexFunc(p.Name, feed.Unprintable) >= 0 {
			return fail("locations", RuleControl, p.Code, "location %q: the name holds a control character; remove it", p.Code)
		}
	}
	src.categories = map[string]bool{}
	for _, c := range fc.Categories {
		if !feed.ValidID(c.ID) || strings.TrimSpace(c.Name) == "" || src.categories[c.ID] {
			return fail("categories", RuleCategoryEntry, c.ID, "category %q: needs a unique valid id and a name", c.ID)
		}
		src.categories[c.ID] = true
	}
	for _, p := range fc.Locations {
		if !feed.ValidCode(p.Code) || strings.TrimSpace(p.Name) == "" {
			return fail("locations", RuleLocationEntry, p.Code, "location %q: needs a division code (2-12 digits) and a name", p.Code)
		}
	}
	return nil
}

var frontMatterEnd = regexp.MustCompile(`(?m)^---[ \t]*\r?$`)

// ParseItemFile parses one item file: front matter between '---' lines,
// then the Markdown body. It checks the item on its own; ParseSource checks
// what needs the rest of the folder (categories, attachments, duplicates).
func ParseItemFile(name string, data []byte) (*SourceItem, error) {
	failAt := func(line int, field string, err error) error {
		rule, detail := ruleOf(err)
		return &SourceError{File: name, Line: line, Field: field, Rule: rule, Detail: detail, Msg: err.Error()}
	}
	if !utf8.Valid(data) {
		return nil, failAt(firstBadLine(data), "", errors.New("not UTF-8 text (save the file as UTF-8)"))
	}
	fmBytes, body, bodyLine, err := splitFrontMatter(name, data)
	if err != nil {
		return nil, err
	}
	var fm FrontMatter
	if err := unmarshalYAML(fmBytes, &fm); err != nil {
		return nil, yamlError(name, 1, err)
	}
	line := func(key string) int { return 1 + lineOf(fmBytes, key) }
	fail := func(key string, err error) error { return failAt(line(key), key, err) }
	for _, req := range []struct{ key, val string }{
		{"id", fm.ID}, {"title", fm.Title}, {"category", fm.Category}, {"agency", fm.Agency}, {"published", fm.Published},
	} {
		if strings.TrimSpace(req.val) == "" {
			return nil, fail(req.key, breaks(feed.RuleRequired, "", "required field %q is missing or empty", req.key))
		}
	}
	locs, err := locationsOf(fm.Locations)
	if err != nil {
		return nil, fail("locations", err)
	}
	it := feed.Item{
		ID: fm.ID, Title: strings.TrimSpace(fm.Title), Category: fm.Category, Agency: strings.TrimSpace(fm.Agency),
		Published: feed.Date(fm.Published), Locations: locs, DocNo: fm.DocNo,
		ValidFrom: feed.Date(fm.ValidFrom), ValidUntil: feed.Date(fm.ValidUntil), PostingDays: fm.PostingDays,
		PostingWorkdays: fm.PostingWorkdays,
		Priority:        fm.Priority, Normative: fm.Normative, URL: fm.URL, Contact: fm.Contact,
		Withdrawn: fm.Withdrawn, Body: body,
	}
	if it.Priority == "" {
		it.Priority = feed.PriorityNormal
	}
	for _, d := range []struct {
		key string
		val feed.Date
	}{{"published", it.Published}, {"valid_from", it.ValidFrom}, {"valid_until", it.ValidUntil}} {
		if d.val != "" && !d.val.Valid() {
			return nil, fail(d.key, breaks(feed.RuleNotDate, "", "%s %q is not a date (YYYY-MM-DD)", d.key, d.val))
		}
	}
	if it.URL != "" && !strings.HasPrefix(it.URL, "https://") && !strings.HasPrefix(it.URL, "http://") {
		return nil, fail("url", breaks(RuleURL, "", "url %q must start with https:// or http://", it.URL))
	}
	if it.Normative && it.ValidFrom == "" {
		return nil, fail("normative", breaks(RuleNormative, "", "a normative document (normative: true) needs valid_from"))
	}
	if err := it.Check(nil); err != nil {
		field := ""
		if ie := (*feed.ItemError)(nil); errors.As(err, &ie) {
			field = ie.Field
		}
		return nil, fail(field, err)
	}
	kindWarning, err := checkKind(fm.Kind, fm.PostingDays, fm.PostingWorkdays)
	if err != nil {
		key := "kind"
		if _, known := kindOf(fm.Kind); known && fm.PostingDays > 0 {
			key = "posting_days"
		} else if known && fm.PostingWorkdays > 0 {
			key = "posting_workdays"
		}
		return nil, fail(key, err)
	}
	if err := checkText(&it, fail); err != nil {
		return nil, err
	}
	if p := markdown.Check(it.Body, 1); len(p) > 0 {
		return nil, failAt(bodyLine+p[0].Line-1, "body", errors.New(p[0].Msg))
	}
	// Attachments get their hashes when they are read, after the whole folder is checked.
	var titles []string
	for _, a := range fm.Attachments {
		file, title, err := attachmentOf(a)
		if err != nil {
			return nil, fail("attachments", err)
		}
		it.Attachments = append(it.Attachments, feed.Attachment{Name: file})
		titles = append(titles, title)
	}
	if a := strings.TrimSpace(fm.Audio); a != "" && !audioExts[strings.ToLower(filepath.Ext(a))] {
		return nil, fail("audio", fmt.Errorf("audio %q: use an .mp3, .ogg or .wav recording", a))
	}
	si := &SourceItem{Path: name, Item: it, keyLine: line, titles: titles, audio: strings.TrimSpace(fm.Audio)}
	if kindWarning != nil {
		rule, law := ruleOf(kindWarning)
		si.warnings = append(si.warnings, Finding{File: name, Line: line("kind"), Field: "kind", Rule: rule, Detail: law, Msg: kindWarning.Error()})
	}
	si.warnings = append(si.warnings, warn(si, fm.Kind, bodyLine)...)
	return si, nil
}

// splitFrontMatter cuts a UTF-8 file into its YAML front matter between
// '---' lines and the body after it; bodyLine is the file line where the
// body starts.
func splitFrontMatter(name string, data []byte) (fm []byte, body string, bodyLine int, err error) {
	fail := func(line int, msg string) error { return &SourceError{File: name, Line: line, Msg: msg} }
	data = bytes.TrimPrefix(data, []byte("\uFEFF"))
	firstLine, _, _ := bytes.Cut(data, []byte("\n"))
	if !bytes.HasPrefix(data, []byte("---")) || !frontMatterEnd.Match(firstLine) {
		return nil, "", 0, fail(1, "must start with a '---' line opening the front matter")
	}
	first := bytes.IndexByte(data, '\n') + 1
	loc := frontMatterEnd.FindIndex(data[first:])
	if first == 0 || loc == nil {
		return nil, "", 0, fail(1, "front matter is not closed by a '---' line")
	}
	fm = data[first : first+loc[0]]
	rest := bytes.TrimLeft(data[first+loc[1]:], "\r\n")
	if n := loneCR(fm); n > 0 {
		return nil, "", 0, fail(1+n, "a carriage return inside the line (save the file with ordinary line ends)")
	}
	return fm, string(rest), 1 + bytes.Count(data[:len(data)-len(rest)], []byte("\n")), nil
}

// maxAttachmentTitle bounds an attachment's title: a button's label.
const maxAttachmentTitle = 40

// attachmentOf reads one entry of attachments: a path, or {file: path,
// title: what the screen calls it}.
func attachmentOf(v any) (file, title string, err error) {
	switch v := v.(type) {
	case string:
		file = v
	case map[string]any:
		for k, x := range v {
			s, ok := x.(string)
			switch {
			case k != "file" && k != "title":
				return "", "", fmt.Errorf("an attachment has %q: want file and title", k)
			case !ok:
				return "", "", fmt.Errorf("an attachment's %s must be text", k)
			case k == "file":
				file = s
			default:
				title = strings.TrimSpace(s)
			}
		}
		if _, ok := v["title"]; ok && title == "" {
			return "", "", fmt.Errorf("attachment %q: the title is empty", file)
		}
	default:
		return "", "", fmt.Errorf("an attachment must be a path, or {file: path, title: 名称}")
	}
	if strings.TrimSpace(file) == "" {
		return "", "", fmt.Errorf("an attachment path is empty")
	}
	if n := utf8.RuneCountInString(title); n > maxAttachmentTitle {
		return "", "", fmt.Errorf("attachment %q: the title is %d characters, over %d", file, n, maxAttachmentTitle)
	}
	if strings.ContainsFunc(title, func(r rune) bool { return unicode.IsControl(r) || r == '/' || r == '\\' }) {
		return "", "", fmt.Errorf("attachment %q: the title has a control character or a slash", file)
	}
	return file, title, nil
}

// checkText refuses what a screen could not show as the clerk meant it:
// a title over markdown.MaxTitle characters, and control characters in
// any one-line field (they reach terminals through `gongkai list`, and an
// escape sequence there moves the cursor or retitles the window).
func checkText(it *feed.Item, fail func(key string, err error) error) error {
	if n := utf8.RuneCountInString(it.Title); n > markdown.MaxTitle {
		return fail("title", breaks(RuleTitleLong, strconv.Itoa(n), "title is %d characters, over the %d a screen shows; shorten it (the details go in the text)", n, markdown.MaxTitle))
	}
	for _, f := range []struct{ key, val string }{
		{"title", it.Title}, {"agency", it.Agency}, {"doc_no", it.DocNo}, {"url", it.URL}, {"contact", it.Contact}, {"withdrawn", it.Withdrawn},
	} {
		if i := strings.IndexFunc(f.val, feed.Unprintable); i >= 0 {
			r, _ := utf8.DecodeRuneInString(f.val[i:])
			return fail(f.key, breaks(RuleControl, "", "%s holds the control character %U; remove it (it often comes from copying text out of another program)", f.key, r))
		}
	}
	return nil
}

func locationsOf(v any) ([]string, error) {
	switch v := v.(type) {
	case nil:
		return nil, breaks(feed.RuleRequired, "", "required field \"locations\" is missing (a list of division codes, or all)")
	case string:
		if v == feed.AllLocations {
			return []string{feed.AllLocations}, nil
		}
		return nil, fmt.Errorf("locations must be a list of division codes like [\"310118901\"], or all")
	case []any:
		var out []string
		for _, e := range v {
			var s string
			switch e := e.(type) {
			case string:
				s = e
			case uint64, int64, int:
				s = fmt.Sprint(e)
			default:
				// Not %v: an aliased YAML list can be huge when printed.
				return nil, fmt.Errorf("a location is %s, not a division code", yamlKind(e))
			}
			if s != feed.AllLocations && !feed.ValidCode(s) {
				return nil, breaks(feed.RuleLocation, "", "location %q is not a division code prefix (2-12 digits) or all", s)
			}
			out = append(out, s)
		}
		if len(out) == 0 {
			return nil, breaks(feed.RuleNoLocations, "", "locations is empty")
		}
		return out, nil
	}
	return nil, fmt.Errorf("locations must be a list of division codes, or all")
}

// yamlKind names the kind of a decoded YAML value for a message, without
// printing it.
func yamlKind(v any) string {
	switch v.(type) {
	case nil:
		return "empty"
	case []any:
		return "a list"
	case map[string]any, map[any]any:
		return "a mapping"
	case bool:
		return "true/false"
	case float64, float32:
		return "a decimal number"
	default:
		return fmt.Sprintf("a %T", v)
	}
}

// resolve checks the item against the feed and turns its attachment names
// into files inside the source folder.
func (src *Source) resolve(si *SourceItem) error {
	fail := func(key, what string, err error) error {
		rule, detail := ruleOf(err)
		return &SourceError{File: si.Path, Line: si.line(key), Field: key, Rule: rule, Detail: detail, Msg: what + err.Error()}
	}
	if !src.categories[si.Item.Category] {
		return fail("category", "", breaks(RuleCategory, "", "category %q is not declared in feed.yaml", si.Item.Category))
	}
	if si.audio != "" {
		real, err := src.file(si, si.audio)
		if err != nil {
			return fail("audio", "audio ", err)
		}
		si.Audio = real
	}
	for i := range si.Item.Attachments {
		a := &si.Item.Attachments[i]
		real, err := src.file(si, a.Name)
		if err != nil {
			return fail("attachments", "attachment ", err)
		}
		a.Type = mimeType(a.Name)
		si.Files = append(si.Files, real)
		// the feed names an attachment by what the screen shows on its
		// button: the title the author gave, with the file's extension
		// (which a screen reads the kind from), else the path
		if i < len(si.titles) && si.titles[i] != "" {
			a.Name = si.titles[i] + strings.ToLower(filepath.Ext(a.Name))
		}
	}
	return nil
}

// file resolves a file an item names (an attachment, its audio) relative
// to the item file: it must be a regular file inside the source folder,
// within the attachment limit.
func (src *Source) file(si *SourceItem, name string) (string, error) {
	path := filepath.Join(filepath.Dir(filepath.Join(src.Dir, si.Path)), filepath.FromSlash(name))
	real, err := filepath.EvalSymlinks(path)
	if err != nil {
		return "", breaks(RuleNoFile, name, "%q: not found", name)
	}
	if rel, err := filepath.Rel(src.Dir, real); err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return "", fmt.Errorf("%q is outside the source folder", name)
	}
	st, err := os.Stat(real)
	switch {
	case err != nil:
		return "", fmt.Errorf("%q: %v", name, err)
	case !st.Mode().IsRegular():
		return "", fmt.Errorf("%q is not a regular file", name)
	case st.Size() > MaxAttachment:
		return "", fmt.Errorf("%q is %d MiB, over the %d MiB limit", name, st.Size()>>20, MaxAttachment>>20)
	}
	return real, nil
}

func mimeType(name string) string {
	ext := strings.ToLower(filepath.Ext(name))
	switch ext {
	case ".csv":
		return "text/csv"
	case ".md":
		return "text/markdown"
	}
	if t := mime.TypeByExtension(ext); t != "" {
		t, _, _ = strings.Cut(t, ";")
		return t
	}
	return "application/octet-stream"
}

func readCapped(path string, limit int64) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("not found")
		}
		return nil, err
	}
	defer f.Close()
	data, err := feed.ReadLimited(f, limit, "file")
	if errors.Is(err, feed.ErrTooLarge) {
		return nil, fmt.Errorf("file is over %d KiB", limit>>10)
	}
	return data, err
}

// lineOf finds the 1-based line where a top-level YAML key starts, or 0.
func lineOf(data []byte, key string) int {
	for i, l := range bytes.Split(data, []byte("\n")) {
		if bytes.HasPrefix(l, []byte(key+":")) {
			return i + 1
		}
	}
	return 0
}

func firstBadLine(data []byte) int {
	for i, l := range bytes.Split(data, []byte("\n")) {
		if !utf8.Valid(l) {
			return i + 1
		}
	}
	return 0
}

// unmarshalYAML decodes strictly (unknown keys are errors). The YAML
// library panics on some odd input (a bare tag where a list is expected:
// "attachments: !0"); that becomes an error like any other bad YAML.
// Windows line ends are made Unix ones first: inside a quoted value that
// runs on over lines the library counts CR and LF as a line each, and its
// errors named lines past the end of the file. (A CR not ending a line
// is refused before, by loneCR, so the lines stay the file's.)
func unmarshalYAML(data []byte, v any) error { return decodeYAML(data, v, true) }

func decodeYAML(data []byte, v any, strict bool) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("cannot be read (the YAML reader failed: %v)", r)
		}
	}()
	data = bytes.ReplaceAll(data, []byte("\r\n"), []byte("\n"))
	var opts []yaml.DecodeOption
	if strict {
		opts = append(opts, yaml.Strict())
	}
	return yaml.UnmarshalWithOptions(data, v, opts...)
}

// ReadYAML decodes file, a YAML file of data, into v as this package reads
// its own files (Windows line ends, the library's panics as errors, an
// error as one line naming the file and line), except that keys v has no
// field for are ignored: for the studio's studio.yaml, which an older or
// newer studio may have written.
func ReadYAML(file string, data []byte, v any) error {
	if err := decodeYAML(data, v, false); err != nil {
		return yamlError(file, 0, err)
	}
	return nil
}

// yamlError turns a YAML library error into one line naming file and line.
// offset is the file line where the YAML starts, minus one.
func yamlError(file string, offset int, err error) error {
	var ye yaml.Error
	if errors.As(err, &ye) && ye.GetToken() != nil {
		return &SourceError{File: file, Line: offset + ye.GetToken().Position.Line, Msg: "YAML: " + oneLine(ye.GetMessage())}
	}
	return &SourceError{File: file, Line: offset + 1, Msg: "YAML: " + oneLine(err.Error())}
}

// oneLine keeps the first line of s, with any other control character (a
// carriage return from a quoted YAML key, say) made a space, so a message
// cannot break or overwrite the "file:line:" it follows on a terminal; and
// at most maxYAMLMessage characters of it: the library quotes an unknown
// key whole, and a key can be thousands of characters long.
func oneLine(s string) string {
	s, _, _ = strings.Cut(strings.TrimSpace(s), "\n")
	s = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return ' '
		}
		return r
	}, s)
	if r := []rune(s); len(r) > maxYAMLMessage {
		s = string(r[:maxYAMLMessage]) + "…"
	}
	return s
}

const maxYAMLMessage = 200

// loneCR finds the first line (1-based) with a carriage return that does
// not end it, or 0. YAML counts such a CR as a line break, editors and this
// package's line numbers do not, so it is refused rather than misreported.
func loneCR(data []byte) int {
	for i, l := range bytes.Split(data, []byte("\n")) {
		if j := bytes.IndexByte(l, '\r'); j >= 0 && j != len(l)-1 {
			return i + 1
		}
	}
	return 0
}
