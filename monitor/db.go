package monitor

import (
	"crypto/ed25519"
	"crypto/rand"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"time"

	bolt "go.etcd.io/bbolt"
	berrors "go.etcd.io/bbolt/errors"

	"gongkai/monitor/wire"
)

// Layout of DIR/monitor.db (all buckets top level; pub is the 32-byte
// device public key, seg a u32 and seq a u64, both big-endian):
//
//	meta      "schema" → schemaVersion; "secret" → 32 random bytes (CSRF tokens)
//	users     name → user (argon2id hash)
//	sessions  id → session (user, SHA-256 of its secret, expiry)
//	screens   pub → screen (enrolled name and village)
//	state     pub → state (counter, last heartbeat, chain head, screenshots)
//	events    pub | unix nanos → event (what changed, for the screen's page)
//	uptime    pub | day (u32 YYYYMMDD, UTC) → heartbeat spans of that day
//	entries   pub | seg | seq → proof.EntryJSON (the monitor's copy of the display log)
//	summaries pub | seg | first seq → proof.SummaryJSON
//	receipts  pub | seq → wire.Receipt (every head received, countersigned)
//	breaks    pub | unix nanos → chainBreak
//	reports   pub → report (the latest signed report, with its head)
//	notices   notice id 0x00 pub → noticeRow (that screen's report on that notice)
const (
	dbFile        = "monitor.db"
	schemaVersion = "gongkai-monitor/1"
)

var (
	bucketMeta      = []byte("meta")
	bucketUsers     = []byte("users")
	bucketSessions  = []byte("sessions")
	bucketScreens   = []byte("screens")
	bucketState     = []byte("state")
	bucketEvents    = []byte("events")
	bucketUptime    = []byte("uptime")
	bucketEntries   = []byte("entries")
	bucketSummaries = []byte("summaries")
	bucketReceipts  = []byte("receipts")
	bucketBreaks    = []byte("breaks")
	bucketReports   = []byte("reports")
	bucketNotices   = []byte("notices")

	allBuckets = [][]byte{bucketMeta, bucketUsers, bucketSessions, bucketScreens, bucketState, bucketEvents,
		bucketUptime, bucketEntries, bucketSummaries, bucketReceipts, bucketBreaks, bucketReports, bucketNotices}

	keySchema = []byte("schema")
	keySecret = []byte("secret")
)

// ErrLocked: another process (a running monitor) has the database open.
var ErrLocked = errors.New("monitor: the database is in use by another process (is the monitor running?)")

// openDB opens (creating) DIR/monitor.db with the store's options: an open
// timeout, NoFreelistSync and the map freelist; never NoSync.
func openDB(dir string, timeout time.Duration) (*bolt.DB, []byte, error) {
	path := filepath.Join(dir, dbFile)
	db, err := bolt.Open(path, 0o600, &bolt.Options{
		Timeout:        timeout,
		NoFreelistSync: true,
		FreelistType:   bolt.FreelistMapType,
	})
	if errors.Is(err, berrors.ErrTimeout) {
		return nil, nil, ErrLocked
	}
	if err != nil {
		return nil, nil, fmt.Errorf("monitor: open %s: %w", path, err)
	}
	var secret []byte
	err = db.Update(func(tx *bolt.Tx) error {
		for _, b := range allBuckets {
			if _, err := tx.CreateBucketIfNotExists(b); err != nil {
				return err
			}
		}
		meta := tx.Bucket(bucketMeta)
		switch v := meta.Get(keySchema); {
		case v == nil:
			if err := meta.Put(keySchema, []byte(schemaVersion)); err != nil {
				return err
			}
		case string(v) != schemaVersion:
			return fmt.Errorf("schema %q, this program reads %q", v, schemaVersion)
		}
		if secret = meta.Get(keySecret); secret == nil {
			secret = make([]byte, 32)
			if _, err := rand.Read(secret); err != nil {
				return err
			}
			if err := meta.Put(keySecret, secret); err != nil {
				return err
			}
		}
		secret = append([]byte(nil), secret...)
		return nil
	})
	if err != nil {
		db.Close()
		return nil, nil, fmt.Errorf("monitor: open %s: %w", path, err)
	}
	return db, secret, nil
}

// Keys.

func segKey(pub ed25519.PublicKey, seg uint32, seq uint64) []byte {
	k := make([]byte, 0, 32+4+8)
	k = append(k, pub...)
	k = binary.BigEndian.AppendUint32(k, seg)
	return binary.BigEndian.AppendUint64(k, seq)
}

func segPrefix(pub ed25519.PublicKey, seg uint32) []byte {
	return binary.BigEndian.AppendUint32(append([]byte(nil), pub...), seg)
}

func seqKey(pub ed25519.PublicKey, n uint64) []byte {
	return binary.BigEndian.AppendUint64(append([]byte(nil), pub...), n)
}

func dayKey(pub ed25519.PublicKey, day uint32) []byte {
	return binary.BigEndian.AppendUint32(append([]byte(nil), pub...), day)
}

func noticeKey(id string, pub ed25519.PublicKey) []byte {
	return append(append([]byte(id), 0), pub...)
}

func getJSON(b *bolt.Bucket, key []byte, v any) (bool, error) {
	raw := b.Get(key)
	if raw == nil {
		return false, nil
	}
	if err := json.Unmarshal(raw, v); err != nil {
		return true, fmt.Errorf("monitor: record %x: %w", key, err)
	}
	return true, nil
}

// putJSON stores v as JSON, signed reports inside it byte for byte (wire.Marshal).
func putJSON(b *bolt.Bucket, key []byte, v any) error {
	raw, err := wire.Marshal(v)
	if err != nil {
		return err
	}
	return b.Put(key, raw)
}

func hasPrefix(k, prefix []byte) bool {
	return len(k) >= len(prefix) && string(k[:len(prefix)]) == string(prefix)
}
