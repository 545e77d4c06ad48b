package cli

import (
	"context"
	"image"
	"log/slog"
	"time"

	"gongkai/config"
	"gongkai/monitor/agent"
	"gongkai/store"
)

// The kiosk's side of the township's monitor (monitor_url): heartbeats,
// the proof of display, screenshots (monitor/agent).

// newAgent makes the agent of a kiosk; nil (which ignores everything)
// when the screen has no device key.
func newAgent(data string, st *store.Store, cfg func() *config.Config, export func() ([]byte, error), lg *slog.Logger) *agent.Agent {
	return agent.ForScreen(agent.Options{Data: data, Store: st, Config: cfg, Program: Version,
		Started: time.Now(), Export: export, Logger: lg})
}

// runAgent runs the agent, taking screenshots with capture, until the
// returned stop.
func runAgent(a *agent.Agent, capture func(context.Context) (image.Image, error)) (stop func()) {
	return a.Start(capture)
}
