package kit

import "time"

// idlePhase is where an unattended screen is in its way back home.
type IdlePhase int

const (
	IdleActive  IdlePhase = iota
	IdleAsking            // "还在阅读吗？" with a countdown
	IdleExpired           // nobody answered: go home, reset text size
)

// Idle decides, from the time of the last tap and the time now, whether
// to ask "还在阅读吗？" and when to give up. It holds no timer and reads no
// clock, so tests step time by hand instead of sleeping.
type Idle struct {
	Timeout   time.Duration // quiet time before the prompt
	Countdown time.Duration // how long the prompt waits
	last      time.Time
}

// Touch records a tap.
func (i *Idle) Touch(now time.Time) { i.last = now }

// At is the phase at now and, during the prompt, the time left.
func (i *Idle) At(now time.Time) (IdlePhase, time.Duration) {
	quiet := now.Sub(i.last)
	switch {
	case i.last.IsZero() || quiet < i.Timeout:
		return IdleActive, 0
	case quiet < i.Timeout+i.Countdown:
		return IdleAsking, i.Timeout + i.Countdown - quiet
	default:
		return IdleExpired, 0
	}
}
