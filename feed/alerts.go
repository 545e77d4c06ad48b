package feed

import (
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// The alerts object: urgent warnings (a water cut tonight, a flood, a
// typhoon evacuation) that cannot wait for a screen's next sync of the
// manifest. It lies beside manifest.json, is signed with the same key and
// checked by the same rules (Sequence), but has its own version and expiry,
// so publishing an alert never touches the notices and a screen polls it
// every minute for the price of one conditional request.
const (
	AlertsFormat = "gongkai-alerts/1"
	AlertsFile   = "alerts.json" // its signature: SignaturePath(Sum(bytes)), as the manifest's
)

// Limits of the alerts object. A screen polls it every minute, so it stays
// small: a township has a handful of warnings in force, never hundreds.
const (
	MaxAlertsSize     = 256 << 10
	MaxAlerts         = 64
	MaxAlertTitle     = 100   // characters, as a notice's title
	MaxAlertText      = 2_000 // characters of the body and of the instruction each
	MaxAlertLocations = 1_000
)

// Alert priorities: an urgent alert takes a display screen's whole face;
// a normal one is a banner.
const (
	AlertUrgent = "urgent"
	AlertNormal = "normal"
)

// Alerts is the signed list of the alerts in force or to come.
type Alerts struct {
	Format   string    `json:"format"`
	FeedID   string    `json:"feed_id"`
	Version  int64     `json:"version"`
	Epoch    int64     `json:"epoch,omitempty"`
	IssuedAt time.Time `json:"issued_at"`
	Expires  time.Time `json:"expires"`
	Alerts   []Alert   `json:"alerts"`
}

// Alert is one warning. Like a notice it has target locations (division
// code prefixes or "all"), but its time is to the second: it starts and
// ends at instants, not on dates.
type Alert struct {
	ID          string    `json:"id"`
	Title       string    `json:"title"`
	Agency      string    `json:"agency"`
	Priority    string    `json:"priority"`
	Start       time.Time `json:"start"`
	End         time.Time `json:"end"`
	Locations   []string  `json:"locations"`
	Body        string    `json:"body,omitempty"`        // what is happening, plain text
	Instruction string    `json:"instruction,omitempty"` // what to do
	Ref         string    `json:"ref,omitempty"`         // the warning it came from (a CAP identifier)
}

// InForce reports whether the alert shows at instant t.
func (a *Alert) InForce(t time.Time) bool { return !t.Before(a.Start) && t.Before(a.End) }

// Targets reports whether the alert is meant for a screen at location.
func (a *Alert) Targets(location string) bool {
	for _, l := range a.Locations {
		if l == AllLocations || strings.HasPrefix(location, l) {
			return true
		}
	}
	return false
}

// Sequence is the alerts object's place in its own sequence of publications.
func (a *Alerts) Sequence() *Sequence {
	return &Sequence{FeedID: a.FeedID, Version: a.Version, Epoch: a.Epoch, IssuedAt: a.IssuedAt, Expires: a.Expires}
}

// VerifiedAlerts is an alerts object that passed every step of VerifyAlerts.
type VerifiedAlerts struct {
	*Alerts
	Sum       string // SHA-256 hex of its bytes
	Unchanged bool   // same version and bytes as the stored one
	Reset     bool   // a later epoch than the stored one
}

// VerifyAlerts checks an alerts object and its signature file with the
// manifest's steps and rules (size, signature, format, time, expiry,
// version), against what the screen knows of the alerts it applied last
// (t.Version, t.Epoch, t.Sum: those of the alerts, not of the manifest).
func VerifyAlerts(raw, sig []byte, t Trust) (*VerifiedAlerts, error) {
	var a *Alerts
	v := &verification{what: "alerts", limit: MaxAlertsSize, raw: raw, sig: sig, trust: t,
		parse: func(raw []byte) (*Sequence, error) {
			var err error
			if a, err = ParseAlerts(raw); err != nil {
				return nil, err
			}
			return a.Sequence(), nil
		}}
	if err := v.run(); err != nil {
		return nil, err
	}
	return &VerifiedAlerts{Alerts: a, Sum: Sum(raw), Unchanged: v.unchanged, Reset: v.reset}, nil
}

// ParseAlerts decodes and checks the structure of alerts bytes. It does not
// check the signature: call VerifyAlerts for anything received from outside.
func ParseAlerts(raw []byte) (*Alerts, error) {
	if len(raw) > MaxAlertsSize {
		return nil, fmt.Errorf("%w: alerts are %d bytes, over %d", ErrTooLarge, len(raw), MaxAlertsSize)
	}
	var a Alerts
	if err := strictUnmarshal(raw, &a); err != nil {
		return nil, fmt.Errorf("%w: alerts: %v", ErrFormat, err)
	}
	if err := a.check(); err != nil {
		return nil, fmt.Errorf("%w: alerts: %v", ErrFormat, err)
	}
	return &a, nil
}

// EncodeAlerts gives the bytes to sign, alerts sorted by id.
func EncodeAlerts(a *Alerts) ([]byte, error) {
	c := *a
	c.Format = AlertsFormat
	c.IssuedAt = c.IssuedAt.UTC().Truncate(time.Second)
	c.Expires = c.Expires.UTC().Truncate(time.Second)
	c.Alerts = make([]Alert, len(a.Alerts))
	for i, al := range a.Alerts {
		al.Start, al.End = al.Start.UTC().Truncate(time.Second), al.End.UTC().Truncate(time.Second)
		c.Alerts[i] = al
	}
	slices.SortFunc(c.Alerts, func(x, y Alert) int { return strings.Compare(x.ID, y.ID) })
	if c.Alerts == nil {
		c.Alerts = []Alert{}
	}
	if err := c.check(); err != nil {
		return nil, fmt.Errorf("%w: alerts: %v", ErrFormat, err)
	}
	return encodeJSON(&c)
}

func (a *Alerts) check() error {
	if a.Format != AlertsFormat {
		return fmt.Errorf("format %q, want %q", a.Format, AlertsFormat)
	}
	if err := a.Sequence().check(); err != nil {
		return err
	}
	if len(a.Alerts) > MaxAlerts {
		return fmt.Errorf("%d alerts, over %d", len(a.Alerts), MaxAlerts)
	}
	ids := map[string]bool{}
	for i := range a.Alerts {
		al := &a.Alerts[i]
		if ids[al.ID] {
			return fmt.Errorf("alert id %q is repeated", al.ID)
		}
		ids[al.ID] = true
		if err := al.Check(); err != nil {
			return fmt.Errorf("alert %s: %v", Printable(al.ID, 40), err)
		}
	}
	return nil
}

// Check validates one alert's fields; the publisher calls it before signing.
func (al *Alert) Check() error {
	switch {
	case !ValidID(al.ID):
		return fmt.Errorf("id %q: only a-z, 0-9, '.', '_' and '-' are allowed", al.ID)
	case strings.TrimSpace(al.Title) == "":
		return fmt.Errorf("title is empty")
	case strings.TrimSpace(al.Agency) == "":
		return fmt.Errorf("agency is empty")
	case al.Priority != AlertUrgent && al.Priority != AlertNormal:
		return fmt.Errorf("priority %q: use urgent or normal", al.Priority)
	case al.Start.IsZero() || !al.End.After(al.Start):
		return fmt.Errorf("end %s is not after start %s", al.End.Format(time.RFC3339), al.Start.Format(time.RFC3339))
	case len(al.Locations) == 0:
		return fmt.Errorf("locations is empty (use a code prefix or %q)", AllLocations)
	case len(al.Locations) > MaxAlertLocations:
		return fmt.Errorf("%d locations, over %d", len(al.Locations), MaxAlertLocations)
	}
	for _, l := range al.Locations {
		if l != AllLocations && !ValidCode(l) {
			return fmt.Errorf("location %q is not a division code prefix (2-12 digits) or %q", Printable(l, 40), AllLocations)
		}
	}
	for _, f := range []struct {
		name, val string
		max       int
		lines     bool
	}{
		{"title", al.Title, MaxAlertTitle, false},
		{"agency", al.Agency, MaxAlertTitle, false},
		{"ref", al.Ref, 200, false},
		{"body", al.Body, MaxAlertText, true},
		{"instruction", al.Instruction, MaxAlertText, true},
	} {
		if !utf8.ValidString(f.val) {
			return fmt.Errorf("%s is not valid UTF-8", f.name)
		}
		if n := utf8.RuneCountInString(f.val); n > f.max {
			return fmt.Errorf("%s is %d characters, over %d", f.name, n, f.max)
		}
		if strings.IndexFunc(f.val, func(r rune) bool { return Unprintable(r) && !(f.lines && r == '\n') }) >= 0 {
			return fmt.Errorf("%s holds a control or bidi-formatting character", f.name)
		}
	}
	return nil
}
