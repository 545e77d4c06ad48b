package cli

import (
	"fmt"

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
		src, err := parseSource(env, *srcDir)
		if err != nil {
			return err
		}
		p, err := publish.MakePlan(src, *outDir)
		if err != nil {
			return err
		}
		p.WriteText(env.Stdout, src)
		return nil
	}
	if *alertFile != "" || *alertFrom != "" || *cancel != "" {
		if err := required(fs, "key", "out"); err != nil {
			return err
		}
		priv, plain, err := keyfile.Load(*keyPath, prompt(env, *passFile))
		if err != nil {
			return err
		}
		if err := publish.PublishAlertsAndSay(*outDir, *alertFile, *alertFrom, *cancel, publish.Options{Key: priv, Expiry: *expires, Reset: *reset}, env.Stdout); err != nil {
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
	src, err := parseSource(env, *srcDir)
	if err != nil {
		return err
	}
	if w := src.CalendarWarning(); w != "" {
		fmt.Fprintln(env.Stderr, "warning:", w)
	}
	opt := publish.Options{Key: priv, Expiry: *expires, Reset: *reset, Speak: *speak, SpeechCache: publish.DefaultSpeechCache()}
	if err := publish.PublishAndSay(src, *outDir, *bundle, opt, env.Stdout); err != nil {
		return err
	}
	if plain {
		plainKeyWarning(env, *keyPath)
	}
	return nil
}

// parseSource reads the source folder, its warnings on stderr.
func parseSource(env *Env, dir string) (*publish.Source, error) {
	src, err := publish.ParseSource(dir)
	if err != nil {
		return nil, err
	}
	for _, w := range src.Warnings {
		fmt.Fprintln(env.Stderr, "warning:", w)
	}
	return src, nil
}
