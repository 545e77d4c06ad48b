package publish

import (
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"gongkai/feed"
)

func TestParseCAP(t *testing.T) {
	data, err := os.ReadFile("testdata/cap/rainstorm.xml")
	if err != nil {
		t.Fatal(err)
	}
	al, err := ParseCAP("rainstorm.xml", data, shanghai, testNow)
	if err != nil {
		t.Fatal(err)
	}
	cst := time.FixedZone("+08", 8*3600)
	switch {
	case al.Title != "青浦区气象台发布暴雨橙色预警信号", al.Agency != "青浦区气象台":
		t.Errorf("title, agency: %q %q", al.Title, al.Agency)
	case al.Priority != feed.AlertUrgent:
		t.Errorf("Severe became %q", al.Priority)
	case !al.Start.Equal(time.Date(2026, 12, 6, 10, 0, 0, 0, cst)), !al.End.Equal(time.Date(2026, 12, 6, 22, 0, 0, 0, cst)):
		t.Errorf("start, end: %s %s", al.Start, al.End)
	case !slices.Equal(al.Locations, []string{"310118105", "310118106"}):
		t.Errorf("locations %v", al.Locations)
	case !strings.Contains(al.Instruction, "\n2. 低洼地区"), al.Ref != "31011841600000_20261206100000", !strings.HasPrefix(al.ID, "cap-"):
		t.Errorf("instruction, ref, id: %q %q %q", al.Instruction, al.Ref, al.ID)
	}
}

// Malformed and hostile warnings: each is one line naming the file, and
// nothing is published from them.
func TestParseCAPRefuses(t *testing.T) {
	good, err := os.ReadFile("testdata/cap/rainstorm.xml")
	if err != nil {
		t.Fatal(err)
	}
	edit := func(old, new string) string { return strings.Replace(string(good), old, new, 1) }
	laughs := `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]><alert><identifier>&lol2;</identifier></alert>`
	external := `<?xml version="1.0"?><!DOCTYPE a [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><alert><identifier>&xxe;</identifier><status>Actual</status></alert>`
	for _, tc := range []struct{ name, xml, says string }{
		{"empty", "", "not a CAP warning"},
		{"not xml", "{\"alert\":1}", "not a CAP warning"},
		{"truncated", string(good[:len(good)/2]), "not a CAP warning"},
		{"other root", "<feed/>", "not a CAP warning"},
		{"exercise", edit("<status>Actual", "<status>Exercise"), "only an Actual warning"},
		{"cancel", edit("<msgType>Alert", "<msgType>Cancel"), "--cancel-alert"},
		{"no expires", edit("<expires>2026-12-06T22:00:00+08:00</expires>", ""), "must have an end"},
		{"bad time", edit("2026-12-06T22:00:00+08:00", "tonight"), "expires \"tonight\""},
		{"ends before it starts", edit("2026-12-06T22:00:00+08:00", "2026-12-06T09:00:00+08:00"), "not after start"},
		{"no area", strings.NewReplacer("<geocode><valueName>GB/T 2260</valueName><value>310118105000</value></geocode>", "", "<geocode><valueName>GB/T 2260</valueName><value>310118106000</value></geocode>", "").Replace(string(good)), "no <area>"},
		{"foreign geocode", edit("310118105000", "CA-ON"), "not an administrative-division code"},
		{"all zeros", edit("310118105000", "000000000000"), "not an administrative-division code"},
		{"no title", strings.NewReplacer("<headline>青浦区气象台发布暴雨橙色预警信号</headline>", "", "<event>暴雨</event>", "").Replace(string(good)), "title is empty"},
		{"billion laughs", laughs, "not a CAP warning"},
		{"external entity", external, "not a CAP warning"},
		{"gbk declared", edit(`encoding="UTF-8"`, `encoding="GBK"`), "not a CAP warning"},
		{"not utf-8", edit("暴雨</event>", "\xb1\xa9\xd3\xea</event>"), "not UTF-8"},
		{"oversized", string(good) + strings.Repeat(" ", maxCAPFile), "over the"},
		{"deep nesting", "<alert>" + strings.Repeat("<a>", 100000), "not a CAP warning"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseCAP("w.xml", []byte(tc.xml), shanghai, testNow)
			if err == nil || !strings.Contains(err.Error(), tc.says) || !strings.HasPrefix(err.Error(), "w.xml") || strings.Contains(err.Error(), "\n") {
				t.Fatalf("got %v, want one line saying %q", err, tc.says)
			}
		})
	}
	// Overlong text is cut to the limits, controls made spaces: published, not refused.
	long := edit("<headline>青浦区气象台发布暴雨橙色预警信号</headline>", "<headline>"+strings.Repeat("雨", 500)+"\u202e</headline>")
	long = strings.Replace(long, "<description>", "<description>"+strings.Repeat("水", 5000), 1)
	al, err := ParseCAP("w.xml", []byte(long), shanghai, testNow)
	if err != nil {
		t.Fatal(err)
	}
	if n := len([]rune(al.Title)); n > feed.MaxAlertTitle || len([]rune(al.Body)) > feed.MaxAlertText {
		t.Fatalf("title %d, body %d characters", n, len([]rune(al.Body)))
	}
}

func TestDivisionPrefix(t *testing.T) {
	for in, want := range map[string]string{
		"310118105000": "310118105", "310118000000": "310118", "310100000000": "3101", "310000000000": "31",
		"310118": "310118", "310000": "31", "310118105201": "310118105201", "31": "31",
	} {
		if got, ok := divisionPrefix(in); !ok || got != want {
			t.Errorf("%s → %q %v, want %s", in, got, ok, want)
		}
	}
	for _, bad := range []string{"", "000000", "3101181", "abc", "3101181050001"} {
		if got, ok := divisionPrefix(bad); ok {
			t.Errorf("%s accepted as %s", bad, got)
		}
	}
}

// FuzzParseCAP: any bytes give an alert that passes the screens' checks,
// or one line of error; never a panic.
func FuzzParseCAP(f *testing.F) {
	good, err := os.ReadFile("testdata/cap/rainstorm.xml")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(good)
	f.Add([]byte("<alert><status>Actual</status></alert>"))
	f.Add([]byte(`<!DOCTYPE a [<!ENTITY x "y">]><alert>&x;</alert>`))
	f.Fuzz(func(t *testing.T, data []byte) {
		al, err := ParseCAP("f.xml", data, shanghai, testNow)
		if err != nil {
			if strings.Contains(err.Error(), "\n") {
				t.Fatalf("error of more than one line: %q", err)
			}
			return
		}
		if err := al.Check(); err != nil {
			t.Fatalf("accepted an alert the screens refuse: %v", err)
		}
	})
}
