package proof

import (
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
)

// Kinds of interval in the display log.
const (
	KindProgram   = "program"   // the program was running
	KindScreen    = "screen"    // the screen was on
	KindShown     = "shown"     // a notice was on screen in display mode
	KindAvailable = "available" // a notice was reachable in touch mode while the screen was on
	// KindOnScreen is not an interval on screen but a count: the seconds a
	// notice was the slide on show (display mode) during [Start, End). One
	// entry per notice per sealing (Checkpoint, Close, UTC midnight), not
	// one per slide change: a 15 s dwell would make ~6,000 entries a day.
	KindOnScreen = "on_screen"
	// KindAlert: an urgent alert (item: its id) was on the screen —
	// taking a display screen's face by turns, or a touch screen's banner.
	// Kept apart from the notices' time: a proof of posting must not
	// count a warning as a notice, nor its time as a notice's gap.
	KindAlert = "alert"
)

// Domain tags keep a signature or hash of one record type from ever being
// valid for another.
const (
	entryTag   = "gongkai-display-entry/1\x00"
	summaryTag = "gongkai-display-summary/1\x00"
	headTag    = "gongkai-display-head/1\x00"
	reportTag  = "gongkai-display-report/1\x00"
)

// Limits of what a record may hold, checked when decoding anything read
// back (the database or an export), so a hostile file cannot make us
// allocate without bound.
const (
	maxItemLen = 128 // feed ids are at most 128 bytes
	maxTotals  = 4096
	maxSpans   = 1 << 16
)

// Hash is a SHA-256.
type Hash [32]byte

func (h Hash) String() string { return hex.EncodeToString(h[:]) }

func parseHash(s string) (Hash, error) {
	var h Hash
	b, err := hex.DecodeString(s)
	if err != nil || len(b) != len(h) {
		return h, fmt.Errorf("%.20q is not 64 hex digits", s)
	}
	copy(h[:], b)
	return h, nil
}

// Entry is one closed interval of the chain. Times are Unix seconds (UTC).
type Entry struct {
	Seq   uint64
	Kind  string
	Item  string // notice id for KindShown, KindAvailable and KindOnScreen, alert id for KindAlert, else ""
	Start int64
	End   int64
	Prev  Hash // hash of the entry before (zero before the first)
	// Seconds: KindOnScreen only, the seconds on show within [Start, End).
	Seconds int64
}

// encode is the canonical form: what is stored and what is hashed.
//
//	seq u64 | len u16 kind | len u16 item | start i64 | end i64 | prev [32]
//	[| seconds i64, KindOnScreen only]
//
// The kind says whether seconds follows, so the form stays unambiguous and
// entries of the other kinds hash as they always did.
func (e *Entry) encode() []byte {
	b := make([]byte, 0, 8+2+len(e.Kind)+2+len(e.Item)+16+32+8)
	b = binary.BigEndian.AppendUint64(b, e.Seq)
	b = appendString(b, e.Kind)
	b = appendString(b, e.Item)
	b = binary.BigEndian.AppendUint64(b, uint64(e.Start))
	b = binary.BigEndian.AppendUint64(b, uint64(e.End))
	b = append(b, e.Prev[:]...)
	if e.Kind == KindOnScreen {
		b = binary.BigEndian.AppendUint64(b, uint64(e.Seconds))
	}
	return b
}

// seconds is the time the entry accounts for: the count of an on_screen
// entry, the length of any other interval.
func (e *Entry) seconds() int64 {
	if e.Kind == KindOnScreen {
		return e.Seconds
	}
	return e.End - e.Start
}

// Hash is SHA-256 over the tag and the canonical form, prev hash included,
// so changing any earlier entry changes every hash after it.
func (e *Entry) Hash() Hash {
	h := sha256.New()
	h.Write([]byte(entryTag))
	h.Write(e.encode())
	var out Hash
	h.Sum(out[:0])
	return out
}

func (e *Entry) check() error {
	switch {
	case !validKind(e.Kind):
		return fmt.Errorf("kind %.20q is unknown", e.Kind)
	case (e.Kind == KindShown || e.Kind == KindAvailable || e.Kind == KindOnScreen || e.Kind == KindAlert) != (e.Item != ""):
		return fmt.Errorf("kind %s with item %.20q", e.Kind, e.Item)
	case len(e.Item) > maxItemLen:
		return fmt.Errorf("item id is %d bytes", len(e.Item))
	case e.End < e.Start:
		return fmt.Errorf("ends before it starts")
	case e.Kind != KindOnScreen && e.Seconds != 0:
		return fmt.Errorf("kind %s with seconds", e.Kind)
	case e.Seconds < 0 || e.Seconds > e.End-e.Start:
		// on screen longer than the period it was counted in
		return fmt.Errorf("%d s on screen in %d s", e.Seconds, e.End-e.Start)
	}
	return nil
}

func validKind(k string) bool {
	switch k {
	case KindProgram, KindScreen, KindShown, KindAvailable, KindOnScreen, KindAlert:
		return true
	}
	return false
}

func decodeEntry(b []byte) (Entry, error) {
	var e Entry
	r := reader{b: b}
	e.Seq = r.u64()
	e.Kind = r.str()
	e.Item = r.str()
	e.Start = int64(r.u64())
	e.End = int64(r.u64())
	copy(e.Prev[:], r.bytes(32))
	if e.Kind == KindOnScreen {
		e.Seconds = int64(r.u64())
	}
	if r.err != nil || len(r.b) != 0 {
		return e, errors.New("entry record is malformed")
	}
	return e, e.check()
}

// Summary replaces the entries FirstSeq..LastSeq, rolled up because they
// grew old. It keeps what compliance needs (per kind and notice: seconds
// and merged spans) and the chain links: Prev is the prev hash of its first
// entry, LastHash the hash of its last, so the entry after it still chains.
// The device signs it, since the entries that made LastHash are gone.
type Summary struct {
	Day      string // UTC day (YYYY-MM-DD) on which the rolled entries ended
	FirstSeq uint64
	LastSeq  uint64
	Prev     Hash
	LastHash Hash
	Totals   []Total // sorted by kind, then item
	Sig      []byte
}

// Total is the time one kind (and notice) accounted for in a summary.
// Seconds sums the rolled intervals; Spans merges them, closing gaps under
// spanJoin, so a day of churn stays a handful of spans. An on_screen total
// sums the entries' counted seconds and has no spans: its entries' periods
// say when it was counted, not when the notice was on show.
type Total struct {
	Kind    string
	Item    string
	Seconds int64
	Spans   []Span
}

// Span is a half-open interval [Start, End) of Unix seconds.
type Span struct{ Start, End int64 }

func (s *Summary) body() []byte {
	b := []byte(summaryTag)
	b = appendString(b, s.Day)
	b = binary.BigEndian.AppendUint64(b, s.FirstSeq)
	b = binary.BigEndian.AppendUint64(b, s.LastSeq)
	b = append(b, s.Prev[:]...)
	b = append(b, s.LastHash[:]...)
	b = binary.BigEndian.AppendUint32(b, uint32(len(s.Totals)))
	for _, t := range s.Totals {
		b = appendString(b, t.Kind)
		b = appendString(b, t.Item)
		b = binary.BigEndian.AppendUint64(b, uint64(t.Seconds))
		b = binary.BigEndian.AppendUint32(b, uint32(len(t.Spans)))
		for _, sp := range t.Spans {
			b = binary.BigEndian.AppendUint64(b, uint64(sp.Start))
			b = binary.BigEndian.AppendUint64(b, uint64(sp.End))
		}
	}
	return b
}

// encode is the stored form: body then signature.
func (s *Summary) encode() []byte { return append(s.body(), s.Sig...) }

func (s *Summary) sign(key ed25519.PrivateKey) { s.Sig = ed25519.Sign(key, s.body()) }

func (s *Summary) verify(pub ed25519.PublicKey) bool {
	return len(s.Sig) == ed25519.SignatureSize && ed25519.Verify(pub, s.body(), s.Sig)
}

func (s *Summary) check() error {
	if s.LastSeq < s.FirstSeq || s.FirstSeq == 0 {
		return fmt.Errorf("summary of %.12q covers entries %d..%d", s.Day, s.FirstSeq, s.LastSeq)
	}
	if len(s.Totals) > maxTotals {
		return fmt.Errorf("summary of %.12q has %d totals", s.Day, len(s.Totals))
	}
	for _, t := range s.Totals {
		if !validKind(t.Kind) || len(t.Item) > maxItemLen || len(t.Spans) > maxSpans || t.Seconds < 0 {
			return fmt.Errorf("summary of %.12q has a malformed total", s.Day)
		}
		for _, sp := range t.Spans {
			if sp.End < sp.Start {
				return fmt.Errorf("summary of %.12q has a span ending before it starts", s.Day)
			}
		}
	}
	return nil
}

func decodeSummary(b []byte) (Summary, error) {
	var s Summary
	r := reader{b: b}
	if string(r.bytes(len(summaryTag))) != summaryTag {
		return s, errors.New("summary record is malformed")
	}
	s.Day = r.str()
	s.FirstSeq = r.u64()
	s.LastSeq = r.u64()
	copy(s.Prev[:], r.bytes(32))
	copy(s.LastHash[:], r.bytes(32))
	n := r.u32()
	if n > maxTotals {
		return s, errors.New("summary record is malformed")
	}
	for range n {
		t := Total{Kind: r.str(), Item: r.str(), Seconds: int64(r.u64())}
		m := r.u32()
		if m > maxSpans || int(m)*16 > len(r.b) {
			return s, errors.New("summary record is malformed")
		}
		t.Spans = make([]Span, m)
		for i := range t.Spans {
			t.Spans[i] = Span{int64(r.u64()), int64(r.u64())}
		}
		s.Totals = append(s.Totals, t)
	}
	s.Sig = slices.Clone(r.bytes(ed25519.SignatureSize))
	if r.err != nil || len(r.b) != 0 {
		return s, errors.New("summary record is malformed")
	}
	return s, s.check()
}

// Head is the newest point of the chain, signed by the device: the seq and
// hash of the last entry (0 and zero for an empty chain).
type Head struct {
	Seq  uint64
	Hash Hash
	Sig  []byte
}

func (h *Head) body() []byte {
	b := binary.BigEndian.AppendUint64([]byte(headTag), h.Seq)
	return append(b, h.Hash[:]...)
}

func (h *Head) sign(key ed25519.PrivateKey) { h.Sig = ed25519.Sign(key, h.body()) }

func (h *Head) verify(pub ed25519.PublicKey) bool {
	return len(h.Sig) == ed25519.SignatureSize && ed25519.Verify(pub, h.body(), h.Sig)
}

func (h *Head) encode() []byte {
	b := binary.BigEndian.AppendUint64(nil, h.Seq)
	b = append(b, h.Hash[:]...)
	return append(b, h.Sig...)
}

func decodeHead(b []byte) (Head, error) {
	var h Head
	r := reader{b: b}
	h.Seq = r.u64()
	copy(h.Hash[:], r.bytes(32))
	h.Sig = slices.Clone(r.bytes(ed25519.SignatureSize))
	if r.err != nil || len(r.b) != 0 {
		return h, errors.New("head record is malformed")
	}
	return h, nil
}

func appendString(b []byte, s string) []byte {
	b = binary.BigEndian.AppendUint16(b, uint16(len(s)))
	return append(b, s...)
}

// reader decodes the binary records; the first short read sets err and
// every later read returns zero values.
type reader struct {
	b   []byte
	err error
}

func (r *reader) bytes(n int) []byte {
	if r.err != nil || n > len(r.b) {
		r.err = errors.New("short record")
		return nil
	}
	out := r.b[:n]
	r.b = r.b[n:]
	return out
}

func (r *reader) u64() uint64 {
	if b := r.bytes(8); b != nil {
		return binary.BigEndian.Uint64(b)
	}
	return 0
}

func (r *reader) u32() uint32 {
	if b := r.bytes(4); b != nil {
		return binary.BigEndian.Uint32(b)
	}
	return 0
}

func (r *reader) str() string {
	var n int
	if b := r.bytes(2); b != nil {
		n = int(binary.BigEndian.Uint16(b))
	}
	return string(r.bytes(n))
}
