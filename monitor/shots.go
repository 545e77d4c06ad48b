package monitor

import (
	"bytes"
	"fmt"
	"image"
	"image/jpeg"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"time"

	bolt "go.etcd.io/bbolt"
	"golang.org/x/image/draw"

	"gongkai/monitor/wire"
)

// Screenshots are files: DIR/shots/<key id>/<n>.jpg as the screen sent it
// (≤ 100 KB) and <n>.thumb.jpg (320 px wide) for the lists, n the
// monitor's clock at receipt in Unix nanoseconds. A screen's state lists
// the ones kept: the last shotsRecent, and before them the last of each
// day for shotsDays days. Files leave after the state that listed them.
const (
	shotsRecent  = 24
	shotsDays    = 7
	shotMaxSide  = 2048
	thumbWidth   = 320
	shotMinSpace = 10 * time.Minute // a screen sends at most hourly; this is the monitor's floor
)

func (s *Server) shotDir(id string) string { return filepath.Join(s.dir, "shots", id) }

func (s *Server) shotPath(id string, n int64, thumb bool) string {
	name := strconv.FormatInt(n, 10)
	if thumb {
		name += ".thumb"
	}
	return filepath.Join(s.shotDir(id), name+".jpg")
}

// screenshot takes a screen's JPEG: checked before it is decoded (a
// declared size is not trusted), thumbnailed, written, listed.
func (s *Server) screenshot(r *http.Request, v view, counter uint64, body []byte) (wire.Answer, error) {
	now := s.now()
	if n := len(v.State.Shots); n > 0 && now.Sub(time.Unix(0, v.State.Shots[n-1])) < shotMinSpace {
		return wire.Answer{}, refuse(http.StatusTooManyRequests, "a screenshot arrived less than %s ago", shotMinSpace)
	}
	cfg, format, err := image.DecodeConfig(bytes.NewReader(body))
	switch {
	case err != nil:
		return wire.Answer{}, refuse(http.StatusBadRequest, "screenshot is not an image: %v", err)
	case format != "jpeg":
		return wire.Answer{}, refuse(http.StatusBadRequest, "screenshot is %s, want JPEG", format)
	case cfg.Width < 16 || cfg.Height < 16 || cfg.Width > shotMaxSide || cfg.Height > shotMaxSide:
		return wire.Answer{}, refuse(http.StatusBadRequest, "screenshot is %d×%d, want 16 to %d pixels a side", cfg.Width, cfg.Height, shotMaxSide)
	}
	img, err := jpeg.Decode(bytes.NewReader(body))
	if err != nil {
		return wire.Answer{}, refuse(http.StatusBadRequest, "screenshot does not decode: %v", err)
	}
	thumb, err := thumbnail(img, thumbWidth)
	if err != nil {
		return wire.Answer{}, err
	}
	n := now.UnixNano()
	if err := os.MkdirAll(s.shotDir(v.ID), 0o700); err != nil {
		return wire.Answer{}, err
	}
	if err := writeShot(s.shotPath(v.ID, n, false), body); err != nil {
		return wire.Answer{}, err
	}
	if err := writeShot(s.shotPath(v.ID, n, true), thumb); err != nil {
		return wire.Answer{}, err
	}
	var gone []int64
	st, err := s.update(v.Pub, counter, func(tx *bolt.Tx, st *state) error {
		st.Shots, gone = keepShots(append(st.Shots, n), s.opt.Timezone)
		return nil
	})
	if err != nil {
		os.Remove(s.shotPath(v.ID, n, false))
		os.Remove(s.shotPath(v.ID, n, true))
		return wire.Answer{}, err
	}
	for _, g := range gone {
		os.Remove(s.shotPath(v.ID, g, false))
		os.Remove(s.shotPath(v.ID, g, true))
	}
	return wire.Answer{Counter: st.Counter, Chain: st.Chain.wire()}, nil
}

// keepShots splits shots (oldest first) into those kept and those to
// delete: the newest shotsRecent, and of the older the last of each day
// for shotsDays days before the newest.
func keepShots(shots []int64, tz *time.Location) (keep, gone []int64) {
	if len(shots) <= shotsRecent {
		return shots, nil
	}
	newest := time.Unix(0, shots[len(shots)-1]).In(tz)
	oldest := newest.AddDate(0, 0, -shotsDays).Unix()
	recent := shots[len(shots)-shotsRecent:]
	older := shots[:len(shots)-shotsRecent]
	for i, n := range older {
		t := time.Unix(0, n)
		lastOfDay := i+1 == len(older) || dayOf(time.Unix(0, older[i+1]).Unix(), tz) != dayOf(t.Unix(), tz)
		if lastOfDay && t.Unix() >= oldest {
			keep = append(keep, n)
		} else {
			gone = append(gone, n)
		}
	}
	return append(keep, recent...), gone
}

// thumbnail is img scaled to width, as a JPEG.
func thumbnail(img image.Image, width int) ([]byte, error) {
	b := img.Bounds()
	h := max(1, b.Dy()*width/max(1, b.Dx()))
	dst := image.NewRGBA(image.Rect(0, 0, width, h))
	draw.ApproxBiLinear.Scale(dst, dst.Bounds(), img, b, draw.Src, nil)
	var out bytes.Buffer
	if err := jpeg.Encode(&out, dst, &jpeg.Options{Quality: 70}); err != nil {
		return nil, fmt.Errorf("monitor: thumbnail: %w", err)
	}
	return out.Bytes(), nil
}

// writeShot writes a screenshot whole (a temporary file renamed) but
// without fsync: a picture lost to a power cut is replaced within the
// hour, and ten thousand screens' pictures would otherwise cost four disk
// flushes each, which the heartbeats' commits wait behind.
func writeShot(path string, data []byte) error {
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, data, 0o600); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}
