package ui

import (
	"gongkai/config"
	gkscreen "gongkai/screen"
	"gongkai/ui/admin"
	"gongkai/ui/kit"
)

// applyConfig makes saved settings take effect without a restart.
func (k *Kiosk) applyConfig(c *config.Config) {
	k.deps.Admin.Config = c
	k.Location, k.deps.Location = c.Location, c.Location
	k.deps.Mode = c.Mode
	k.deps.Dwell = c.Dwell.Duration
	k.deps.Hours = kit.HoursOf(c.DisplayOn, c.DisplayOff)
	k.deps.StaleAfter = c.StaleAfter.Duration
	k.deps.IdleTimeout = c.IdleTimeout.Duration
	k.deps.TextStep = c.TextStep()
	k.deps.Volume, k.deps.ReadAloud = c.Volume, c.ReadAloud == "on"
	k.deps.Quiet = kit.HoursOf(c.QuietFrom, c.QuietTo)
	k.idle.Timeout = c.IdleTimeout.Duration
	k.disp.Rot.Dwell, k.disp.Rot.Hours = k.deps.Dwell, k.deps.Hours
	k.v.Configure(k.villagerOptions())
	k.alerts.SetDwell(k.deps.Dwell)
	k.applyMode()
}

// watchEvents hears the running screen (Deps.Events) until the kiosk
// closes.
func (k *Kiosk) watchEvents(ch <-chan gkscreen.Event) {
	for {
		select {
		case <-k.stopOnce:
			return
		case e, ok := <-ch:
			if !ok {
				return
			}
			switch e.Kind {
			case gkscreen.Tick:
				k.Refresh()
			case gkscreen.Volumes:
				paths := e.Volumes
				k.Logger.Info("removable media", "feeds", paths)
				k.do("volumes", func() { k.admin.VolumesChanged(paths) })
			}
		}
	}
}

// RequestLeave is the window's close button: leaving needs the PIN.
func (k *Kiosk) RequestLeave() { k.admin.Open(admin.PurposeLeave) }
