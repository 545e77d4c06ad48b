package agent

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"gongkai/atomicfile"
)

// queue is a bounded queue of heartbeats on disk, oldest first: one file
// each, DATA/monitor/queue/<20-digit number>.json, written atomically. A
// heartbeat made while the monitor is out of reach waits here (so the
// township later sees when the screen was up), and past max the oldest
// are dropped and counted: the disk of a screen offline for a month does
// not fill up.
type queue struct {
	dir string
	max int
}

func newQueue(dir string, max int) (*queue, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("agent: queue: %w", err)
	}
	return &queue{dir: dir, max: max}, nil
}

// names are the queued files, oldest first; anything else in the folder
// (a temporary file a crash left) is ignored.
func (q *queue) names() ([]string, error) {
	ents, err := os.ReadDir(q.dir)
	if err != nil {
		return nil, fmt.Errorf("agent: queue: %w", err)
	}
	var out []string
	for _, e := range ents {
		n := e.Name()
		if num, ok := strings.CutSuffix(n, ".json"); ok && len(num) == 20 && e.Type().IsRegular() {
			if _, err := strconv.ParseUint(num, 10, 64); err == nil {
				out = append(out, n)
			}
		}
	}
	slices.Sort(out)
	return out, nil
}

// push adds body, dropping the oldest beyond max; it returns how many it dropped.
func (q *queue) push(body []byte) (int, error) {
	names, err := q.names()
	if err != nil {
		return 0, err
	}
	next := uint64(1)
	if n := len(names); n > 0 {
		last, _ := strconv.ParseUint(strings.TrimSuffix(names[n-1], ".json"), 10, 64)
		next = last + 1
	}
	if err := atomicfile.Write(filepath.Join(q.dir, fmt.Sprintf("%020d.json", next)), body); err != nil {
		return 0, fmt.Errorf("agent: queue: %w", err)
	}
	dropped := 0
	for len(names)+1 > q.max && len(names) > 0 {
		if err := os.Remove(filepath.Join(q.dir, names[0])); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return dropped, fmt.Errorf("agent: queue: %w", err)
		}
		names = names[1:]
		dropped++
	}
	return dropped, nil
}

// oldest is the first queued heartbeat ("" when the queue is empty), and
// how many wait behind it.
func (q *queue) oldest() (name string, body []byte, behind int, err error) {
	names, err := q.names()
	if err != nil || len(names) == 0 {
		return "", nil, 0, err
	}
	body, err = os.ReadFile(filepath.Join(q.dir, names[0]))
	if err != nil {
		return "", nil, 0, fmt.Errorf("agent: queue: %w", err)
	}
	return names[0], body, len(names) - 1, nil
}

func (q *queue) remove(name string) error {
	if err := os.Remove(filepath.Join(q.dir, name)); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("agent: queue: %w", err)
	}
	return nil
}
