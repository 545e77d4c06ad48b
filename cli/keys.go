package cli

import (
	"bytes"
	"crypto/ed25519"
	"errors"
	"fmt"
	"os"

	"golang.org/x/term"

	"gongkai/atomicfile"
	"gongkai/keyfile"
)

// openKey reads the publisher's private key for publish: an encrypted
// file asks its passphrase from passFile, or on the terminal. plain says
// the file was not encrypted, for publish's warning.
func openKey(env *Env, path, passFile string) (priv ed25519.PrivateKey, plain bool, err error) {
	data, err := readSmall(path)
	if err != nil {
		return nil, false, err
	}
	priv, encrypted, err := keyfile.Open(data, passphrase(env, passFile, path, false))
	if err != nil {
		return nil, false, fmt.Errorf("%s: %w", path, err)
	}
	return priv, !encrypted, nil
}

// plainKeyWarning is publish's line about a key file anyone who copies
// it can publish with.
func plainKeyWarning(env *Env, path string) {
	fmt.Fprintf(env.Stderr, "warning: %s is not encrypted: anyone with a copy can publish; encrypt it with gongkai keygen --encrypt-existing %s\n", path, path)
}

// passphrase reads a key's passphrase from file (its first line), else
// from the terminal without echo; confirm asks twice, for a new one.
func passphrase(env *Env, file, keyPath string, confirm bool) func() ([]byte, error) {
	return func() ([]byte, error) {
		if file != "" {
			data, err := readSmall(file)
			if err != nil {
				return nil, fmt.Errorf("--passphrase-file: %w", err)
			}
			line, _, _ := bytes.Cut(data, []byte("\n"))
			return bytes.TrimSuffix(line, []byte("\r")), nil
		}
		in, ok := env.Stdin.(*os.File)
		if !ok || !term.IsTerminal(int(in.Fd())) {
			return nil, errors.New("the key is encrypted and there is no terminal to ask its passphrase on: give --passphrase-file FILE")
		}
		fmt.Fprintf(env.Stderr, "passphrase for %s: ", keyPath)
		p, err := term.ReadPassword(int(in.Fd()))
		fmt.Fprintln(env.Stderr)
		if err != nil || !confirm {
			return p, err
		}
		fmt.Fprint(env.Stderr, "the same passphrase again: ")
		again, err := term.ReadPassword(int(in.Fd()))
		fmt.Fprintln(env.Stderr)
		if err != nil {
			return nil, err
		}
		if !bytes.Equal(p, again) {
			return nil, errors.New("the two passphrases differ; nothing was written")
		}
		return p, nil
	}
}

// encryptKey is the text of priv's key file encrypted with a new
// passphrase.
func encryptKey(env *Env, priv ed25519.PrivateKey, passFile, keyPath string) ([]byte, error) {
	p, err := passphrase(env, passFile, keyPath, true)()
	if err != nil {
		return nil, err
	}
	return keyfile.Encrypt(priv, p)
}

// encryptExisting is keygen --encrypt-existing: a plain key file
// replaced, in one rename, by the same key encrypted.
func encryptExisting(env *Env, path, passFile string) error {
	data, err := readSmall(path)
	if err != nil {
		return err
	}
	if keyfile.Encrypted(data) {
		return fmt.Errorf("%s is already encrypted", path)
	}
	priv, _, err := keyfile.Open(data, nil)
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	enc, err := encryptKey(env, priv, passFile, path)
	if err != nil {
		return err
	}
	if err := atomicfile.WriteFrom(path, bytes.NewReader(enc), 0o600); err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "%s is now encrypted; publish asks its passphrase (or reads --passphrase-file)\n", path)
	return nil
}
