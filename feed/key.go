package feed

import (
	"bufio"
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"io"
	"strings"
)

// Key file formats. Both are one line of text, "<label> <base64>", optionally
// preceded by '#' comment lines, so a clerk can read them and a typo shows.
const (
	publicLabel  = "gongkai-ed25519-public"
	privateLabel = "gongkai-ed25519-private"
	sigLabel     = "gongkai-ed25519-sig"
)

// GenerateKey makes a new publisher key pair.
func GenerateKey() (ed25519.PublicKey, ed25519.PrivateKey, error) {
	return ed25519.GenerateKey(rand.Reader)
}

// KeyID is a short, stable name for a public key: the first 16 hex digits of
// its SHA-256. Shown on screens and written into signatures.
func KeyID(pub ed25519.PublicKey) string { return Sum(pub)[:16] }

// Fingerprint groups the key id for reading aloud: "3f2a 91c0 ...".
func Fingerprint(pub ed25519.PublicKey) string {
	id := KeyID(pub)
	return id[0:4] + " " + id[4:8] + " " + id[8:12] + " " + id[12:16]
}

// EncodePublicKey gives the text of a publisher.pub file.
func EncodePublicKey(pub ed25519.PublicKey) []byte {
	return fmt.Appendf(nil, "# Gongkai publisher public key %s\n%s %s\n",
		Fingerprint(pub), publicLabel, base64.StdEncoding.EncodeToString(pub))
}

// EncodePrivateKey gives the text of a publisher.key file. Keep it offline.
func EncodePrivateKey(priv ed25519.PrivateKey) []byte {
	pub := priv.Public().(ed25519.PublicKey)
	return fmt.Appendf(nil, "# Gongkai publisher PRIVATE key %s: keep it secret and offline\n%s %s\n",
		Fingerprint(pub), privateLabel, base64.StdEncoding.EncodeToString(priv.Seed()))
}

// ParsePublicKey reads a publisher.pub file.
func ParsePublicKey(data []byte) (ed25519.PublicKey, error) {
	raw, err := parseKeyLine(data, publicLabel, ed25519.PublicKeySize)
	if err != nil {
		return nil, fmt.Errorf("public key: %w", err)
	}
	return ed25519.PublicKey(raw), nil
}

// ParsePrivateKey reads a publisher.key file.
func ParsePrivateKey(data []byte) (ed25519.PrivateKey, error) {
	raw, err := parseKeyLine(data, privateLabel, ed25519.SeedSize)
	if err != nil {
		return nil, fmt.Errorf("private key: %w", err)
	}
	return ed25519.NewKeyFromSeed(raw), nil
}

func parseKeyLine(data []byte, label string, size int) ([]byte, error) {
	if len(data) > 4096 {
		return nil, fmt.Errorf("file is %d bytes, too large for a key", len(data))
	}
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		got, b64, ok := strings.Cut(line, " ")
		if !ok || got != label {
			return nil, fmt.Errorf("expected a line %q, found %.40q", label+" <base64>", line)
		}
		raw, err := base64.StdEncoding.DecodeString(strings.TrimSpace(b64))
		if err != nil {
			return nil, fmt.Errorf("bad base64: %v", err)
		}
		if len(raw) != size {
			return nil, fmt.Errorf("key is %d bytes, want %d", len(raw), size)
		}
		return raw, nil
	}
	return nil, fmt.Errorf("no %q line found", label)
}

// Sign gives the detached signature file for the exact manifest bytes.
func Sign(manifest []byte, priv ed25519.PrivateKey) []byte {
	pub := priv.Public().(ed25519.PublicKey)
	sig := ed25519.Sign(priv, manifest)
	return fmt.Appendf(nil, "%s %s %s\n", sigLabel, KeyID(pub), base64.StdEncoding.EncodeToString(sig))
}

// ReadLimited reads r to the end, failing with ErrTooLarge past limit bytes
// instead of reading on.
func ReadLimited(r io.Reader, limit int64, what string) ([]byte, error) {
	data, err := io.ReadAll(io.LimitReader(r, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > limit {
		return nil, fmt.Errorf("%w: %s is over %d bytes", ErrTooLarge, what, limit)
	}
	return data, nil
}

// checkSignature verifies a signature file against the pinned key.
func checkSignature(manifest, sigFile []byte, pub ed25519.PublicKey) error {
	fields := strings.Fields(string(sigFile))
	if len(fields) != 3 || fields[0] != sigLabel {
		return fmt.Errorf("%w: signature file is not %q", ErrSignature, sigLabel+" <key id> <base64>")
	}
	if fields[1] != KeyID(pub) {
		return fmt.Errorf("%w: signed by key %s, this screen trusts %s", ErrWrongKey, fields[1], KeyID(pub))
	}
	sig, err := base64.StdEncoding.DecodeString(fields[2])
	if err != nil || len(sig) != ed25519.SignatureSize {
		return fmt.Errorf("%w: signature is not %d bytes of base64", ErrSignature, ed25519.SignatureSize)
	}
	if !ed25519.Verify(pub, manifest, sig) {
		return fmt.Errorf("%w: signature does not match the manifest", ErrSignature)
	}
	return nil
}
