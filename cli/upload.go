package cli

import (
	"context"
	"fmt"
	"log/slog"
	gosync "sync"
	"time"

	"gongkai/config"
	"gongkai/proof"
	"gongkai/store"
	"gongkai/sync"
)

// reportUploads sends the screen's signed proof of display — the export
// `gongkai report --out FILE.json` writes, from the display log the
// witness keeps open — to report_url after each successful sync. An upload
// runs on its own goroutine with bounded tries (sync.Upload), so it never
// holds up a sync or the window; the outcome goes to DATA/upload.json for
// the status, and to the log once per upload.
type reportUploads struct {
	logOf func() *proof.Log // the display log while it is open
	data  string
	st    *store.Store
	cfg   func() *config.Config // the live configuration
	lg    *slog.Logger
	opt   sync.UploadOptions // zero: the defaults; tests shorten the retries

	ctx    context.Context
	cancel context.CancelFunc
	wg     gosync.WaitGroup

	mu      gosync.Mutex
	running bool      // an upload goroutine is under way
	again   bool      // a sync succeeded meanwhile: upload once more after it
	last    time.Time // the last upload that arrived (wall clock)
	every   time.Duration
}

// uploadEvery is the least time between uploads that arrived. Each export
// seals the open intervals into the chain (Checkpoint), about 6 KB for 17
// notices, and carries the whole chain: uploading after every 15-minute
// sync would grow each upload by half a megabyte a day, to some 19 MB. Four
// a day keep the township's copy fresh and the upload under a megabyte. A
// failed upload does not count: the next successful sync tries again.
const uploadEvery = 6 * time.Hour

func newReportUploads(logOf func() *proof.Log, data string, st *store.Store, cfg func() *config.Config, lg *slog.Logger) *reportUploads {
	ctx, cancel := context.WithCancel(context.Background())
	return &reportUploads{logOf: logOf, data: data, st: st, cfg: cfg, lg: lg, ctx: ctx, cancel: cancel, every: uploadEvery}
}

// kick asks for an upload after a successful sync. It returns at once: a
// sync that succeeds while an upload is under way gets one more upload
// after it (of the then latest report), not a queue of them.
func (u *reportUploads) kick() {
	if u.cfg().ReportURL == "" {
		return
	}
	u.mu.Lock()
	defer u.mu.Unlock()
	if u.ctx.Err() != nil {
		return
	}
	if !u.last.IsZero() && time.Since(u.last) < u.every {
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

func (u *reportUploads) loop() {
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
func (u *reportUploads) upload() {
	c := u.cfg()
	if c.ReportURL == "" {
		return
	}
	body, err := u.export(c)
	tries := 0
	if err == nil {
		tries, err = sync.Upload(u.ctx, c.ReportURL, body, u.opt)
	}
	if u.ctx.Err() != nil {
		return // the kiosk is stopping: the next sync after a start uploads again
	}
	attrs := []any{"bytes", len(body), "tries", tries}
	if _, rerr := sync.RecordUpload(u.data, c.ReportURL, u.st.Now(time.Now()), len(body), tries, err); rerr != nil {
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

// export is the signed export of the display log this process keeps.
func (u *reportUploads) export(c *config.Config) ([]byte, error) {
	log := u.logOf()
	if log == nil {
		return nil, errNoDisplayLog
	}
	build, err := reportBuild(u.st, c.Location, "", log.PublicKey(), screenHours(c), u.st.Now(time.Now()))
	if err != nil {
		return nil, err
	}
	return log.Export(build)
}

// close stops an upload under way, unrecorded, and waits for it. Call it
// before the display log closes.
func (u *reportUploads) close() {
	u.mu.Lock()
	u.cancel()
	u.mu.Unlock()
	u.wg.Wait()
}
