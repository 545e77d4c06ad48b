package screen

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	gosync "sync"
	"time"

	"gongkai/atomicfile"
	"gongkai/config"
	"gongkai/feed"
	"gongkai/proof"
	"gongkai/store"
	"gongkai/sync"
)

// Uploads sends the screen's signed proof of display — the export
// `gongkai report --out FILE.json` writes, from the display log the
// witness keeps open — to report_url after each successful sync. An upload
// runs on its own goroutine with bounded tries (sync.Upload), so it never
// holds up a sync or the window; the outcome goes to DATA/upload.json for
// the status, and to the log once per upload.
type Uploads struct {
	logOf   func() *proof.Log // the display log while it is open
	data    string
	st      func() *store.Store   // the open store (a test reopens it)
	cfg     func() *config.Config // the live configuration
	lg      *slog.Logger
	Options sync.UploadOptions // zero: the defaults; tests shorten the retries

	ctx    context.Context
	cancel context.CancelFunc
	wg     gosync.WaitGroup

	mu      gosync.Mutex
	running bool          // an upload goroutine is under way
	again   bool          // a sync succeeded meanwhile: upload once more after it
	last    time.Time     // the last upload that arrived (wall clock)
	Every   time.Duration // uploadEvery; 0 in tests: every Kick uploads
}

// uploadEvery is the least time between uploads that arrived. Each export
// seals the open intervals into the chain (Checkpoint), about 6 KB for 17
// notices, and carries the whole chain: uploading after every 15-minute
// sync would grow each upload by half a megabyte a day, to some 19 MB. Four
// a day keep the township's copy fresh and the upload under a megabyte. A
// failed upload does not count: the next successful sync tries again.
const uploadEvery = 6 * time.Hour

// NewUploads makes the uploads of the display log logOf returns (nil while
// it is not open), to the report_url of the live configuration cfg; st is
// the screen's open store.
func NewUploads(logOf func() *proof.Log, data string, st func() *store.Store, cfg func() *config.Config, lg *slog.Logger) *Uploads {
	ctx, cancel := context.WithCancel(context.Background())
	return &Uploads{logOf: logOf, data: data, st: st, cfg: cfg, lg: lg, ctx: ctx, cancel: cancel, Every: uploadEvery}
}

// Kick asks for an upload after a successful sync. It returns at once: a
// sync that succeeds while an upload is under way gets one more upload
// after it (of the then latest report), not a queue of them.
func (u *Uploads) Kick() {
	if u.cfg().ReportURL == "" {
		return
	}
	u.mu.Lock()
	defer u.mu.Unlock()
	if u.ctx.Err() != nil {
		return
	}
	if !u.last.IsZero() && time.Since(u.last) < u.Every {
		return
	}
	if u.running {
		u.again = true
		return
	}
	u.running = true
	u.wg.Add(1)
	go u.loop()
}

func (u *Uploads) loop() {
	defer u.wg.Done()
	defer func() {
		if r := recover(); r != nil {
			u.lg.Error("recovered panic", "job", "report upload", "panic", fmt.Sprint(r))
			u.mu.Lock()
			u.running = false
			u.mu.Unlock()
		}
	}()
	for {
		u.upload()
		u.mu.Lock()
		if !u.again || u.ctx.Err() != nil {
			u.running, u.again = false, false
			u.mu.Unlock()
			return
		}
		u.again = false
		u.mu.Unlock()
	}
}

// upload makes one upload and records its outcome.
func (u *Uploads) upload() {
	c := u.cfg()
	if c.ReportURL == "" {
		return
	}
	body, err := u.Export(c)
	tries := 0
	if err == nil {
		tries, err = sync.Upload(u.ctx, c.ReportURL, body, u.Options)
	}
	if u.ctx.Err() != nil {
		return // the kiosk is stopping: the next sync after a start uploads again
	}
	attrs := []any{"bytes", len(body), "tries", tries}
	if _, rerr := RecordUpload(u.data, c.ReportURL, u.st().Now(time.Now()), len(body), tries, err); rerr != nil {
		attrs = append(attrs, "status_err", rerr)
	}
	if err != nil {
		u.lg.Warn("report upload failed", append(attrs, "err", err)...)
	} else {
		u.lg.Info("report uploaded", attrs...)
		u.mu.Lock()
		u.last = time.Now()
		u.mu.Unlock()
	}
}

// Export is the signed export of the display log this process keeps.
func (u *Uploads) Export(c *config.Config) ([]byte, error) {
	log := u.logOf()
	if log == nil {
		return nil, ErrNoDisplayLog
	}
	build, err := ReportBuild(u.st(), c.Location, "", log.PublicKey(), Hours(c), u.st().Now(time.Now()))
	if err != nil {
		return nil, err
	}
	return log.Export(build)
}

// Close stops an upload under way, unrecorded, and waits for it. Call it
// before the display log closes.
func (u *Uploads) Close() {
	u.mu.Lock()
	u.cancel()
	u.mu.Unlock()
	u.wg.Wait()
}

// Wait waits for the upload under way, if any, to end.
func (u *Uploads) Wait() { u.wg.Wait() }

// UploadFile, in the data directory, is the outcome of the last upload:
// the kiosk writes it, `gongkai status` and the admin panel read it.
const UploadFile = "upload.json"

// maxUploadFile caps the status file read back.
const maxUploadFile = 16 << 10

// UploadStatus is the outcome of the report uploads. Times are zero for
// never.
type UploadStatus struct {
	URL         string    `json:"url"` // report_url of the last attempt, password hidden
	LastAttempt time.Time `json:"last_attempt"`
	LastSuccess time.Time `json:"last_success"`
	LastError   string    `json:"last_error"`          // one line; "" after a success
	LastKind    string    `json:"last_kind,omitempty"` // sync.KindOf the last error
	Tries       int       `json:"tries"`               // requests of the last attempt
	Bytes       int       `json:"bytes"`               // size of the last report sent
}

// LoadUploadStatus reads DATA/upload.json; the zero status when there is
// none yet.
func LoadUploadStatus(dataDir string) (UploadStatus, error) {
	var s UploadStatus
	f, err := os.Open(filepath.Join(dataDir, UploadFile))
	if errors.Is(err, fs.ErrNotExist) {
		return s, nil
	}
	if err != nil {
		return s, fmt.Errorf("upload status: %w", err)
	}
	defer f.Close()
	raw, err := io.ReadAll(io.LimitReader(f, maxUploadFile+1))
	if err == nil && len(raw) > maxUploadFile {
		err = fmt.Errorf("%s is over %d bytes", UploadFile, maxUploadFile)
	}
	if err == nil {
		err = json.Unmarshal(raw, &s)
	}
	if err != nil {
		return UploadStatus{}, fmt.Errorf("upload status: %w", err)
	}
	return s, nil
}

// RecordUpload notes an upload attempt at at in DATA/upload.json: err nil
// is a success and clears the last error. It returns the new status.
func RecordUpload(dataDir, rawURL string, at time.Time, size, tries int, err error) (UploadStatus, error) {
	s, lerr := LoadUploadStatus(dataDir)
	if lerr != nil {
		s = UploadStatus{} // a damaged record only loses the last success time
	}
	s.URL, s.LastAttempt, s.Tries, s.Bytes = sync.RedactURL(rawURL), at, tries, size
	if err != nil {
		s.LastError, s.LastKind = feed.Printable(err.Error(), 1000), string(sync.KindOf(err))
	} else {
		s.LastSuccess, s.LastError, s.LastKind = at, "", ""
	}
	raw, merr := json.MarshalIndent(s, "", "  ")
	if merr != nil {
		return s, merr
	}
	if werr := atomicfile.Write(filepath.Join(dataDir, UploadFile), append(raw, '\n')); werr != nil {
		return s, fmt.Errorf("upload status: %w", werr)
	}
	return s, nil
}
