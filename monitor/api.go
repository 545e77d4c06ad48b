package monitor

import (
	"crypto/ed25519"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"

	bolt "go.etcd.io/bbolt"

	"gongkai/feed"
	"gongkai/monitor/wire"
)

// The screens' side of the server: three signed uploads. Each passes the
// same gate (upload), in this order, and the first rule broken answers:
// POST only; signature headers well-formed (401); the key enrolled (403,
// before any body is read); the body within the endpoint's cap (413); the
// signature over the body (401); the counter above the last accepted
// (409, with that counter, so a screen restored from a backup continues).
// The counter is checked again in the transaction that records the
// upload, so two requests racing with one counter cannot both pass.

// refusal is an upload refused with an HTTP status and one line.
type refusal struct {
	code int
	msg  string
}

func (r *refusal) Error() string { return r.msg }

func refuse(code int, format string, args ...any) *refusal {
	return &refusal{code, fmt.Sprintf(format, args...)}
}

// errStale: the counter is not above the last one accepted.
type errStale struct{ last uint64 }

func (e errStale) Error() string {
	return fmt.Sprintf("counter is not above %d, the last accepted: a replay, or a screen restored from a backup", e.last)
}

// upload is the gate of an endpoint; handle does the endpoint's work and
// returns its answer (or a refusal, errStale, or another error: 500).
func (s *Server) upload(endpoint string, limit int64, handle func(r *http.Request, v view, counter uint64, body []byte) (wire.Answer, error)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ans, err := s.gate(w, r, endpoint, limit, handle)
		var rf *refusal
		var st errStale
		code := http.StatusOK
		switch {
		case err == nil:
		case errors.As(err, &rf):
			code, ans.Error = rf.code, rf.msg
		case errors.As(err, &st):
			code, ans.Error, ans.Counter = http.StatusConflict, st.Error(), st.last
		default:
			s.lg.Error("monitor: upload", "endpoint", endpoint, "err", err)
			code, ans.Error = http.StatusInternalServerError, "the monitor could not record the upload"
		}
		if code != http.StatusOK {
			s.lg.Warn("monitor: upload refused", "endpoint", endpoint, "code", code, "err", ans.Error, "remote", s.clientIP(r))
		}
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Cache-Control", "no-store")
		w.WriteHeader(code)
		_ = json.NewEncoder(w).Encode(ans)
	})
}

func (s *Server) gate(w http.ResponseWriter, r *http.Request, endpoint string, limit int64, handle func(*http.Request, view, uint64, []byte) (wire.Answer, error)) (wire.Answer, error) {
	if r.Method != http.MethodPost {
		return wire.Answer{}, refuse(http.StatusMethodNotAllowed, "POST only")
	}
	sg, err := wire.ReadSigned(r.Header)
	if err != nil {
		return wire.Answer{}, refuse(http.StatusUnauthorized, "%v", err)
	}
	v, ok := s.fleet.get(sg.Device)
	if !ok {
		return wire.Answer{}, refuse(http.StatusForbidden, "device %s is not enrolled at this monitor", feed.Fingerprint(sg.Device))
	}
	if r.ContentLength > limit {
		return wire.Answer{}, refuse(http.StatusRequestEntityTooLarge, "%s upload is %d bytes, over %d", endpoint, r.ContentLength, limit)
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, limit))
	var tooBig *http.MaxBytesError
	switch {
	case errors.As(err, &tooBig):
		return wire.Answer{}, refuse(http.StatusRequestEntityTooLarge, "%s upload is over %d bytes", endpoint, limit)
	case err != nil:
		return wire.Answer{}, refuse(http.StatusBadRequest, "reading the upload: %v", err)
	}
	if !sg.Verify(endpoint, body) {
		return wire.Answer{}, refuse(http.StatusUnauthorized, "signature does not verify for device %s", feed.Fingerprint(sg.Device))
	}
	if sg.Counter <= v.State.Counter {
		return wire.Answer{Chain: v.State.Chain.wire()}, errStale{v.State.Counter}
	}
	ans, err := handle(r, v, sg.Counter, body)
	if err != nil {
		if cur, ok := s.fleet.get(sg.Device); ok {
			ans.Chain = cur.State.Chain.wire()
		}
	}
	return ans, err
}

// update runs fn on the screen's state in a write transaction (batched
// with other screens' uploads), refusing a counter not above the stored
// one, and puts the new state in the index once committed.
func (s *Server) update(pub ed25519.PublicKey, counter uint64, fn func(tx *bolt.Tx, st *state) error) (state, error) {
	var out state
	err := s.db.Batch(func(tx *bolt.Tx) error {
		var st state
		if _, err := getJSON(tx.Bucket(bucketState), pub, &st); err != nil {
			return err
		}
		if counter <= st.Counter {
			return errStale{st.Counter}
		}
		st.Counter = counter
		if err := fn(tx, &st); err != nil {
			return err
		}
		if err := putJSON(tx.Bucket(bucketState), pub, st); err != nil {
			return err
		}
		out = st
		return nil
	})
	if err != nil {
		return state{}, err
	}
	s.fleet.setState(pub, out)
	return out, nil
}

// heartbeat records a screen's heartbeat: its state, what changed (events)
// and its uptime.
func (s *Server) heartbeat(r *http.Request, v view, counter uint64, body []byte) (wire.Answer, error) {
	h, err := wire.ParseHeartbeat(body)
	if err != nil {
		return wire.Answer{}, refuse(http.StatusBadRequest, "%v", err)
	}
	now := s.now()
	st, err := s.update(v.Pub, counter, func(tx *bolt.Tx, st *state) error {
		for _, e := range changes(v.Screen, *st, h, now) {
			if err := addEvent(tx, v.Pub, now, e.Kind, e.Text); err != nil {
				return err
			}
		}
		st.Seen, st.Beat = now, &h
		// uptime by the screen's clock, but never ahead of ours
		end := min(h.At.Unix(), now.Unix())
		return addUptime(tx, v.Pub, h.Started.Unix(), end, s.opt.Timezone)
	})
	if err != nil {
		return wire.Answer{}, err
	}
	return wire.Answer{Counter: st.Counter, Chain: st.Chain.wire()}, nil
}

// changes are the events a heartbeat makes, against the screen's last one.
func changes(sc screen, prev state, h wire.Heartbeat, now time.Time) []event {
	var out []event
	add := func(kind, format string, args ...any) {
		out = append(out, event{Kind: kind, Text: fmt.Sprintf(format, args...)})
	}
	p := prev.Beat
	if p == nil {
		add(eventFirst, "首次上报：程序 %s，%s模式，数据源第 %d 版", h.Program, modeWords(h.Mode), h.Feed.Version)
	} else {
		if gap := now.Sub(prev.Seen); gap > silentAfter(p.Interval) {
			add(eventBack, "沉默 %s 后恢复上报", durationWords(gap))
		}
		if !h.Started.Equal(p.Started) {
			add(eventRestart, "程序重新启动（程序 %s）", h.Program)
		}
		if h.Feed.Version != p.Feed.Version {
			add(eventVersion, "数据源第 %d 版 → 第 %d 版", p.Feed.Version, h.Feed.Version)
		}
	}
	prevKind := ""
	if p != nil {
		prevKind = p.Sync.Kind
	}
	switch {
	case h.Sync.Kind != "" && (h.Sync.Kind != prevKind || p == nil):
		add(eventError, "同步失败：%s（%s）", kindWords(h.Sync.Kind), h.Sync.Error)
	case h.Sync.Kind == "" && prevKind != "":
		add(eventRecover, "同步恢复正常")
	}
	if !placed(sc, h) && (p == nil || placed(sc, *p)) {
		add(eventLocation, "屏幕报告的区划代码 %s 不在登记的 %s 之下", h.Location, sc.Village)
	}
	if h.Dropped > 0 {
		add(eventDropped, "监测台不可达期间，屏幕丢弃了 %d 条心跳（队列已满）", h.Dropped)
	}
	return out
}

// placed: the screen reports a location under the code it was enrolled with.
func placed(sc screen, h wire.Heartbeat) bool {
	return len(h.Location) >= len(sc.Village) && h.Location[:len(sc.Village)] == sc.Village
}

// silentAfter is how long after a heartbeat a screen counts as silent: two
// heartbeats missed, with their jitter (±10 %) and a little transit.
func silentAfter(interval int64) time.Duration {
	i := time.Duration(max(interval, 1)) * time.Second
	return 2*i + i/5 + 5*time.Second
}
