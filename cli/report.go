package cli

import (
	"bytes"
	"crypto/ed25519"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"gongkai/atomicfile"
	"gongkai/feed"
	"gongkai/keyfile"
	"gongkai/paper"
	"gongkai/proof"
	"gongkai/screen"
)

// Proof of display: the report of what this screen showed, its signed
// export, and the check of an export someone hands back.
func init() {
	register("report", "proof of display: --data DIR [--item ID] [--json] [--out FILE.json|FILE.pdf] | --verify FILE.json [--device FILE] [--anchor ENTRY:CODE]...", runReport)
}

func runReport(env *Env, args []string) error {
	fs := newFlags(env, "report")
	data := dataFlag(fs)
	item := fs.String("item", "", "only this notice")
	asJSON := fs.Bool("json", false, "print JSON")
	out := fs.String("out", "", "write a signed export FILE.json, or a printable certificate FILE.pdf")
	verify := fs.String("verify", "", "check a signed export FILE.json and exit non-zero if it was changed")
	device := fs.String("device", "", "with --verify: the screen's device.pub the export must be signed by")
	var anchors stringList
	fs.Var(&anchors, "anchor", "with --verify: a chain head ENTRY:CODE seen outside the screen (a certificate, the monitor's receipt) the export must pass through (repeatable)")
	// Time outside the on-hours never counts against a notice. They are the
	// screen's own (display_on/display_off in display mode), as the admin
	// panel and the upload use them; --hours is for a screen whose
	// configuration changed since, or a copy of its data elsewhere.
	hoursFlag := fs.String("hours", "", "daily on-hours HH:MM-HH:MM in the feed's time zone, 00:00-00:00 for always on (default: the screen's configured display hours; always on in touch mode)")
	if err := parse(fs, args, 0); err != nil {
		return err
	}
	if *verify != "" {
		return verifyExport(env, fs, *verify, *device, *data, anchors)
	}
	hours, err := proof.ParseHours(*hoursFlag)
	if err != nil {
		return err
	}
	if *out != "" {
		switch strings.ToLower(filepath.Ext(*out)) {
		case ".json":
		case ".pdf":
		default:
			return fmt.Errorf("--out %s: want a .json or .pdf file", *out)
		}
	}

	cfg, st, err := openScreen(env, *data)
	if err != nil {
		return err
	}
	defer st.Close()
	if *hoursFlag == "" {
		hours = screen.Hours(cfg)
	}
	key, err := proof.EnsureDeviceKey(*data)
	if err != nil {
		return err
	}
	log, err := proof.Open(*data, key, time.Now)
	if err != nil {
		if errors.Is(err, proof.ErrLocked) {
			return fmt.Errorf("%w (is the kiosk running on %s?)", err, *data)
		}
		return err
	}
	defer log.Close()
	build, err := screen.ReportBuild(st, cfg.Location, *item, log.PublicKey(), hours, st.Now(time.Now()))
	if err != nil {
		return screen.StoreError(*data, err)
	}

	if *out != "" && strings.EqualFold(filepath.Ext(*out), ".pdf") {
		// The certificate is for paper; the evidence stays in the JSON
		// export, which the certificate tells its reader to verify.
		rep, err := log.Report(build)
		if err != nil {
			return err
		}
		var buf bytes.Buffer
		if err := paper.Certificate(&buf, rep, feed.Fingerprint(log.PublicKey())); err != nil {
			return err
		}
		if err := atomicfile.Write(*out, buf.Bytes()); err != nil {
			return fmt.Errorf("writing %s: %w", *out, err)
		}
		fmt.Fprintf(env.Stdout, "wrote %s: certificate of %d notices, device %s\n", *out, len(rep.Notices), rep.Device)
		return nil
	}
	if *out != "" {
		export, err := log.Export(build)
		if err != nil {
			return err
		}
		if err := atomicfile.Write(*out, export); err != nil {
			return fmt.Errorf("writing %s: %w", *out, err)
		}
		head := proof.Records{Head: log.Head()}.HeadRef()
		fmt.Fprintf(env.Stdout, "wrote %s: signed by device %s, chain head entry %d, code %s\n", *out, feed.Fingerprint(log.PublicKey()), head.Seq, head.Code)
		return nil
	}
	rep, err := log.Report(build)
	if err != nil {
		return err
	}
	if *asJSON {
		return writeJSON(env.Stdout, rep.Notices)
	}
	rep.WriteText(env.Stdout)
	return nil
}

// verifyExport checks an export file: the device pinned by --device, or by
// the device.pub of --data when that is given, else whichever key signed it
// (and says so).
func verifyExport(env *Env, fs *flag.FlagSet, path, device, data string, anchors []string) error {
	var heads []proof.HeadRef
	for _, a := range anchors {
		h, err := proof.ParseAnchor(a)
		if err != nil {
			return err
		}
		heads = append(heads, h)
	}
	raw, err := readLimited(path, proof.MaxExportSize)
	if err != nil {
		return err
	}
	var pinned ed25519.PublicKey
	dataSet := false
	fs.Visit(func(f *flag.Flag) { dataSet = dataSet || f.Name == "data" })
	switch {
	case device != "":
		b, err := keyfile.ReadSmall(device)
		if err != nil {
			return fmt.Errorf("device key: %w", err)
		}
		if pinned, err = feed.ParsePublicKey(b); err != nil {
			return fmt.Errorf("device key %s: %w", device, err)
		}
	case dataSet:
		if pinned, err = proof.DevicePublicKey(data); err != nil {
			return err
		}
	}
	v, err := proof.VerifyAnchored(raw, pinned, heads)
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "ok: %s is intact: device %s, %d daily summaries and %d entries up to signed head entry %d (code %s), report of %d notices\n",
		path, feed.Fingerprint(v.Device), v.Summaries, v.Entries, v.Head.Seq, proof.HeadCode(v.Head.Hash), len(v.Report.Notices))
	if len(heads) > 0 {
		fmt.Fprintf(env.Stdout, "ok: it passes through %d anchored head(s) seen outside the screen\n", len(heads))
	} else {
		fmt.Fprintln(env.Stdout, "note: the device key alone cannot tell a chain rewritten on the screen; check it against a head seen outside it with --anchor ENTRY:CODE (certificate, monitor receipt)")
	}
	if pinned == nil {
		fmt.Fprintln(env.Stdout, "note: no --device given; compare the device fingerprint with the screen's admin status")
	}
	return nil
}

// readLimited reads a file from outside (a USB stick), refusing anything
// over limit before reading it all.
func readLimited(path string, limit int64) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return feed.ReadLimited(f, limit, path)
}
