package store

import (
	"bytes"
	"fmt"

	bolt "go.etcd.io/bbolt"

	"gongkai/feed"
)

// putCalendar stores the calendar object m names, in the transaction that
// applies m: data when it was fetched for this update, else the copy
// already stored, which must be that object. A manifest that names no
// calendar removes the stored one. Every byte is checked against the
// manifest and decoded before it is written, so a bad calendar fails the
// whole Apply and leaves the store as it was.
func putCalendar(tx *bolt.Tx, m *feed.Manifest, data []byte) error {
	meta := tx.Bucket(bucketMeta)
	if m.Calendar == nil {
		return meta.Delete(keyCalendar)
	}
	if data == nil {
		data = meta.Get(keyCalendar)
		if data == nil {
			return fmt.Errorf("calendar %.12s: not fetched and not stored", m.Calendar.SHA256)
		}
		data = bytes.Clone(data)
	}
	if err := feed.CheckObject(data, *m.Calendar); err != nil {
		return fmt.Errorf("calendar: %w", err)
	}
	if _, err := feed.DecodeCalendar(data); err != nil {
		return err
	}
	return meta.Put(keyCalendar, data)
}

// CalendarSum is the SHA-256 of the stored calendar object, "" for none:
// sync fetches the calendar only when the manifest names another.
func (s *Store) CalendarSum() (string, error) {
	var sum string
	err := s.view(func(tx *bolt.Tx) error {
		if b := tx.Bucket(bucketMeta).Get(keyCalendar); b != nil {
			sum = feed.Sum(b)
		}
		return nil
	})
	return sum, err
}

// Calendar is the working-day calendar of the applied feed, nil when it
// has none (periods in working days are then counted Monday–Friday, and
// say so). It is held in memory, read at Open and after each Apply, so a
// screen's UI goroutine can ask for it without waiting on disk.
func (s *Store) Calendar() (*feed.Calendar, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.cal, s.calErr
}

// loadCalendar reads the stored calendar into memory, decoding it only
// when its object changed. A stored calendar that does not decode is
// damage: Calendar reports it and Check names it.
func (s *Store) loadCalendar() {
	var data []byte
	err := s.view(func(tx *bolt.Tx) error {
		if meta := tx.Bucket(bucketMeta); meta != nil {
			data = bytes.Clone(meta.Get(keyCalendar))
		}
		return nil
	})
	var (
		cal *feed.Calendar
		sum string
	)
	if err == nil && data != nil {
		sum = feed.Sum(data)
		s.mu.RLock()
		held, same := s.cal, s.calSum == sum
		s.mu.RUnlock()
		if same {
			cal = held
		} else if cal, err = feed.DecodeCalendar(data); err != nil {
			err = fmt.Errorf("%w: calendar: %w", ErrDamaged, err)
		}
	}
	s.mu.Lock()
	s.cal, s.calSum, s.calErr = cal, sum, err
	s.mu.Unlock()
}
