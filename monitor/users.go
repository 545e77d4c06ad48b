package monitor

import (
	"bufio"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"strings"
	gosync "sync"
	"time"
	"unicode/utf8"

	bolt "go.etcd.io/bbolt"
	"golang.org/x/crypto/argon2"

	"gongkai/monitor/wire"
)

// Operators log in with a name and a password, stored as an argon2id hash
// in PHC form ($argon2id$v=19$m=…,t=…,p=…$salt$hash), so its parameters
// can grow later without resetting anyone's password.

// argonParams of new hashes: RFC 9106's second recommendation (64 MiB,
// 3 passes), on 2 lanes for a small server. Tests lower them.
var argonParams = argonCost{Memory: 64 << 10, Time: 3, Threads: 2}

type argonCost struct {
	Memory  uint32 // KiB
	Time    uint32
	Threads uint8
}

const (
	argonSalt   = 16
	argonKeyLen = 32
	minPassword = 10 // characters
	maxPassword = 256
)

type user struct {
	Hash    string    `json:"hash"`
	Created time.Time `json:"created"`
}

// SetPassword creates operator name, or sets a new password for it.
func (s *Server) SetPassword(name, password string) error {
	if err := checkUserName(name); err != nil {
		return err
	}
	if n := utf8.RuneCountInString(password); n < minPassword || len(password) > maxPassword {
		return fmt.Errorf("password: at least %d characters", minPassword)
	}
	hash, err := hashPassword(password, argonParams)
	if err != nil {
		return err
	}
	err = s.db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketUsers)
		u := user{Hash: hash, Created: s.now().UTC()}
		var old user
		if ok, _ := getJSON(b, []byte(name), &old); ok {
			u.Created = old.Created
		}
		if err := putJSON(b, []byte(name), u); err != nil {
			return err
		}
		// a new password ends the sessions of the old one
		return deleteSessionsOf(tx, name)
	})
	if err != nil {
		return fmt.Errorf("monitor: set password: %w", err)
	}
	return nil
}

func checkUserName(name string) error {
	if name == "" || utf8.RuneCountInString(name) > 32 || wire.OneLine(name, 32) != name || strings.ContainsAny(name, " \x00") {
		return fmt.Errorf("operator name %.40q: 1 to 32 characters, no spaces", name)
	}
	return nil
}

// dummyHash is checked against when the name is unknown, so an unknown
// name takes as long as a wrong password. Made at first use: the kiosk
// links this package too and must not pay for it.
var dummyHash = gosync.OnceValue(func() string {
	h, _ := hashPassword("not a password anyone has", argonParams)
	return h
})

// checkPassword reports whether password is name's.
func (s *Server) checkPassword(name, password string) (bool, error) {
	var u user
	found := false
	err := s.db.View(func(tx *bolt.Tx) error {
		var err error
		found, err = getJSON(tx.Bucket(bucketUsers), []byte(name), &u)
		return err
	})
	if err != nil {
		return false, err
	}
	if !found || len(password) > maxPassword {
		_, _ = verifyPassword(dummyHash(), password)
		return false, nil
	}
	return verifyPassword(u.Hash, password)
}

func hashPassword(password string, c argonCost) (string, error) {
	salt := make([]byte, argonSalt)
	if _, err := rand.Read(salt); err != nil {
		return "", err
	}
	key := argon2.IDKey([]byte(password), salt, c.Time, c.Memory, c.Threads, argonKeyLen)
	enc := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, c.Memory, c.Time, c.Threads,
		enc.EncodeToString(salt), enc.EncodeToString(key)), nil
}

var errHash = errors.New("monitor: a stored password hash is malformed")

// verifyPassword checks password against a PHC argon2id string, in
// constant time over the derived key.
func verifyPassword(phc, password string) (bool, error) {
	parts := strings.Split(phc, "$")
	if len(parts) != 6 || parts[1] != "argon2id" || parts[2] != fmt.Sprintf("v=%d", argon2.Version) {
		return false, errHash
	}
	var c argonCost
	if n, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &c.Memory, &c.Time, &c.Threads); err != nil || n != 3 ||
		c.Memory < 8 || c.Memory > 1<<22 || c.Time < 1 || c.Time > 100 || c.Threads < 1 {
		return false, errHash
	}
	enc := base64.RawStdEncoding
	salt, err1 := enc.DecodeString(parts[4])
	want, err2 := enc.DecodeString(parts[5])
	if err1 != nil || err2 != nil || len(want) == 0 || len(want) > 128 {
		return false, errHash
	}
	got := argon2.IDKey([]byte(password), salt, c.Time, c.Memory, c.Threads, uint32(len(want)))
	return subtle.ConstantTimeCompare(got, want) == 1, nil
}

// throttle slows password guessing: a name, or an address, with
// throttleFails failures within throttleWindow is refused for the rest of
// the window, and at most argonAtOnce hashes run at once (each takes
// 64 MiB). It forgets the oldest record beyond throttleKeep.
type throttle struct {
	mu    gosync.Mutex
	fails map[string]*failures
	busy  chan struct{}
}

type failures struct {
	n     int
	first time.Time
}

const (
	throttleFails  = 5
	throttleWindow = 15 * time.Minute
	throttleKeep   = 10000
	argonAtOnce    = 2
)

func newThrottle() *throttle {
	return &throttle{fails: map[string]*failures{}, busy: make(chan struct{}, argonAtOnce)}
}

// blocked reports whether any of keys has used up its tries at now.
func (t *throttle) blocked(now time.Time, keys ...string) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	for _, k := range keys {
		if f := t.fails[k]; f != nil && now.Sub(f.first) < throttleWindow && f.n >= throttleFails {
			return true
		}
	}
	return false
}

func (t *throttle) failed(now time.Time, keys ...string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	for _, k := range keys {
		f := t.fails[k]
		if f == nil || now.Sub(f.first) >= throttleWindow {
			if f == nil && len(t.fails) >= throttleKeep {
				t.forgetOldest()
			}
			f = &failures{first: now}
			t.fails[k] = f
		}
		f.n++
	}
}

func (t *throttle) forgetOldest() {
	var oldest string
	var at time.Time
	for k, f := range t.fails {
		if oldest == "" || f.first.Before(at) {
			oldest, at = k, f.first
		}
	}
	delete(t.fails, oldest)
}

func (t *throttle) succeeded(keys ...string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	for _, k := range keys {
		delete(t.fails, k)
	}
}

// ReadPasswordLine reads an operator's password from the first line of r
// (standard input: never a flag, which would show in the process list
// and the shell's history).
func ReadPasswordLine(r io.Reader) (string, error) {
	if r == nil {
		return "", errors.New("the password is read from standard input")
	}
	line, err := bufio.NewReader(r).ReadString('\n')
	if err != nil && line == "" {
		return "", fmt.Errorf("reading the password: %w", err)
	}
	return strings.TrimRight(line, "\r\n"), nil
}
