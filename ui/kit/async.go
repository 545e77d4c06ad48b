package kit

import (
	"fmt"
	"log/slog"
	"runtime/debug"
	"slices"
	"sync"
)

// Store reads that can take a while — a search, a topic's notices, the
// admin status — run off the UI goroutine, one kind at a time: a job
// handed in while another of its kind runs waits, and replaces any job
// still waiting. A burst of key presses on the search keypad thus costs
// the query running and the last one, never a queue; results come back
// through fyne.Do, and each view drops those of a query it no longer shows.
//
// inline is a Kiosk.spawn that runs each job at once, on the caller's
// goroutine, where fyne.Do then runs in place: a screenshot shows what the
// store answers, and tests need no waiting.
func Inline(job func()) { job() }

type Latest struct {
	mu      sync.Mutex
	next    func()
	running bool
}

// run hands job to the background, or to spawn when set (tests and
// screenshots: see Kiosk.spawn). A panic in job is kept in f.
func (l *Latest) Run(spawn func(func()), f *Faults, name string, job func()) {
	if spawn != nil {
		spawn(job)
		return
	}
	l.mu.Lock()
	l.next = job
	start := !l.running
	l.running = true
	l.mu.Unlock()
	if start {
		go l.loop(f, name)
	}
}

func (l *Latest) loop(f *Faults, name string) {
	for {
		l.mu.Lock()
		job := l.next
		l.next = nil
		if job == nil {
			l.running = false
			l.mu.Unlock()
			return
		}
		l.mu.Unlock()
		func() {
			defer f.Recovered(name)
			job()
		}()
	}
}

// faults keeps the panics recovered in background jobs and UI callbacks,
// for the status page: the job is not restarted, the screen keeps what it
// shows, and the clerk sees why.
type Faults struct {
	logger *slog.Logger
	mu     sync.Mutex
	list   []string
}

func NewFaults(logger *slog.Logger) *Faults { return &Faults{logger: logger} }

// recovered must be deferred directly (defer f.recovered(name)) for its
// recover to see the panic.
func (f *Faults) Recovered(name string) {
	r := recover()
	if r == nil {
		return
	}
	f.logger.Error("recovered panic", "job", name, "panic", fmt.Sprint(r), "stack", string(debug.Stack()))
	f.mu.Lock()
	defer f.mu.Unlock()
	f.list = append(f.list, fmt.Sprintf("%s 出错：%v", name, r))
	if len(f.list) > 10 {
		f.list = f.list[len(f.list)-10:]
	}
}

// faultList is a copy of the recovered panics, newest last.
func (f *Faults) FaultList() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.list)
}
