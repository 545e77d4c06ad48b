package kiosk

import "testing"

func TestParseSize(t *testing.T) {
	for in, ok := range map[string]bool{"1080x1920": true, "1920X1080": true, "10x10": false, "abc": false, "1080x": false, "9000x1080": false} {
		if _, err := parseSize(in); (err == nil) != ok {
			t.Errorf("parseSize(%q) = %v", in, err)
		}
	}
}

// The process's age, from /proc where there is one, grows and is never
// negative: the first-frame probe's clock.
func TestSinceProcessStart(t *testing.T) {
	a := sinceProcessStart()
	b := sinceProcessStart()
	if a < 0 || b < a {
		t.Errorf("since process start: %v then %v", a, b)
	}
}
