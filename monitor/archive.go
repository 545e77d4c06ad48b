package monitor

import (
	"bytes"
	"crypto/ed25519"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"time"

	bolt "go.etcd.io/bbolt"

	"gongkai/feed"
	"gongkai/keyfile"
	"gongkai/monitor/wire"
	"gongkai/proof"
)

// The archive of a notice: for the township's files, every screen's
// evidence that the notice was posted, in one JSON file the monitor signs.
// Each screen's part is its own signed report (with the signed head it
// was made at) and the monitor's receipt of that head, so a reader checks
// each screen's word with its device key and the monitor's with its key,
// without trusting this file's other parts (VerifyArchive).

// ArchiveFormat names the archive format.
const ArchiveFormat = "gongkai-monitor-notice/1"

const archiveTag = "gongkai-monitor-archive/1\x00"

// Archive is the signed archive of a notice.
type Archive struct {
	Format    string          `json:"format"`
	Notice    ArchiveNotice   `json:"notice"`
	Generated string          `json:"generated"` // RFC 3339
	Monitor   string          `json:"monitor"`   // the monitor.pub key line
	Screens   []ArchiveScreen `json:"screens"`
	// Sig is the monitor key's ed25519 signature over archiveTag and the
	// compact JSON of this archive with Sig empty.
	Sig string `json:"sig"`
}

// ArchiveNotice names the notice.
type ArchiveNotice struct {
	ID    string `json:"id"`
	Title string `json:"title"`
}

// ArchiveScreen is one screen's evidence on the notice.
type ArchiveScreen struct {
	Name      string             `json:"name"`
	Village   string             `json:"village"`
	Device    string             `json:"device"` // the device.pub key line
	Notice    proof.NoticeReport `json:"notice"` // the report's entry for this notice
	Head      proof.HeadJSON     `json:"head"`
	Report    json.RawMessage    `json:"report"` // the whole report, as the screen signed it
	ReportSig string             `json:"report_sig"`
	Receipt   wire.Receipt       `json:"receipt"`
}

// Archive makes the signed archive of notice id.
func (s *Server) Archive(id string) ([]byte, error) {
	info, ok := s.notices.get(id)
	if !ok {
		return nil, errNotFound
	}
	lines, err := s.noticeLines(id)
	if err != nil {
		return nil, err
	}
	a := Archive{Format: ArchiveFormat, Notice: ArchiveNotice{ID: id, Title: info.Title},
		Generated: s.now().In(s.opt.Timezone).Format(time.RFC3339),
		Monitor:   string(bytes.TrimSpace(keyLine(feed.EncodePublicKey(s.PublicKey())))), Screens: []ArchiveScreen{}}
	err = s.db.View(func(tx *bolt.Tx) error {
		for _, l := range lines {
			var rep report
			ok, err := getJSON(tx.Bucket(bucketReports), l.View.Pub, &rep)
			if err != nil {
				return err
			}
			if !ok {
				continue
			}
			var full proof.Report
			if err := json.Unmarshal(rep.Report, &full); err != nil {
				return err
			}
			// the entry of the latest report; a notice it no longer names
			// keeps the row it had (that report is no longer here to sign it)
			for _, n := range full.Notices {
				if n.ID == id {
					a.Screens = append(a.Screens, ArchiveScreen{Name: l.View.Screen.Name, Village: l.View.Screen.Village,
						Device: rep.Device, Notice: n, Head: rep.Head, Report: rep.Report, ReportSig: rep.ReportSig, Receipt: rep.Receipt})
				}
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	body, err := archiveBody(a)
	if err != nil {
		return nil, err
	}
	a.Sig = base64.StdEncoding.EncodeToString(ed25519.Sign(s.key, body))
	var out bytes.Buffer
	enc := json.NewEncoder(&out)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", " ")
	if err := enc.Encode(a); err != nil {
		return nil, err
	}
	return out.Bytes(), nil
}

// archiveBody is what the archive's signature covers.
func archiveBody(a Archive) ([]byte, error) {
	a.Sig = ""
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(a); err != nil {
		return nil, err
	}
	return append([]byte(archiveTag), bytes.TrimSpace(b.Bytes())...), nil
}

// ErrArchive: an archive does not verify; the message says where.
var ErrArchive = errors.New("archive altered")

// VerifyArchive checks an archive: the monitor's signature (against
// monitor, when given, else the key it names), then for each screen its
// report and head under its device key, the notice entry against the
// report, and the monitor's receipt of that head.
func VerifyArchive(data []byte, monitor ed25519.PublicKey) (*Archive, error) {
	if len(data) > proof.MaxExportSize {
		return nil, fmt.Errorf("archive is %d bytes, over %d", len(data), proof.MaxExportSize)
	}
	var a Archive
	if err := json.Unmarshal(data, &a); err != nil {
		return nil, fmt.Errorf("archive unreadable: %v", err)
	}
	if a.Format != ArchiveFormat {
		return nil, fmt.Errorf("archive unreadable: format %.40q, want %q", a.Format, ArchiveFormat)
	}
	named, err := feed.ParsePublicKey([]byte(a.Monitor))
	if err != nil {
		return nil, fmt.Errorf("%w: monitor %v", ErrArchive, err)
	}
	if monitor != nil && !monitor.Equal(named) {
		return nil, fmt.Errorf("%w: signed by monitor %s, expected %s", ErrArchive, feed.Fingerprint(named), feed.Fingerprint(monitor))
	}
	sig, err := base64.StdEncoding.DecodeString(a.Sig)
	body, berr := archiveBody(a)
	if err != nil || berr != nil || !ed25519.Verify(named, body, sig) {
		return nil, fmt.Errorf("%w: the monitor's signature does not verify", ErrArchive)
	}
	for i, sc := range a.Screens {
		where := fmt.Sprintf("screen %d (%.40s)", i+1, sc.Name)
		dev, err := feed.ParsePublicKey([]byte(sc.Device))
		if err != nil {
			return nil, fmt.Errorf("%w: %s: device %v", ErrArchive, where, err)
		}
		if err := proof.VerifyReport(dev, sc.Head, sc.Report, sc.ReportSig); err != nil {
			return nil, fmt.Errorf("%s: %w", where, err)
		}
		var rep proof.Report
		if err := json.Unmarshal(sc.Report, &rep); err != nil {
			return nil, fmt.Errorf("%w: %s: report %v", ErrArchive, where, err)
		}
		found := false
		for _, n := range rep.Notices {
			found = found || (n.ID == a.Notice.ID && sameJSON(n, sc.Notice))
		}
		if !found {
			return nil, fmt.Errorf("%w: %s: the notice's entry is not the report's", ErrArchive, where)
		}
		r := sc.Receipt
		rsig, err := base64.StdEncoding.DecodeString(r.Sig)
		if err != nil || r.Device != sc.Device || r.Seq != sc.Head.Seq || r.Hash != sc.Head.Hash || r.Monitor != a.Monitor ||
			!ed25519.Verify(named, wire.ReceiptMessage(r), rsig) {
			return nil, fmt.Errorf("%w: %s: the monitor's receipt of the head does not verify", ErrArchive, where)
		}
	}
	return &a, nil
}

// VerifyArchiveFile is VerifyArchive of the archive file at path (from
// outside: a download, a USB stick), against the monitor.pub at keyPath
// ("": the key the archive names).
func VerifyArchiveFile(path, keyPath string) (*Archive, error) {
	var pub ed25519.PublicKey
	if keyPath != "" {
		var err error
		if pub, err = keyfile.ReadPublic(keyPath, "monitor key"); err != nil {
			return nil, err
		}
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	raw, err := feed.ReadLimited(f, proof.MaxExportSize, path)
	if err != nil {
		return nil, err
	}
	return VerifyArchive(raw, pub)
}
