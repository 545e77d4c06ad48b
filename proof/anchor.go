package proof

import (
	"bytes"
	"crypto/ed25519"
	"encoding/base64"
	"encoding/json"
	"fmt"
)

// Summarizes reports whether s is the summary the log makes of entries
// when it rolls them up (its signature aside). A receiver that holds a
// screen's entries — the township's monitor — checks with it that a
// summary the screen sends later says what those entries said, so a chain
// re-signed with a stolen device key cannot rewrite what was already
// received (see monitor/FORMAT.md).
func (s *Summary) Summarizes(entries []Entry) bool {
	if len(entries) == 0 {
		return false
	}
	want := summarize(entries)
	return bytes.Equal(want.body(), s.body())
}

// VerifyReport checks a report kept apart from its chain — as the
// monitor's archive of a notice keeps each screen's — against the device
// key: the head signature, then the report signature over that head and
// the report (compacted, as VerifyExport reads it).
func VerifyReport(device ed25519.PublicKey, head HeadJSON, report []byte, reportSig string) error {
	h, err := head.decode()
	if err != nil {
		return fmt.Errorf("%w: head %v", ErrAltered, err)
	}
	if !h.verify(device) {
		return fmt.Errorf("%w: head signature does not verify", ErrAltered)
	}
	var compact bytes.Buffer
	if err := json.Compact(&compact, report); err != nil {
		return fmt.Errorf("%w: report %v", ErrAltered, err)
	}
	sig, err := base64.StdEncoding.DecodeString(reportSig)
	if err != nil || len(sig) != ed25519.SignatureSize || !ed25519.Verify(device, reportMessage(h.Hash, compact.Bytes()), sig) {
		return fmt.Errorf("%w: report signature does not verify", ErrAltered)
	}
	return nil
}
