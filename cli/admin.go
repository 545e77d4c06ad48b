package cli

import (
	"os"
	"path/filepath"
	"slices"
	"time"

	"gongkai/config"
	"gongkai/paper"
	"gongkai/proof"
	"gongkai/screen"
	"gongkai/store"
	"gongkai/sync"
	"gongkai/ui/admin"
)

// wirePaper gives the admin panel its 公示期 and 打印海报 pages: the
// report of the display log this process keeps (logOf, nil while it is
// not open), its signed export with the
// certificate, and a notice's poster — the same as gongkai report and
// export-pdf make — plus the sticks to write them to. cfg is the live
// configuration (the location may change in the settings), clock the wall
// clock.
func wirePaper(a *admin.Deps, logOf func() *proof.Log, st *store.Store, cfg func() *config.Config, clock func() time.Time) {
	// The kiosk holds display.db's lock: the admin uses the log its
	// witness opened (logOf) rather than opening it again.
	build := func() (*proof.Log, func(proof.Records) (proof.Report, error), error) {
		log := logOf()
		if log == nil {
			return nil, nil, screen.ErrNoDisplayLog
		}
		c := cfg()
		b, err := screen.ReportBuild(st, c.Location, "", log.PublicKey(), screen.Hours(c), st.Now(clock()))
		return log, b, err
	}
	a.Compliance = func() (proof.Report, error) {
		log, b, err := build()
		if err != nil {
			return proof.Report{}, err
		}
		recs, err := log.Records()
		if err != nil {
			return proof.Report{}, err
		}
		return b(recs)
	}
	a.ExportReport = func() ([]byte, []byte, error) {
		log, b, err := build()
		if err != nil {
			return nil, nil, err
		}
		return paper.ExportAndCertificate(log, b)
	}
	a.Poster = func(id string) ([]byte, error) {
		pdf, _, _, err := paper.NoticePoster(st, cfg().Location, id, st.Now(clock()))
		return pdf, err
	}
	a.Sticks = mountedVolumes
}

// mountedVolumes lists the removable volumes mounted now, where exports
// go: the folders matching sync.DefaultVolumeRoots that are mount points.
// Unlike sync.WatchVolumes it wants no feed on them, since an export
// usually goes to an empty stick; and a folder that is no mount point
// (/media/USER that holds the sticks, an empty /mnt/usb) is no stick.
func mountedVolumes() []string {
	var out []string
	for _, pat := range sync.DefaultVolumeRoots() {
		matches, _ := filepath.Glob(pat)
		for _, m := range matches {
			if fi, err := os.Stat(m); err == nil && fi.IsDir() && isMountPoint(m, fi) {
				out = append(out, m)
			}
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}
