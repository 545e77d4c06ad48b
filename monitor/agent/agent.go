// Package agent is the screen's side of the township's monitor (`gongkai
// monitor`): it tells the monitor, every heartbeat interval, how the
// screen is (version, last sync and the kind of its last error, uptime,
// free disk, on-hours, the notices on show), uploads its signed proof of
// display every 6 hours — only the part of the chain the monitor does not
// hold yet — and a small screenshot at most hourly. Every upload is signed
// with the device key over a counter that only grows (monitor/wire).
//
// Nothing of it can stop the screen: heartbeats made while the monitor is
// out of reach wait in a bounded queue on disk and go when it answers
// again; failures back off (exponentially, with jitter, up to an hour);
// a screenshot is taken through the UI loop only when the kiosk says the
// screen is not in use. The agent reads monitor_url from the live
// configuration each time, so the admin panel can turn it on or off.
package agent

import (
	"context"
	"crypto/ed25519"
	"encoding/json"
	"errors"
	"fmt"
	"image"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"path/filepath"
	"time"

	"gongkai/config"
	"gongkai/monitor/wire"
	"gongkai/proof"
	"gongkai/store"
)

// Options are what the agent reads of the running screen.
type Options struct {
	Data    string             // the screen's data directory; the agent keeps DATA/monitor/
	Key     ed25519.PrivateKey // the device key (proof.EnsureDeviceKey)
	Store   *store.Store
	Config  func() *config.Config // the live configuration
	Program string                // gongkai version
	Started time.Time             // the program's start
	// Export is the screen's signed proof-of-display export (the JSON of
	// `gongkai report --out`); nil sends no proof.
	Export func() ([]byte, error)
	// Capture is what the screen shows now; nil, or an error (the screen
	// is in use), sends no screenshot this time.
	Capture func(ctx context.Context) (image.Image, error)
	Logger  *slog.Logger

	// For tests: the clock, the HTTP client, and the spacing of proofs
	// and screenshots (ProofEvery, ShotEvery).
	Clock      func() time.Time
	Client     *http.Client
	ProofEvery time.Duration
	ShotEvery  time.Duration
}

// Spacing of the uploads besides heartbeats. Each proof upload seals the
// display log's open intervals into its chain (proof.Log.Checkpoint), so
// more often would lengthen the chain for nothing.
const (
	ProofEvery = 6 * time.Hour
	ShotEvery  = time.Hour
	// queueMax heartbeats wait while the monitor is out of reach: a day's at 15 minutes.
	queueMax = 96
	// backoffCap bounds the wait between tries while the monitor is out of reach.
	backoffCap = time.Hour
	// settle: the first screenshot and proof wait this long after the
	// program's start, for a drawn window and a display log with something in it.
	settle = 20 * time.Second
)

// Agent is the running screen side. Run it once.
type Agent struct {
	opt     Options
	key     ed25519.PrivateKey
	client  *http.Client
	counter *counter
	queue   *queue
	lg      *slog.Logger

	// the loop's own state
	chain     wire.Chain // the monitor's copy, as its last answer said
	whole     bool       // send the whole chain next
	lastProof time.Time
	lastShot  time.Time
	dropped   int // heartbeats dropped from the queue, not yet reported
	down      int // failed flushes in a row
}

// New prepares the agent: DATA/monitor/ with its queue and counter.
func New(opt Options) (*Agent, error) {
	if len(opt.Key) != ed25519.PrivateKeySize {
		return nil, errors.New("agent: no device key")
	}
	if opt.Clock == nil {
		opt.Clock = time.Now
	}
	if opt.Logger == nil {
		opt.Logger = slog.Default()
	}
	if opt.ProofEvery <= 0 {
		opt.ProofEvery = ProofEvery
	}
	if opt.ShotEvery <= 0 {
		opt.ShotEvery = ShotEvery
	}
	dir := filepath.Join(opt.Data, "monitor")
	q, err := newQueue(filepath.Join(dir, "queue"), queueMax)
	if err != nil {
		return nil, err
	}
	a := &Agent{opt: opt, key: opt.Key, client: opt.Client, counter: loadCounter(filepath.Join(dir, "counter")), queue: q, lg: opt.Logger}
	if a.client == nil {
		a.client = newClient()
	}
	return a, nil
}

func (a *Agent) now() time.Time { return a.opt.Clock() }

// SetCapture sets how screenshots are taken (the window exists after the
// agent): before Run.
func (a *Agent) SetCapture(capture func(ctx context.Context) (image.Image, error)) {
	a.opt.Capture = capture
}

// Run sends heartbeats every interval (±10 %), the first within a tenth
// of it (screens that all boot after a power cut spread out), until ctx
// ends. While the monitor does not answer, heartbeats queue and tries
// back off; the next heartbeat after a success sends the queue.
func (a *Agent) Run(ctx context.Context) {
	defer func() {
		if r := recover(); r != nil {
			a.lg.Error("recovered panic", "job", "monitor agent", "panic", fmt.Sprint(r))
		}
	}()
	interval := a.opt.Config().Heartbeat()
	nextBeat := a.now().Add(randDuration(interval / 10))
	var retry time.Time // when failing: the next try
	for {
		wake := nextBeat
		if !retry.IsZero() && retry.Before(wake) {
			wake = retry
		}
		t := time.NewTimer(max(0, wake.Sub(a.now())))
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-t.C:
		}
		cfg := a.opt.Config()
		interval = cfg.Heartbeat()
		now := a.now()
		beat := !now.Before(nextBeat)
		if beat {
			nextBeat = now.Add(jitter(interval))
		}
		if cfg.MonitorURL == "" {
			retry = time.Time{}
			continue
		}
		if beat {
			a.enqueue(cfg, now)
			if !retry.IsZero() && now.Before(retry) {
				continue // backing off: the heartbeat waits in the queue
			}
		}
		if err := a.flush(ctx, cfg); err != nil {
			if ctx.Err() != nil {
				return
			}
			a.down++
			retry = now.Add(backoff(a.down, interval))
			if a.down == 1 {
				a.lg.Warn("monitor unreachable: heartbeats wait in the queue", "err", err)
			}
			continue
		}
		if a.down > 0 {
			a.lg.Info("monitor reachable again", "failed_tries", a.down)
		}
		a.down, retry = 0, time.Time{}
	}
}

// enqueue makes a heartbeat and queues it; a queue that cannot be written
// (a full disk) loses the heartbeat, not the screen.
func (a *Agent) enqueue(cfg *config.Config, now time.Time) {
	h := a.heartbeat(cfg, now)
	body, err := json.Marshal(h)
	if err == nil {
		var n int
		n, err = a.queue.push(body)
		a.dropped += n
	}
	if err != nil {
		a.lg.Warn("monitor heartbeat not queued", "err", err)
	}
}

// flush sends the queued heartbeats, oldest first, then a proof and a
// screenshot when they are due. A heartbeat the monitor refuses (it will
// refuse it again) is dropped, not retried forever.
func (a *Agent) flush(ctx context.Context, cfg *config.Config) error {
	for {
		name, body, behind, err := a.queue.oldest()
		if err != nil {
			return err
		}
		if name == "" {
			break
		}
		body, err = a.stamp(body, behind)
		if err == nil {
			var ans wire.Answer
			ans, err = a.post(ctx, cfg.MonitorURL, wire.UploadHeartbeat, "application/json", body, nil)
			if err == nil {
				a.chain, a.dropped = ans.Chain, 0
			}
		}
		if err != nil && !refused(err) {
			return err
		}
		if err != nil {
			a.lg.Warn("monitor refused a heartbeat: dropped", "err", err)
		}
		if err := a.queue.remove(name); err != nil {
			return err
		}
	}
	now := a.now()
	// The monitor's answers to these (refusals, errors) are logged, not
	// failures of the flush: only a monitor out of reach is.
	settled := now.Sub(a.opt.Started) >= settle
	if a.opt.Export != nil && settled && (a.lastProof.IsZero() || now.Sub(a.lastProof) >= a.opt.ProofEvery) {
		if err := a.sendProof(ctx, cfg); err != nil {
			return err
		}
	}
	if a.opt.Capture != nil && cfg.MonitorScreenshots != "off" && settled &&
		(a.lastShot.IsZero() || now.Sub(a.lastShot) >= a.opt.ShotEvery) {
		if err := a.sendShot(ctx, cfg); err != nil {
			return err
		}
	}
	return nil
}

// stamp sets a queued heartbeat's queue counts as it leaves.
func (a *Agent) stamp(body []byte, behind int) ([]byte, error) {
	var h wire.Heartbeat
	if err := json.Unmarshal(body, &h); err != nil {
		return nil, &sendError{http.StatusBadRequest, "a queued heartbeat is damaged"}
	}
	h.Queued, h.Dropped = behind, a.dropped
	return json.Marshal(h)
}

// sendProof uploads the display log's export, cut to what the monitor
// lacks. One that is refused waits ProofEvery like a success (it would be
// refused again now), and the next sends the whole chain.
func (a *Agent) sendProof(ctx context.Context, cfg *config.Config) error {
	full, err := a.opt.Export()
	if err != nil {
		a.lastProof = a.now() // the log is closed or unreadable: try at the next proof time
		a.lg.Warn("monitor proof: no export", "err", err)
		return nil
	}
	up, err := Cut(full, a.chain, a.whole)
	if err != nil {
		return err
	}
	body, err := wire.EncodeProof(up)
	if err != nil {
		return err
	}
	ans, err := a.post(ctx, cfg.MonitorURL, wire.UploadProof, "application/gzip", body, nil)
	if ans.Chain != (wire.Chain{}) || err == nil {
		a.chain = ans.Chain
	}
	var se *sendError
	switch {
	case err == nil:
		a.lastProof, a.whole = a.now(), false
		a.lg.Info("monitor proof uploaded", "bytes", len(body), "head", ans.Chain.Seq)
	case ans.Whole:
		a.whole = true // and again at the next flush, whole
	case errors.As(err, &se) && se.code < 500:
		// refused, or not yet (busy): the next proof time, whole
		a.lastProof, a.whole = a.now(), true
		a.lg.Warn("monitor refused the proof", "err", err)
	case errors.As(err, &se):
		a.lg.Warn("monitor proof failed: again at the next heartbeat", "err", err)
	default:
		return err // out of reach
	}
	return nil
}

// sendShot uploads what the screen shows, when the kiosk lets it.
func (a *Agent) sendShot(ctx context.Context, cfg *config.Config) error {
	img, err := a.opt.Capture(ctx)
	if err != nil || img == nil {
		return nil // in use (touch mode) or no window: another time
	}
	jpg, err := EncodeShot(img)
	if err != nil {
		a.lastShot = a.now()
		a.lg.Warn("monitor screenshot", "err", err)
		return nil
	}
	h := http.Header{}
	h.Set(wire.HeaderTaken, fmt.Sprint(a.now().Unix()))
	_, err = a.post(ctx, cfg.MonitorURL, wire.UploadScreenshot, "image/jpeg", jpg, h)
	var se *sendError
	switch {
	case err == nil:
		a.lastShot = a.now()
	case errors.As(err, &se) && se.code < 500:
		a.lastShot = a.now() // refused, or one came too soon (a restart): the next shot time
		a.lg.Warn("monitor refused the screenshot", "err", err)
	case errors.As(err, &se):
		a.lg.Warn("monitor screenshot failed: again at the next heartbeat", "err", err)
	default:
		return err
	}
	return nil
}

// Cut is the proof upload of a full export for a monitor holding chain:
// the summaries and entries after it, when the export's own chain passes
// through the monitor's head; else (or when whole) the whole chain.
func Cut(full []byte, chain wire.Chain, whole bool) (wire.ProofUpload, error) {
	if whole || chain == (wire.Chain{}) {
		return wire.ProofUpload{Export: full}, nil
	}
	var x proof.Export
	if err := json.Unmarshal(full, &x); err != nil {
		return wire.ProofUpload{}, fmt.Errorf("agent: export unreadable: %w", err)
	}
	if !passes(x, chain) {
		return wire.ProofUpload{Export: full}, nil
	}
	var ss []proof.SummaryJSON
	for _, s := range x.Summaries {
		if s.FirstSeq > chain.Summarized {
			ss = append(ss, s)
		}
	}
	var es []proof.EntryJSON
	for _, e := range x.Entries {
		if e.Seq > chain.Seq {
			es = append(es, e)
		}
	}
	x.Summaries, x.Entries = ss, es
	if x.Summaries == nil {
		x.Summaries = []proof.SummaryJSON{}
	}
	if x.Entries == nil {
		x.Entries = []proof.EntryJSON{}
	}
	raw, err := wire.Marshal(x)
	if err != nil {
		return wire.ProofUpload{}, err
	}
	return wire.ProofUpload{Base: chain, Export: raw}, nil
}

// passes reports whether the export's chain has the monitor's head (as an
// entry, or as the end of a summary) and a summary ending where the
// monitor's summaries end.
func passes(x proof.Export, c wire.Chain) bool {
	head, sum := false, c.Summarized == 0
	for _, s := range x.Summaries {
		head = head || (s.LastSeq == c.Seq && s.LastHash == c.Hash)
		sum = sum || s.LastSeq == c.Summarized
	}
	for _, e := range x.Entries {
		head = head || (e.Seq == c.Seq && e.Hash == c.Hash)
	}
	return head && sum
}

// jitter is d ± 10 %.
func jitter(d time.Duration) time.Duration {
	return d - d/10 + randDuration(d/5)
}

// backoff is the wait after n failures in a row: from the smaller of 30 s
// and the interval, doubling, up to the smaller of an hour and four
// intervals (never under one), with full jitter over its upper half.
func backoff(n int, interval time.Duration) time.Duration {
	d := min(30*time.Second, interval)
	ceiling := max(interval, min(backoffCap, 4*interval))
	for i := 1; i < n && d < ceiling; i++ {
		d *= 2
	}
	d = min(d, ceiling)
	return d/2 + randDuration(d/2)
}

func randDuration(d time.Duration) time.Duration {
	if d <= 0 {
		return 0
	}
	return time.Duration(rand.Int64N(int64(d)))
}
