package publish

import (
	"bytes"
	"cmp"
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"strings"

	"gongkai/feed"
)

// What a publication does to one notice, as screens will see it.
const (
	Added     = "added"     // new on the screens it targets
	Changed   = "changed"   // its text, dates, places or attachments differ
	Withdrawn = "withdrawn" // newly marked withdrawn: screens show the withdrawal
	Removed   = "removed"   // gone from the source: screens drop it
)

// Change is one notice a publication changes.
type Change struct {
	ID, Title string
	What      string // Added, Changed, Withdrawn or Removed
	// Locations are the division codes (or all) it targets now and
	// targeted before: a notice moved from one village to another
	// changes both.
	Locations []string
}

// Plan is what a publication of a source changes for screens, against
// the feed already in the folder: what the studio asks a clerk to
// confirm, and what `publish --dry-run` prints.
type Plan struct {
	Previous  int64    // version in the folder, 0 for none
	Changes   []Change // by id
	Unchanged int
}

// PlaceChanges are the changes a screen at Place sees.
type PlaceChanges struct {
	Place   feed.Place
	Changes []Change
}

// MakePlan compares src with the feed in out, reading only: the
// manifest, and the previous object of a notice whose object differs.
// Notices are compared as publish writes them (attachments by hash);
// speech is left out on both sides, since it is made only when
// publishing, but a clerk's own recording counts: each is converted as
// publish converts it (sox, a few seconds a recording) and compared.
func MakePlan(src *Source, out string) (*Plan, error) {
	p := &Plan{}
	prevItems := map[string]feed.ItemRef{}
	var prev *feed.Manifest
	raw, err := previousFile(out, feed.ManifestFile, feed.MaxManifestSize)
	if err != nil {
		return nil, err
	}
	if raw != nil {
		if prev, err = ReadPublished(out, raw); err != nil {
			return nil, fmt.Errorf("publish: previous publication in %s is unreadable: %w", out, err)
		}
		p.Previous = prev.Version
		for _, r := range prev.Items {
			prevItems[r.ID] = r
		}
	}
	for _, si := range src.Items {
		it, err := buildItem(si, nil)
		if err != nil {
			return nil, err
		}
		data, err := feed.EncodeItem(&it)
		if err != nil {
			return nil, fmt.Errorf("publish: item %s: %w", it.ID, err)
		}
		ref, had := prevItems[it.ID]
		delete(prevItems, it.ID)
		c := Change{ID: it.ID, Title: it.Title, Locations: it.Locations}
		switch {
		case !had:
			c.What = Added
			if it.Withdrawn != "" {
				c.What = Withdrawn
			}
		case ref.SHA256 == feed.Sum(data) && si.Audio == "":
			p.Unchanged++ // (a recording added is looked at below)
			continue
		default:
			old := previousItem(out, ref, prev)
			if old != nil && bytes.Equal(encodeSilent(old), data) {
				same, err := sameRecording(si, old)
				if err != nil {
					return nil, err
				}
				if same {
					p.Unchanged++ // only its speech differs
					continue
				}
			}
			c.What = Changed
			if it.Withdrawn != "" && (old == nil || old.Withdrawn == "") {
				c.What = Withdrawn
			}
			if old != nil {
				c.Locations = union(c.Locations, old.Locations)
			}
		}
		p.Changes = append(p.Changes, c)
	}
	for id, ref := range prevItems {
		c := Change{ID: id, What: Removed}
		if old := previousItem(out, ref, prev); old != nil {
			c.Title, c.Locations = old.Title, old.Locations
		}
		p.Changes = append(p.Changes, c)
	}
	slices.SortFunc(p.Changes, func(a, b Change) int { return cmp.Compare(a.ID, b.ID) })
	return p, nil
}

// previousItem reads a notice of the previous feed from out, nil if its
// object is missing or damaged (the plan then knows less about it).
func previousItem(out string, ref feed.ItemRef, m *feed.Manifest) *feed.Item {
	data, err := readCapped(filepath.Join(out, filepath.FromSlash(ref.Path())), feed.MaxItemSize)
	if err != nil || feed.CheckObject(data, ref.Object) != nil {
		return nil
	}
	it, err := feed.DecodeItem(data, ref, m)
	if err != nil {
		return nil
	}
	return it
}

// sameRecording says whether a notice whose text and attachments are
// unchanged has the recording it had: none on either side, speech on
// either side (made when publishing, not known here), or the clerk's
// file converted to the same bytes.
func sameRecording(si *SourceItem, old *feed.Item) (bool, error) {
	recorded := old.Audio != nil && old.Audio.Name != speakName
	if si.Audio == "" {
		return !recorded, nil
	}
	// converted even when there was none before, so that a recording
	// publish would refuse is named now, with its file and line
	var it feed.Item
	data, err := itemAudio(si, &it, Options{})
	if err != nil {
		return false, err
	}
	return recorded && feed.Sum(data) == old.Audio.SHA256, nil
}

// encodeSilent is an item's encoding without its audio.
func encodeSilent(it *feed.Item) []byte {
	c := *it
	c.Audio = nil
	data, _ := feed.EncodeItem(&c)
	return data
}

func union(a, b []string) []string {
	out := append([]string(nil), a...)
	for _, s := range b {
		if !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	return out
}

// ByPlace groups the changes by the places screens stand at: each of
// places (the feed's declared locations) with the changes that reach a
// screen there, in the order of places; places with no change are left
// out. With no places declared, each location a change names is a place.
func (p *Plan) ByPlace(places []feed.Place) []PlaceChanges {
	if len(places) == 0 {
		seen := map[string]bool{}
		for _, c := range p.Changes {
			for _, l := range c.Locations {
				if !seen[l] {
					seen[l] = true
					places = append(places, feed.Place{Code: l})
				}
			}
		}
		slices.SortFunc(places, func(a, b feed.Place) int { return cmp.Compare(a.Code, b.Code) })
	}
	var out []PlaceChanges
	for _, pl := range places {
		var cs []Change
		for _, c := range p.Changes {
			if pl.Code == feed.AllLocations && slices.Contains(c.Locations, feed.AllLocations) || feed.Targets(c.Locations, pl.Code) {
				cs = append(cs, c)
			}
		}
		if len(cs) > 0 {
			out = append(out, PlaceChanges{Place: pl, Changes: cs})
		}
	}
	return out
}

// Count is how many changes are of kind what.
func (p *Plan) Count(what string) int {
	n := 0
	for _, c := range p.Changes {
		if c.What == what {
			n++
		}
	}
	return n
}

// WriteText prints the plan as publish --dry-run does: one line of
// counts, then each place (src's places) with its changes.
func (p *Plan) WriteText(w io.Writer, src *Source) {
	fmt.Fprintf(w, "dry run: publishing %s over version %d would change %d notices (%d added, %d changed, %d withdrawn, %d removed), %d unchanged; nothing written\n",
		src.Feed.ID, p.Previous, len(p.Changes), p.Count(Added), p.Count(Changed), p.Count(Withdrawn), p.Count(Removed), p.Unchanged)
	for _, pc := range p.ByPlace(src.Feed.Locations) {
		fmt.Fprintln(w, strings.TrimSpace(pc.Place.Code+" "+feed.Printable(pc.Place.Name, feed.MaxLineText)))
		for _, c := range pc.Changes {
			fmt.Fprintf(w, "  %-9s %s %s\n", c.What, c.ID, feed.Printable(c.Title, feed.MaxLineText))
		}
	}
}
