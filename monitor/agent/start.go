package agent

import (
	"context"
	"image"
	"log/slog"

	"gongkai/proof"
)

// ForScreen makes the agent of the screen in opt.Data with its device key
// (made when missing). A screen that has none, or whose agent cannot
// start, still runs: that is one line in its log, and the nil Agent it
// gets ignores everything (Start).
func ForScreen(opt Options) *Agent {
	if opt.Logger == nil {
		opt.Logger = slog.Default()
	}
	key, err := proof.EnsureDeviceKey(opt.Data)
	if err != nil {
		opt.Logger.Error("monitor agent off: no device key", "err", err)
		return nil
	}
	opt.Key = key
	a, err := New(opt)
	if err != nil {
		opt.Logger.Error("monitor agent off", "err", err)
		return nil
	}
	return a
}

// Start runs the agent in the background, taking screenshots with
// capture, until the returned stop, which waits for it to end. A nil
// Agent starts nothing.
func (a *Agent) Start(capture func(context.Context) (image.Image, error)) (stop func()) {
	if a == nil {
		return func() {}
	}
	a.SetCapture(capture)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		a.Run(ctx)
	}()
	return func() {
		cancel()
		<-done
	}
}
