package cli

import (
	"context"
	"image"
	"log/slog"
	"time"

	"gongkai/config"
	"gongkai/monitor/agent"
	"gongkai/proof"
	"gongkai/store"
)

// The kiosk's side of the township's monitor (monitor_url): heartbeats,
// the proof of display, screenshots (monitor/agent). Kept apart from
// kiosk.go so the screen runtime (issue #20) can take it whole.

// newAgent makes the agent of a kiosk; nil (which ignores everything)
// when the screen has no device key.
func newAgent(data string, st *store.Store, cfg func() *config.Config, export func() ([]byte, error), lg *slog.Logger) *agent.Agent {
	key, err := proof.EnsureDeviceKey(data)
	if err != nil {
		lg.Error("monitor agent off: no device key", "err", err)
		return nil
	}
	a, err := agent.New(agent.Options{Data: data, Key: key, Store: st, Config: cfg, Program: Version,
		Started: time.Now(), Export: export, Logger: lg})
	if err != nil {
		lg.Error("monitor agent off", "err", err)
		return nil
	}
	return a
}

// runAgent runs the agent, taking screenshots with capture, until the
// returned stop.
func runAgent(a *agent.Agent, capture func(context.Context) (image.Image, error)) (stop func()) {
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
