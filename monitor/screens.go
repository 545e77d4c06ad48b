package monitor

import (
	"bytes"
	"crypto/ed25519"
	"errors"
	"fmt"
	"net/netip"
	"regexp"
	"slices"
	"strings"
	gosync "sync"
	"time"
	"unicode/utf8"

	bolt "go.etcd.io/bbolt"

	"gongkai/feed"
	"gongkai/keyfile"
	"gongkai/monitor/wire"
)

// screen is an enrolled screen as the operator entered it.
type screen struct {
	Name     string    `json:"name"`
	Village  string    `json:"village"` // division code it stands at (a prefix of what it reports)
	Enrolled time.Time `json:"enrolled"`
	By       string    `json:"by"` // the operator, or "cli"
}

// state is what the monitor knows of a screen from its uploads.
type state struct {
	Counter uint64          `json:"counter"` // the last accepted; uploads must be above it
	Seen    time.Time       `json:"seen"`    // monitor clock, last heartbeat received
	Beat    *wire.Heartbeat `json:"beat,omitempty"`
	Chain   chainState      `json:"chain"`
	ProofAt time.Time       `json:"proof_at"` // last proof upload accepted
	Breaks  int             `json:"breaks"`   // chain breaks seen
	// Shots are the screenshots kept, oldest first, named by the monitor's
	// clock at receipt (Unix nanoseconds).
	Shots []int64 `json:"shots,omitempty"`
}

// chainState is where the monitor's copy of the screen's display log ends.
type chainState struct {
	Seg        uint32 `json:"seg"` // segment: a new one starts at each break
	Seq        uint64 `json:"seq"`
	Hash       string `json:"hash"`
	Summarized uint64 `json:"summarized"`
}

func (c chainState) wire() wire.Chain {
	return wire.Chain{Seq: c.Seq, Hash: c.Hash, Summarized: c.Summarized}
}

// view is a screen in the in-memory index: enough for the all-screens
// page and the alerts, without reading the database. The heartbeat is
// kept without its notices.
type view struct {
	ID     string // feed.KeyID of the key: the screen's name in URLs
	Pub    ed25519.PublicKey
	Screen screen
	State  state
}

// fleet is the index of every enrolled screen, loaded at start and kept
// in step with each write: 10,000 screens are a few MB.
type fleet struct {
	mu    gosync.RWMutex
	byID  map[string]*view
	byPub map[string]*view // string(pub)
}

func loadFleet(db *bolt.DB) (*fleet, error) {
	f := &fleet{byID: map[string]*view{}, byPub: map[string]*view{}}
	err := db.View(func(tx *bolt.Tx) error {
		st := tx.Bucket(bucketState)
		return tx.Bucket(bucketScreens).ForEach(func(k, v []byte) error {
			if len(k) != ed25519.PublicKeySize {
				return fmt.Errorf("monitor: screen key of %d bytes", len(k))
			}
			vw := &view{ID: feed.KeyID(k), Pub: bytes.Clone(k)}
			if _, err := getJSON(tx.Bucket(bucketScreens), k, &vw.Screen); err != nil {
				return err
			}
			if _, err := getJSON(st, k, &vw.State); err != nil {
				return err
			}
			vw.State.Beat = lean(vw.State.Beat)
			f.put(vw)
			return nil
		})
	})
	if err != nil {
		return nil, fmt.Errorf("monitor: loading screens: %w", err)
	}
	return f, nil
}

// lean is a heartbeat without its notice list, for the index.
func lean(b *wire.Heartbeat) *wire.Heartbeat {
	if b == nil {
		return nil
	}
	c := *b
	c.NoticesOmitted += len(c.Notices)
	c.Notices = nil
	return &c
}

func (f *fleet) put(v *view) {
	f.byID[v.ID] = v
	f.byPub[string(v.Pub)] = v
}

// get is a copy of the screen with key pub.
func (f *fleet) get(pub ed25519.PublicKey) (view, bool) {
	f.mu.RLock()
	defer f.mu.RUnlock()
	v, ok := f.byPub[string(pub)]
	if !ok {
		return view{}, false
	}
	return *v, true
}

func (f *fleet) byKeyID(id string) (view, bool) {
	f.mu.RLock()
	defer f.mu.RUnlock()
	v, ok := f.byID[id]
	if !ok {
		return view{}, false
	}
	return *v, true
}

// setState records a screen's new state (after its transaction committed).
func (f *fleet) setState(pub ed25519.PublicKey, st state) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if v, ok := f.byPub[string(pub)]; ok {
		st.Beat = lean(st.Beat)
		v.State = st
	}
}

// all is a copy of every screen.
func (f *fleet) all() []view {
	f.mu.RLock()
	defer f.mu.RUnlock()
	out := make([]view, 0, len(f.byID))
	for _, v := range f.byID {
		out = append(out, *v)
	}
	return out
}

// Enrolment.

var villagePattern = regexp.MustCompile(`^[0-9]{6,12}$`)

// Enrolment errors a form or the command can name.
var (
	ErrEnrolled = errors.New("this screen is already enrolled")
	ErrKeyID    = errors.New("another enrolled screen has the same key id")
)

// ParseDeviceKey reads a screen's device.pub (the text shown on its admin
// panel and written by `gongkai init`): comments are ignored.
func ParseDeviceKey(text []byte) (ed25519.PublicKey, error) {
	if len(text) > 4<<10 {
		return nil, errors.New("device key: over 4 KB; want the one-line device.pub")
	}
	pub, err := feed.ParsePublicKey(text)
	if err != nil {
		return nil, fmt.Errorf("device %w", err)
	}
	return pub, nil
}

// checkScreen validates what an operator enters for a screen.
func checkScreen(name, village string) error {
	switch {
	case strings.TrimSpace(name) == "":
		return errors.New("name is empty")
	case wire.OneLine(name, 60) != name || utf8.RuneCountInString(name) > 60:
		return errors.New("name: one line of at most 60 printable characters")
	case !villagePattern.MatchString(village):
		return fmt.Errorf("village %.20q: want its division code, 6 to 12 digits", village)
	}
	return nil
}

// Enroll adds a screen: from now on its uploads are accepted.
func (s *Server) Enroll(pub ed25519.PublicKey, name, village, by string) error {
	name = strings.TrimSpace(name)
	if err := checkScreen(name, village); err != nil {
		return err
	}
	id := feed.KeyID(pub)
	v := &view{ID: id, Pub: bytes.Clone(pub), Screen: screen{Name: name, Village: village, Enrolled: s.now().UTC(), By: by}}
	s.fleet.mu.Lock()
	defer s.fleet.mu.Unlock()
	if _, ok := s.fleet.byPub[string(pub)]; ok {
		return fmt.Errorf("%w (%s)", ErrEnrolled, feed.Fingerprint(pub))
	}
	if _, ok := s.fleet.byID[id]; ok {
		return fmt.Errorf("%w (%s)", ErrKeyID, id)
	}
	err := s.db.Update(func(tx *bolt.Tx) error {
		// a screen removed and enrolled again keeps what it had sent
		if _, err := getJSON(tx.Bucket(bucketState), pub, &v.State); err != nil {
			return err
		}
		v.State.Beat = lean(v.State.Beat)
		if err := addEvent(tx, pub, s.now(), eventEnrolled, fmt.Sprintf("登记：%s（%s）", name, village)); err != nil {
			return err
		}
		return putJSON(tx.Bucket(bucketScreens), pub, v.Screen)
	})
	if err != nil {
		return fmt.Errorf("monitor: enroll: %w", err)
	}
	s.fleet.put(v)
	return nil
}

// Screens lists the enrolled screens' fingerprints and names, sorted by
// village and name (for the enroll command's output and tests).
func (s *Server) Screens() []string {
	all := s.fleet.all()
	slices.SortFunc(all, func(a, b view) int {
		return strings.Compare(a.Screen.Village+"\x00"+a.Screen.Name, b.Screen.Village+"\x00"+b.Screen.Name)
	})
	out := make([]string, len(all))
	for i, v := range all {
		out[i] = fmt.Sprintf("%s  %s  %s", feed.Fingerprint(v.Pub), v.Screen.Village, v.Screen.Name)
	}
	return out
}

// Heartbeat is the last heartbeat of the screen with key pub, notices
// included; nil before its first.
func (s *Server) Heartbeat(pub ed25519.PublicKey) *wire.Heartbeat {
	var st state
	err := s.db.View(func(tx *bolt.Tx) error {
		_, err := getJSON(tx.Bucket(bucketState), pub, &st)
		return err
	})
	if err != nil {
		return nil
	}
	return st.Beat
}

// EventTexts are what the screen's page lists under 事件, newest first.
func (s *Server) EventTexts(pub ed25519.PublicKey) []string {
	evs, _ := s.events(pub, maxEvents)
	out := make([]string, len(evs))
	for i, e := range evs {
		out[i] = e.Text
	}
	return out
}

// Remove takes a screen off the monitor: its uploads are refused from now
// on and it leaves the pages. What it sent is kept (its chain, reports,
// screenshots), and enrolling the key again brings it back.
func (s *Server) Remove(pub ed25519.PublicKey, by string) error {
	s.fleet.mu.Lock()
	defer s.fleet.mu.Unlock()
	v, ok := s.fleet.byPub[string(pub)]
	if !ok {
		return errNotFound
	}
	err := s.db.Update(func(tx *bolt.Tx) error {
		if err := addEvent(tx, pub, s.now(), eventEnrolled, fmt.Sprintf("移出列表（%s）", by)); err != nil {
			return err
		}
		return tx.Bucket(bucketScreens).Delete(pub)
	})
	if err != nil {
		return fmt.Errorf("monitor: remove: %w", err)
	}
	delete(s.fleet.byPub, string(pub))
	delete(s.fleet.byID, v.ID)
	return nil
}

// ReadDeviceKey reads a screen's device.pub file for enrolling it.
func ReadDeviceKey(path string) (ed25519.PublicKey, error) {
	raw, err := keyfile.ReadSmall(path)
	if err != nil {
		return nil, fmt.Errorf("device key: %w", err)
	}
	pub, err := ParseDeviceKey(raw)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return pub, nil
}

// ParsePrefixes reads a comma-separated list of address prefixes (CIDR),
// the --trusted-proxy of the monitor's server.
func ParsePrefixes(s string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p == "" {
			continue
		}
		pf, err := netip.ParsePrefix(p)
		if err != nil {
			return nil, fmt.Errorf("--trusted-proxy %q: want addresses like 127.0.0.1/32", p)
		}
		out = append(out, pf)
	}
	return out, nil
}
