package cli

import (
	"context"

	"fyne.io/fyne/v2"

	"gongkai/watchdog"
)

// startWatchdog tells systemd (Type=notify, WatchdogSec=) that the kiosk is
// up and, through fyne.Do, that its UI loop still runs callbacks; a hung
// loop stops the pings and systemd restarts the kiosk. Call it just before
// the loop starts and call the returned stop when it has ended. Outside
// systemd it does nothing.
func startWatchdog() (stop func()) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		watchdog.Start(ctx, fyne.Do)
	}()
	return func() {
		cancel()
		<-done
	}
}
