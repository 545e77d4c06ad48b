package ui

import "sync"

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
func inline(job func()) { job() }

type latest struct {
	mu      sync.Mutex
	next    func()
	running bool
}

// run hands job to the background, or to k.spawn when set (tests and
// screenshots: see Kiosk.spawn).
func (l *latest) run(k *Kiosk, name string, job func()) {
	if k.spawn != nil {
		k.spawn(job)
		return
	}
	l.mu.Lock()
	l.next = job
	start := !l.running
	l.running = true
	l.mu.Unlock()
	if start {
		go l.loop(k, name)
	}
}

func (l *latest) loop(k *Kiosk, name string) {
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
			defer k.recovered(name)
			job()
		}()
	}
}
