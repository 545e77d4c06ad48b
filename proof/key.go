package proof

import (
	"bytes"
	"crypto/ed25519"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"gongkai/atomicfile"
	"gongkai/feed"
)

// Device key files in the data directory. Same one-line text formats as the
// publisher's key files (feed.ParsePrivateKey reads them), with comments
// that say whose key it is.
const (
	DeviceKeyFile = "device.key"
	DevicePubFile = "device.pub"
)

// EnsureDeviceKey returns the screen's signing key, creating
// DATA/device.key (0600) and DATA/device.pub when missing: at init, and on
// first use for screens provisioned before the display log existed.
func EnsureDeviceKey(dataDir string) (ed25519.PrivateKey, error) {
	keyPath := filepath.Join(dataDir, DeviceKeyFile)
	key, err := readDeviceKey(keyPath)
	if errors.Is(err, fs.ErrNotExist) {
		key, err = createDeviceKey(keyPath)
	}
	if err != nil {
		return nil, err
	}
	// device.pub is derived; rewrite it when missing or not matching, so the
	// public half handed to the township is always this key's.
	pub := key.Public().(ed25519.PublicKey)
	pubPath := filepath.Join(dataDir, DevicePubFile)
	if have, err := os.ReadFile(pubPath); err == nil {
		if p, err := feed.ParsePublicKey(have); err == nil && p.Equal(pub) {
			return key, nil
		}
	}
	if err := atomicfile.Write(pubPath, EncodeDevicePublicKey(pub)); err != nil {
		return nil, fmt.Errorf("proof: device key: %w", err)
	}
	return key, nil
}

func readDeviceKey(path string) (ed25519.PrivateKey, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, err
		}
		return nil, fmt.Errorf("proof: device key: %w", err)
	}
	key, err := feed.ParsePrivateKey(data)
	if err != nil {
		return nil, fmt.Errorf("proof: device key %s: %w", path, err)
	}
	return key, nil
}

// createDeviceKey writes a new key with a hard link from a synced temporary
// file, which fails when the key already exists: two processes creating it
// at once (kiosk and a command) end up with the same key, the winner's.
func createDeviceKey(path string) (ed25519.PrivateKey, error) {
	_, key, err := feed.GenerateKey()
	if err != nil {
		return nil, fmt.Errorf("proof: device key: %w", err)
	}
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("proof: device key: %w", err)
	}
	tmp, err := os.CreateTemp(dir, ".device-key-*")
	if err != nil {
		return nil, fmt.Errorf("proof: device key: %w", err)
	}
	defer os.Remove(tmp.Name())
	_, err = tmp.Write(encodeDevicePrivateKey(key))
	if err == nil {
		err = tmp.Chmod(0o600)
	}
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return nil, fmt.Errorf("proof: device key: %w", err)
	}
	if err := os.Link(tmp.Name(), path); err != nil {
		if errors.Is(err, fs.ErrExist) {
			return readDeviceKey(path)
		}
		return nil, fmt.Errorf("proof: device key: %w", err)
	}
	if err := atomicfile.SyncDir(dir); err != nil {
		return nil, fmt.Errorf("proof: device key: %w", err)
	}
	return key, nil
}

// DevicePublicKey reads DATA/device.pub.
func DevicePublicKey(dataDir string) (ed25519.PublicKey, error) {
	data, err := os.ReadFile(filepath.Join(dataDir, DevicePubFile))
	if err != nil {
		return nil, fmt.Errorf("proof: %w", err)
	}
	pub, err := feed.ParsePublicKey(data)
	if err != nil {
		return nil, fmt.Errorf("proof: device %w", err)
	}
	return pub, nil
}

// EncodeDevicePublicKey is the text of device.pub.
func EncodeDevicePublicKey(pub ed25519.PublicKey) []byte {
	return append(fmt.Appendf(nil, "# Gongkai screen device public key %s (signs the display log)\n", feed.Fingerprint(pub)),
		keyLine(feed.EncodePublicKey(pub))...)
}

func encodeDevicePrivateKey(key ed25519.PrivateKey) []byte {
	pub := key.Public().(ed25519.PublicKey)
	return append(fmt.Appendf(nil, "# Gongkai screen device PRIVATE key %s: signs this screen's display log; never copy it off the screen\n", feed.Fingerprint(pub)),
		keyLine(feed.EncodePrivateKey(key))...)
}

// keyLine drops the publisher's comment lines from a feed key file, keeping
// the "<label> <base64>" line the parsers read.
func keyLine(file []byte) []byte {
	var out []byte
	for _, line := range bytes.SplitAfter(file, []byte("\n")) {
		if len(line) > 0 && !strings.HasPrefix(string(line), "#") {
			out = append(out, line...)
		}
	}
	return out
}

// DeviceFingerprint is the fingerprint of DATA/device.pub, read without
// making a key: "" when the screen has no device key yet.
func DeviceFingerprint(dataDir string) string {
	pub, err := DevicePublicKey(dataDir)
	if err != nil {
		return ""
	}
	return feed.Fingerprint(pub)
}
