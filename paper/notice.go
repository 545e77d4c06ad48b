package paper

import (
	"bytes"
	"errors"
	"fmt"
	"time"

	"gongkai/feed"
	"gongkai/store"
)

// NotHereError: the notice is not one of this screen's.
type NotHereError struct{ ID, Location string }

func (e NotHereError) Error() string {
	return fmt.Sprintf("no notice %q for this screen (%s)", e.ID, e.Location)
}

// NoticePoster prints notice id of the screen at location as an A4
// poster, at trusted time now. The export-pdf command and the admin panel
// share it. Only a notice meant for this screen is printed (else a
// NotHereError): another village's notice is never reachable from here,
// as on the screen itself. One not valid today (to be posted soon, or just
// expired) still prints, read as on a day it is shown (today is then
// false); a withdrawn one does not.
func NoticePoster(st *store.Store, location, id string, now time.Time) (pdf []byte, sum *store.Summary, today bool, err error) {
	targeting, err := st.Targeting(location)
	if err != nil {
		return nil, nil, false, err
	}
	for i := range targeting {
		if targeting[i].ID == id {
			sum = &targeting[i]
		}
	}
	tz := st.Location()
	switch {
	case sum == nil:
		return nil, nil, false, NotHereError{id, location}
	case sum.Withdrawn != "":
		return nil, sum, false, fmt.Errorf("notice %s was withdrawn (%s): it is not printed", id, feed.Printable(sum.Withdrawn, feed.MaxErrorText))
	}
	at := now
	today = store.IsVisible(sum, location, at, tz)
	if !today {
		if t, err := sum.ValidFrom.Time(tz); err == nil && at.Before(t) {
			at = t
		}
		if t, err := sum.ValidUntil.Time(tz); err == nil && !at.Before(t.AddDate(0, 0, 1)) {
			at = t
		}
	}
	it, err := st.Item(id, location, at)
	if errors.Is(err, store.ErrNotFound) {
		return nil, sum, false, NotHereError{id, location}
	} else if err != nil {
		return nil, sum, false, err
	}
	var buf bytes.Buffer
	blob := func(sha string) (string, error) {
		if !st.HasBlob(sha) {
			return "", fmt.Errorf("not synced yet")
		}
		return st.BlobPath(sha), nil
	}
	cal, err := st.Calendar()
	if err != nil {
		return nil, sum, false, err
	}
	if err := Poster(&buf, it, cal, st.PlaceName(location), blob); err != nil {
		return nil, sum, false, err
	}
	return buf.Bytes(), sum, today, nil
}
