package publish

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"gongkai/feed"
)

// The national early-warning format, GB/T 35965.1 (应急信息交互协议), is
// the Common Alerting Protocol 1.2 with Chinese profiles. ParseCAP takes
// one such warning as the meteorological bureau or the emergency office
// sends it and makes an alert of it:
//
//	info/headline (or event)           → title
//	info/senderName (or sender)        → agency
//	info/severity                      → priority: Extreme, Severe (红色, 橙色) urgent; others normal
//	info/effective (or onset, or sent) → start
//	info/expires                       → end (required: an alert on a screen must end)
//	info/area/geocode/value            → locations: division codes, their trailing zero levels cut
//	                                     (310118000000 → 310118, the district)
//	info/description, info/instruction → body, instruction
//	identifier                         → ref; the alert's id is cap- and a hash of it
//
// Only status Actual and msgType Alert or Update are taken: an exercise or
// a test message must never reach a village screen, and a Cancel is
// published with --cancel-alert.
type capAlert struct {
	XMLName    xml.Name  `xml:"alert"`
	Identifier string    `xml:"identifier"`
	Sender     string    `xml:"sender"`
	Sent       string    `xml:"sent"`
	Status     string    `xml:"status"`
	MsgType    string    `xml:"msgType"`
	Info       []capInfo `xml:"info"`
}

type capInfo struct {
	Language    string    `xml:"language"`
	Event       string    `xml:"event"`
	Severity    string    `xml:"severity"`
	Effective   string    `xml:"effective"`
	Onset       string    `xml:"onset"`
	Expires     string    `xml:"expires"`
	SenderName  string    `xml:"senderName"`
	Headline    string    `xml:"headline"`
	Description string    `xml:"description"`
	Instruction string    `xml:"instruction"`
	Area        []capArea `xml:"area"`
}

type capArea struct {
	AreaDesc string       `xml:"areaDesc"`
	Geocode  []capGeocode `xml:"geocode"`
}

type capGeocode struct {
	ValueName string `xml:"valueName"`
	Value     string `xml:"value"`
}

// maxCAPFile bounds a warning file: real ones are a few KiB.
const maxCAPFile = 1 << 20

// ParseCAP reads a GB/T 35965.1 / CAP 1.2 warning (see capAlert) into an
// alert. Every failure is one line naming the file. tz and now are unused
// but for the signature shared with ParseAlertFile: CAP times carry their
// own offsets.
func ParseCAP(name string, data []byte, tz *time.Location, now time.Time) (feed.Alert, error) {
	fail := func(format string, args ...any) error {
		return &SourceError{File: name, Msg: fmt.Sprintf(format, args...)}
	}
	if len(data) > maxCAPFile {
		return feed.Alert{}, fail("%d bytes, over the %d a warning may have", len(data), maxCAPFile)
	}
	if !utf8.Valid(data) {
		return feed.Alert{}, fail("not UTF-8 (a GB 2312 or GBK file must be saved as UTF-8 first)")
	}
	var c capAlert
	dec := xml.NewDecoder(bytes.NewReader(data))
	// Strict, and no charset reader: a declared other encoding is an
	// error, and entities beyond XML's five are refused (no DTD is read,
	// so no entity expansion can blow up).
	dec.Strict = true
	if err := dec.Decode(&c); err != nil {
		return feed.Alert{}, fail("not a CAP warning: %s", feed.Printable(err.Error(), feed.MaxLineText))
	}
	switch {
	case strings.TrimSpace(c.Status) != "Actual":
		return feed.Alert{}, fail("status %q: only an Actual warning is published (not a test or an exercise)", feed.Printable(c.Status, 40))
	case c.MsgType == "Cancel":
		return feed.Alert{}, fail("this is a Cancel message: withdraw the alert with --cancel-alert ID")
	case c.MsgType != "Alert" && c.MsgType != "Update":
		return feed.Alert{}, fail("msgType %q: want Alert or Update", feed.Printable(c.MsgType, 40))
	case strings.TrimSpace(c.Identifier) == "":
		return feed.Alert{}, fail("identifier is empty")
	case len(c.Info) == 0:
		return feed.Alert{}, fail("no <info> block")
	}
	in := c.Info[0]
	for _, i := range c.Info {
		if strings.HasPrefix(strings.ToLower(i.Language), "zh") {
			in = i
			break
		}
	}
	al := feed.Alert{
		ID:          "cap-" + feed.Sum([]byte(c.Identifier))[:16],
		Ref:         feed.Printable(c.Identifier, 199),
		Title:       feed.Printable(firstNonEmpty(in.Headline, in.Event), feed.MaxAlertTitle-1),
		Agency:      feed.Printable(firstNonEmpty(in.SenderName, c.Sender), feed.MaxAlertTitle-1),
		Priority:    capPriority(in.Severity),
		Body:        textBlock(in.Description, feed.MaxAlertText),
		Instruction: textBlock(in.Instruction, feed.MaxAlertText),
	}
	start := firstNonEmpty(in.Effective, in.Onset, c.Sent)
	var err error
	if al.Start, err = capTime(start); err != nil {
		return feed.Alert{}, fail("effective %q: %v", feed.Printable(start, 40), err)
	}
	if strings.TrimSpace(in.Expires) == "" {
		return feed.Alert{}, fail("no <expires>: an alert on a screen must have an end")
	}
	if al.End, err = capTime(in.Expires); err != nil {
		return feed.Alert{}, fail("expires %q: %v", feed.Printable(in.Expires, 40), err)
	}
	seen := map[string]bool{}
	for _, a := range in.Area {
		for _, g := range a.Geocode {
			code, ok := divisionPrefix(strings.TrimSpace(g.Value))
			if !ok {
				return feed.Alert{}, fail("area %q: geocode %q is not an administrative-division code (GB/T 2260)",
					feed.Printable(a.AreaDesc, 40), feed.Printable(g.Value, 40))
			}
			if !seen[code] {
				seen[code] = true
				al.Locations = append(al.Locations, code)
			}
		}
	}
	if len(al.Locations) == 0 {
		return feed.Alert{}, fail("no <area> with a <geocode>: say which places the warning is for")
	}
	if err := al.Check(); err != nil {
		return feed.Alert{}, fail("%v", err)
	}
	return al, nil
}

func firstNonEmpty(s ...string) string {
	for _, x := range s {
		if x = strings.TrimSpace(x); x != "" {
			return x
		}
	}
	return ""
}

// capPriority maps CAP severity (and the Chinese colour levels some
// profiles write instead) to an alert's priority.
func capPriority(severity string) string {
	switch strings.ToLower(strings.TrimSpace(severity)) {
	case "extreme", "severe", "red", "orange", "红色", "橙色", "特别严重", "严重":
		return feed.AlertUrgent
	}
	return feed.AlertNormal
}

// capTime reads a CAP dateTime: RFC 3339 with an offset, as CAP requires.
func capTime(s string) (time.Time, error) {
	t, err := time.Parse(time.RFC3339, strings.TrimSpace(s))
	if err != nil {
		return time.Time{}, fmt.Errorf("not a CAP time (2026-12-06T20:00:00+08:00)")
	}
	return t, nil
}

// divisionPrefix turns a GB/T 2260 code as warnings write it (12 digits,
// or 6, padded with zeros) into the prefix that targets the same place:
// the levels that are all zeros are cut (province 2, city 2, county 2,
// town 3, village 3 digits).
func divisionPrefix(code string) (string, bool) {
	if !feed.ValidCode(code) {
		return "", false
	}
	for _, cut := range []struct {
		from  int
		zeros string
	}{{12, "000"}, {9, "000"}, {6, "00"}, {4, "00"}} {
		if len(code) == cut.from && strings.HasSuffix(code, cut.zeros) {
			code = code[:cut.from-len(cut.zeros)]
		}
	}
	if strings.Trim(code, "0") == "" || (len(code) != 2 && len(code) != 4 && len(code) != 6 && len(code) != 9 && len(code) != 12) {
		return "", false
	}
	return code, true
}

// textBlock keeps a multi-line text's line breaks, makes every other
// control or bidi character a space, and cuts it at limit characters.
func textBlock(s string, limit int) string {
	lines := strings.Split(strings.ReplaceAll(strings.TrimSpace(s), "\r\n", "\n"), "\n")
	for i, l := range lines {
		lines[i] = feed.Printable(l, 0)
	}
	out := strings.TrimSpace(strings.Join(lines, "\n"))
	if utf8.RuneCountInString(out) > limit {
		r := []rune(out)
		out = string(r[:limit-1]) + "…"
	}
	return out
}
