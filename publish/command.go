package publish

import (
	"fmt"
	"io"
	"time"
)

// What gongkai publish does and says, in the order a clerk reads it.

// PublishAndSay is gongkai publish: src published into out, the alerts
// beside it re-signed (so they never expire while the feed lives; ended
// alerts drop out), and the feed also written as one bundle file when
// bundle is given. Each step is a line on w.
func PublishAndSay(src *Source, out, bundle string, opt Options, w io.Writer) error {
	if bundle != "" && !IsBundleName(bundle) {
		return fmt.Errorf("--bundle %s: the name must end in .zip or .tar", bundle)
	}
	res, err := Publish(src, out, opt)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "published %s version %d: %d items, %d attachments, %d new objects, expires in %s\n",
		src.Feed.ID, res.Version, res.Items, res.Attachments, res.NewObjects, opt.Expiry.Round(time.Hour))
	a, err := ResignAlerts(out, opt)
	if err != nil {
		return err
	}
	if a != nil {
		fmt.Fprintf(w, "alerts version %d re-signed: %d in force\n", a.Version, a.Alerts)
	}
	if opt.Reset {
		fmt.Fprintf(w, "reset: epoch %d starts at version 1; screens accept it whatever they held before\n", res.Epoch)
	}
	if bundle != "" {
		b, err := WriteBundle(out, bundle)
		if err != nil {
			return err
		}
		fmt.Fprintf(w, "bundle %s: version %d, %d objects, %.1f MiB\n", bundle, b.Version, b.Objects, float64(b.Bytes)/(1<<20))
	}
	return nil
}

// PublishAlertsAndSay is publish's alerts-only mode: the alert a clerk
// wrote (file) and a national warning (capFile) added, the alert cancel
// withdrawn ("" leaves each out), said on w.
func PublishAlertsAndSay(out, file, capFile, cancel string, opt Options, w io.Writer) error {
	now := opt.Now
	if now.IsZero() {
		now = time.Now()
	}
	ch, tz, err := readAlertChange(out, file, capFile, cancel, now)
	if err != nil {
		return err
	}
	res, err := PublishAlerts(out, ch, opt)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "published alerts version %d: %d in force, %d ended and dropped\n", res.Version, res.Alerts, res.Dropped)
	ch.writeAdded(w, tz)
	return nil
}
