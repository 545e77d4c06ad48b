package keyfile

import (
	"bytes"
	"crypto/ed25519"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"golang.org/x/term"

	"gongkai/atomicfile"
	"gongkai/feed"
)

// The names of a key pair in the folder keygen writes it to.
const (
	PrivateFile = "publisher.key"
	PublicFile  = "publisher.pub"
)

// Prompt is where an encrypted key's passphrase comes from: the first
// line of File when it is set, else the terminal In (asked on Out,
// never echoed).
type Prompt struct {
	File string
	In   io.Reader
	Out  io.Writer
}

// Passphrase returns the passphrase reader for the key file keyPath;
// confirm asks twice, for a new passphrase.
func (pr Prompt) Passphrase(keyPath string, confirm bool) func() ([]byte, error) {
	return func() ([]byte, error) {
		if pr.File != "" {
			data, err := ReadSmall(pr.File)
			if err != nil {
				return nil, fmt.Errorf("--passphrase-file: %w", err)
			}
			line, _, _ := bytes.Cut(data, []byte("\n"))
			return bytes.TrimSuffix(line, []byte("\r")), nil
		}
		in, ok := pr.In.(*os.File)
		if !ok || !term.IsTerminal(int(in.Fd())) {
			return nil, errors.New("the key is encrypted and there is no terminal to ask its passphrase on: give --passphrase-file FILE")
		}
		fmt.Fprintf(pr.Out, "passphrase for %s: ", keyPath)
		p, err := term.ReadPassword(int(in.Fd()))
		fmt.Fprintln(pr.Out)
		if err != nil || !confirm {
			return p, err
		}
		fmt.Fprint(pr.Out, "the same passphrase again: ")
		again, err := term.ReadPassword(int(in.Fd()))
		fmt.Fprintln(pr.Out)
		if err != nil {
			return nil, err
		}
		if !bytes.Equal(p, again) {
			return nil, errors.New("the two passphrases differ; nothing was written")
		}
		return p, nil
	}
}

// Load reads the publisher's private key file at path, asking the
// passphrase of an encrypted one through pr. plain says the file was not
// encrypted, for publish's warning.
func Load(path string, pr Prompt) (priv ed25519.PrivateKey, plain bool, err error) {
	data, err := ReadSmall(path)
	if err != nil {
		return nil, false, err
	}
	priv, encrypted, err := Open(data, pr.Passphrase(path, false))
	if err != nil {
		return nil, false, fmt.Errorf("%s: %w", path, err)
	}
	return priv, !encrypted, nil
}

// Generate makes a new key pair in dir (created 0700): PrivateFile (0600,
// encrypted with a new passphrase from pr when encrypt) and PublicFile.
// It refuses to overwrite either file.
func Generate(dir string, encrypt bool, pr Prompt) (pub ed25519.PublicKey, keyPath, pubPath string, err error) {
	keyPath, pubPath = filepath.Join(dir, PrivateFile), filepath.Join(dir, PublicFile)
	for _, p := range []string{keyPath, pubPath} {
		if _, err := os.Stat(p); err == nil {
			return nil, "", "", fmt.Errorf("%s already exists; refusing to overwrite a key", p)
		}
	}
	pub, priv, err := feed.GenerateKey()
	if err != nil {
		return nil, "", "", err
	}
	keyText := feed.EncodePrivateKey(priv)
	if encrypt {
		if keyText, err = encryptWith(priv, pr, keyPath); err != nil {
			return nil, "", "", err
		}
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, "", "", err
	}
	// O_EXCL: two keygens racing on one folder must not replace a key.
	if err := writeNew(keyPath, keyText, 0o600); err != nil {
		return nil, "", "", err
	}
	if err := atomicfile.Write(pubPath, feed.EncodePublicKey(pub)); err != nil {
		return nil, "", "", err
	}
	return pub, keyPath, pubPath, nil
}

// EncryptFile replaces the plain key file at path, in one rename, by the
// same key encrypted with a new passphrase from pr.
func EncryptFile(path string, pr Prompt) error {
	data, err := ReadSmall(path)
	if err != nil {
		return err
	}
	if Encrypted(data) {
		return fmt.Errorf("%s is already encrypted", path)
	}
	priv, _, err := Open(data, nil)
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	enc, err := encryptWith(priv, pr, path)
	if err != nil {
		return err
	}
	return atomicfile.WriteFrom(path, bytes.NewReader(enc), 0o600)
}

// encryptWith is the text of priv's key file encrypted with a new
// passphrase.
func encryptWith(priv ed25519.PrivateKey, pr Prompt, keyPath string) ([]byte, error) {
	p, err := pr.Passphrase(keyPath, true)()
	if err != nil {
		return nil, err
	}
	return Encrypt(priv, p)
}

// ReadPublic reads a public key file (publisher.pub, device.pub,
// monitor.pub); what names the key in its errors ("device key").
func ReadPublic(path, what string) (ed25519.PublicKey, error) {
	b, err := ReadSmall(path)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	pub, err := feed.ParsePublicKey(b)
	if err != nil {
		return nil, fmt.Errorf("%s %s: %w", what, path, err)
	}
	return pub, nil
}

// ReadSmall reads a small file (a key, a passphrase, a config), refusing
// anything over 1 MiB.
func ReadSmall(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, 1<<20+1))
	if err != nil {
		return nil, err
	}
	if len(data) > 1<<20 {
		return nil, fmt.Errorf("%s: too large", path)
	}
	return data, nil
}

// writeNew creates path, failing if it exists, and makes its content durable.
func writeNew(path string, data []byte, perm os.FileMode) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, perm)
	if err != nil {
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		os.Remove(path)
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
