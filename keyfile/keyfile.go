// Package keyfile holds the key files: the publisher's private key,
// plain (as feed writes it, feed.EncodePrivateKey) or encrypted with a
// passphrase — so a copied file or a lost USB stick does not let anyone
// publish to every screen of the township — made, read and encrypted with
// the passphrase asked from a file or on the terminal (file.go); and the
// public key files of publisher, device and monitor.
//
// The encrypted file is text, like the plain one: '#' comment lines, then
// one line
//
//	gongkai-ed25519-private-scrypt <logN> <r> <p> <salt> <sealed>
//
// logN, r and p are scrypt's cost (N = 2^logN), decimal; salt is 16
// random bytes and sealed is a 12-byte nonce followed by the AES-256-GCM
// encryption of the key's 32-byte ed25519 seed, both standard base64. The
// AES key is scrypt(passphrase, salt, N, r, p, 32). The GCM's additional
// data is the line up to and including the salt, so a changed cost or
// salt fails like a changed seed. feed/FORMAT.md ("Key files") says the
// same for people.
package keyfile

import (
	"bufio"
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"golang.org/x/crypto/scrypt"

	"gongkai/feed"
)

const label = "gongkai-ed25519-private-scrypt"

// The cost of a new file: 2^16 × 8 × 128 bytes = 64 MiB and a fraction
// of a second on a clerk's laptop, once per publication.
const (
	defaultLogN = 16
	defaultR    = 8
	defaultP    = 1
)

// Limits on what a file may ask of scrypt: a file's cost decides how
// much memory reading it takes, and a hostile one must not take all.
const (
	minLogN   = 10
	maxLogN   = 20
	maxMemory = 256 << 20 // 128 × r × N bytes
	maxP      = 4
	maxFile   = 4096
)

// MinPassphrase is the shortest passphrase Encrypt takes, in characters.
const MinPassphrase = 8

// ErrPassphrase is the error of a passphrase that does not open the
// file. AES-GCM cannot tell a wrong passphrase from a changed file, so
// the message names both.
var ErrPassphrase = errors.New("the passphrase is wrong, or the key file was changed")

// Encrypted says whether data is an encrypted key file (it may still be
// malformed: Open says).
func Encrypted(data []byte) bool {
	line, _ := keyLine(data)
	return strings.HasPrefix(line, label+" ")
}

// Encrypt gives the text of an encrypted key file.
func Encrypt(priv ed25519.PrivateKey, passphrase []byte) ([]byte, error) {
	return encrypt(priv, passphrase, defaultLogN, defaultR, defaultP)
}

func encrypt(priv ed25519.PrivateKey, passphrase []byte, logN, r, p int) ([]byte, error) {
	if n := utf8.RuneCount(passphrase); n < MinPassphrase {
		return nil, fmt.Errorf("the passphrase is %d characters; use at least %d", n, MinPassphrase)
	}
	if len(priv) != ed25519.PrivateKeySize {
		return nil, fmt.Errorf("not an ed25519 private key")
	}
	salt := make([]byte, 16)
	nonce := make([]byte, 12)
	rand.Read(salt)
	rand.Read(nonce)
	head := fmt.Sprintf("%s %d %d %d %s", label, logN, r, p, base64.StdEncoding.EncodeToString(salt))
	aead, err := newAEAD(passphrase, salt, logN, r, p)
	if err != nil {
		return nil, err
	}
	sealed := aead.Seal(nonce, nonce, priv.Seed(), []byte(head))
	pub := priv.Public().(ed25519.PublicKey)
	return fmt.Appendf(nil, "# Gongkai publisher PRIVATE key %s, encrypted with a passphrase: keep it secret and offline\n%s %s\n",
		feed.Fingerprint(pub), head, base64.StdEncoding.EncodeToString(sealed)), nil
}

// Open reads a private key file. A plain file is read as it is
// (encrypted is false) and passphrase is not called; an encrypted one
// asks passphrase once.
func Open(data []byte, passphrase func() ([]byte, error)) (priv ed25519.PrivateKey, encrypted bool, err error) {
	if len(data) > maxFile {
		return nil, false, fmt.Errorf("private key: the file is %d bytes, too large for a key", len(data))
	}
	if !Encrypted(data) {
		priv, err := feed.ParsePrivateKey(data)
		return priv, false, err
	}
	line, _ := keyLine(data)
	f := strings.Fields(line)
	if len(f) != 6 {
		return nil, true, fmt.Errorf("private key: the encrypted key line has %d fields, want 6 (%s logN r p salt sealed)", len(f), label)
	}
	var cost [3]int
	for i, s := range f[1:4] {
		if cost[i], err = strconv.Atoi(s); err != nil {
			return nil, true, fmt.Errorf("private key: scrypt cost %q is not a number", s)
		}
	}
	logN, r, p := cost[0], cost[1], cost[2]
	if logN < minLogN || logN > maxLogN || r < 1 || p < 1 || p > maxP || 128*int64(r)<<logN > maxMemory {
		return nil, true, fmt.Errorf("private key: scrypt cost logN=%d r=%d p=%d is outside what this program reads", logN, r, p)
	}
	salt, err := base64.StdEncoding.DecodeString(f[4])
	if err != nil || len(salt) != 16 {
		return nil, true, fmt.Errorf("private key: the salt is not 16 bytes of base64")
	}
	sealed, err := base64.StdEncoding.DecodeString(f[5])
	if err != nil || len(sealed) != 12+ed25519.SeedSize+16 {
		return nil, true, fmt.Errorf("private key: the sealed key is not %d bytes of base64", 12+ed25519.SeedSize+16)
	}
	pass, err := passphrase()
	if err != nil {
		return nil, true, err
	}
	aead, err := newAEAD(pass, salt, logN, r, p)
	if err != nil {
		return nil, true, err
	}
	head := strings.Join(f[:5], " ")
	seed, err := aead.Open(nil, sealed[:12], sealed[12:], []byte(head))
	if err != nil {
		return nil, true, fmt.Errorf("private key: %w", ErrPassphrase)
	}
	return ed25519.NewKeyFromSeed(seed), true, nil
}

func newAEAD(passphrase, salt []byte, logN, r, p int) (cipher.AEAD, error) {
	key, err := scrypt.Key(passphrase, salt, 1<<logN, r, p, 32)
	if err != nil {
		return nil, fmt.Errorf("private key: scrypt: %w", err)
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	return cipher.NewGCM(block)
}

// keyLine is the first line of data that is not blank or a comment.
func keyLine(data []byte) (string, bool) {
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line != "" && !strings.HasPrefix(line, "#") {
			return line, true
		}
	}
	return "", false
}
