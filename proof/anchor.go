package proof

import (
	"bytes"
	"crypto/ed25519"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// Anchors: the device key that signs the chain lives on the screen, and
// whoever can read the screen's files (the kiosk's own user, a passer-by
// who escapes the kiosk) can rewrite the chain and sign it again: such an
// export verifies against the device key alone. What the device cannot
// rewrite is what left it: a chain head printed on a certificate, and the
// chains the township's monitor received. A head seen outside is an
// anchor; an export must pass through every anchor it is held to, and a
// chain uploaded later must extend the one uploaded before (Extends).
// proof/FORMAT.md states what a forger with file access can and cannot do.

// HeadRef is a chain head as a person compares it: the entry number and
// the first 64 bits of its hash (HeadCode).
type HeadRef struct {
	Seq  uint64 `json:"seq"`
	Code string `json:"code"`
}

// HeadCode is the short code of a chain head: 16 hex digits in groups of
// four (3f7a-9c21-0b44-e815). Finding another chain whose head has the
// same code takes about 2^64 hashes, beyond any forger of a notice board.
func HeadCode(h Hash) string {
	s := h.String()[:16]
	return s[0:4] + "-" + s[4:8] + "-" + s[8:12] + "-" + s[12:16]
}

// HeadRef is the reference of the records' signed head.
func (r Records) HeadRef() HeadRef { return HeadRef{Seq: r.Head.Seq, Code: HeadCode(r.Head.Hash)} }

// String is "SEQ:CODE", as report --verify --anchor takes it.
func (a HeadRef) String() string { return fmt.Sprintf("%d:%s", a.Seq, a.Code) }

var anchorPattern = regexp.MustCompile(`^([0-9]{1,19}):([0-9a-f]{4})-?([0-9a-f]{4})-?([0-9a-f]{4})-?([0-9a-f]{4})$`)

// ParseAnchor reads "SEQ:CODE" (the code with or without its dashes, any
// case), as printed on a certificate or a monitor's receipt.
func ParseAnchor(s string) (HeadRef, error) {
	m := anchorPattern.FindStringSubmatch(strings.ToLower(strings.TrimSpace(s)))
	if m == nil {
		return HeadRef{}, fmt.Errorf("anchor %.60q: want ENTRY:CODE, like 1234:3f7a-9c21-0b44-e815", s)
	}
	seq, err := strconv.ParseUint(m[1], 10, 64)
	if err != nil || seq == 0 {
		return HeadRef{}, fmt.Errorf("anchor %.60q: entry number out of range", s)
	}
	return HeadRef{Seq: seq, Code: strings.Join(m[2:], "-")}, nil
}

// ErrRolledUp: the anchored entry was rolled into a daily summary, which
// keeps only the last entry's hash; only a copy of the chain received
// before the roll-up (the monitor's) can check it.
var ErrRolledUp = errors.New("anchored entry rolled up")

// CheckAnchor reports whether the verified chain passes through the head a.
// A chain rewritten at or before a.Seq, and signed again with the device
// key, does not: the hash of every later entry changes with it.
func (v *Verified) CheckAnchor(a HeadRef) error {
	switch h, ok := v.chain.hashAt(a.Seq); {
	case a.Seq > v.Head.Seq:
		return fmt.Errorf("%w: the export ends at entry %d, before the anchored entry %d", ErrAltered, v.Head.Seq, a.Seq)
	case ok && HeadCode(h) != a.Code:
		return fmt.Errorf("%w: entry %d has code %s, the anchor says %s: the chain was rewritten at or before it", ErrAltered, a.Seq, HeadCode(h), a.Code)
	case ok:
		return nil
	}
	for _, s := range v.chain.Summaries {
		if s.FirstSeq <= a.Seq && a.Seq < s.LastSeq {
			return fmt.Errorf("%w: entry %d is in the summary of %s (entries %d..%d); compare with the monitor's copy of the chain", ErrRolledUp, a.Seq, s.Day, s.FirstSeq, s.LastSeq)
		}
	}
	return fmt.Errorf("%w: entry %d is before the oldest summary kept", ErrRolledUp, a.Seq)
}

// hashAt is the hash of entry seq, from the entries or the summary that
// ends with it.
func (r Records) hashAt(seq uint64) (Hash, bool) {
	for _, e := range r.Entries {
		if e.Seq == seq {
			return e.Hash(), true
		}
	}
	for _, s := range r.Summaries {
		if s.LastSeq == seq {
			return s.LastHash, true
		}
	}
	return Hash{}, false
}

// Extends checks that the export next continues the chain of the export
// prev received before from the same device (both are verified, against
// pinned when given): the rule by which the township's monitor keeps a
// chain per device. Everything prev holds must be in next unchanged — an
// entry with the same hash, a summary with the same signed body — or
// rolled up in next into a summary that agrees with it: recomputed from
// prev's entries when prev holds the whole day, else starting from the
// same hash and holding every anchored interval. Only what came after
// prev's head is new; summaries and entries older than next keeps (3660
// days) may be gone.
func Extends(prev, next []byte, pinned ed25519.PublicKey) error {
	p, err := VerifyExport(prev, pinned)
	if err != nil {
		return fmt.Errorf("the earlier export: %w", err)
	}
	n, err := VerifyExport(next, p.Device)
	if err != nil {
		return err
	}
	if n.Head.Seq < p.Head.Seq {
		return fmt.Errorf("%w: the chain ends at entry %d, before entry %d received earlier", ErrAltered, n.Head.Seq, p.Head.Seq)
	}
	oldest := n.Head.Seq + 1
	if len(n.chain.Summaries) > 0 {
		oldest = n.chain.Summaries[0].FirstSeq
	} else if len(n.chain.Entries) > 0 {
		oldest = n.chain.Entries[0].Seq
	}
	for _, s := range p.chain.Summaries {
		if s.LastSeq < oldest {
			continue // dropped for age
		}
		if !n.chain.hasSummary(s) {
			return fmt.Errorf("%w: the summary of %s (entries %d..%d) received earlier was changed", ErrAltered, s.Day, s.FirstSeq, s.LastSeq)
		}
	}
	entries := map[uint64]Entry{}
	for _, e := range n.chain.Entries {
		entries[e.Seq] = e
	}
	rolled := map[int][]Entry{} // next's summary index → prev's entries in it
	for _, e := range p.chain.Entries {
		if e.Seq < oldest {
			continue
		}
		if ne, ok := entries[e.Seq]; ok {
			if ne.Hash() != e.Hash() {
				return fmt.Errorf("%w: entry %d received earlier was changed", ErrAltered, e.Seq)
			}
			continue
		}
		i := n.chain.summaryOf(e.Seq)
		if i < 0 {
			return fmt.Errorf("%w: entry %d received earlier is missing", ErrAltered, e.Seq)
		}
		rolled[i] = append(rolled[i], e)
	}
	for i, held := range rolled {
		if err := agrees(n.chain.Summaries[i], held); err != nil {
			return err
		}
	}
	return nil
}

// agrees checks a summary against entries received before it was rolled
// up (consecutive, from its first or later).
func agrees(s Summary, held []Entry) error {
	whole := held[0].Seq == s.FirstSeq && held[len(held)-1].Seq == s.LastSeq && uint64(len(held)) == s.LastSeq-s.FirstSeq+1
	if whole {
		want := summarize(held)
		if !bytes.Equal(want.body(), s.body()) {
			return fmt.Errorf("%w: the summary of %s does not add up to the entries %d..%d received earlier", ErrAltered, s.Day, s.FirstSeq, s.LastSeq)
		}
		return nil
	}
	if held[0].Seq == s.FirstSeq && held[0].Prev != s.Prev {
		return fmt.Errorf("%w: the summary of %s does not follow the entries received earlier", ErrAltered, s.Day)
	}
	got := summarize(held)
	for _, t := range got.Totals {
		i := -1
		for j, u := range s.Totals {
			if u.Kind == t.Kind && u.Item == t.Item {
				i = j
			}
		}
		if i < 0 || s.Totals[i].Seconds < t.Seconds || !within(t.Spans, s.Totals[i].Spans) {
			return fmt.Errorf("%w: the summary of %s lost time of %s %s received earlier", ErrAltered, s.Day, t.Kind, t.Item)
		}
	}
	return nil
}

// within reports whether every span of a lies inside a span of b.
func within(a, b []Span) bool {
	for _, x := range a {
		in := false
		for _, y := range b {
			in = in || (y.Start <= x.Start && x.End <= y.End)
		}
		if !in {
			return false
		}
	}
	return true
}

func (r Records) hasSummary(s Summary) bool {
	for _, o := range r.Summaries {
		if o.FirstSeq == s.FirstSeq && o.LastSeq == s.LastSeq {
			return bytes.Equal(o.body(), s.body())
		}
	}
	return false
}

// summaryOf is the index of the summary holding entry seq, or -1.
func (r Records) summaryOf(seq uint64) int {
	for i, s := range r.Summaries {
		if s.FirstSeq <= seq && seq <= s.LastSeq {
			return i
		}
	}
	return -1
}

// Summarizes reports whether s is the summary the log makes of entries
// when it rolls them up (its signature aside). A receiver that holds a
// screen's entries — the township's monitor — checks with it that a
// summary the screen sends later says what those entries said, so a chain
// re-signed with a stolen device key cannot rewrite what was already
// received (see monitor/FORMAT.md).
func (s *Summary) Summarizes(entries []Entry) bool {
	if len(entries) == 0 {
		return false
	}
	want := summarize(entries)
	return bytes.Equal(want.body(), s.body())
}

// VerifyReport checks a report kept apart from its chain — as the
// monitor's archive of a notice keeps each screen's — against the device
// key: the head signature, then the report signature over that head and
// the report (compacted, as VerifyExport reads it).
func VerifyReport(device ed25519.PublicKey, head HeadJSON, report []byte, reportSig string) error {
	h, err := head.decode()
	if err != nil {
		return fmt.Errorf("%w: head %v", ErrAltered, err)
	}
	if !h.verify(device) {
		return fmt.Errorf("%w: head signature does not verify", ErrAltered)
	}
	var compact bytes.Buffer
	if err := json.Compact(&compact, report); err != nil {
		return fmt.Errorf("%w: report %v", ErrAltered, err)
	}
	sig, err := base64.StdEncoding.DecodeString(reportSig)
	if err != nil || len(sig) != ed25519.SignatureSize || !ed25519.Verify(device, reportMessage(h.Hash, compact.Bytes()), sig) {
		return fmt.Errorf("%w: report signature does not verify", ErrAltered)
	}
	return nil
}
