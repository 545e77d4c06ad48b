package store

import (
	"cmp"
	"encoding/json"
	"fmt"
	"slices"
	"time"

	bolt "go.etcd.io/bbolt"

	"gongkai/feed"
)

// The alerts object lives in the meta bucket beside the manifest: its exact
// verified bytes under "alerts" and its AlertState under "alerts_state".
// It is a handful of warnings, so the screen keeps it decoded in memory.
var (
	keyAlerts      = []byte("alerts")
	keyAlertsState = []byte("alerts_state")
)

// AlertState is what a screen knows of the alerts object it applied last,
// and of its last poll.
type AlertState struct {
	Version    int64
	Epoch      int64
	Sum        string // SHA-256 hex of the applied bytes
	IssuedAt   time.Time
	Expires    time.Time
	Applied    time.Time `json:",omitzero"` // trusted time when these alerts arrived
	LastPoll   time.Time `json:",omitzero"`
	LastError  string    `json:",omitempty"` // "" after a poll that worked
	LastSource string    `json:",omitempty"`
}

// AlertState returns the state of the stored alerts object.
func (s *Store) AlertState() (AlertState, error) {
	var st AlertState
	err := s.view(func(tx *bolt.Tx) error {
		var err error
		st, err = readAlertState(tx)
		return err
	})
	if err != nil {
		return AlertState{}, fmt.Errorf("store: alert state: %w", err)
	}
	return st, nil
}

func readAlertState(tx *bolt.Tx) (AlertState, error) {
	var st AlertState
	meta := tx.Bucket(bucketMeta)
	if meta == nil {
		return st, nil
	}
	if b := meta.Get(keyAlertsState); b != nil {
		if err := json.Unmarshal(b, &st); err != nil {
			return AlertState{}, fmt.Errorf("%w: alert state record: %v", ErrDamaged, err)
		}
	}
	return st, nil
}

func writeAlertState(tx *bolt.Tx, st AlertState) error {
	b, err := json.Marshal(st)
	if err != nil {
		return err
	}
	return tx.Bucket(bucketMeta).Put(keyAlertsState, b)
}

// ApplyAlerts stores a verified alerts object in one transaction, replacing
// the one before. Its issue moves the trusted time on as a manifest's does
// (VerifyAlerts bounded it), so a screen whose clock fell back still sees a
// fresh alert in force.
func (s *Store) ApplyAlerts(v *feed.VerifiedAlerts, raw []byte, source string, at time.Time) error {
	if feed.Sum(raw) != v.Sum {
		return fmt.Errorf("store: apply alerts: the bytes are not the verified ones")
	}
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	var st State
	err := s.update(func(tx *bolt.Tx) error {
		var err error
		if st, err = readState(tx); err != nil {
			return err
		}
		if v.IssuedAt.After(st.TrustedTime) {
			st.TrustedTime = v.IssuedAt
			if err := writeState(tx, st); err != nil {
				return err
			}
		}
		if err := tx.Bucket(bucketMeta).Put(keyAlerts, raw); err != nil {
			return err
		}
		return writeAlertState(tx, AlertState{
			Version: v.Version, Epoch: v.Epoch, Sum: v.Sum, IssuedAt: v.IssuedAt, Expires: v.Expires,
			Applied: at, LastPoll: at, LastSource: source,
		})
	})
	if err != nil {
		return fmt.Errorf("store: apply alerts version %d: %w", v.Version, err)
	}
	s.setState(st)
	s.mu.Lock()
	s.alerts, s.alertsOf = slices.Clone(v.Alerts.Alerts), v.Sum
	s.mu.Unlock()
	s.notify()
	return nil
}

// RecordAlertPoll notes a poll of the alerts that changed nothing: err nil
// is "unchanged", else why it failed. The stored alerts stay in force until
// their own end: a warning signed to last until six does not vanish because
// the server went quiet.
func (s *Store) RecordAlertPoll(source string, at time.Time, err error) error {
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	uerr := s.update(func(tx *bolt.Tx) error {
		st, rerr := readAlertState(tx)
		if rerr != nil {
			return rerr
		}
		st.LastPoll, st.LastSource, st.LastError = at, source, ""
		if err != nil {
			st.LastError = feed.Printable(err.Error(), feed.MaxErrorText)
		}
		return writeAlertState(tx, st)
	})
	if uerr != nil {
		return fmt.Errorf("store: record alert poll: %w", uerr)
	}
	return nil
}

// Alerts lists the alerts in force at instant at for a screen at location:
// urgent before normal, then the latest start first.
func (s *Store) Alerts(location string, at time.Time) ([]feed.Alert, error) {
	all, err := s.allAlerts()
	if err != nil {
		return nil, err
	}
	var out []feed.Alert
	for _, a := range all {
		if a.InForce(at) && a.Targets(location) {
			out = append(out, a)
		}
	}
	slices.SortFunc(out, func(a, b feed.Alert) int {
		if (a.Priority == feed.AlertUrgent) != (b.Priority == feed.AlertUrgent) {
			if a.Priority == feed.AlertUrgent {
				return -1
			}
			return 1
		}
		return cmp.Or(b.Start.Compare(a.Start), cmp.Compare(a.ID, b.ID))
	})
	return out, nil
}

// NextAlertChange is the first instant after after at which a stored alert
// starts or ends, so a screen redraws then; ok is false when none is ahead.
func (s *Store) NextAlertChange(after time.Time) (next time.Time, ok bool, err error) {
	all, err := s.allAlerts()
	if err != nil {
		return time.Time{}, false, err
	}
	for _, a := range all {
		for _, b := range [2]time.Time{a.Start, a.End} {
			if b.After(after) && (!ok || b.Before(next)) {
				next, ok = b, true
			}
		}
	}
	return next, ok, nil
}

// allAlerts returns the stored alerts, decoded once per applied object.
func (s *Store) allAlerts() ([]feed.Alert, error) {
	var raw []byte
	var st AlertState
	err := s.view(func(tx *bolt.Tx) error {
		var err error
		if st, err = readAlertState(tx); err != nil {
			return err
		}
		s.mu.RLock()
		cached := s.alertsOf == st.Sum
		s.mu.RUnlock()
		if !cached {
			if meta := tx.Bucket(bucketMeta); meta != nil {
				raw = slices.Clone(meta.Get(keyAlerts))
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("store: alerts: %w", err)
	}
	if raw == nil {
		s.mu.RLock()
		defer s.mu.RUnlock()
		if s.alertsOf != st.Sum {
			return nil, nil // none stored
		}
		return s.alerts, nil
	}
	a, err := feed.ParseAlerts(raw)
	if err != nil {
		return nil, fmt.Errorf("store: alerts: %w: %v", ErrDamaged, err)
	}
	s.mu.Lock()
	s.alerts, s.alertsOf = a.Alerts, feed.Sum(raw)
	s.mu.Unlock()
	return a.Alerts, nil
}

// checkAlerts is Check's look at the stored alerts object.
func checkAlerts(tx *bolt.Tx, add func(string, ...any)) {
	st, err := readAlertState(tx)
	if err != nil {
		add("alerts: %v", err)
		return
	}
	raw := tx.Bucket(bucketMeta).Get(keyAlerts)
	if raw == nil && st.Version == 0 {
		return
	}
	if _, err := feed.ParseAlerts(raw); err != nil {
		add("alerts: %v", err)
	} else if feed.Sum(raw) != st.Sum {
		add("alerts: bytes do not match the applied alerts' hash")
	}
}
