package screen

import (
	"errors"
	"fmt"
	"io"
	"time"

	"gongkai/atomicfile"
	"gongkai/config"
	"gongkai/paper"
	"gongkai/proof"
	"gongkai/store"
)

// Paper is what the admin panel's 公示期 and 打印海报 pages ask of the
// screen: the report of the display log this process keeps, its signed
// export with the certificate, and a notice's poster — the same as
// gongkai report and export-pdf make.
type Paper struct {
	// Log is the display log this process keeps, nil while it is not
	// open: the kiosk holds display.db's lock, so the pages use the log
	// its witness opened (Runtime.DisplayLog) rather than opening it again.
	Log    func() *proof.Log
	Store  *store.Store
	Config func() *config.Config // live: the location may change in the settings
	Clock  func() time.Time      // the wall clock
}

// build is the report's builder for the live configuration, with the log.
func (p Paper) build() (*proof.Log, func(proof.Records) (proof.Report, error), error) {
	log := p.Log()
	if log == nil {
		return nil, nil, ErrNoDisplayLog
	}
	c := p.Config()
	b, err := ReportBuild(p.Store, c.Location, "", log.PublicKey(), Hours(c), p.Store.Now(p.Clock()))
	return log, b, err
}

// Compliance is the report of every notice of this screen from its
// display log: how long each was shown against its posting period.
func (p Paper) Compliance() (proof.Report, error) {
	log, b, err := p.build()
	if err != nil {
		return proof.Report{}, err
	}
	recs, err := log.Records()
	if err != nil {
		return proof.Report{}, err
	}
	return b(recs)
}

// ExportReport is the signed export of the report and its certificate
// (PDF), as gongkai report --out writes them.
func (p Paper) ExportReport() (export, certificate []byte, err error) {
	log, b, err := p.build()
	if err != nil {
		return nil, nil, err
	}
	return paper.ExportAndCertificate(log, b)
}

// Poster is the A4 poster of the notice id, as gongkai export-pdf makes it.
func (p Paper) Poster(id string) ([]byte, error) {
	pdf, _, _, err := paper.NoticePoster(p.Store, p.Config().Location, id, p.Store.Now(p.Clock()))
	return pdf, err
}

// WritePoster writes the A4 poster of this screen's notice id to path, as
// gongkai export-pdf does, and returns the notice's title and the file's
// size. A notice that is not shown here today is printed all the same,
// with a note on warn; one that is not this screen's is an error that
// says where its notices are listed.
func WritePoster(data string, cfg *config.Config, st *store.Store, id, path string, warn io.Writer) (title string, size int64, err error) {
	pdf, sum, today, err := paper.NoticePoster(st, cfg.Location, id, st.Now(time.Now()))
	var notHere paper.NotHereError
	switch {
	case errors.As(err, &notHere):
		return "", 0, fmt.Errorf("%w; gongkai list --data %s shows the notices here", err, data)
	case err != nil:
		return "", 0, StoreError(data, err)
	}
	if !today {
		fmt.Fprintf(warn, "gongkai: note: %s is not shown on this screen today (valid %s..%s)\n", id, sum.ValidFrom, sum.ValidUntil)
	}
	if err := atomicfile.Write(path, pdf); err != nil {
		return "", 0, fmt.Errorf("writing %s: %w", path, err)
	}
	return sum.Title, int64(len(pdf)), nil
}
