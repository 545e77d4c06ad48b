package store

import (
	"encoding/binary"
	"errors"
	"fmt"

	"gongkai/feed"
)

// record is what the records bucket holds of an item: what lists show.
type record struct {
	Summary
	Attachments []objectRef
}

type objectRef struct {
	SHA256 string
	Size   int64
}

// Records are read for every notice of a list and every hit a command
// prints, so they are a compact binary form rather than JSON (which took
// most of the time of a search printing thousands of hits): a format byte,
// then the fields in a fixed order, strings and counts as uvarint-prefixed.
// The same record always encodes to the same bytes: Check compares them.
const recordFormat = 3

func encodeRecord(r record) ([]byte, error) {
	s := &r.Summary
	b := make([]byte, 0, 128+len(s.Title)+len(s.Agency))
	b = append(b, recordFormat)
	for _, f := range []string{s.ID, s.Title, s.Category, s.Agency, s.DocNo, string(s.Published),
		string(s.ValidFrom), string(s.ValidUntil), s.Priority, s.Withdrawn} {
		b = appendField(b, f)
	}
	if s.PostingDays < 0 {
		return nil, fmt.Errorf("posting days %d", s.PostingDays)
	}
	b = binary.AppendUvarint(b, uint64(s.PostingDays))
	if s.PostingWorkdays < 0 {
		return nil, fmt.Errorf("posting workdays %d", s.PostingWorkdays)
	}
	b = binary.AppendUvarint(b, uint64(s.PostingWorkdays))
	norm := byte(0)
	if s.Normative {
		norm = 1
	}
	b = append(b, norm)
	b = binary.AppendUvarint(b, uint64(len(s.Locations)))
	for _, l := range s.Locations {
		b = appendField(b, l)
	}
	b = binary.AppendUvarint(b, uint64(len(r.Attachments)))
	for _, a := range r.Attachments {
		if a.Size < 0 {
			return nil, fmt.Errorf("attachment size %d", a.Size)
		}
		b = appendField(b, a.SHA256)
		b = binary.AppendUvarint(b, uint64(a.Size))
	}
	return b, nil
}

var errRecord = errors.New("malformed record")

// recordReader reads the fields of an encoded record in order; the first
// failure sticks. It reads a string holding a copy of the whole record, so
// that the fields are substrings of one allocation rather than one each: a
// command listing 15,000 hits decoded 150,000 strings, and the fresh heap
// pages they took were most of its time (see BENCHMARKS.md).
type recordReader struct {
	b   string
	err error
}

func (r *recordReader) uint() uint64 {
	if r.err != nil {
		return 0
	}
	// binary.Uvarint, on a string
	var n uint64
	for i := 0; i < len(r.b) && i < binary.MaxVarintLen64; i++ {
		c := r.b[i]
		if c < 0x80 {
			if i == binary.MaxVarintLen64-1 && c > 1 {
				break // overflows 64 bits
			}
			r.b = r.b[i+1:]
			return n | uint64(c)<<(7*i)
		}
		n |= uint64(c&0x7f) << (7 * i)
	}
	r.err = errRecord
	return 0
}

func (r *recordReader) str() string {
	n := r.uint()
	if r.err != nil || n > uint64(len(r.b)) {
		r.err = errRecord
		return ""
	}
	s := r.b[:n]
	r.b = r.b[n:]
	return s
}

// count reads a number of entries, each at least one byte long.
func (r *recordReader) count() int {
	n := r.uint()
	if n > uint64(len(r.b)) {
		r.err = errRecord
		return 0
	}
	return int(n)
}

func decodeRecord(b []byte) (record, error) {
	if len(b) == 0 || b[0] != recordFormat {
		return record{}, fmt.Errorf("%w: item record: %w", ErrDamaged, errRecord)
	}
	r := &recordReader{b: string(b[1:])}
	var rec record
	s := &rec.Summary
	s.ID, s.Title, s.Category, s.Agency, s.DocNo = r.str(), r.str(), r.str(), r.str(), r.str()
	s.Published, s.ValidFrom, s.ValidUntil = feed.Date(r.str()), feed.Date(r.str()), feed.Date(r.str())
	s.Priority, s.Withdrawn = r.str(), r.str()
	days := r.uint()
	if days > 1<<31 {
		r.err = errRecord
	}
	s.PostingDays = int(days)
	if workdays := r.uint(); workdays > 1<<31 {
		r.err = errRecord
	} else {
		s.PostingWorkdays = int(workdays)
	}
	if len(r.b) == 0 || r.b[0] > 1 {
		r.err = errRecord
	} else if r.err == nil {
		s.Normative, r.b = r.b[0] == 1, r.b[1:]
	}
	if n := r.count(); r.err == nil && n > 0 {
		s.Locations = make([]string, n)
		for i := range s.Locations {
			s.Locations[i] = r.str()
		}
	}
	if n := r.count(); r.err == nil && n > 0 {
		rec.Attachments = make([]objectRef, n)
		for i := range rec.Attachments {
			rec.Attachments[i].SHA256 = r.str()
			size := r.uint()
			if size > 1<<62 {
				r.err = errRecord
			}
			rec.Attachments[i].Size = int64(size)
		}
	}
	switch {
	case r.err != nil:
		return record{}, fmt.Errorf("%w: item record: %w", ErrDamaged, r.err)
	case len(r.b) != 0:
		return record{}, fmt.Errorf("%w: item record: %d bytes too many", ErrDamaged, len(r.b))
	case s.ID == "":
		return record{}, fmt.Errorf("%w: item record without id", ErrDamaged)
	}
	return rec, nil
}
