// Package logs sets up the screen's structured log: JSON lines (log/slog)
// in DATA/logs/gongkai.log, size-capped and rotated so months unattended
// never fill the disk, and the last lines kept in memory for the admin
// panel's log page.
package logs

import (
	"bytes"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"gopkg.in/natefinch/lumberjack.v2"
)

// Rotation limits: at most (1+MaxBackups)*MaxSizeMB on disk.
const (
	MaxSizeMB  = 5
	MaxBackups = 3
	File       = "gongkai.log"
)

// Log is an open log: the logger, its recent lines, and the file to close.
type Log struct {
	*slog.Logger
	Recent *Ring
	file   io.Closer
}

// Open logs to dataDir/logs/gongkai.log (and keep lines in memory). The
// directory is created; a failure to create it is returned, and the
// caller may still log to Recent through Memory.
func Open(dataDir string, level slog.Level) (*Log, error) {
	dir := filepath.Join(dataDir, "logs")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	lj := &lumberjack.Logger{
		Filename:   filepath.Join(dir, File),
		MaxSize:    MaxSizeMB,
		MaxBackups: MaxBackups,
		LocalTime:  true,
	}
	ring := NewRing(200)
	h := slog.NewJSONHandler(io.MultiWriter(lj, ring), &slog.HandlerOptions{Level: level})
	return &Log{Logger: slog.New(h), Recent: ring, file: lj}, nil
}

// Memory is a log kept in memory only (screenshots, tests, or a data
// directory whose logs folder cannot be written).
func Memory(w io.Writer) *Log {
	ring := NewRing(200)
	out := io.Writer(ring)
	if w != nil {
		out = io.MultiWriter(w, ring)
	}
	return &Log{Logger: slog.New(slog.NewJSONHandler(out, nil)), Recent: ring}
}

// Close closes the log file.
func (l *Log) Close() error {
	if l.file == nil {
		return nil
	}
	return l.file.Close()
}

// Ring keeps the last n lines written to it. slog handlers write one whole
// record per Write, but a Write may carry several lines or part of one.
type Ring struct {
	mu      sync.Mutex
	lines   []string
	next    int
	full    bool
	partial []byte
}

// NewRing keeps the last n lines.
func NewRing(n int) *Ring { return &Ring{lines: make([]string, max(1, n))} }

// Write implements io.Writer; it never fails.
func (r *Ring) Write(p []byte) (int, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	data := append(r.partial, p...)
	for {
		i := bytes.IndexByte(data, '\n')
		if i < 0 {
			break
		}
		r.add(string(data[:i]))
		data = data[i+1:]
	}
	// keep an unfinished line, bounded so a writer without newlines
	// cannot grow it forever
	r.partial = append([]byte(nil), data[:min(len(data), 64<<10)]...)
	return len(p), nil
}

func (r *Ring) add(line string) {
	line = strings.TrimRight(line, "\r")
	if line == "" {
		return
	}
	r.lines[r.next] = line
	r.next = (r.next + 1) % len(r.lines)
	if r.next == 0 {
		r.full = true
	}
}

// Lines returns the kept lines, oldest first.
func (r *Ring) Lines() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	if !r.full {
		return append([]string(nil), r.lines[:r.next]...)
	}
	return append(append([]string(nil), r.lines[r.next:]...), r.lines[:r.next]...)
}
