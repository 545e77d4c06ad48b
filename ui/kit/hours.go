package kit

import (
	"time"

	"gongkai/config"
)

// Hours are a display's on and off times of day, in minutes after
// midnight of the clock's location. On == Off means always on.
type Hours struct{ On, Off int }

// IsOn reports whether the screen should be lit at t. Off before On is an
// overnight schedule (on 18:00, off 02:00).
func (h Hours) IsOn(t time.Time) bool {
	if h.On == h.Off {
		return true
	}
	m := t.Hour()*60 + t.Minute()
	if h.On < h.Off {
		return m >= h.On && m < h.Off
	}
	return m >= h.On || m < h.Off
}

// nextAt is the first moment after t at minute-of-day m.
func NextAt(t time.Time, m int) time.Time {
	c := time.Date(t.Year(), t.Month(), t.Day(), m/60, m%60, 0, 0, t.Location())
	if !c.After(t) {
		c = time.Date(t.Year(), t.Month(), t.Day()+1, m/60, m%60, 0, 0, t.Location())
	}
	return c
}

// HoursOf turns config's on/off times into Hours; empty or invalid is always on.
func HoursOf(on, off string) Hours {
	a, err1 := config.ParseClock(on)
	b, err2 := config.ParseClock(off)
	if err1 != nil || err2 != nil {
		return Hours{}
	}
	return Hours{On: a, Off: b}
}
