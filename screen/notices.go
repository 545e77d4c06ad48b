package screen

import (
	"bufio"
	"fmt"
	"io"
	"time"

	"gongkai/cjk"
	"gongkai/config"
	"gongkai/feed"
	"gongkai/period"
	"gongkai/store"
)

// Notice is one notice as gongkai list and search print it with --json
// (its fields are part of the command contract). Dates are YYYY-MM-DD in
// the feed's time zone; an open validity bound is null.
type Notice struct {
	ID           string  `json:"id"`
	Title        string  `json:"title"`
	Category     string  `json:"category"`
	CategoryName string  `json:"category_name"`
	Agency       string  `json:"agency"`
	Published    string  `json:"published"`
	ValidFrom    *string `json:"valid_from"`
	ValidUntil   *string `json:"valid_until"`
	Priority     string  `json:"priority"`
	DocNo        string  `json:"doc_no"`
	Normative    bool    `json:"normative"`
	PostingDays  int     `json:"posting_days"`
	// PostingWorkdays and PeriodEnd: a period in working days, and the last
	// day of any period as every screen and paper says it (package period).
	PostingWorkdays int      `json:"posting_workdays,omitempty"`
	PeriodEnd       *string  `json:"period_end,omitempty"`
	Locations       []string `json:"locations"`
}

// Notices turns the store's summaries into Notices.
func Notices(st *store.Store, items []store.Summary) ([]Notice, error) {
	names := categoryNames(st)
	cal, err := st.Calendar()
	if err != nil {
		return nil, err
	}
	out := make([]Notice, 0, len(items))
	for _, s := range items {
		var end *string
		if p, ok := period.Of(period.StartOf(s.Published, s.ValidFrom), s.PostingDays, s.PostingWorkdays, cal, st.Location()); ok {
			e := p.End.Format(time.DateOnly)
			end = &e
		}
		out = append(out, Notice{
			PostingWorkdays: s.PostingWorkdays, PeriodEnd: end,
			ID: s.ID, Title: s.Title, Category: s.Category, CategoryName: names[s.Category],
			Agency: s.Agency, Published: string(s.Published),
			ValidFrom: dateOrNull(s.ValidFrom), ValidUntil: dateOrNull(s.ValidUntil),
			Priority: s.Priority, DocNo: s.DocNo, Normative: s.Normative, PostingDays: s.PostingDays,
			Locations: s.Locations,
		})
	}
	return out, nil
}

// WriteNoticeTable writes the notices for a person, one a line in aligned
// columns: id, category, priority, validity, title.
func WriteNoticeTable(w io.Writer, st *store.Store, items []store.Summary) {
	if len(items) == 0 {
		fmt.Fprintln(w, "(no notices)")
		return
	}
	// one write a line was half the search command's time at 100k
	// notices (15,000 writes to a terminal or pipe)
	bw := bufio.NewWriter(w)
	defer bw.Flush()
	w = bw
	names := categoryNames(st)
	idW, catW := 0, 0
	for _, s := range items {
		idW = max(idW, cjk.Width(s.ID))
		catW = max(catW, cjk.Width(names[s.Category]))
	}
	for _, s := range items {
		valid := "-"
		if s.ValidFrom != "" || s.ValidUntil != "" {
			valid = string(s.ValidFrom) + ".." + string(s.ValidUntil)
		}
		// Titles and names are the feed's text: one printable line each,
		// so no escape code in a title reaches the terminal.
		fmt.Fprintf(w, "%s  %s  %-6s  %-22s  %s\n", cjk.Pad(s.ID, idW), cjk.Pad(names[s.Category], catW),
			s.Priority, valid, feed.Printable(s.Title, feed.MaxLineText))
	}
}

func dateOrNull(d feed.Date) *string {
	if d == "" {
		return nil
	}
	s := string(d)
	return &s
}

func categoryNames(st *store.Store) map[string]string {
	names := map[string]string{}
	if s, err := st.State(); err == nil {
		for _, c := range s.Categories {
			names[c.ID] = feed.Printable(c.Name, feed.MaxLineText)
		}
	}
	return names
}

// ParseAt reads a command's --at: a day in the feed's time zone tz (its
// start), or an RFC 3339 instant.
func ParseAt(s string, tz *time.Location) (time.Time, error) {
	if t, err := time.ParseInLocation(time.DateOnly, s, tz); err == nil {
		return t, nil
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	return time.Time{}, fmt.Errorf("--at %q: want a date YYYY-MM-DD or an RFC 3339 time like 2026-11-20T09:00:00+08:00", s)
}

// Shown is what the screen shows at the time at (ParseAt; "" for now, by
// the store's trusted clock), in list order.
func Shown(st *store.Store, cfg *config.Config, at string) ([]store.Summary, error) {
	t := st.Now(time.Now())
	if at != "" {
		var err error
		if t, err = ParseAt(at, st.Location()); err != nil {
			return nil, err
		}
	}
	return st.Visible(cfg.Location, "", t)
}
