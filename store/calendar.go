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
// say so). It is decoded once per stored object.
func (s *Store) Calendar() (*feed.Calendar, error) {
	var data []byte
	err := s.view(func(tx *bolt.Tx) error {
		data = bytes.Clone(tx.Bucket(bucketMeta).Get(keyCalendar))
		return nil
	})
	if err != nil || data == nil {
		return nil, err
	}
	sum := feed.Sum(data)
	s.mu.RLock()
	cal, ok := s.cal, s.calSum == sum
	s.mu.RUnlock()
	if ok {
		return cal, nil
	}
	cal, err = feed.DecodeCalendar(data)
	if err != nil {
		return nil, fmt.Errorf("%w: calendar: %w", ErrDamaged, err)
	}
	s.mu.Lock()
	s.cal, s.calSum = cal, sum
	s.mu.Unlock()
	return cal, nil
}
