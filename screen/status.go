package screen

import (
	"cmp"
	"fmt"
	"io"
	"strings"
	"time"

	"gongkai/config"
	"gongkai/feed"
	"gongkai/store"
	"gongkai/sync"
)

// Status is the state of a screen as gongkai status tells it (its --json
// fields are part of the command contract). Times are RFC 3339;
// never-happened times and an absent error are null.
type Status struct {
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
	// The upload of the proof of display to report_url (uploads.go).
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

// StatusOf is the status of the screen in data, with its configuration
// and open store, at the wall clock's time wall.
func StatusOf(data string, cfg *config.Config, st *store.Store, wall time.Time) (Status, error) {
	s, err := st.State()
	if err != nil {
		return Status{}, err
	}
	now := st.Now(wall)
	// counted from the index's sets: reading every visible notice to
	// count them was half a gigabyte at a million
	shown, err := st.Tally(cfg.Location, now)
	if err != nil {
		return Status{}, err
	}
	tz := st.Location()
	out := Status{
		Version: s.Version, Epoch: s.Epoch, Items: shown.Total,
		LastRepair: timeOrNull(s.LastRepair, tz), RepairedAttachments: s.Repaired,
		LastSync: timeOrNull(s.LastSuccess, tz), LastSuccess: timeOrNull(s.LastSuccess, tz), FeedID: s.FeedID, Title: s.Title,
		Location: cfg.Location, LocationName: st.PlaceName(cfg.Location),
		Source: s.Source, LastAttempt: timeOrNull(s.LastAttempt, tz), BytesFetched: s.BytesFetched,
		Expires: timeOrNull(s.Expires, tz), Stale: !s.Expires.IsZero() && !now.Before(s.Expires),
		TrustedTime: now.In(tz).Format(time.RFC3339), KeyFingerprint: feed.Fingerprint(cfg.PublicKey()),
		Demo: IsDemo(cfg), Mode: cfg.Mode, Sources: append([]string{}, cfg.Sources...),
	}
	if s.LastError != "" {
		out.LastError = &s.LastError
	}
	if s.LastErrorKind != "" {
		out.LastErrorKind = &s.LastErrorKind
	}
	up, err := LoadUploadStatus(data)
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
	if err := out.addAlerts(st, cfg.Location, now); err != nil {
		return Status{}, err
	}
	return out, nil
}

func (out *Status) addAlerts(st *store.Store, location string, now time.Time) error {
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

// WriteText writes the status for a person, one fact a line. The feed's
// words (title, place name) and errors are one printable line each.
func (out Status) WriteText(w io.Writer) {
	or := func(p *string, none string) string {
		if p == nil {
			return none
		}
		return *p
	}
	line := func(s string) string { return feed.Printable(s, feed.MaxLineText) }
	oneLine := func(s string) string { return feed.Printable(s, feed.MaxErrorText) }
	if out.Version == 0 {
		fmt.Fprintf(w, "feed:          none yet (run gongkai sync)\n")
	} else {
		epoch := ""
		if out.Epoch > 0 {
			epoch = fmt.Sprintf(" of epoch %d (reset %d times by the publisher)", out.Epoch, out.Epoch)
		}
		fmt.Fprintf(w, "feed:          %s (%s), version %d%s\n", line(out.Title), out.FeedID, out.Version, epoch)
	}
	fmt.Fprintf(w, "location:      %s (%s)\n", line(out.LocationName), out.Location)
	fmt.Fprintf(w, "notices:       %d shown now\n", out.Items)
	fmt.Fprintf(w, "last sync:     %s\n", or(out.LastSync, "never"))
	fmt.Fprintf(w, "last attempt:  %s from %s\n", or(out.LastAttempt, "never"), cmp.Or(out.Source, "-"))
	fmt.Fprintf(w, "last error:    %s\n", oneLine(or(out.LastError, "none")))
	if out.AlertsVersion > 0 || out.LastAlertsError != nil {
		fmt.Fprintf(w, "alerts:        version %d, %d in force here; last poll %s, error %s\n", out.AlertsVersion, len(out.AlertsInForce),
			or(out.LastAlertsPoll, "never"), oneLine(or(out.LastAlertsError, "none")))
	}
	if out.LastRepair != nil {
		fmt.Fprintf(w, "repaired:      %d damaged attachment(s) fetched again, at %s\n", out.RepairedAttachments, *out.LastRepair)
	}
	if out.BytesFetched > 0 {
		fmt.Fprintf(w, "fetched:       %s by the last attempt\n", SizeText(out.BytesFetched))
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
			// the report server's words: outside data, like the feed's
			fmt.Fprintf(w, "upload error:  %s, at %s\n", oneLine(*out.LastUploadError), or(out.LastUploadAttempt, "-"))
		} else {
			fmt.Fprintf(w, "upload error:  none\n")
		}
	}
}
