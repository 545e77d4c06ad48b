package cli

import (
	"crypto/ed25519"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"time"

	"gongkai/atomicfile"
	"gongkai/feed"
	"gongkai/publish"
)

func init() {
	register("keygen", "make a publisher key pair: --out DIR", runKeygen)
	register("publish", "build a signed feed: --key FILE --src DIR --out DIR [--expires 720h] [--bundle FILE.zip|FILE.tar] [--reset]", runPublish)
}

func runKeygen(env *Env, args []string) error {
	fs := newFlags(env, "keygen")
	out := fs.String("out", "", "folder for publisher.key and publisher.pub")
	if err := parse(fs, args, 0); err != nil {
		return err
	}
	if err := required(fs, "out"); err != nil {
		return err
	}
	keyPath, pubPath := filepath.Join(*out, "publisher.key"), filepath.Join(*out, "publisher.pub")
	for _, p := range []string{keyPath, pubPath} {
		if _, err := os.Stat(p); err == nil {
			return fmt.Errorf("%s already exists; refusing to overwrite a key", p)
		}
	}
	pub, priv, err := feed.GenerateKey()
	if err != nil {
		return err
	}
	if err := os.MkdirAll(*out, 0o700); err != nil {
		return err
	}
	// O_EXCL: two keygens racing on one folder must not replace a key.
	if err := writeNew(keyPath, feed.EncodePrivateKey(priv), 0o600); err != nil {
		return err
	}
	if err := atomicfile.Write(pubPath, feed.EncodePublicKey(pub)); err != nil {
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
	if err := parse(fs, args, 0); err != nil {
		return err
	}
	if err := required(fs, "key", "src", "out"); err != nil {
		return err
	}
	priv, err := readPrivateKey(*keyPath)
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
	res, err := publish.Publish(src, *outDir, publish.Options{Key: priv, Expiry: *expires, Reset: *reset})
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "published %s version %d: %d items, %d attachments, %d new objects, expires in %s\n",
		src.Feed.ID, res.Version, res.Items, res.Attachments, res.NewObjects, expires.Round(time.Hour))
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
	return nil
}

func readPrivateKey(path string) (ed25519.PrivateKey, error) {
	data, err := readSmall(path)
	if err != nil {
		return nil, err
	}
	return feed.ParsePrivateKey(data)
}
