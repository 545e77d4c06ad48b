package cli

import (
	"crypto/ed25519"
	"flag"
	"fmt"
	"path/filepath"
	"strings"

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
		var pinned ed25519.PublicKey
		var err error
		switch {
		case *device != "":
			pinned, err = keyfile.ReadPublic(*device, "device key")
		case isSet(fs, "data"):
			pinned, err = proof.DevicePublicKey(*data)
		}
		if err != nil {
			return err
		}
		c, err := proof.CheckExportFile(*verify, pinned, anchors)
		if err != nil {
			return err
		}
		c.WriteText(env.Stdout)
		return nil
	}
	hours, err := proof.ParseHours(*hoursFlag)
	if err != nil {
		return err
	}
	ext := strings.ToLower(filepath.Ext(*out))
	if *out != "" && ext != ".json" && ext != ".pdf" {
		return fmt.Errorf("--out %s: want a .json or .pdf file", *out)
	}
	cfg, st, err := openScreen(env, *data)
	if err != nil {
		return err
	}
	defer st.Close()
	if *hoursFlag == "" {
		hours = screen.Hours(cfg)
	}
	log, build, err := screen.OpenReport(*data, cfg, st, *item, hours)
	if err != nil {
		return err
	}
	defer log.Close()
	switch {
	case ext == ".pdf":
		rep, err := paper.WriteCertificate(*out, log, build)
		if err != nil {
			return err
		}
		fmt.Fprintf(env.Stdout, "wrote %s: certificate of %d notices, device %s\n", *out, len(rep.Notices), rep.Device)
	case ext == ".json":
		head, err := log.WriteExport(*out, build)
		if err != nil {
			return err
		}
		fmt.Fprintf(env.Stdout, "wrote %s: signed by device %s, chain head entry %d, code %s\n", *out, feed.Fingerprint(log.PublicKey()), head.Seq, head.Code)
	default:
		rep, err := log.Report(build)
		if err != nil {
			return err
		}
		if *asJSON {
			return writeJSON(env.Stdout, rep.Notices)
		}
		rep.WriteText(env.Stdout)
	}
	return nil
}

// isSet says whether the flag name was given on the command line.
func isSet(fs *flag.FlagSet, name string) bool {
	set := false
	fs.Visit(func(f *flag.Flag) { set = set || f.Name == name })
	return set
}
