package keyfile

import (
	"bytes"
	"crypto/ed25519"
	"errors"
	"strings"
	"testing"

	"gongkai/feed"
)

func testKey() ed25519.PrivateKey {
	return ed25519.NewKeyFromSeed(bytes.Repeat([]byte{7}, ed25519.SeedSize))
}

func pass(s string) func() ([]byte, error) {
	return func() ([]byte, error) { return []byte(s), nil }
}

// The file a clerk gets from keygen --encrypt opens with its passphrase
// and gives back the same key; it does not hold the seed in the clear.
func TestEncryptOpen(t *testing.T) {
	priv := testKey()
	data, err := Encrypt(priv, []byte("青禾镇发布口令2026"))
	if err != nil {
		t.Fatal(err)
	}
	if !Encrypted(data) || bytes.Contains(data, feed.EncodePrivateKey(priv)[strings.Index(string(feed.EncodePrivateKey(priv)), "gongkai"):]) {
		t.Fatalf("file:\n%s", data)
	}
	if !strings.Contains(string(data), feed.Fingerprint(priv.Public().(ed25519.PublicKey))) || !strings.Contains(string(data), label+" 16 8 1 ") {
		t.Fatalf("file:\n%s", data)
	}
	got, enc, err := Open(data, pass("青禾镇发布口令2026"))
	if err != nil || !enc || !got.Equal(priv) {
		t.Fatalf("open: %v %v", enc, err)
	}
	// a second file of the same key and passphrase differs (salt, nonce)
	again, _ := Encrypt(priv, []byte("青禾镇发布口令2026"))
	if bytes.Equal(again, data) {
		t.Fatal("two encryptions are the same bytes")
	}
}

// A plain key opens as before, without asking for a passphrase, and says
// it was plain.
func TestOpenPlain(t *testing.T) {
	priv := testKey()
	got, enc, err := Open(feed.EncodePrivateKey(priv), func() ([]byte, error) {
		t.Fatal("asked for a passphrase")
		return nil, nil
	})
	if err != nil || enc || !got.Equal(priv) {
		t.Fatalf("%v %v", enc, err)
	}
	if _, err := Encrypt(priv, []byte("short")); err == nil || !strings.Contains(err.Error(), "at least 8") {
		t.Fatalf("short passphrase: %v", err)
	}
}

// A wrong passphrase, a changed file, a hostile file: refused with one
// line, and the passphrase is asked only when the file is well formed.
func TestOpenRefuses(t *testing.T) {
	data, err := encrypt(testKey(), []byte("correct horse"), minLogN, 8, 1)
	if err != nil {
		t.Fatal(err)
	}
	text := string(data)
	line, _ := keyLine(data)
	f := strings.Fields(line)
	replace := func(i int, s string) string {
		g := append([]string(nil), f...)
		g[i] = s
		return strings.Replace(text, line, strings.Join(g, " "), 1)
	}
	flip := func(b64 string) string {
		c := []byte(b64)
		if c[3] == 'A' {
			c[3] = 'B'
		} else {
			c[3] = 'A'
		}
		return string(c)
	}
	for _, c := range []struct {
		name, file, pass, want string
	}{
		{"wrong passphrase", text, "wrong horse", "the passphrase is wrong, or the key file was changed"},
		{"sealed key changed", replace(5, flip(f[5])), "correct horse", "the passphrase is wrong, or the key file was changed"},
		{"salt changed", replace(4, flip(f[4])), "correct horse", "the passphrase is wrong, or the key file was changed"},
		{"cost changed", replace(2, "4"), "correct horse", "the passphrase is wrong, or the key file was changed"},
		{"huge cost", replace(1, "30"), "", "outside what this program reads"},
		{"huge memory", replace(2, "99999"), "", "outside what this program reads"},
		{"negative cost", replace(3, "-1"), "", "outside what this program reads"},
		{"cost not a number", replace(1, "ten"), "", "is not a number"},
		{"salt not base64", replace(4, "!!!"), "", "salt is not 16 bytes"},
		{"sealed cut short", replace(5, f[5][:20]), "", "sealed key is not 60 bytes"},
		{"a field missing", strings.Replace(text, " "+f[5], "", 1), "", "has 5 fields, want 6"},
		{"too large", text + strings.Repeat("#\n", 3000), "", "too large for a key"},
		{"not a key", "hello\n", "", "expected a line"},
		{"empty", "", "", "no \"gongkai-ed25519-private\" line"},
	} {
		t.Run(c.name, func(t *testing.T) {
			asked := false
			_, _, err := Open([]byte(c.file), func() ([]byte, error) { asked = true; return []byte(c.pass), nil })
			if err == nil || !strings.Contains(err.Error(), c.want) || strings.Contains(err.Error(), "\n") {
				t.Fatalf("error %v, want one line saying %q", err, c.want)
			}
			if asked != (c.pass != "") {
				t.Errorf("asked for the passphrase: %v", asked)
			}
			if c.pass != "" && !errors.Is(err, ErrPassphrase) {
				t.Errorf("error %v is not ErrPassphrase", err)
			}
		})
	}
}

// The passphrase prompt's own error (no terminal, cancelled) comes back
// as it is.
func TestOpenPassphraseError(t *testing.T) {
	data, _ := encrypt(testKey(), []byte("correct horse"), minLogN, 8, 1)
	stop := errors.New("no terminal")
	if _, enc, err := Open(data, func() ([]byte, error) { return nil, stop }); !errors.Is(err, stop) || !enc {
		t.Fatalf("%v %v", enc, err)
	}
}

func FuzzOpen(f *testing.F) {
	data, _ := encrypt(testKey(), []byte("correct horse"), minLogN, 8, 1)
	f.Add(data)
	f.Add(feed.EncodePrivateKey(testKey()))
	f.Add([]byte(label + " 10 8 1 AAAAAAAAAAAAAAAAAAAAAA== AAAA"))
	f.Fuzz(func(t *testing.T, data []byte) {
		// The passphrase is refused, so the fuzzer explores the parsing
		// of the file and never pays for scrypt.
		priv, enc, err := Open(data, func() ([]byte, error) { return nil, errors.New("no") })
		if err == nil && (enc || len(priv) != ed25519.PrivateKeySize) {
			t.Fatalf("opened %v %d", enc, len(priv))
		}
		if err != nil && strings.Contains(err.Error(), "\n") {
			t.Fatalf("error of more than one line: %q", err)
		}
	})
}
