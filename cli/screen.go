package cli

import (
	"bytes"
	"cmp"
	"context"
	"crypto/ed25519"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"gongkai/assets"
	"gongkai/config"
	"gongkai/feed"
	"gongkai/period"
	"gongkai/pin"
	"gongkai/proof"
	"gongkai/screen"
	"gongkai/store"
	"gongkai/sync"
)

// The commands of a screen: provisioning, sync, and what an administrator
// asks of a screen from a terminal or a script.
func init() {
	register("init", "provision a screen: --data DIR --location CODE --pubkey FILE [--pin-file FILE] [--source URL|PATH]...", runInit)
	register("sync", "sync once: --data DIR [--source URL|PATH]", runSync)
	register("list", "what this screen shows: --data DIR [--json] [--at TIME]", runList)
	register("search", "search notices: --data DIR [--json] QUERY", runSearch)
	register("status", "state of this screen: --data DIR [--json]", runStatus)
	register("check", "integrity of database and attachments: --data DIR", runCheck)
}

// stringList is a repeatable flag.
type stringList []string

func (l *stringList) String() string     { return strings.Join(*l, ",") }
func (l *stringList) Set(s string) error { *l = append(*l, s); return nil }

func runInit(env *Env, args []string) error {
	fs := newFlags(env, "init")
	data := dataFlag(fs)
	location := fs.String("location", "", "division code of this screen, 6-12 digits (e.g. 310118901201)")
	pubkey := fs.String("pubkey", "", "the publisher's publisher.pub to pin")
	pinFile := fs.String("pin-file", "", pinFileUsage)
	var sources stringList
	fs.Var(&sources, "source", "feed URL or folder, tried in order (repeatable)")
	if err := parse(fs, args, 0); err != nil {
		return err
	}
	if err := required(fs, "location", "pubkey"); err != nil {
		return err
	}
	keyFile, err := readSmall(*pubkey)
	if err != nil {
		return fmt.Errorf("publisher key: %w", err)
	}
	// the PIN file is read before anything is written: a bad one leaves
	// the directory uninitialised
	var adminPIN string
	if *pinFile != "" {
		if adminPIN, err = pin.ReadFile(*pinFile); err != nil {
			return err
		}
	}
	if err := config.Init(*data, config.Config{Location: *location, Sources: sources}, keyFile); err != nil {
		return err
	}
	cfg, err := config.Load(*data)
	if err != nil {
		return err
	}
	// Create the empty store now, so a data directory that cannot hold one
	// is found at provisioning rather than at the first sync.
	st, err := store.Open(*data, store.Options{})
	if err != nil {
		return err
	}
	if err := st.Close(); err != nil {
		return err
	}
	// The device key signs this screen's display log (proof of display).
	deviceKey, err := proof.EnsureDeviceKey(*data)
	if err != nil {
		return err
	}
	if adminPIN != "" {
		if err := pin.Write(*data, adminPIN); err != nil {
			return err
		}
	}
	fmt.Fprintf(env.Stdout, "initialised %s: screen at %s, publisher key %s, %d source(s)\n",
		*data, cfg.Location, feed.Fingerprint(cfg.PublicKey()), len(cfg.Sources))
	fmt.Fprintf(env.Stdout, "device key %s (signs the display log)\n", feed.Fingerprint(deviceKey.Public().(ed25519.PublicKey)))
	if adminPIN == "" {
		fmt.Fprintf(env.Stdout, "note: no admin PIN (--pin-file): the admin panel stays shut until gongkai pin --data %s --pin-file FILE sets one\n", *data)
	}
	if isDemo(cfg) {
		fmt.Fprintln(env.Stdout, "note: this is the public DEMO key; anyone can sign feeds for it. Use it for demonstrations only.")
	}
	return nil
}

func isDemo(cfg *config.Config) bool {
	if assets.IsDemoKey(cfg.KeyFile()) {
		return true
	}
	demo, err := feed.ParsePublicKey(assets.DemoPublicKey)
	return err == nil && demo.Equal(cfg.PublicKey())
}

// openScreen loads the configuration and opens the store. A damaged
// database is moved aside and started afresh (the next sync rebuilds it),
// as the screen itself does, with a warning.
func openScreen(env *Env, data string) (*config.Config, *store.Store, error) {
	cfg, err := config.Load(data)
	if err != nil {
		return nil, nil, err
	}
	st, reset, err := store.OpenOrReset(data, store.Options{})
	if errors.Is(err, syscall.EROFS) {
		// A data directory that became read-only (a failing SD card
		// remounted by the kernel) still holds the last good content:
		// keep showing it; syncs will fail and say why.
		fmt.Fprintf(env.Stderr, "gongkai: warning: %s is read-only; showing the stored content without syncing\n", data)
		st, err = store.Open(data, store.Options{ReadOnly: true})
	}
	if err != nil {
		return nil, nil, storeError(data, err)
	}
	if reset {
		fmt.Fprintf(env.Stderr, "gongkai: warning: the database in %s was damaged; it was moved aside and the next sync rebuilds it\n", data)
	}
	return cfg, st, nil
}

// openToRead opens a screen's store read-only, for a command that only
// reads: it maps the file and reads what it asks for, where opening for
// writing reads every page of the database first (a sound store is walked
// for damage, and bbolt rebuilds its free list). A store that cannot be
// read as it is — missing, damaged, of an older schema — is opened as
// openScreen does, which recovers it.
func openToRead(env *Env, data string) (*config.Config, *store.Store, error) {
	cfg, err := config.Load(data)
	if err != nil {
		return nil, nil, err
	}
	st, err := store.Open(data, store.Options{ReadOnly: true})
	switch {
	case err == nil:
		return cfg, st, nil
	case errors.Is(err, store.ErrLocked):
		return nil, nil, storeError(data, err)
	}
	return openScreen(env, data)
}

func storeError(data string, err error) error {
	switch {
	case errors.Is(err, store.ErrLocked):
		return fmt.Errorf("%w (is the kiosk or another command using %s?)", err, data)
	case errors.Is(err, store.ErrDamaged):
		return fmt.Errorf("%w; run gongkai sync --data %s to rebuild it from the feed", err, data)
	}
	return err
}

func runSync(env *Env, args []string) error {
	fs := newFlags(env, "sync")
	data := dataFlag(fs)
	source := fs.String("source", "", "feed URL or folder (default: the configured sources, in order)")
	if err := parse(fs, args, 0); err != nil {
		return err
	}
	cfg, st, err := openScreen(env, *data)
	if err != nil {
		return err
	}
	defer st.Close()
	sources := cfg.Sources
	if *source != "" {
		sources = []string{*source}
	}
	if len(sources) == 0 {
		return fmt.Errorf("no source to sync from: give --source URL|PATH, or provision sources with gongkai init --source")
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	p := newProgressLine(env.Stderr)
	res, err := sync.RunSources(ctx, st, cfg, *data, sources, sync.Options{Progress: p.show})
	p.clear()
	if err != nil {
		return err
	}
	fmt.Fprintln(env.Stdout, summary(res))
	// The alerts too: a clerk syncing by hand (or from a USB folder)
	// expects the warnings with the notices.
	// The notices are synced, which is what the exit status says: an
	// alerts poll that failed is one line on stderr, and status keeps it.
	a, err := sync.PollAlertSources(ctx, st, cfg, *data, sources, time.Now())
	switch {
	case err != nil:
		fmt.Fprintln(env.Stderr, "alerts: "+feed.Printable(strings.TrimPrefix(err.Error(), "sync: "), feed.MaxErrorText))
	case !a.None:
		fmt.Fprintf(env.Stdout, "alerts version %d\n", a.Version)
	}
	return nil
}

func summary(r sync.Result) string {
	repaired := ""
	if r.Repaired > 0 {
		repaired = fmt.Sprintf("; %d damaged attachment(s) fetched again", r.Repaired)
	}
	if r.Unchanged {
		return fmt.Sprintf("unchanged (version %d)%s", r.Version, repaired)
	}
	return fmt.Sprintf("updated to version %d: %d added, %d changed, %d removed, %s fetched in %.1fs%s",
		r.Version, r.Changes.Added, r.Changes.Changed, r.Changes.Removed, sizeText(r.BytesFetched), r.Duration.Seconds(), repaired)
}

func sizeText(n int64) string {
	switch {
	case n < 10<<10:
		return fmt.Sprintf("%.1f KiB", float64(n)/1024)
	case n < 10<<20:
		return fmt.Sprintf("%d KiB", (n+512)>>10)
	default:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	}
}

// itemJSON is one notice in list and search output. Dates are YYYY-MM-DD in
// the feed's time zone; an open validity bound is null.
type itemJSON struct {
	ID           string  `json:"id"`
	Title        string  `json:"title"`
	Category     string  `json:"category"`
	CategoryName string  `json:"category_name"`
	Agency       string  `json:"agency"`
	Published    string  `json:"published"`
	ValidFrom    *string `json:"valid_from"`
	ValidUntil   *string `json:"valid_until"`
	Priority     string  `json:"priority"`
	DocNo        string  `json:"doc_no"`
	Normative    bool    `json:"normative"`
	PostingDays  int     `json:"posting_days"`
	// PostingWorkdays and PeriodEnd: a period in working days, and the last
	// day of any period as every screen and paper says it (package period).
	PostingWorkdays int      `json:"posting_workdays,omitempty"`
	PeriodEnd       *string  `json:"period_end,omitempty"`
	Locations       []string `json:"locations"`
}

func dateOrNull(d feed.Date) *string {
	if d == "" {
		return nil
	}
	s := string(d)
	return &s
}

func categoryNames(st *store.Store) map[string]string {
	names := map[string]string{}
	if s, err := st.State(); err == nil {
		for _, c := range s.Categories {
			names[c.ID] = feed.Printable(c.Name, feed.MaxLineText)
		}
	}
	return names
}

func printItems(w io.Writer, st *store.Store, items []store.Summary, asJSON bool) error {
	names := categoryNames(st)
	if asJSON {
		cal, err := st.Calendar()
		if err != nil {
			return err
		}
		out := make([]itemJSON, 0, len(items))
		for _, s := range items {
			var end *string
			if p, ok := period.Of(period.StartOf(s.Published, s.ValidFrom), s.PostingDays, s.PostingWorkdays, cal, st.Location()); ok {
				e := p.End.Format(time.DateOnly)
				end = &e
			}
			out = append(out, itemJSON{
				PostingWorkdays: s.PostingWorkdays, PeriodEnd: end,
				ID: s.ID, Title: s.Title, Category: s.Category, CategoryName: names[s.Category],
				Agency: s.Agency, Published: string(s.Published),
				ValidFrom: dateOrNull(s.ValidFrom), ValidUntil: dateOrNull(s.ValidUntil),
				Priority: s.Priority, DocNo: s.DocNo, Normative: s.Normative, PostingDays: s.PostingDays,
				Locations: s.Locations,
			})
		}
		return writeJSON(w, out)
	}
	if len(items) == 0 {
		fmt.Fprintln(w, "(no notices)")
		return nil
	}
	idW, catW := 0, 0
	for _, s := range items {
		idW = max(idW, width(s.ID))
		catW = max(catW, width(names[s.Category]))
	}
	for _, s := range items {
		valid := "-"
		if s.ValidFrom != "" || s.ValidUntil != "" {
			valid = string(s.ValidFrom) + ".." + string(s.ValidUntil)
		}
		// Titles and names are the feed's text: one printable line each,
		// so no escape code in a title reaches the terminal.
		fmt.Fprintf(w, "%s  %s  %-6s  %-22s  %s\n", pad(s.ID, idW), pad(names[s.Category], catW),
			s.Priority, valid, feed.Printable(s.Title, feed.MaxLineText))
	}
	return nil
}

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// parseAt reads --at: a day in the feed's time zone (its start), or an
// RFC 3339 instant.
func parseAt(s string, tz *time.Location) (time.Time, error) {
	if t, err := time.ParseInLocation(time.DateOnly, s, tz); err == nil {
		return t, nil
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	return time.Time{}, fmt.Errorf("--at %q: want a date YYYY-MM-DD or an RFC 3339 time like 2026-11-20T09:00:00+08:00", s)
}

func runList(env *Env, args []string) error {
	fs := newFlags(env, "list")
	data := dataFlag(fs)
	asJSON := fs.Bool("json", false, "print JSON")
	atFlag := fs.String("at", "", "show what the screen shows at this time: YYYY-MM-DD or RFC 3339 (default now)")
	if err := parse(fs, args, 0); err != nil {
		return err
	}
	cfg, st, err := openScreen(env, *data)
	if err != nil {
		return err
	}
	defer st.Close()
	at := st.Now(time.Now())
	if *atFlag != "" {
		if at, err = parseAt(*atFlag, st.Location()); err != nil {
			return err
		}
	}
	items, err := st.Visible(cfg.Location, "", at)
	if err != nil {
		return err
	}
	return printItems(env.Stdout, st, items, *asJSON)
}

// parseInterspersed parses flags that may come before or after the
// positional arguments ("search QUERY --json" as well as "search --json QUERY").
func parseInterspersed(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, errUsage
		}
		if fs.NArg() == 0 {
			return pos, nil
		}
		pos = append(pos, fs.Arg(0))
		args = fs.Args()[1:]
	}
}

func runSearch(env *Env, args []string) error {
	fs := newFlags(env, "search")
	data := dataFlag(fs)
	asJSON := fs.Bool("json", false, "print JSON")
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	query := strings.TrimSpace(strings.Join(pos, " "))
	if query == "" {
		fmt.Fprintf(env.Stderr, "%s: QUERY is required\n", fs.Name())
		return errUsage
	}
	cfg, st, err := openToRead(env, *data)
	if err != nil {
		return err
	}
	defer st.Close()
	items, err := st.Find(query, cfg.Location, st.Now(time.Now()))
	if err != nil {
		return err
	}
	return printItems(env.Stdout, st, items, *asJSON)
}

// statusJSON is the status of a screen. Times are RFC 3339; never-happened
// times and an absent error are null.
type statusJSON struct {
	Version     int64   `json:"version"`
	Epoch       int64   `json:"epoch"` // key-holder resets of the feed so far
	Items       int     `json:"items"`
	LastSync    *string `json:"last_sync"`
	LastSuccess *string `json:"last_success"` // = last_sync, under the name the sync issue uses
	LastError   *string `json:"last_error"`
	// LastErrorKind is the kind of last_error (sync.KindOf: network,
	// signature, expired, no_source, …), for scripts; null without one.
	LastErrorKind  *string `json:"last_error_kind"`
	FeedID         string  `json:"feed_id"`
	Title          string  `json:"title"`
	Location       string  `json:"location"`
	LocationName   string  `json:"location_name"`
	Source         string  `json:"source"`
	LastAttempt    *string `json:"last_attempt"`
	BytesFetched   int64   `json:"bytes_fetched"`
	Expires        *string `json:"expires"`
	Stale          bool    `json:"stale"`
	TrustedTime    string  `json:"trusted_time"`
	KeyFingerprint string  `json:"key_fingerprint"`
	Demo           bool    `json:"demo"`
	// The last sync that found attachments damaged (deleted, cut short,
	// altered) and fetched them again; null and 0 when none ever did.
	LastRepair          *string  `json:"last_repair"`
	RepairedAttachments int      `json:"repaired_attachments"`
	Mode                string   `json:"mode"`
	Sources             []string `json:"sources"`
	// The upload of the proof of display to report_url (cli/upload.go).
	ReportURL         string  `json:"report_url"` // password hidden; "" when uploads are off
	LastUpload        *string `json:"last_upload"`
	LastUploadAttempt *string `json:"last_upload_attempt"`
	LastUploadError   *string `json:"last_upload_error"` // one line; null after a success
	// The alerts object (sync/alerts.go): its version (0: none yet), the
	// ids of the alerts in force for this screen now, the last poll.
	AlertsVersion   int64    `json:"alerts_version"`
	AlertsInForce   []string `json:"alerts_in_force"`
	LastAlertsPoll  *string  `json:"last_alerts_poll"`
	LastAlertsError *string  `json:"last_alerts_error"`
}

func alertStatus(st *store.Store, location string, now time.Time, out *statusJSON) error {
	as, err := st.AlertState()
	if err != nil {
		return err
	}
	list, err := st.Alerts(location, now)
	if err != nil {
		return err
	}
	out.AlertsVersion, out.AlertsInForce = as.Version, []string{}
	for _, a := range list {
		out.AlertsInForce = append(out.AlertsInForce, a.ID)
	}
	out.LastAlertsPoll = timeOrNull(as.LastPoll, st.Location())
	if as.LastError != "" {
		out.LastAlertsError = &as.LastError
	}
	return nil
}

func timeOrNull(t time.Time, tz *time.Location) *string {
	if t.IsZero() {
		return nil
	}
	s := t.In(tz).Format(time.RFC3339)
	return &s
}

func runStatus(env *Env, args []string) error {
	fs := newFlags(env, "status")
	data := dataFlag(fs)
	asJSON := fs.Bool("json", false, "print JSON")
	if err := parse(fs, args, 0); err != nil {
		return err
	}
	cfg, st, err := openScreen(env, *data)
	if err != nil {
		return err
	}
	defer st.Close()
	s, err := st.State()
	if err != nil {
		return err
	}
	now := st.Now(time.Now())
	visible, err := st.Visible(cfg.Location, "", now)
	if err != nil {
		return err
	}
	tz := st.Location()
	out := statusJSON{
		Version: s.Version, Epoch: s.Epoch, Items: len(visible),
		LastRepair: timeOrNull(s.LastRepair, tz), RepairedAttachments: s.Repaired,
		LastSync: timeOrNull(s.LastSuccess, tz), LastSuccess: timeOrNull(s.LastSuccess, tz), FeedID: s.FeedID, Title: s.Title,
		Location: cfg.Location, LocationName: st.PlaceName(cfg.Location),
		Source: s.Source, LastAttempt: timeOrNull(s.LastAttempt, tz), BytesFetched: s.BytesFetched,
		Expires: timeOrNull(s.Expires, tz), Stale: !s.Expires.IsZero() && !now.Before(s.Expires),
		TrustedTime: now.In(tz).Format(time.RFC3339), KeyFingerprint: feed.Fingerprint(cfg.PublicKey()),
		Demo: isDemo(cfg), Mode: cfg.Mode, Sources: append([]string{}, cfg.Sources...),
	}
	if s.LastError != "" {
		out.LastError = &s.LastError
	}
	if s.LastErrorKind != "" {
		out.LastErrorKind = &s.LastErrorKind
	}
	up, err := screen.LoadUploadStatus(*data)
	if err != nil {
		up.LastError = err.Error()
	}
	if cfg.ReportURL != "" {
		out.ReportURL = sync.RedactURL(cfg.ReportURL)
	}
	out.LastUpload, out.LastUploadAttempt = timeOrNull(up.LastSuccess, tz), timeOrNull(up.LastAttempt, tz)
	if up.LastError != "" {
		out.LastUploadError = &up.LastError
	}
	if err := alertStatus(st, cfg.Location, now, &out); err != nil {
		return err
	}
	if *asJSON {
		return writeJSON(env.Stdout, out)
	}
	w := env.Stdout
	or := func(p *string, none string) string {
		if p == nil {
			return none
		}
		return *p
	}
	line := func(s string) string { return feed.Printable(s, feed.MaxLineText) }
	if s.Version == 0 {
		fmt.Fprintf(w, "feed:          none yet (run gongkai sync)\n")
	} else {
		epoch := ""
		if s.Epoch > 0 {
			epoch = fmt.Sprintf(" of epoch %d (reset %d times by the publisher)", s.Epoch, s.Epoch)
		}
		fmt.Fprintf(w, "feed:          %s (%s), version %d%s\n", line(s.Title), s.FeedID, s.Version, epoch)
	}
	fmt.Fprintf(w, "location:      %s (%s)\n", line(out.LocationName), out.Location)
	fmt.Fprintf(w, "notices:       %d shown now\n", out.Items)
	fmt.Fprintf(w, "last sync:     %s\n", or(out.LastSync, "never"))
	fmt.Fprintf(w, "last attempt:  %s from %s\n", or(out.LastAttempt, "never"), or(&out.Source, "-"))
	fmt.Fprintf(w, "last error:    %s\n", oneLine(or(out.LastError, "none")))
	if out.AlertsVersion > 0 || out.LastAlertsError != nil {
		fmt.Fprintf(w, "alerts:        version %d, %d in force here; last poll %s, error %s\n", out.AlertsVersion, len(out.AlertsInForce),
			or(out.LastAlertsPoll, "never"), oneLine(or(out.LastAlertsError, "none")))
	}
	if out.LastRepair != nil {
		fmt.Fprintf(w, "repaired:      %d damaged attachment(s) fetched again, at %s\n", out.RepairedAttachments, *out.LastRepair)
	}
	if out.BytesFetched > 0 {
		fmt.Fprintf(w, "fetched:       %s by the last attempt\n", sizeText(out.BytesFetched))
	}
	if len(out.Sources) > 0 {
		fmt.Fprintf(w, "sources:       %s\n", strings.Join(out.Sources, ", "))
	}
	stale := ""
	if out.Stale {
		stale = " (STALE: the feed has expired; the publisher must re-publish)"
	}
	fmt.Fprintf(w, "expires:       %s%s\n", or(out.Expires, "-"), stale)
	fmt.Fprintf(w, "trusted time:  %s\n", out.TrustedTime)
	demo := ""
	if out.Demo {
		demo = " (DEMO KEY: demonstration content only)"
	}
	fmt.Fprintf(w, "publisher key: %s%s\n", out.KeyFingerprint, demo)
	if out.ReportURL != "" || out.LastUploadAttempt != nil || out.LastUploadError != nil {
		fmt.Fprintf(w, "report upload: %s\n", cmp.Or(out.ReportURL, "off (no report_url)"))
		fmt.Fprintf(w, "last upload:   %s\n", or(out.LastUpload, "never"))
		if out.LastUploadError != nil {
			fmt.Fprintf(w, "upload error:  %s, at %s\n", *out.LastUploadError, or(out.LastUploadAttempt, "-"))
		} else {
			fmt.Fprintf(w, "upload error:  none\n")
		}
	}
	return nil
}

// checkChildEnv marks the process that does the work of check (see runCheck).
const checkChildEnv = "GONGKAI_CHECK_CHILD"

// runCheck runs the check in a child process of the same binary. A damaged
// database file can crash its reader outright (a fault on a bad page, or a
// panic in a goroutine of the database library that no recover reaches);
// in the child such a crash is one more finding, reported in one line.
func runCheck(env *Env, args []string) error {
	fs := newFlags(env, "check")
	data := dataFlag(fs)
	if err := parse(fs, args, 0); err != nil {
		return err
	}
	if _, err := config.Load(*data); err != nil {
		return err
	}
	exe, err := os.Executable()
	if os.Getenv(checkChildEnv) == "1" || err != nil {
		return checkStore(env, *data)
	}
	cmd := exec.Command(exe, "check", "--data", *data)
	cmd.Env = append(os.Environ(), checkChildEnv+"=1")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); cmd.ProcessState == nil {
		return fmt.Errorf("running the check: %w", err)
	}
	switch code := cmd.ProcessState.ExitCode(); code {
	case 0, 1: // the child's own verdict, already worded for a person
		env.Stdout.Write(stdout.Bytes())
		env.Stderr.Write(stderr.Bytes())
		return exitCode(code)
	default:
		return fmt.Errorf("%w: reading the database crashed (%s); run gongkai sync --data %s to rebuild it from the feed",
			store.ErrDamaged, crashReason(stderr.String(), cmd.ProcessState), *data)
	}
}

// crashReason is the line of a Go crash report that says what happened.
func crashReason(stderr string, ps *os.ProcessState) string {
	for _, line := range strings.Split(stderr, "\n") {
		for _, p := range []string{"panic: ", "fatal error: ", "unexpected fault", "unexpected signal"} {
			if strings.HasPrefix(line, p) {
				return strings.TrimSpace(line)
			}
		}
	}
	return ps.String()
}

func checkStore(env *Env, data string) (err error) {
	// A panic that does reach us is damage too.
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("%w: %v; run gongkai sync --data %s to rebuild it from the feed", store.ErrDamaged, r, data)
		}
	}()
	// Plain Open, read-only: check reports damage, it never repairs.
	st, err := store.Open(data, store.Options{ReadOnly: true})
	if err != nil {
		return storeError(data, err)
	}
	defer st.Close()
	problems, err := st.Check()
	for _, p := range problems {
		fmt.Fprintln(env.Stderr, oneLine(p))
	}
	if err != nil {
		return storeError(data, err)
	}
	if len(problems) > 0 {
		return fmt.Errorf("%d problem(s) found", len(problems))
	}
	sums, err := st.ItemSums()
	if err != nil {
		return storeError(data, err)
	}
	fmt.Fprintf(env.Stdout, "ok: %d items, %d attachments\n", len(sums), countBlobs(st))
	return nil
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

// width is the number of terminal columns s takes: CJK characters take two.
func width(s string) int {
	n := 0
	for _, r := range s {
		switch {
		case r >= 0x1100 && r <= 0x115F, r >= 0x2E80 && r <= 0xA4CF, r >= 0xAC00 && r <= 0xD7A3,
			r >= 0xF900 && r <= 0xFAFF, r >= 0xFE30 && r <= 0xFE4F, r >= 0xFF00 && r <= 0xFF60,
			r >= 0xFFE0 && r <= 0xFFE6, r >= 0x20000 && r <= 0x3FFFD:
			n += 2
		default:
			n++
		}
	}
	return n
}

func pad(s string, w int) string {
	if d := w - width(s); d > 0 {
		return s + strings.Repeat(" ", d)
	}
	return s
}
