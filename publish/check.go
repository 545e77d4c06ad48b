package publish

import (
	"errors"
	"fmt"
	"strings"
)

// The checks of a notice have one home: ParseItemFile and ParseSource run
// them for `gongkai publish`, and CheckItem and Check hand the same
// results to the studio, each tied to a file and a front matter field so
// it can be shown beside the field it concerns.

// Finding is one result of the checks. Stop findings refuse the
// publication; the others are warnings a clerk should read first.
type Finding struct {
	File   string
	Line   int    // file line, 0 when it has no single line
	Field  string // front matter key, "body", or "" for the file as a whole
	Rule   string // which check (publish's or feed's Rule…), so a window can word it its own way; "" for one it shows as Msg
	Detail string // what the rule's words need (see the Rule… constants)
	More   int    // for a rule of the body: how many more places break it than are listed
	Msg    string // the words of `gongkai publish`
	Stop   bool
}

// The rules a notice's source breaks, beside feed's rules of an item's
// fields (feed.Rule…). The warnings:
const (
	RuleNoPeriod  = "no-period"  // a kind whose law fixes a period has none; Detail: the law
	RuleNoContact = "no-contact" // a notice posted for objections names no one to take them
	RuleIDNumber  = "id-number"  // a 居民身份证 number in the body; Detail: it masked as it should be shown
	RuleMobile    = "mobile"     // a mainland mobile number in the body; Detail: it masked
)

// The errors (Stop):
const (
	RuleURL            = "url"             // an official URL not http(s)
	RuleNormative      = "normative"       // a normative document without valid_from
	RuleTitleLong      = "title-long"      // a title longer than a screen shows; Detail: its length in characters
	RuleControl        = "control-char"    // a control character in a field
	RulePeriodShort    = "period-short"    // a period shorter than the kind's legal minimum; Detail: the law
	RulePeriodWorkdays = "period-workdays" // a kind counted in working days given calendar days; Detail: the law
	RulePeriodCalendar = "period-calendar" // a kind counted in calendar days given working days; Detail: the law
	RuleCategory       = "category"        // a category feed.yaml does not declare
	RuleDuplicateID    = "duplicate-id"    // an id another file uses; Detail: that file
	RuleNoFile         = "no-file"         // an attachment or recording that is not there; Detail: the name given
)

// The errors of feed.yaml (besides feed.RuleID and feed.RuleRequired, and
// RuleControl whose Detail there is the category's id or location's code):
const (
	RuleTimezone      = "timezone"       // a time zone Go does not know; Detail: it
	RuleCategoryEntry = "category-entry" // a category without a unique valid id or a name; Detail: its id
	RuleLocationEntry = "location-entry" // a location without a division code or a name; Detail: its code
)

func (f Finding) String() string {
	return (&SourceError{File: f.File, Line: f.Line, Msg: f.Msg}).Error()
}

// FindingOf turns an error of ParseSource or ParseItemFile into a Stop
// finding, with its file, line and field when it has them.
func FindingOf(err error) Finding {
	var se *SourceError
	if errors.As(err, &se) {
		return Finding{File: se.File, Line: se.Line, Field: se.Field, Rule: se.Rule, Detail: se.Detail, Msg: se.Msg, Stop: true}
	}
	return Finding{Msg: err.Error(), Stop: true}
}

// CheckItem checks one notice file on its own, as the studio's editor
// does while the clerk types: the first error that stops publishing, or
// every warning. What needs the rest of the folder (declared categories,
// attachments, duplicate ids) is Check's.
func CheckItem(name string, data []byte) []Finding {
	si, err := ParseItemFile(name, data)
	if err != nil {
		return []Finding{FindingOf(err)}
	}
	return si.warnings
}

// Check checks a whole source folder, as publish does: the parsed source
// and its warnings, or nil and the first error.
func Check(dir string) (*Source, []Finding) {
	src, err := ParseSource(dir)
	if err != nil {
		return nil, []Finding{FindingOf(err)}
	}
	return src, src.Warnings
}

// maxBodyFindings bounds the findings of one rule in one body: a 低保
// list of 300 households with their ID numbers needs one clear warning
// and the first lines, not 300.
const maxBodyFindings = 3

// warn finds the warnings of a parsed item: no contact for objections,
// personal numbers in the body. bodyLine is the file line the body
// starts on.
func warn(si *SourceItem, kind string, bodyLine int) []Finding {
	it := &si.Item
	var out []Finding
	k, _ := kindOf(kind)
	posted := it.PostingDays > 0 || it.PostingWorkdays > 0 || k.Min > 0
	if posted && it.Withdrawn == "" && strings.TrimSpace(it.Contact) == "" {
		line := si.line("contact")
		if line == 1 {
			line = 0 // no contact: key at all (line 1 is the opening '---')
		}
		out = append(out, Finding{File: si.Path, Line: line, Field: "contact", Rule: RuleNoContact,
			Msg: "no contact: a notice posted for a period (公示) must say who takes objections; add contact: (office and telephone)"})
	}
	count := map[string]int{}
	for i, l := range strings.Split(it.Body, "\n") {
		for _, p := range personalNumbers(l) {
			count[p.rule]++
			if count[p.rule] > maxBodyFindings {
				continue
			}
			out = append(out, Finding{File: si.Path, Line: bodyLine + i, Field: "body", Rule: p.rule, Detail: p.masked(), Msg: p.msg()})
		}
	}
	for _, rule := range []string{RuleIDNumber, RuleMobile} {
		if n := count[rule] - maxBodyFindings; n > 0 {
			out = append(out, Finding{File: si.Path, Field: "body", Rule: rule, More: n,
				Msg: fmt.Sprintf("and %d more such numbers in the text", n)})
		}
	}
	return out
}

// personal is a number found in a line of text.
type personal struct {
	rule   string
	number string
}

func (p personal) msg() string {
	if p.rule == RuleIDNumber {
		return fmt.Sprintf("an ID card number (身份证号 %s) in the text: a posted list must not show it; mask it (e.g. %s) or remove it", mask(p.number, 4, 4), p.masked())
	}
	return fmt.Sprintf("a mobile number (%s) in the text: a posted list must not show villagers' numbers; mask it (e.g. %s) or move an office number to contact:", mask(p.number, 3, 4), p.masked())
}

// masked is the number as a posted list may show it.
func (p personal) masked() string {
	if p.rule == RuleIDNumber {
		return mask(p.number, 6, 4)
	}
	return mask(p.number, 3, 4)
}

// mask keeps the first head and last tail characters of a number.
func mask(s string, head, tail int) string {
	if len(s) <= head+tail {
		return s
	}
	return s[:head] + strings.Repeat("*", len(s)-head-tail) + s[len(s)-tail:]
}

// personalNumbers finds 居民身份证 numbers (18 digits with a valid check
// digit and birth date, or the old 15 digits with a valid birth date)
// and mainland mobile numbers (1[3-9] and 9 digits, also written
// 3-4-4 with spaces or hyphens, or after +86) in one line. A number is a
// whole run of digits: part of a longer number (a bank account, an
// amount) is not one. Full-width digits count as digits.
func personalNumbers(line string) []personal {
	s := []rune(halfWidth(line))
	var out []personal
	digit := func(i int) bool { return i >= 0 && i < len(s) && s[i] >= '0' && s[i] <= '9' }
	for i := 0; i < len(s); {
		if !digit(i) {
			i++
			continue
		}
		// a run of digit groups joined by single spaces or hyphens
		var groups []string
		j := i
		for {
			k := j
			for digit(k) {
				k++
			}
			if k < len(s) && (s[k] == 'X' || s[k] == 'x') && len(groups) == 0 && k-j == 17 {
				k++ // an ID number's check character
			}
			groups = append(groups, string(s[j:k]))
			if k+1 < len(s) && (s[k] == ' ' || s[k] == '-') && digit(k+1) {
				j = k + 1
				continue
			}
			j = k
			break
		}
		prev := ' '
		if i > 0 {
			prev = s[i-1]
		}
		next := ' '
		if j < len(s) {
			next = s[j]
		}
		i = j
		if prev == '.' || next == '.' && digit(j+1) || strings.ContainsRune("元万亿", next) {
			continue // an amount
		}
		whole := strings.Join(groups, "")
		switch {
		case len(groups) == 1 && validID(whole):
			out = append(out, personal{RuleIDNumber, strings.ToUpper(whole)})
		case mobile(whole, groups, prev):
			out = append(out, personal{RuleMobile, whole[len(whole)-11:]})
		}
	}
	return out
}

// mobile says whether a run of digit groups is a mainland mobile number:
// 11 digits in one group or as 3-4-4, perhaps after 86 (+86).
func mobile(whole string, groups []string, prev rune) bool {
	if len(groups) > 1 {
		if len(groups[0]) == 2 && groups[0] == "86" {
			groups = groups[1:]
		}
		if len(groups) == 1 {
			whole = groups[0]
		} else if len(groups) == 3 && len(groups[0]) == 3 && len(groups[1]) == 4 && len(groups[2]) == 4 {
			whole = strings.Join(groups, "")
		} else {
			return false
		}
	}
	if len(whole) == 13 && strings.HasPrefix(whole, "86") && prev == '+' {
		whole = whole[2:]
	}
	return len(whole) == 11 && whole[0] == '1' && whole[1] >= '3' && whole[1] <= '9'
}

// validID checks an 18-digit number (GB 11643: region, birth date,
// sequence, ISO 7064 MOD 11-2 check character) or a 15-digit one
// (region, birth date YYMMDD, sequence).
func validID(s string) bool {
	switch len(s) {
	case 18:
		if !validRegion(s) || !validBirth(s[6:10], s[10:12], s[12:14]) {
			return false
		}
		weights := [17]int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}
		sum := 0
		for i, w := range weights {
			if s[i] < '0' || s[i] > '9' {
				return false
			}
			sum += int(s[i]-'0') * w
		}
		return "10X98765432"[sum%11] == upper(s[17])
	case 15:
		return !strings.ContainsAny(s, "Xx") && validRegion(s) && validBirth("19"+s[6:8], s[8:10], s[10:12])
	}
	return false
}

func upper(b byte) byte {
	if b == 'x' {
		return 'X'
	}
	return b
}

// validRegion: the first digit of a division code is 1 to 8 (6 for
// Taiwan's 71, 8 for Hong Kong and Macao).
func validRegion(s string) bool { return s[0] >= '1' && s[0] <= '8' }

func validBirth(y, m, d string) bool {
	num := func(s string) int {
		n := 0
		for _, c := range s {
			if c < '0' || c > '9' {
				return -1
			}
			n = n*10 + int(c-'0')
		}
		return n
	}
	year, month, day := num(y), num(m), num(d)
	return year >= 1900 && year <= 2099 && month >= 1 && month <= 12 && day >= 1 && day <= 31
}

// halfWidth makes full-width digits, X and the full-width space and
// hyphen their ASCII forms, one rune for one rune.
func halfWidth(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r >= '０' && r <= '９':
			return r - '０' + '0'
		case r == 'Ｘ' || r == 'ｘ':
			return 'X'
		case r == '　':
			return ' '
		case r == '－':
			return '-'
		case r == '＋':
			return '+'
		}
		return r
	}, s)
}
