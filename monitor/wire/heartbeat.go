package wire

import (
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Heartbeat is what a screen says about itself every heartbeat.
type Heartbeat struct {
	At       time.Time `json:"at"`       // the screen's clock when made
	Started  time.Time `json:"started"`  // the program's start: uptime is At − Started
	Program  string    `json:"program"`  // gongkai version
	Mode     string    `json:"mode"`     // touch or display
	Location string    `json:"location"` // division code the screen is set to
	Place    string    `json:"place"`    // its name in the feed ("东湾村"), or the code
	Interval int64     `json:"interval"` // seconds until the next heartbeat
	Feed     Feed      `json:"feed"`
	Sync     Sync      `json:"sync"`
	// DiskFree and DiskTotal are bytes of the data directory's file system.
	DiskFree  int64  `json:"disk_free"`
	DiskTotal int64  `json:"disk_total"`
	OnHours   string `json:"on_hours"` // "HH:MM-HH:MM"; "" always on
	Lit       bool   `json:"lit"`      // the screen is on now (display mode's hours)
	// Notices in the rotation (display) or on offer (touch) now.
	Notices        []Notice `json:"notices"`
	NoticesOmitted int      `json:"notices_omitted,omitempty"`
	// Queued heartbeats after this one, and heartbeats dropped from a full
	// queue while the monitor was out of reach.
	Queued  int `json:"queued,omitempty"`
	Dropped int `json:"dropped,omitempty"`
}

// Feed is the feed the screen holds.
type Feed struct {
	ID         string    `json:"id"`
	Version    int64     `json:"version"` // 0: no feed yet
	IssuedAt   time.Time `json:"issued_at"`
	Expires    time.Time `json:"expires"`
	StaleAfter int64     `json:"stale_after"` // seconds without a good sync before the screen warns
}

// Sync is how the screen's syncs went.
type Sync struct {
	LastSuccess time.Time `json:"last_success"`
	LastAttempt time.Time `json:"last_attempt"`
	// Kind of the last attempt's error ("" after a success): one of Kinds,
	// for the monitor to put in plain words. Error is the screen's own line.
	Kind  string `json:"kind,omitempty"`
	Error string `json:"error,omitempty"`
}

// Notice is one notice on the screen.
type Notice struct {
	ID    string `json:"id"`
	Title string `json:"title"`
}

// Kinds of sync failure a heartbeat names. The screen derives them (agent.Kind);
// the monitor never reads the English error text for them.
const (
	KindNetwork   = "network"   // the source could not be reached
	KindSignature = "signature" // not signed by the pinned key, or another feed
	KindExpired   = "expired"   // the feed's manifest has expired
	KindRollback  = "rollback"  // an older version, or a different one with the same number
	KindDamaged   = "damaged"   // malformed, oversized, or an object that does not match
	KindStorage   = "storage"   // the screen's disk or database
	KindNoSource  = "no_source" // nothing to sync from
	KindOther     = "other"
)

// Kinds are the kinds a monitor understands; any other is read as KindOther.
var Kinds = []string{KindNetwork, KindSignature, KindExpired, KindRollback, KindDamaged, KindStorage, KindNoSource, KindOther}

// Limits of a heartbeat's fields. Longer text is cut (a title) or refused
// (an id, a code): the page never shows more than this of what a device says.
const (
	MaxNotices  = 1000
	maxTitle    = 300 // runes
	maxError    = 500 // runes
	maxShort    = 64  // runes: program version, place name, feed id
	maxNoticeID = 128 // bytes, as feed ids
)

var (
	codePattern  = regexp.MustCompile(`^[0-9]{0,12}$`)
	hoursPattern = regexp.MustCompile(`^([0-9]{2}:[0-9]{2}-[0-9]{2}:[0-9]{2})?$`)
)

// ParseHeartbeat decodes and checks a heartbeat body. Text fields are made
// one line of printable characters and cut to their limits; a field that
// cannot be right (a location that is not a code, a mode we do not know)
// is an error naming it.
func ParseHeartbeat(body []byte) (Heartbeat, error) {
	var h Heartbeat
	if len(body) > MaxHeartbeat {
		return h, fmt.Errorf("heartbeat is %d bytes, over %d", len(body), MaxHeartbeat)
	}
	if err := json.Unmarshal(body, &h); err != nil {
		return Heartbeat{}, fmt.Errorf("heartbeat unreadable: %v", oneLine(err.Error(), 200))
	}
	switch {
	case h.Mode != "touch" && h.Mode != "display":
		return Heartbeat{}, fmt.Errorf("heartbeat mode %.20q: want touch or display", h.Mode)
	case !codePattern.MatchString(h.Location):
		return Heartbeat{}, fmt.Errorf("heartbeat location %.20q is not a division code", h.Location)
	case h.Interval < 1 || h.Interval > 7*24*3600:
		return Heartbeat{}, fmt.Errorf("heartbeat interval %d s: want 1 s to a week", h.Interval)
	case !hoursPattern.MatchString(h.OnHours):
		return Heartbeat{}, fmt.Errorf("heartbeat on_hours %.20q: want HH:MM-HH:MM", h.OnHours)
	case len(h.Notices) > MaxNotices:
		return Heartbeat{}, fmt.Errorf("heartbeat lists %d notices, at most %d", len(h.Notices), MaxNotices)
	case h.Feed.Version < 0 || h.DiskFree < 0 || h.DiskTotal < 0 || h.Feed.StaleAfter < 0 ||
		h.NoticesOmitted < 0 || h.Queued < 0 || h.Dropped < 0:
		return Heartbeat{}, errors.New("heartbeat has a negative count")
	}
	h.Program = oneLine(h.Program, maxShort)
	h.Place = oneLine(h.Place, maxShort)
	h.Feed.ID = oneLine(h.Feed.ID, maxShort)
	h.Sync.Error = oneLine(h.Sync.Error, maxError)
	if h.Sync.Kind != "" && !contains(Kinds, h.Sync.Kind) {
		h.Sync.Kind = KindOther
	}
	for i, n := range h.Notices {
		if n.ID == "" || len(n.ID) > maxNoticeID || !utf8.ValidString(n.ID) || strings.ContainsFunc(n.ID, notPrintable) {
			return Heartbeat{}, fmt.Errorf("heartbeat notice %d: id %.40q is not a notice id", i+1, n.ID)
		}
		h.Notices[i].Title = oneLine(n.Title, maxTitle)
	}
	return h, nil
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

func notPrintable(r rune) bool { return unicode.IsControl(r) || r == utf8.RuneError }

// oneLine is s as one line of printable text: invalid UTF-8 and control
// characters become spaces, runs of spaces one space, cut to limit runes.
func oneLine(s string, limit int) string {
	s = strings.ToValidUTF8(s, " ")
	s = strings.Join(strings.FieldsFunc(s, func(r rune) bool { return unicode.IsSpace(r) || notPrintable(r) }), " ")
	if utf8.RuneCountInString(s) > limit {
		r := []rune(s)
		return string(r[:limit]) + "…"
	}
	return s
}

// OneLine is oneLine for the other side of the protocol: the screen cuts
// what it sends as the monitor would.
func OneLine(s string, limit int) string { return oneLine(s, limit) }
