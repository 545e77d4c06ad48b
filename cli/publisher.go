package cli

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"time"

	"gongkai/feed"
	"gongkai/keyfile"
	"gongkai/publish"
)

func init() {
	register("keygen", "make a publisher key pair: --out DIR [--encrypt] [--passphrase-file FILE]; or encrypt a key file: --encrypt-existing FILE", runKeygen)
	register("publish", "build a signed feed: --key FILE --src DIR --out DIR [--passphrase-file FILE] [--dry-run] [--expires 720h] [--bundle FILE.zip|FILE.tar] [--reset] [--speak]; or alerts only: --key FILE --out DIR --alert FILE.md | --alert-from FILE.xml | --cancel-alert ID", runPublish)
}

func runKeygen(env *Env, args []string) error {
	fs := newFlags(env, "keygen")
	out := fs.String("out", "", "folder for publisher.key and publisher.pub")
	encrypt := fs.Bool("encrypt", false, "encrypt publisher.key with a passphrase (asked on the terminal, or --passphrase-file)")
	existing := fs.String("encrypt-existing", "", "encrypt this plain key file in place")
	passFile := fs.String("passphrase-file", "", "read the passphrase from the first line of this file")
	if err := parse(fs, args, 0); err != nil {
		return err
	}
	if *existing != "" {
		if err := keyfile.EncryptFile(*existing, prompt(env, *passFile)); err != nil {
			return err
		}
		fmt.Fprintf(env.Stdout, "%s is now encrypted; publish asks its passphrase (or reads --passphrase-file)\n", *existing)
		return nil
	}
	if err := required(fs, "out"); err != nil {
		return err
	}
	pub, keyPath, pubPath, err := keyfile.Generate(*out, *encrypt, prompt(env, *passFile))
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "key %s\nprivate: %s (keep it offline)\npublic:  %s (give it to every screen at init)\n",
		feed.Fingerprint(pub), keyPath, pubPath)
	return nil
}

func runPublish(env *Env, args []string) error {
	fs := newFlags(env, "publish")
	keyPath := fs.String("key", "", "publisher private key file")
	srcDir := fs.String("src", "", "source folder (feed.yaml and *.md items)")
	outDir := fs.String("out", "", "feed folder to create or update")
	expires := fs.Duration("expires", publish.DefaultExpiry, "how long the feed stays valid")
	bundle := fs.String("bundle", "", "also write the feed as one .zip or .tar file, for a USB stick")
	reset := fs.Bool("reset", false, "start a new epoch at version 1: the way back from a publication with a wrong date or version (see feed/FORMAT.md)")
	speak := fs.Bool("speak", false, "read every notice without a recording of its own aloud with espeak-ng (voice cmn), as signed audio")
	alertFile := fs.String("alert", "", "publish an urgent alert written in FILE.md (front matter: id, title, agency, end, locations) beside the feed in --out")
	alertFrom := fs.String("alert-from", "", "publish an alert from a GB/T 35965.1 / CAP 1.2 warning (FILE.xml)")
	cancel := fs.String("cancel-alert", "", "withdraw the alert with this id before its end")
	passFile := fs.String("passphrase-file", "", "the passphrase of an encrypted --key, on the first line of this file (else it is asked on the terminal)")
	dryRun := fs.Bool("dry-run", false, "print what publishing --src would change for screens in --out, per village, and write nothing (no --key needed)")
	if err := parse(fs, args, 0); err != nil {
		return err
	}
	if *dryRun {
		if err := required(fs, "src", "out"); err != nil {
			return err
		}
		return printPlan(env, *srcDir, *outDir)
	}
	if *alertFile != "" || *alertFrom != "" || *cancel != "" {
		if err := required(fs, "key", "out"); err != nil {
			return err
		}
		priv, plain, err := keyfile.Load(*keyPath, prompt(env, *passFile))
		if err != nil {
			return err
		}
		if err := publishAlerts(env, *outDir, *alertFile, *alertFrom, *cancel, publish.Options{Key: priv, Expiry: *expires, Reset: *reset}); err != nil {
			return err
		}
		if plain {
			plainKeyWarning(env, *keyPath)
		}
		return nil
	}
	if err := required(fs, "key", "src", "out"); err != nil {
		return err
	}
	priv, plain, err := keyfile.Load(*keyPath, prompt(env, *passFile))
	if err != nil {
		return err
	}
	src, err := publish.ParseSource(*srcDir)
	if err != nil {
		return err
	}
	for _, w := range src.Warnings {
		fmt.Fprintln(env.Stderr, "warning:", w)
	}
	if src.Calendar == nil && slices.ContainsFunc(src.Items, func(si *publish.SourceItem) bool { return si.Item.PostingWorkdays > 0 }) {
		fmt.Fprintf(env.Stderr, "warning: %s has no %s: screens count posting_workdays Monday–Friday and say so\n", *srcDir, publish.CalendarFile)
	}
	if *bundle != "" && !publish.IsBundleName(*bundle) {
		return fmt.Errorf("--bundle %s: the name must end in .zip or .tar", *bundle)
	}
	cache := ""
	if dir, err := os.UserCacheDir(); err == nil {
		cache = filepath.Join(dir, "gongkai", "speech")
	}
	res, err := publish.Publish(src, *outDir, publish.Options{Key: priv, Expiry: *expires, Reset: *reset, Speak: *speak, SpeechCache: cache})
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "published %s version %d: %d items, %d attachments, %d new objects, expires in %s\n",
		src.Feed.ID, res.Version, res.Items, res.Attachments, res.NewObjects, expires.Round(time.Hour))
	if _, err := os.Stat(filepath.Join(*outDir, feed.AlertsFile)); err == nil {
		// Re-signed with every publication, so the alerts object never
		// expires while the feed is alive; ended alerts drop out.
		a, err := publish.PublishAlerts(*outDir, publish.AlertChange{}, publish.Options{Key: priv, Expiry: *expires, Reset: *reset})
		if err != nil {
			return err
		}
		fmt.Fprintf(env.Stdout, "alerts version %d re-signed: %d in force\n", a.Version, a.Alerts)
	}
	if *reset {
		fmt.Fprintf(env.Stdout, "reset: epoch %d starts at version 1; screens accept it whatever they held before\n", res.Epoch)
	}
	if *bundle != "" {
		b, err := publish.WriteBundle(*outDir, *bundle)
		if err != nil {
			return err
		}
		fmt.Fprintf(env.Stdout, "bundle %s: version %d, %d objects, %.1f MiB\n", *bundle, b.Version, b.Objects, float64(b.Bytes)/(1<<20))
	}
	if plain {
		plainKeyWarning(env, *keyPath)
	}
	return nil
}

// publishAlerts is publish's alerts-only mode: one alert added (from a
// file a clerk wrote, or a national warning), or one cancelled.
func publishAlerts(env *Env, out, file, capFile, cancel string, opt publish.Options) error {
	tz, err := publish.FeedZone(out)
	if err != nil {
		return err
	}
	now := time.Now()
	var ch publish.AlertChange
	if cancel != "" {
		ch.Cancel = append(ch.Cancel, cancel)
	}
	for _, f := range []struct {
		path  string
		parse func(string, []byte, *time.Location, time.Time) (feed.Alert, error)
	}{{file, publish.ParseAlertFile}, {capFile, publish.ParseCAP}} {
		if f.path == "" {
			continue
		}
		data, err := keyfile.ReadSmall(f.path)
		if err != nil {
			return err
		}
		al, err := f.parse(f.path, data, tz, now)
		if err != nil {
			return err
		}
		ch.Add = append(ch.Add, al)
	}
	res, err := publish.PublishAlerts(out, ch, opt)
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "published alerts version %d: %d in force, %d ended and dropped\n", res.Version, res.Alerts, res.Dropped)
	for _, al := range ch.Add {
		fmt.Fprintf(env.Stdout, "alert %s: %s, %s – %s\n", al.ID, feed.Printable(al.Title, feed.MaxLineText),
			al.Start.In(tz).Format("2006-01-02 15:04"), al.End.In(tz).Format("2006-01-02 15:04"))
	}
	return nil
}
