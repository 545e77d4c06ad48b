package feed

import (
	"bytes"
	"crypto/ed25519"
	"encoding/base64"
	"errors"
	"io"
	"regexp"
	"strings"
	"testing"
)

func TestKeyRoundTrip(t *testing.T) {
	pub, priv, err := GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	pubFile, privFile := EncodePublicKey(pub), EncodePrivateKey(priv)

	gotPub, err := ParsePublicKey(pubFile)
	if err != nil {
		t.Fatalf("ParsePublicKey: %v\n%s", err, pubFile)
	}
	if !gotPub.Equal(pub) {
		t.Errorf("public key changed in the round trip")
	}
	gotPriv, err := ParsePrivateKey(privFile)
	if err != nil {
		t.Fatalf("ParsePrivateKey: %v\n%s", err, privFile)
	}
	if !gotPriv.Equal(priv) {
		t.Errorf("private key changed in the round trip")
	}
	// The parsed pair still works together.
	msg := []byte(`{"format":"gongkai-feed/1"}`)
	if err := checkSignature(msg, Sign(msg, gotPriv), gotPub); err != nil {
		t.Errorf("signature by the parsed private key fails with the parsed public key: %v", err)
	}
	// The files are readable text that names the fingerprint.
	for _, f := range [][]byte{pubFile, privFile} {
		if !bytes.Contains(f, []byte(Fingerprint(pub))) {
			t.Errorf("key file does not show the fingerprint %s:\n%s", Fingerprint(pub), f)
		}
	}
	if bytes.Contains(pubFile, []byte(base64.StdEncoding.EncodeToString(priv.Seed()))) {
		t.Errorf("public key file contains the private seed")
	}
}

func TestKeyIDAndFingerprint(t *testing.T) {
	pub, _ := testKey(1)
	id := KeyID(pub)
	if !regexp.MustCompile(`^[0-9a-f]{16}$`).MatchString(id) {
		t.Errorf("KeyID = %q, want 16 hex digits", id)
	}
	if fp := Fingerprint(pub); strings.ReplaceAll(fp, " ", "") != id || len(fp) != 19 {
		t.Errorf("Fingerprint = %q, want the key id %s in groups of four", fp, id)
	}
	other, _ := testKey(2)
	if KeyID(other) == id {
		t.Errorf("two keys share the id %s", id)
	}
}

func TestParseKeyMalformed(t *testing.T) {
	pub, priv := testKey(3)
	pubB64 := base64.StdEncoding.EncodeToString(pub)
	seedB64 := base64.StdEncoding.EncodeToString(priv.Seed())
	short := base64.StdEncoding.EncodeToString(make([]byte, 31))
	long := base64.StdEncoding.EncodeToString(make([]byte, 33))
	huge := strings.Repeat("# padding comment line\n", 200) + publicLabel + " " + pubB64 + "\n"

	tests := []struct {
		name    string
		data    string
		private bool
	}{
		{"empty public", "", false},
		{"empty private", "", true},
		{"only comments", "# nothing here\n# still nothing\n", false},
		{"private file as public", string(EncodePrivateKey(priv)), false},
		{"public file as private", string(EncodePublicKey(pub)), true},
		{"wrong label", "gongkai-rsa-public " + pubB64 + "\n", false},
		{"label without key", publicLabel + "\n", false},
		{"signature label", sigLabel + " " + pubB64 + "\n", false},
		{"bad base64", publicLabel + " " + pubB64[:10] + "!!" + pubB64[12:] + "\n", false},
		{"bad base64 private", privateLabel + " ****\n", true},
		{"truncated base64", publicLabel + " " + pubB64[:len(pubB64)-4] + "\n", false},
		{"31 bytes", publicLabel + " " + short + "\n", false},
		{"33 bytes", publicLabel + " " + long + "\n", false},
		{"short seed", privateLabel + " " + short + "\n", true},
		{"64-byte private key instead of the seed", privateLabel + " " + base64.StdEncoding.EncodeToString(priv) + "\n", true},
		{"huge file", huge, false},
		{"huge private", strings.Repeat("#", 5000) + "\n" + privateLabel + " " + seedB64 + "\n", true},
		{"binary", "\x00\x01\x02\xff\xfe", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var err error
			if tc.private {
				_, err = ParsePrivateKey([]byte(tc.data))
			} else {
				_, err = ParsePublicKey([]byte(tc.data))
			}
			if err == nil {
				t.Fatalf("parsed a malformed key file:\n%q", tc.data)
			}
			if strings.Contains(err.Error(), "\n") {
				t.Errorf("error is not one line: %q", err)
			}
		})
	}
}

func TestParseKeyTolerant(t *testing.T) {
	pub, priv := testKey(4)
	pubB64 := base64.StdEncoding.EncodeToString(pub)
	for name, data := range map[string]string{
		"crlf":          "# comment\r\n" + publicLabel + " " + pubB64 + "\r\n",
		"no newline":    publicLabel + " " + pubB64,
		"blank lines":   "\n\n# c\n\n  " + publicLabel + " " + pubB64 + "  \n\n",
		"comment after": publicLabel + " " + pubB64 + "\n# trailing comment\n",
	} {
		got, err := ParsePublicKey([]byte(data))
		if err != nil || !got.Equal(pub) {
			t.Errorf("%s: ParsePublicKey = %x, %v; want the key", name, got, err)
		}
	}
	if _, err := ParsePrivateKey(EncodePrivateKey(priv)); err != nil {
		t.Fatal(err)
	}
}

func TestSignatureFile(t *testing.T) {
	pub, priv := testKey(5)
	msg := []byte("manifest bytes")
	sig := Sign(msg, priv)
	if len(sig) > MaxSignatureSize {
		t.Fatalf("signature file is %d bytes, over the %d limit", len(sig), MaxSignatureSize)
	}
	if !bytes.HasPrefix(sig, []byte(sigLabel+" "+KeyID(pub)+" ")) {
		t.Errorf("signature file %q does not start with label and key id", sig)
	}
	other, _ := testKey(6)
	fields := strings.Fields(string(sig))
	raw, _ := base64.StdEncoding.DecodeString(fields[2])
	tests := []struct {
		name string
		sig  string
		key  ed25519.PublicKey
		want error
	}{
		{"ok", string(sig), pub, nil},
		{"other key pinned", string(sig), other, ErrWrongKey},
		{"empty", "", pub, ErrSignature},
		{"two fields", fields[0] + " " + fields[1], pub, ErrSignature},
		{"wrong label", "gongkai-rsa-sig " + fields[1] + " " + fields[2], pub, ErrSignature},
		{"bad base64", fields[0] + " " + fields[1] + " ###", pub, ErrSignature},
		{"short signature", fields[0] + " " + fields[1] + " " + base64.StdEncoding.EncodeToString(raw[:63]), pub, ErrSignature},
		{"flipped bit", fields[0] + " " + fields[1] + " " + base64.StdEncoding.EncodeToString(append([]byte{raw[0] ^ 1}, raw[1:]...)), pub, ErrSignature},
	}
	for _, tc := range tests {
		err := checkSignature(msg, []byte(tc.sig), tc.key)
		if tc.want == nil {
			if err != nil {
				t.Errorf("%s: %v", tc.name, err)
			}
			continue
		}
		if !errors.Is(err, tc.want) {
			t.Errorf("%s: err = %v, want %v", tc.name, err, tc.want)
		}
	}
}

// endless yields 'a' forever and counts what it gave.
type endless struct{ n int64 }

func (e *endless) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = 'a'
	}
	e.n += int64(len(p))
	return len(p), nil
}

func TestReadLimited(t *testing.T) {
	data, err := ReadLimited(strings.NewReader("12345"), 5, "x")
	if err != nil || string(data) != "12345" {
		t.Errorf("at the limit: %q, %v", data, err)
	}
	if _, err := ReadLimited(strings.NewReader("123456"), 5, "x"); !errors.Is(err, ErrTooLarge) {
		t.Errorf("over the limit: err = %v, want ErrTooLarge", err)
	}
	e := &endless{}
	if _, err := ReadLimited(io.LimitReader(e, 1<<30), 1000, "x"); !errors.Is(err, ErrTooLarge) {
		t.Errorf("endless: err = %v, want ErrTooLarge", err)
	}
	if e.n > 1001 {
		t.Errorf("ReadLimited read %d bytes of an endless stream for a limit of 1000", e.n)
	}
}
