// Package wire is the protocol between a screen and the township's monitor:
// the three uploads (heartbeat, proof of display, screenshot), their size
// limits, the answers, and the device signature every upload carries. The
// screen's side (monitor/agent) and the monitor (monitor) both use it, so
// a rule of the protocol has one home. FORMAT.md in monitor/ describes it.
package wire

import (
	"bytes"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"
	"net/http"
	"strconv"
)

// Endpoints, relative to the monitor's URL (the screen's monitor_url).
// Each is also the name the signature covers, so a body signed for one
// cannot be replayed to another, wherever a proxy mounts the monitor.
const (
	UploadHeartbeat  = "heartbeat"
	UploadProof      = "proof"
	UploadScreenshot = "screenshot"
	apiPrefix        = "api/v1/"
)

// Path is the endpoint's path under the monitor's URL.
func Path(endpoint string) string { return apiPrefix + endpoint }

// Size caps, read through a limit before anything is parsed.
const (
	MaxHeartbeat  = 256 << 10 // JSON; a thousand notices in rotation fit
	MaxProof      = 16 << 20  // gzip-compressed JSON of a proof upload
	MaxScreenshot = 100 << 10 // one JPEG
	MaxAnswer     = 64 << 10  // the monitor's answer, read by the screen
)

// Headers of a signed upload.
const (
	HeaderDevice    = "Gongkai-Device"    // base64 of the 32-byte ed25519 device public key
	HeaderCounter   = "Gongkai-Counter"   // decimal; strictly greater than the last one the monitor accepted
	HeaderSignature = "Gongkai-Signature" // base64 ed25519 signature over Message
	HeaderTaken     = "Gongkai-Taken"     // screenshot: Unix seconds (device clock) it was taken
)

// requestTag keeps an upload signature from ever being valid as any other
// signature the device key makes (display log heads, summaries, reports).
const requestTag = "gongkai-monitor-request/1\x00"

// Message is what the device signs for one upload: the endpoint, the
// counter and the SHA-256 of the exact body bytes.
func Message(endpoint string, counter uint64, body []byte) []byte {
	sum := sha256.Sum256(body)
	m := make([]byte, 0, len(requestTag)+len(endpoint)+1+8+len(sum))
	m = append(m, requestTag...)
	m = append(m, endpoint...)
	m = append(m, 0)
	m = binary.BigEndian.AppendUint64(m, counter)
	return append(m, sum[:]...)
}

// Sign sets the device, counter and signature headers of an upload.
func Sign(h http.Header, key ed25519.PrivateKey, endpoint string, counter uint64, body []byte) {
	pub := key.Public().(ed25519.PublicKey)
	h.Set(HeaderDevice, base64.StdEncoding.EncodeToString(pub))
	h.Set(HeaderCounter, strconv.FormatUint(counter, 10))
	h.Set(HeaderSignature, base64.StdEncoding.EncodeToString(ed25519.Sign(key, Message(endpoint, counter, body))))
}

// Signed is the identity an upload claims, read from its headers before
// its body: the key (to look up), the counter (to refuse replays) and the
// signature (checked over the body with Verify).
type Signed struct {
	Device  ed25519.PublicKey
	Counter uint64
	Sig     []byte
}

// ErrUnsigned: the headers do not carry a well-formed signature.
var ErrUnsigned = errors.New("upload is not signed")

// ReadSigned reads the signature headers; it says which one is wrong.
func ReadSigned(h http.Header) (Signed, error) {
	var s Signed
	dev, err := base64.StdEncoding.DecodeString(h.Get(HeaderDevice))
	if err != nil || len(dev) != ed25519.PublicKeySize {
		return s, fmt.Errorf("%w: %s is not a base64 ed25519 public key", ErrUnsigned, HeaderDevice)
	}
	c, err := strconv.ParseUint(h.Get(HeaderCounter), 10, 64)
	if err != nil || c == 0 {
		return s, fmt.Errorf("%w: %s is not a positive integer", ErrUnsigned, HeaderCounter)
	}
	sig, err := base64.StdEncoding.DecodeString(h.Get(HeaderSignature))
	if err != nil || len(sig) != ed25519.SignatureSize {
		return s, fmt.Errorf("%w: %s is not a base64 ed25519 signature", ErrUnsigned, HeaderSignature)
	}
	return Signed{Device: dev, Counter: c, Sig: sig}, nil
}

// Verify checks the signature over endpoint and body.
func (s Signed) Verify(endpoint string, body []byte) bool {
	return ed25519.Verify(s.Device, Message(endpoint, s.Counter, body), s.Sig)
}

// Answer is the monitor's JSON answer to every upload, success or not.
type Answer struct {
	// Error says in one line why an upload was refused ("" when accepted).
	Error string `json:"error,omitempty"`
	// Counter is the last counter the monitor accepted from this device.
	// A screen whose counter fell behind (data restored from a backup)
	// continues above it.
	Counter uint64 `json:"counter"`
	// Chain is the monitor's copy of the display log: a proof upload
	// sends only what comes after it.
	Chain Chain `json:"chain"`
	// Receipt: a proof upload's head, countersigned by the monitor.
	Receipt *Receipt `json:"receipt,omitempty"`
	// Whole: a proof upload cut to follow Chain did not verify; send the
	// whole chain (base zero) next time, whose check says what changed.
	Whole bool `json:"whole,omitempty"`
}

// Chain is where the monitor's copy of a screen's display log ends.
type Chain struct {
	Seq        uint64 `json:"seq"`        // the signed head it holds (0: none yet)
	Hash       string `json:"hash"`       // that entry's hash, hex
	Summarized uint64 `json:"summarized"` // the last entry its summaries cover (0: none)
}

// Receipt is the monitor's countersignature of a chain head it received:
// evidence, outside the screen, that the screen's log had this head then.
type Receipt struct {
	Device   string `json:"device"`   // the device.pub key line
	Seq      uint64 `json:"seq"`      // head entry
	Hash     string `json:"hash"`     // its hash, hex
	Received string `json:"received"` // RFC 3339, the monitor's clock
	Monitor  string `json:"monitor"`  // the monitor.pub key line
	Sig      string `json:"sig"`      // base64 ed25519 by the monitor key over ReceiptMessage
}

const receiptTag = "gongkai-monitor-receipt/1\x00"

// ReceiptMessage is what a receipt's signature covers.
func ReceiptMessage(r Receipt) []byte {
	var b bytes.Buffer
	b.WriteString(receiptTag)
	for _, f := range []string{r.Device, strconv.FormatUint(r.Seq, 10), r.Hash, r.Received} {
		b.WriteString(f)
		b.WriteByte(0)
	}
	return b.Bytes()
}
