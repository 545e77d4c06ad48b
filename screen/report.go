package screen

import (
	"cmp"
	"crypto/ed25519"
	"errors"
	"fmt"
	"slices"
	"time"

	"gongkai/config"
	"gongkai/feed"
	"gongkai/period"
	"gongkai/proof"
	"gongkai/store"
)

// ErrNoDisplayLog: this process keeps no display log (the runtime could
// not open it or, for a screenshot, the log could not be opened).
var ErrNoDisplayLog = errors.New("the display log is not open")

// ReportBuild is how a report of the screen at location is computed from
// the display log's records: its notices (notices) each evaluated up
// to now. The report command and the admin panel's 公示期 page share it.
func ReportBuild(st *store.Store, location, id string, device ed25519.PublicKey, hours proof.Hours, now time.Time) (func(proof.Records) (proof.Report, error), error) {
	items, err := st.Targeting(location)
	if err != nil {
		return nil, err
	}
	tz := st.Location()
	cal, err := st.Calendar()
	if err != nil {
		return nil, err
	}
	return func(recs proof.Records) (proof.Report, error) {
		ev := proof.NewEvidence(recs)
		notices, err := notices(items, ev, id, tz, cal)
		if err != nil {
			return proof.Report{}, err
		}
		covs := make([]proof.Coverage, 0, len(notices))
		for _, n := range notices {
			covs = append(covs, proof.Evaluate(ev, n, tz, hours, now))
		}
		rep := proof.NewReport(device, covs, tz, hours, now)
		rep.Alerts = proof.AlertTimes(ev)
		head := recs.HeadRef() // printed, so it can be compared with the monitor's receipt
		rep.Head = &head
		return rep, nil
	}, nil
}

// notices picks the notices of a report: those with a posting period
// and those the log has seen, or only id. A withdrawn notice counts as
// withdrawn from the end of its last interval on screen (the store keeps
// the reason, not the moment), or from the start of its period if it never
// appeared.
func notices(items []store.Summary, ev proof.Evidence, id string, tz *time.Location, cal *feed.Calendar) ([]proof.Notice, error) {
	var out []proof.Notice
	known := map[string]bool{}
	for _, s := range items {
		known[s.ID] = true
		if id != "" && s.ID != id {
			continue
		}
		if id == "" && s.PostingDays == 0 && s.PostingWorkdays == 0 && ev.Items[s.ID] == nil {
			continue
		}
		start := period.StartOf(s.Published, s.ValidFrom)
		n := proof.Notice{ID: s.ID, Title: s.Title, PostingDays: s.PostingDays, PostingWorkdays: s.PostingWorkdays,
			Calendar: cal, Start: string(start)}
		if s.Withdrawn != "" {
			if it := ev.Items[s.ID]; it != nil && len(it.Spans) > 0 {
				n.Withdrawn = time.Unix(it.Spans[len(it.Spans)-1].End, 0)
			} else if t, err := start.Time(tz); err == nil {
				n.Withdrawn = t
			}
		}
		out = append(out, n)
	}
	// Notices the feed no longer holds still have their seconds on record.
	for lid := range ev.Items {
		if !known[lid] && (id == "" || lid == id) {
			out = append(out, proof.Notice{ID: lid, Title: "(no longer in the feed)"})
		}
	}
	if id != "" && len(out) == 0 {
		return nil, fmt.Errorf("no notice %q for this screen in the feed or the display log", id)
	}
	slices.SortFunc(out, func(a, b proof.Notice) int { return cmp.Compare(a.ID, b.ID) })
	return out, nil
}

// Hours are the screen's on-hours for proof of display: a display
// screen is dark outside its configured hours, and that time is excused,
// as FORMAT.md foresees ("the screen config later"). A touch screen is
// always on. The witness decides lit or dark from the same configuration.
func Hours(c *config.Config) proof.Hours {
	if c.Mode != config.ModeDisplay {
		return proof.Hours{}
	}
	on, err1 := config.ParseClock(c.DisplayOn)
	off, err2 := config.ParseClock(c.DisplayOff)
	if err1 != nil || err2 != nil {
		return proof.Hours{}
	}
	return proof.Hours{On: time.Duration(on) * time.Minute, Off: time.Duration(off) * time.Minute}
}

// OpenReport opens the display log of the screen in data for a command
// (its device key made if missing) and the builder of the report of its
// notices (id: only that one) under hours. The kiosk holds the log while
// it runs, and the error says so. The caller closes the log.
func OpenReport(data string, cfg *config.Config, st *store.Store, id string, hours proof.Hours) (*proof.Log, func(proof.Records) (proof.Report, error), error) {
	key, err := proof.EnsureDeviceKey(data)
	if err != nil {
		return nil, nil, err
	}
	log, err := proof.Open(data, key, time.Now)
	if err != nil {
		if errors.Is(err, proof.ErrLocked) {
			return nil, nil, fmt.Errorf("%w (is the kiosk running on %s?)", err, data)
		}
		return nil, nil, err
	}
	build, err := ReportBuild(st, cfg.Location, id, log.PublicKey(), hours, st.Now(time.Now()))
	if err != nil {
		log.Close()
		return nil, nil, StoreError(data, err)
	}
	return log, build, nil
}
