package studio

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/goccy/go-yaml"

	"gongkai/atomicfile"
	"gongkai/feed"
	"gongkai/period"
	"gongkai/publish"
	"gongkai/ui/studio/page"
)

// The studio's files in a source folder, beside what publish reads:
// studio.yaml (where the feed and the key are; publish ignores it) and
// .drafts/ (notices not ready to publish; publish skips folders whose
// name starts with '.').
const (
	SettingsFile = "studio.yaml"
	DraftsDir    = ".drafts"
	filesDir     = "attachments" // attachments the studio copies in, per notice
)

// Settings are the studio's own settings of a source folder.
type Settings struct {
	Out     string `yaml:"out"`               // the feed folder publish writes
	Key     string `yaml:"key"`               // the publisher's private key file
	Agency  string `yaml:"agency,omitempty"`  // 发布机构 of a new notice
	Village string `yaml:"village,omitempty"` // a village's studio: its division code, for its drafts
	Clerk   string `yaml:"clerk,omitempty"`   // who sends the village's drafts
}

// State is where a notice stands, as the list filters it.
type State string

const (
	StateDraft     State = "草稿"
	StatePending   State = "待发布"
	StatePublished State = "已发布"
	StateExpired   State = "已过期"
	StateWithdrawn State = "已撤回"
)

// States in the order the list's filter offers them.
var States = []State{StateDraft, StatePending, StatePublished, StateExpired, StateWithdrawn}

// Notice is one notice file of the folder.
type Notice struct {
	Path  string // relative to the folder, with '/'
	FM    publish.FrontMatter
	Body  string
	Err   error // the file cannot be read as a notice (its front matter); FM is then empty
	State State
	// InFeed says a version of it is in the feed folder: on the screens.
	InFeed bool

	size int64     // of the file when it was read
	mod  time.Time // its modification time then
}

// Draft says whether the notice waits in .drafts/.
func (n *Notice) Draft() bool { return strings.HasPrefix(n.Path, DraftsDir+"/") }

// Locations are the notice's targets as a list ("all" alone for every screen).
func (n *Notice) Locations() []string { return locationList(n.FM.Locations) }

func locationList(v any) []string {
	switch v := v.(type) {
	case string:
		if v == "" {
			return nil
		}
		return []string{v}
	case []string:
		return v
	case []any:
		var out []string
		for _, e := range v {
			out = append(out, fmt.Sprint(e))
		}
		return out
	}
	return nil
}

// Folder is a source folder as the studio holds it: read from disk off
// the UI goroutine (Load), then only read by the window.
type Folder struct {
	Dir      string
	Feed     publish.FeedConfig
	HasFeed  bool // feed.yaml exists and reads
	FeedErr  error
	Settings Settings
	Notices  []*Notice
	Calendar *feed.Calendar
	Loc      *time.Location
	// Findings of the whole folder as publish sees it (publish.Check);
	// a Stop among them refuses publication.
	Findings []publish.Finding
}

// DefaultSettings places the feed and the key beside the folder:
// DIR-feed/ and DIR-key/publisher.key.
func DefaultSettings(dir string) Settings {
	base := filepath.Base(dir)
	return Settings{Out: filepath.Join("..", base+"-feed"), Key: filepath.Join("..", base+"-key", "publisher.key")}
}

// Path makes a path of the settings absolute (they may be relative to the folder).
func (f *Folder) Path(p string) string {
	if p == "" || filepath.IsAbs(p) {
		return p
	}
	return filepath.Join(f.Dir, p)
}

// OutDir and KeyFile are the feed folder and the key file.
func (f *Folder) OutDir() string  { return f.Path(f.Settings.Out) }
func (f *Folder) KeyFile() string { return f.Path(f.Settings.Key) }

// Load reads a source folder: feed.yaml (missing is fine: a new folder),
// studio.yaml, every notice and its state against the feed in the
// settings' out folder, at now. prev (nil for none) is the folder as
// read before: a notice file unchanged since (size and time) is not read
// again.
func Load(dir string, now time.Time, prev *Folder) (*Folder, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	st, err := os.Stat(abs)
	if err != nil {
		return nil, fmt.Errorf("studio: source folder: %w", err)
	}
	if !st.IsDir() {
		return nil, fmt.Errorf("studio: %s is not a folder", abs)
	}
	f := &Folder{Dir: abs, Settings: DefaultSettings(abs), Loc: time.Local}
	if data, err := os.ReadFile(filepath.Join(abs, SettingsFile)); err == nil {
		if err := publish.ReadYAML(SettingsFile, data, &f.Settings); err != nil {
			return nil, fmt.Errorf("studio: %w", err)
		}
	}
	if data, err := os.ReadFile(filepath.Join(abs, "feed.yaml")); err == nil {
		f.FeedErr = publish.CheckFeed(data)
		if f.FeedErr == nil {
			_ = yaml.Unmarshal(data, &f.Feed)
			f.HasFeed = true
		}
	} else if !errors.Is(err, fs.ErrNotExist) {
		f.FeedErr = err
	}
	if f.Feed.Timezone == "" {
		f.Feed.Timezone = "Asia/Shanghai"
	}
	if loc, err := time.LoadLocation(f.Feed.Timezone); err == nil {
		f.Loc = loc
	}
	if err := f.readNotices(prev); err != nil {
		return nil, err
	}
	f.check(now)
	return f, nil
}

func (f *Folder) readNotices(prev *Folder) error {
	known := map[string]*Notice{}
	if prev != nil && prev.Dir == f.Dir {
		for _, n := range prev.Notices {
			known[n.Path] = n
		}
	}
	return filepath.WalkDir(f.Dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(f.Dir, path)
		rel = filepath.ToSlash(rel)
		if d.IsDir() {
			if path != f.Dir && strings.HasPrefix(d.Name(), ".") && rel != DraftsDir {
				return filepath.SkipDir
			}
			return nil
		}
		if !d.Type().IsRegular() || !strings.HasSuffix(d.Name(), ".md") || strings.EqualFold(d.Name(), "README.md") {
			return nil
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		if old := known[rel]; old != nil && old.size == info.Size() && old.mod.Equal(info.ModTime()) {
			n := *old
			f.Notices = append(f.Notices, &n)
			return nil
		}
		data, err := readSmall(path)
		n := &Notice{Path: rel, size: info.Size(), mod: info.ModTime()}
		if err == nil {
			n.FM, n.Body, err = publish.ReadItemFile(rel, data)
		}
		n.Err = err
		f.Notices = append(f.Notices, n)
		return nil
	})
}

// check runs publish's checks on the folder and sets each notice's state.
func (f *Folder) check(now time.Time) {
	pending := map[string]bool{}
	published := map[string]bool{}
	inFeed := map[string]bool{}
	if f.HasFeed {
		src, findings := publish.Check(f.Dir)
		f.Findings = findings
		if src != nil {
			f.Calendar = src.Calendar
			if plan, err := publish.MakePlan(src, f.OutDir()); err == nil {
				for _, c := range plan.Changes {
					pending[c.ID] = true
					inFeed[c.ID] = c.What != publish.Added
				}
				if plan.Previous > 0 {
					for _, si := range src.Items {
						published[si.Item.ID] = !pending[si.Item.ID]
						inFeed[si.Item.ID] = inFeed[si.Item.ID] || published[si.Item.ID]
					}
				}
			}
		}
	} else {
		f.Findings = []publish.Finding{{File: "feed.yaml", Msg: "no feed settings yet", Stop: true}}
	}
	today := now.In(f.Loc).Format(time.DateOnly)
	for _, n := range f.Notices {
		n.InFeed = !n.Draft() && inFeed[n.FM.ID]
		switch {
		case n.Draft() || n.Err != nil:
			n.State = StateDraft
		case n.FM.Withdrawn != "":
			n.State = StateWithdrawn
		case n.FM.ValidUntil != "" && n.FM.ValidUntil < today:
			n.State = StateExpired
		case published[n.FM.ID]:
			n.State = StatePublished
		default:
			n.State = StatePending
		}
	}
	slices.SortStableFunc(f.Notices, func(a, b *Notice) int {
		// newest first, as a clerk looks for what they wrote last
		return strings.Compare(b.FM.Published+b.Path, a.FM.Published+a.Path)
	})
}

// Period is a notice's posting period and whether it has one.
func (f *Folder) Period(fm publish.FrontMatter) (period.Period, bool) {
	return period.Of(period.StartOf(feed.Date(fm.Published), feed.Date(fm.ValidFrom)), fm.PostingDays, fm.PostingWorkdays, f.Calendar, f.Loc)
}

// PlaceName is the feed's name of a division code, or the code.
func (f *Folder) PlaceName(code string) string {
	if code == feed.AllLocations {
		return "全镇"
	}
	for _, p := range f.Feed.Locations {
		if p.Code == code {
			return p.Name
		}
	}
	return code
}

// CategoryName is the feed's name of a category, or its id.
func (f *Folder) CategoryName(id string) string {
	for _, c := range f.Feed.Categories {
		if c.ID == id {
			return c.Name
		}
	}
	return id
}

// SaveNotice writes a notice's file, from oldPath ("" for a new one).
// A draft goes into .drafts/; with keep, the old file stays (a notice on
// the screens being reworked: screens keep it until the draft is saved
// for publishing). A notice saved for publishing goes over published
// (the file of the notice with its id, "" for none), or keeps its
// place, or goes to the top level. A draft saved for publishing leaves
// .drafts/. It returns the path written, relative.
func SaveNotice(dir, oldPath string, fm publish.FrontMatter, body string, draft bool, published string, keep bool) (string, error) {
	data, err := publish.ItemFile(fm, body)
	if err != nil {
		return "", err
	}
	name := fm.ID + ".md"
	if !feed.ValidID(fm.ID) {
		return "", fmt.Errorf("studio: 编号 %q: only a-z, 0-9, '.', '_' and '-'", fm.ID)
	}
	wasDraft := strings.HasPrefix(oldPath, DraftsDir+"/")
	rel := name
	switch {
	case draft:
		rel = DraftsDir + "/" + name
	case published != "":
		rel = published
	case oldPath != "" && !wasDraft && path.Base(oldPath) == name:
		rel = oldPath // a notice keeps its place in a folder a clerk arranged
	}
	remove := oldPath != "" && oldPath != rel && !keep
	if from, to := noticeBase(oldPath), noticeBase(rel); oldPath != "" && from != to {
		// attachments are named relative to the notice's folder: a
		// notice that moves names them from its new one
		for i, a := range fm.Attachments {
			file, rewrite := page.AttachmentFile(a)
			fm.Attachments[i] = rewrite(moveRel(from, to, file))
		}
		if fm.Audio != "" {
			fm.Audio = moveRel(from, to, fm.Audio)
		}
		if data, err = publish.ItemFile(fm, body); err != nil {
			return "", err
		}
	}
	path := filepath.Join(dir, filepath.FromSlash(rel))
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return "", fmt.Errorf("studio: %w", err)
	}
	if err := atomicfile.Write(path, data); err != nil {
		return "", fmt.Errorf("studio: saving %s: %w", rel, err)
	}
	if remove {
		if err := os.Remove(filepath.Join(dir, filepath.FromSlash(oldPath))); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return rel, fmt.Errorf("studio: removing %s: %w", oldPath, err)
		}
	}
	return rel, nil
}

// noticeBase is the folder (relative, '/', "" for the top level) a
// notice file's attachments are named from: its own, or for a draft in
// .drafts/ the top level, where it will be published from.
func noticeBase(rel string) string {
	if rel == "" || strings.HasPrefix(rel, DraftsDir+"/") {
		return ""
	}
	if d := path.Dir(rel); d != "." {
		return d
	}
	return ""
}

// moveRel renames file, named from folder from, as named from folder to.
func moveRel(from, to, file string) string {
	r, err := filepath.Rel(filepath.FromSlash(path.Join("/", to)), filepath.FromSlash(path.Join("/", from, file)))
	if err != nil {
		return file
	}
	return filepath.ToSlash(r)
}

// SaveFeed writes feed.yaml after checking it as publish will.
func SaveFeed(dir string, fc publish.FeedConfig) error {
	data, err := publish.FeedFile(fc)
	if err != nil {
		return err
	}
	if err := publish.CheckFeed(data); err != nil {
		return err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("studio: %w", err)
	}
	return atomicfile.Write(filepath.Join(dir, "feed.yaml"), data)
}

// SaveSettings writes studio.yaml.
func SaveSettings(dir string, s Settings) error {
	data, err := yaml.Marshal(s)
	if err != nil {
		return err
	}
	return atomicfile.Write(filepath.Join(dir, SettingsFile), data)
}

// AddAttachment copies a file into the folder's attachments/ID/ and
// returns its path as the notice names it: relative to noticeDir, the
// folder (relative, '/') its file is published from ("" for the top
// level, where SaveNotice puts new notices and drafts end up).
func AddAttachment(dir, noticeDir, id, from string) (string, error) {
	st, err := os.Stat(from)
	switch {
	case err != nil:
		return "", fmt.Errorf("studio: attachment: %w", err)
	case !st.Mode().IsRegular():
		return "", fmt.Errorf("studio: attachment %s is not a file", filepath.Base(from))
	case st.Size() > publish.MaxAttachment:
		return "", fmt.Errorf("studio: attachment %s is %d MiB, over the %d MiB limit", filepath.Base(from), st.Size()>>20, publish.MaxAttachment>>20)
	}
	in, err := os.Open(from)
	if err != nil {
		return "", fmt.Errorf("studio: attachment: %w", err)
	}
	defer in.Close()
	return putAttachment(dir, noticeDir, id, filepath.Base(from), in)
}

// putAttachment writes an attachment's bytes as attachments/ID/NAME and
// returns its path relative to noticeDir.
func putAttachment(dir, noticeDir, id, name string, r io.Reader) (string, error) {
	rel := filesDir + "/" + id + "/" + name
	path := filepath.Join(dir, filepath.FromSlash(rel))
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return "", fmt.Errorf("studio: %w", err)
	}
	if err := atomicfile.WriteFrom(path, r, 0o644); err != nil {
		return "", fmt.Errorf("studio: attachment: %w", err)
	}
	named, err := filepath.Rel(filepath.Join(dir, filepath.FromSlash(noticeDir)), path)
	if err != nil {
		return "", fmt.Errorf("studio: attachment: %w", err)
	}
	return filepath.ToSlash(named), nil
}

func readSmall(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return feed.ReadLimited(f, publish.MaxSourceFile, "file")
}

// summary is a notice's line under its title in the list: category,
// places, date, posting period and the days left.
func (f *Folder) summary(n *Notice, now time.Time) string {
	if n.Err != nil {
		return "无法读取：" + n.Err.Error()
	}
	var places []string
	for _, l := range n.Locations() {
		places = append(places, f.PlaceName(l))
	}
	parts := []string{f.CategoryName(n.FM.Category), strings.Join(places, "、"), n.FM.Published}
	if p, ok := f.Period(n.FM); ok {
		parts = append(parts, p.Label(false), p.Status(now))
	}
	return strings.Join(slices.DeleteFunc(parts, func(s string) bool { return s == "" }), " · ")
}
