package publish

import (
	"crypto/ed25519"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"gongkai/feed"
)

// AlertChange is what one publication of alerts does to the list in force:
// adds (or replaces, by id) and cancels (by id). Alerts whose end has
// passed are dropped by every publication.
type AlertChange struct {
	Add    []feed.Alert
	Cancel []string
}

// AlertsResult says what a publication of alerts wrote.
type AlertsResult struct {
	Version int64
	Epoch   int64
	Alerts  int // in the object now
	Dropped int // ended since the last publication
	Sum     string
}

// PublishAlerts signs a new alerts object for the feed in out (which must
// hold a published manifest: the alerts take its feed id) and puts it in
// place beside the manifest, signature first. The notices are not touched.
// Its version follows the last alerts object's, under the manifest's rules
// of clock and reset.
func PublishAlerts(out string, ch AlertChange, opt Options) (*AlertsResult, error) {
	if err := opt.prepare(); err != nil {
		return nil, err
	}
	m, err := publishedManifest(out)
	if err != nil {
		return nil, err
	}
	prev, err := previousFile(out, feed.AlertsFile, feed.MaxAlertsSize)
	if err != nil {
		return nil, err
	}
	a := &feed.Alerts{FeedID: m.FeedID, Version: 1, IssuedAt: opt.Now, Expires: opt.Now.Add(opt.Expiry)}
	q := a.Sequence()
	if err := sequence(q, prev, parseAlertsSequence, out, opt); err != nil {
		return nil, err
	}
	a.Epoch, a.Version, a.IssuedAt, a.Expires = q.Epoch, q.Version, q.IssuedAt, q.Expires

	var list []feed.Alert
	if prev != nil {
		if last, err := feed.ParseAlerts(prev); err == nil {
			list = last.Alerts
		} else if !opt.Reset {
			return nil, fmt.Errorf("publish: the alerts in %s: %w", out, err)
		}
	}
	res := &AlertsResult{}
	list = slices.DeleteFunc(list, func(al feed.Alert) bool {
		ended := !al.End.After(opt.Now)
		if ended {
			res.Dropped++
		}
		return ended
	})
	for _, id := range ch.Cancel {
		i := slices.IndexFunc(list, func(al feed.Alert) bool { return al.ID == id })
		if i < 0 {
			return nil, fmt.Errorf("publish: cancel %q: no such alert in force (%s)", id, alertIDs(list))
		}
		list = slices.Delete(list, i, i+1)
	}
	for _, al := range ch.Add {
		if err := al.Check(); err != nil {
			return nil, fmt.Errorf("publish: alert %s: %w", al.ID, err)
		}
		if !al.End.After(opt.Now) {
			return nil, fmt.Errorf("publish: alert %s: it ends at %s, already past", al.ID, al.End.Format(time.RFC3339))
		}
		list = slices.DeleteFunc(list, func(x feed.Alert) bool { return x.ID == al.ID })
		list = append(list, al)
	}
	a.Alerts = list
	raw, err := feed.EncodeAlerts(a)
	if err != nil {
		return nil, fmt.Errorf("publish: %w", err)
	}
	sig := feed.Sign(raw, opt.Key)
	if _, err := feed.VerifyAlerts(raw, sig, feed.Trust{Key: opt.Key.Public().(ed25519.PublicKey), Now: opt.Now}); err != nil {
		return nil, fmt.Errorf("publish: built alerts fail verification: %w", err)
	}
	if err := writeSigned(out, feed.AlertsFile, raw, sig); err != nil {
		return nil, err
	}
	res.Version, res.Epoch, res.Alerts, res.Sum = a.Version, a.Epoch, len(a.Alerts), feed.Sum(raw)
	return res, nil
}

// publishedManifest reads the manifest an alert goes beside.
func publishedManifest(out string) (*feed.Manifest, error) {
	raw, err := previousFile(out, feed.ManifestFile, feed.MaxManifestSize)
	if err != nil {
		return nil, err
	}
	if raw == nil {
		return nil, fmt.Errorf("publish: %s holds no feed yet; publish the notices first (gongkai publish --src …)", out)
	}
	m, err := feed.ParseManifest(raw)
	if err != nil {
		return nil, fmt.Errorf("publish: the manifest in %s: %w", out, err)
	}
	return m, nil
}

// FeedZone is the time zone of the feed published in out, in which a
// clerk's alert times are read.
func FeedZone(out string) (*time.Location, error) {
	m, err := publishedManifest(out)
	if err != nil {
		return nil, err
	}
	return m.Location()
}

func parseAlertsSequence(raw []byte) (*feed.Sequence, error) {
	a, err := feed.ParseAlerts(raw)
	if err != nil {
		return nil, err
	}
	return a.Sequence(), nil
}

func alertIDs(list []feed.Alert) string {
	if len(list) == 0 {
		return "none is"
	}
	ids := make([]string, len(list))
	for i, al := range list {
		ids[i] = al.ID
	}
	return "in force: " + strings.Join(ids, ", ")
}

// alertFrontMatter is what a clerk writes at the top of an alert file;
// the text below it is the alert's body.
type alertFrontMatter struct {
	ID          string `yaml:"id"`
	Title       string `yaml:"title"`
	Agency      string `yaml:"agency"`
	Priority    string `yaml:"priority"`
	Start       string `yaml:"start"`
	End         string `yaml:"end"`
	Locations   any    `yaml:"locations"`
	Instruction string `yaml:"instruction"`
}

// ParseAlertFile reads an alert written like a notice: front matter (id,
// title, agency, end, locations required; start defaults to now, priority
// to urgent) and the body below. Times are "2006-01-02 15:04" in the
// feed's time zone tz, or RFC 3339.
func ParseAlertFile(name string, data []byte, tz *time.Location, now time.Time) (feed.Alert, error) {
	fail := func(line int, format string, args ...any) error {
		return &SourceError{File: name, Line: line, Msg: fmt.Sprintf(format, args...)}
	}
	if len(data) > MaxSourceFile {
		return feed.Alert{}, fail(0, "%d bytes, over %d", len(data), MaxSourceFile)
	}
	fm, body, _, err := splitFrontMatter(name, data)
	if err != nil {
		return feed.Alert{}, err
	}
	var f alertFrontMatter
	if err := unmarshalYAML(fm, &f); err != nil {
		return feed.Alert{}, yamlError(name, 1, err)
	}
	line := func(key string) int { return 1 + lineOf(fm, key) }
	for _, req := range []struct{ key, val string }{{"id", f.ID}, {"title", f.Title}, {"agency", f.Agency}, {"end", f.End}} {
		if strings.TrimSpace(req.val) == "" {
			return feed.Alert{}, fail(line(req.key), "required field %q is missing or empty", req.key)
		}
	}
	locs, err := locationsOf(f.Locations)
	if err != nil {
		return feed.Alert{}, fail(line("locations"), "%v", err)
	}
	al := feed.Alert{ID: f.ID, Title: strings.TrimSpace(f.Title), Agency: strings.TrimSpace(f.Agency), Priority: f.Priority,
		Locations: locs, Body: strings.TrimSpace(body), Instruction: strings.TrimSpace(f.Instruction), Start: now}
	if al.Priority == "" {
		al.Priority = feed.AlertUrgent
	}
	for _, t := range []struct {
		key, val string
		to       *time.Time
	}{{"start", f.Start, &al.Start}, {"end", f.End, &al.End}} {
		if t.val == "" {
			continue
		}
		v, err := parseInstant(t.val, tz)
		if err != nil {
			return feed.Alert{}, fail(line(t.key), "%s %q: %v", t.key, t.val, err)
		}
		*t.to = v
	}
	if err := al.Check(); err != nil {
		key, _, _ := strings.Cut(err.Error(), " ")
		return feed.Alert{}, fail(line(key), "%v", err)
	}
	return al, nil
}

// parseInstant reads a time a clerk wrote: local "2006-01-02 15:04" in tz,
// or RFC 3339 with its own offset.
func parseInstant(s string, tz *time.Location) (time.Time, error) {
	s = strings.TrimSpace(s)
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	for _, layout := range []string{"2006-01-02 15:04", "2006-01-02 15:04:05", "2006-01-02T15:04"} {
		if t, err := time.ParseInLocation(layout, s, tz); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("not a time: write 2026-12-06 20:00 (in the feed's time zone) or RFC 3339")
}

// readAlertChange is the alerts-only mode's change read from its files: the
// alert a clerk wrote (file, ParseAlertFile) and a national warning
// (capFile, ParseCAP) added, the alert cancel withdrawn; "" leaves each
// out. tz is the feed's time zone in out, which the alerts' times are
// read and shown in.
func readAlertChange(out, file, capFile, cancel string, now time.Time) (ch AlertChange, tz *time.Location, err error) {
	if tz, err = FeedZone(out); err != nil {
		return ch, nil, err
	}
	if cancel != "" {
		ch.Cancel = append(ch.Cancel, cancel)
	}
	for _, f := range []struct {
		path  string
		parse func(string, []byte, *time.Location, time.Time) (feed.Alert, error)
	}{{file, ParseAlertFile}, {capFile, ParseCAP}} {
		if f.path == "" {
			continue
		}
		data, err := readCapped(f.path, maxAlertFile)
		if err != nil {
			return ch, nil, fmt.Errorf("%s: %w", f.path, err)
		}
		al, err := f.parse(f.path, data, tz, now)
		if err != nil {
			return ch, nil, err
		}
		ch.Add = append(ch.Add, al)
	}
	return ch, tz, nil
}

// maxAlertFile caps an alert's source file (Markdown or CAP XML).
const maxAlertFile = 1 << 20

// writeAdded prints a line for each alert ch adds: id, title, and its
// start and end in tz.
func (ch AlertChange) writeAdded(w io.Writer, tz *time.Location) {
	for _, al := range ch.Add {
		fmt.Fprintf(w, "alert %s: %s, %s – %s\n", al.ID, feed.Printable(al.Title, feed.MaxLineText),
			al.Start.In(tz).Format("2006-01-02 15:04"), al.End.In(tz).Format("2006-01-02 15:04"))
	}
}

// ResignAlerts re-signs the alerts object beside the feed in out, if
// there is one, after a publication of the notices: so it never expires
// while the feed is alive, and ended alerts drop out. nil when out has
// no alerts.
func ResignAlerts(out string, opt Options) (*AlertsResult, error) {
	if _, err := os.Stat(filepath.Join(out, feed.AlertsFile)); err != nil {
		return nil, nil
	}
	return PublishAlerts(out, AlertChange{}, opt)
}
