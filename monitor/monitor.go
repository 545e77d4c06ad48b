// Package monitor is the township's 巡检台: one small server that every
// screen of the township reports to, and a Chinese web page on which the
// township office sees them all — alive, up to date, what each shows, and
// the periods each notice was posted.
//
// Screens are enrolled by their device key (made at `gongkai init`);
// uploads from any other key are refused. Each upload is signed by the
// device key over a counter that only grows (monitor/wire), so a replayed
// or altered upload is refused. Three uploads exist: a heartbeat every
// 15 minutes, the signed proof of display (proof.Export) every 6 hours —
// of which the monitor keeps a copy per device, verified, and whose chain
// heads it countersigns, so a later chain re-signed with a stolen device
// key shows as a break — and a small screenshot at most hourly.
//
// Everything lives in DIR: monitor.db (bbolt, layout in db.go),
// monitor.key/monitor.pub (the key that countersigns heads and signs the
// archive), shots/ (screenshots). The web page is server-rendered
// html/template with no script at all, behind a login (argon2id, sessions,
// CSRF tokens on every form); FORMAT.md describes the protocol.
package monitor

import (
	"crypto/ed25519"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"

	"gongkai/atomicfile"
	"gongkai/feed"
)

// Options configure a Server. Zero values take the defaults.
type Options struct {
	// TrustedProxies are the addresses whose X-Forwarded-Proto and
	// X-Forwarded-For are believed (the nginx in front); loopback when nil.
	TrustedProxies []netip.Prefix
	// Timezone of the times on the page; Asia/Shanghai when nil.
	Timezone *time.Location
	Clock    func() time.Time // time.Now when nil
	Logger   *slog.Logger     // slog.Default() when nil
	// LockTimeout: how long Open waits for a database another process
	// holds; a second when zero.
	LockTimeout time.Duration
}

// Server is an open monitor: its database, its key and its web handler.
type Server struct {
	dir      string
	db       *bolt.DB
	secret   []byte // HMAC key of CSRF tokens
	key      ed25519.PrivateKey
	opt      Options
	lg       *slog.Logger
	fleet    *fleet
	notices  *noticeIndex
	throttle *throttle
	proofs   chan struct{} // bounds the proof uploads verified at once (memory)
	web      *web
}

// Open opens (creating) the monitor in dir.
func Open(dir string, opt Options) (*Server, error) {
	if opt.Clock == nil {
		opt.Clock = time.Now
	}
	if opt.Logger == nil {
		opt.Logger = slog.Default()
	}
	if opt.Timezone == nil {
		opt.Timezone = chinaTime()
	}
	if opt.TrustedProxies == nil {
		opt.TrustedProxies = []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8"), netip.MustParsePrefix("::1/128")}
	}
	if opt.LockTimeout <= 0 {
		opt.LockTimeout = time.Second
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("monitor: %w", err)
	}
	key, err := monitorKey(dir)
	if err != nil {
		return nil, err
	}
	db, secret, err := openDB(dir, opt.LockTimeout)
	if err != nil {
		return nil, err
	}
	s := &Server{dir: dir, db: db, secret: secret, key: key, opt: opt, lg: opt.Logger,
		throttle: newThrottle(), proofs: make(chan struct{}, 2)}
	if s.fleet, err = loadFleet(db); err != nil {
		db.Close()
		return nil, err
	}
	if s.notices, err = loadNotices(db); err != nil {
		db.Close()
		return nil, fmt.Errorf("monitor: loading notices: %w", err)
	}
	if s.web, err = newWeb(s); err != nil {
		db.Close()
		return nil, err
	}
	return s, nil
}

// Close closes the database.
func (s *Server) Close() error { return s.db.Close() }

func (s *Server) now() time.Time { return s.opt.Clock() }

// PublicKey is the monitor's key: it countersigns chain heads (receipts)
// and signs the archive of a notice.
func (s *Server) PublicKey() ed25519.PublicKey { return s.key.Public().(ed25519.PublicKey) }

// chinaTime is Asia/Shanghai, or the same fixed +08:00 where the system
// has no zone database (China keeps no daylight saving time).
func chinaTime() *time.Location {
	if l, err := time.LoadLocation("Asia/Shanghai"); err == nil {
		return l
	}
	return time.FixedZone("CST", 8*3600)
}

// Key files of the monitor, in the publisher's one-line formats.
const (
	KeyFile = "monitor.key"
	PubFile = "monitor.pub"
)

// monitorKey reads DIR/monitor.key, making it (and monitor.pub) the first
// time. The key signs receipts and archives, never anything a screen trusts.
func monitorKey(dir string) (ed25519.PrivateKey, error) {
	path := filepath.Join(dir, KeyFile)
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		pub, priv, gerr := feed.GenerateKey()
		if gerr != nil {
			return nil, fmt.Errorf("monitor: key: %w", gerr)
		}
		fp := feed.Fingerprint(pub)
		data = append([]byte("# Gongkai monitor PRIVATE key "+fp+": countersigns the screens' proof of display\n"), keyLine(feed.EncodePrivateKey(priv))...)
		if err := atomicfile.Write(path, data); err != nil {
			return nil, fmt.Errorf("monitor: key: %w", err)
		}
		if err := os.Chmod(path, 0o600); err != nil {
			return nil, fmt.Errorf("monitor: key: %w", err)
		}
		if err := atomicfile.Write(filepath.Join(dir, PubFile), EncodePublicKey(pub)); err != nil {
			return nil, fmt.Errorf("monitor: key: %w", err)
		}
		return priv, nil
	}
	if err != nil {
		return nil, fmt.Errorf("monitor: key: %w", err)
	}
	key, err := feed.ParsePrivateKey(data)
	if err != nil {
		return nil, fmt.Errorf("monitor: key %s: %w", path, err)
	}
	return key, nil
}

// EncodePublicKey is the text of monitor.pub.
func EncodePublicKey(pub ed25519.PublicKey) []byte {
	return append([]byte("# Gongkai monitor public key "+feed.Fingerprint(pub)+" (countersigns the screens' proof of display)\n"),
		keyLine(feed.EncodePublicKey(pub))...)
}

// keyLine keeps the "<label> <base64>" line of a key file, dropping its comments.
func keyLine(file []byte) []byte {
	var out []string
	for _, l := range strings.SplitAfter(string(file), "\n") {
		if l != "" && !strings.HasPrefix(l, "#") {
			out = append(out, l)
		}
	}
	return []byte(strings.Join(out, ""))
}
