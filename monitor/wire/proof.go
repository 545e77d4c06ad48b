package wire

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"gongkai/proof"
)

// ProofUpload is the body of a proof upload, gzip-compressed: the screen's
// signed export (proof.Export, the JSON of `gongkai report --out`) with
// its chain cut to what follows Base, the monitor's copy as its last
// answer gave it. Base zero sends the whole chain. The head, the report
// and its signature are the export's own, so the monitor verifies the
// chain it assembles with proof.VerifyExport.
type ProofUpload struct {
	Base   Chain           `json:"base"`
	Export json.RawMessage `json:"export"`
}

// EncodeProof is the compressed body of a proof upload.
func EncodeProof(p ProofUpload) ([]byte, error) {
	raw, err := Marshal(p)
	if err != nil {
		return nil, fmt.Errorf("proof upload: %w", err)
	}
	var b bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&b, gzip.BestCompression)
	if _, err := zw.Write(raw); err != nil {
		return nil, err
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// ParseProof decompresses and decodes a proof upload body, reading at
// most proof.MaxExportSize bytes of JSON: a small bomb stays small.
func ParseProof(body []byte) (ProofUpload, error) {
	var p ProofUpload
	if len(body) > MaxProof {
		return p, fmt.Errorf("proof upload is %d bytes, over %d", len(body), MaxProof)
	}
	zr, err := gzip.NewReader(bytes.NewReader(body))
	if err != nil {
		return p, fmt.Errorf("proof upload is not gzip: %v", err)
	}
	raw, err := io.ReadAll(io.LimitReader(zr, proof.MaxExportSize+1))
	if err != nil {
		return p, fmt.Errorf("proof upload unreadable: %v", oneLine(err.Error(), 200))
	}
	if len(raw) > proof.MaxExportSize {
		return p, fmt.Errorf("proof upload unpacks to over %d bytes", proof.MaxExportSize)
	}
	if err := json.Unmarshal(raw, &p); err != nil {
		return ProofUpload{}, fmt.Errorf("proof upload unreadable: %v", oneLine(err.Error(), 200))
	}
	if len(p.Export) == 0 {
		return ProofUpload{}, errors.New("proof upload has no export")
	}
	return p, nil
}

// Marshal is JSON without HTML escaping: an export's report is signed as
// the screen wrote it, and json.Marshal would turn its "<" and "&" into
// \u003c and \u0026 — other bytes, which the signature does not cover.
func Marshal(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n")), nil
}
