package wire

import (
	"bytes"
	"compress/gzip"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"
)

// TestSignVerify: a signature holds for its endpoint, counter and body only.
func TestSignVerify(t *testing.T) {
	_, key, _ := ed25519.GenerateKey(rand.Reader)
	h := http.Header{}
	Sign(h, key, UploadHeartbeat, 42, []byte("body"))
	s, err := ReadSigned(h)
	if err != nil {
		t.Fatal(err)
	}
	if !s.Verify(UploadHeartbeat, []byte("body")) {
		t.Fatal("a good signature does not verify")
	}
	for name, ok := range map[string]bool{
		"another body":     s.Verify(UploadHeartbeat, []byte("Body")),
		"another endpoint": s.Verify(UploadScreenshot, []byte("body")),
		"another counter":  Signed{Device: s.Device, Counter: 43, Sig: s.Sig}.Verify(UploadHeartbeat, []byte("body")),
	} {
		if ok {
			t.Errorf("%s verifies", name)
		}
	}
	for _, bad := range []map[string]string{
		{HeaderDevice: "not base64!"},
		{HeaderDevice: "AAAA"},
		{HeaderCounter: "-1"},
		{HeaderCounter: "0"},
		{HeaderCounter: "18446744073709551616"},
		{HeaderSignature: "AAAA"},
	} {
		h2 := h.Clone()
		for k, v := range bad {
			h2.Set(k, v)
		}
		if _, err := ReadSigned(h2); err == nil {
			t.Errorf("headers %v read", bad)
		}
	}
}

// TestParseProofLimits: a small gzip that unpacks past the cap is refused
// after reading at most the cap.
func TestParseProofLimits(t *testing.T) {
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	zw.Write([]byte(`{"export":"`))
	zw.Write(bytes.Repeat([]byte("x"), 65<<20))
	zw.Close()
	if _, err := ParseProof(b.Bytes()); err == nil || !strings.Contains(err.Error(), "over") {
		t.Fatalf("a bomb: %v", err)
	}
	if _, err := ParseProof(bytes.Repeat([]byte{0}, MaxProof+1)); err == nil {
		t.Fatal("an oversized body was read")
	}
	good, err := EncodeProof(ProofUpload{Export: json.RawMessage(`{"report":"<&>"}`)})
	if err != nil {
		t.Fatal(err)
	}
	p, err := ParseProof(good)
	if err != nil || !bytes.Contains(p.Export, []byte("<&>")) {
		t.Fatalf("round trip: %v %s", err, p.Export)
	}
}

func FuzzParseHeartbeat(f *testing.F) {
	good, _ := json.Marshal(Heartbeat{At: time.Unix(1, 0), Mode: "display", Location: "310118901201", Interval: 900,
		Notices: []Notice{{ID: "a", Title: "公告"}}})
	f.Add(good)
	f.Add([]byte(`{"mode":"touch","location":"","interval":1,"notices":[{"id":"\u0000"}]}`))
	f.Add([]byte(`{"mode":"touch","interval":1,"sync":{"error":"\u001b]0;x\u0007"}}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		h, err := ParseHeartbeat(body)
		if err != nil {
			return
		}
		for _, s := range []string{h.Program, h.Place, h.Feed.ID, h.Sync.Error} {
			if OneLine(s, 1<<20) != s {
				t.Fatalf("kept text that is not one printable line: %q", s)
			}
		}
		if len(h.Notices) > MaxNotices {
			t.Fatal("over the notice limit")
		}
	})
}

func FuzzParseProof(f *testing.F) {
	good, _ := EncodeProof(ProofUpload{Base: Chain{Seq: 3, Hash: "ab"}, Export: json.RawMessage(`{"format":"x"}`)})
	f.Add(good)
	f.Add([]byte{0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff})
	f.Fuzz(func(t *testing.T, body []byte) {
		p, err := ParseProof(body)
		if err == nil && len(p.Export) == 0 {
			t.Fatal("an upload without an export was accepted")
		}
	})
}

func FuzzReadSigned(f *testing.F) {
	f.Add("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=", "1", "")
	f.Fuzz(func(t *testing.T, dev, counter, sig string) {
		h := http.Header{}
		h.Set(HeaderDevice, dev)
		h.Set(HeaderCounter, counter)
		h.Set(HeaderSignature, sig)
		s, err := ReadSigned(h)
		if err == nil && (len(s.Device) != ed25519.PublicKeySize || s.Counter == 0 || len(s.Sig) != ed25519.SignatureSize) {
			t.Fatalf("accepted %+v", s)
		}
		if err == nil {
			s.Verify(UploadHeartbeat, nil)
		}
	})
}
