package screen

import (
	"bufio"
	"io"
	"strconv"
	"unicode/utf8"
)

// WriteNoticesJSON writes list as the --json of list and search: the very
// bytes encoding/json writes for it indented by two spaces without HTML
// escapes (the cli's writeJSON), which TestNoticesJSONIsEncodingJSON and
// FuzzNoticesJSON hold it to. It is written by hand because a search that
// prints 15,000 notices spent a fifth of its time in encoding/json's
// reflection and second, indenting pass.
func WriteNoticesJSON(w io.Writer, list []Notice) error {
	bw := bufio.NewWriter(w)
	var buf []byte
	switch {
	case list == nil:
		buf = append(buf, "null"...)
	case len(list) == 0:
		buf = append(buf, "[]"...)
	default:
		buf = append(buf, '[')
		for i := range list {
			if i > 0 {
				buf = append(buf, ',')
			}
			buf = list[i].appendJSON(append(buf, "\n  "...))
			if len(buf) > 32<<10 {
				bw.Write(buf)
				buf = buf[:0]
			}
		}
		buf = append(buf, "\n]"...)
	}
	bw.Write(append(buf, '\n'))
	return bw.Flush()
}

// appendJSON appends n as the second level of an indented array: its
// fields in the struct's order, under their json names.
func (n *Notice) appendJSON(b []byte) []byte {
	const in = "\n    " // a field of an element
	b = append(b, '{')
	b = appendJSONString(append(b, in+`"id": `...), n.ID)
	b = appendJSONString(append(b, ","+in+`"title": `...), n.Title)
	b = appendJSONString(append(b, ","+in+`"category": `...), n.Category)
	b = appendJSONString(append(b, ","+in+`"category_name": `...), n.CategoryName)
	b = appendJSONString(append(b, ","+in+`"agency": `...), n.Agency)
	b = appendJSONString(append(b, ","+in+`"published": `...), n.Published)
	b = appendJSONOptional(append(b, ","+in+`"valid_from": `...), n.ValidFrom)
	b = appendJSONOptional(append(b, ","+in+`"valid_until": `...), n.ValidUntil)
	b = appendJSONString(append(b, ","+in+`"priority": `...), n.Priority)
	b = appendJSONString(append(b, ","+in+`"doc_no": `...), n.DocNo)
	b = strconv.AppendBool(append(b, ","+in+`"normative": `...), n.Normative)
	b = strconv.AppendInt(append(b, ","+in+`"posting_days": `...), int64(n.PostingDays), 10)
	if n.PostingWorkdays != 0 {
		b = strconv.AppendInt(append(b, ","+in+`"posting_workdays": `...), int64(n.PostingWorkdays), 10)
	}
	if n.PeriodEnd != nil {
		b = appendJSONString(append(b, ","+in+`"period_end": `...), *n.PeriodEnd)
	}
	b = append(b, ","+in+`"locations": `...)
	switch {
	case n.Locations == nil:
		b = append(b, "null"...)
	case len(n.Locations) == 0:
		b = append(b, "[]"...)
	default:
		b = append(b, '[')
		for i, l := range n.Locations {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendJSONString(append(b, in+"  "...), l)
		}
		b = append(b, in+"]"...)
	}
	return append(b, "\n  }"...)
}

func appendJSONOptional(b []byte, s *string) []byte {
	if s == nil {
		return append(b, "null"...)
	}
	return appendJSONString(b, *s)
}

// appendJSONString quotes s as encoding/json does without HTML escapes:
// \" \\ \b \f \n \r \t, other control bytes as \u00XX, U+2028 and U+2029
// escaped, and each byte of invalid UTF-8 as \ufffd.
func appendJSONString(b []byte, s string) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\b':
				b = append(b, `\b`...)
			case '\f':
				b = append(b, `\f`...)
			case '\n':
				b = append(b, `\n`...)
			case '\r':
				b = append(b, `\r`...)
			case '\t':
				b = append(b, `\t`...)
			default:
				b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
		case r == '\u2028' || r == '\u2029':
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hex[r&0xf])
		default:
			i += size
			continue
		}
		i += size
		start = i
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}
