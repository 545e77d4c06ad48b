// Package preview is the studio's live preview beside the notice form,
// drawn by the screens' own code from a screen's own store: the
// display's slide (landscape, portrait), the touch screen's reader at
// each 字号 step, and the A4 poster's pages.
package preview

import (
	"context"
	"crypto/ed25519"
	"fmt"
	"image"
	"io"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"gongkai/config"
	"gongkai/feed"
	"gongkai/paper"
	"gongkai/publish"
	"gongkai/store"
	gksync "gongkai/sync"
	"gongkai/ui/display"
	"gongkai/ui/kit"
	"gongkai/ui/studio/page"
)

// The preview is drawn by the screens' own code from a screen's own
// store: the notice being edited is published (with a key of the
// preview's own, never the publisher's) into a feed folder of the
// preview's, synced into a screen at a village it targets, as every
// screen syncs, and shown by the display's view. What the clerk sees is
// what a villager will see, scaled to fit beside the form.

// previewScreen is the preview's feed and screen on disk.
type previewScreen struct {
	root     string // a temporary folder: src/, feed/, screen/
	key      ed25519.PrivateKey
	pub      []byte
	location string
	at       time.Time // the feed's issue time, which a new version must not precede
	st       *store.Store
	cfg      *config.Config
}

// Input is what one preview is built from: the notice as the form has
// it, and the folder around it.
type Input struct {
	Feed     publish.FeedConfig
	Dir      string // the folder, where attachments are
	Base     string // the folder (in Dir) attachments are named from
	FM       publish.FrontMatter
	Targets  []string // the notice's locations
	Body     string
	Now      time.Time
	calendar []byte // calendar.yaml, nil for none
}

// build publishes in and syncs it into the preview's screen, off the UI
// goroutine; it returns the store to show, the screen's location and
// the time to show it at. A store it replaced is closed by the caller.
func (ps *previewScreen) build(in Input) (st *store.Store, old *store.Store, at time.Time, err error) {
	fm := in.FM
	fm.ID = "preview"
	fm.Audio = ""
	if fm.Published == "" || !feed.Date(fm.Published).Valid() {
		fm.Published = in.Now.Format(time.DateOnly)
	}
	loc := previewLocation(in.Feed.Locations, in.Targets)
	if loc == "" {
		return nil, nil, at, fmt.Errorf("选好发布范围后才能预览")
	}
	// a time the notice is on screen: now, else the first or last day of its validity
	tz, _ := time.LoadLocation(in.Feed.Timezone)
	if tz == nil {
		tz = time.Local
	}
	at = in.Now.UTC().Truncate(time.Second)
	if t, err := feed.Date(period0(fm.ValidFrom, fm.Published)).Time(tz); err == nil && at.Before(t) {
		at = t.Add(12 * time.Hour)
	}
	if t, err := feed.Date(fm.ValidUntil).Time(tz); err == nil && !at.Before(t.AddDate(0, 0, 1)) {
		at = t.Add(12 * time.Hour)
	}
	fresh := ps.st == nil || loc != ps.location || at.Before(ps.at)
	if fresh {
		old = ps.st
		ps.st = nil
		if ps.root != "" {
			os.RemoveAll(ps.root)
		}
		if ps.root, err = os.MkdirTemp("", "gongkai-studio-preview-"); err != nil {
			return nil, old, at, err
		}
		if ps.key == nil {
			pub, priv, err := feed.GenerateKey()
			if err != nil {
				return nil, old, at, err
			}
			ps.key, ps.pub = priv, feed.EncodePublicKey(pub)
		}
		screen := filepath.Join(ps.root, "screen")
		if err := config.Init(screen, config.Config{Location: loc}, ps.pub); err != nil {
			return nil, old, at, err
		}
		if ps.cfg, err = config.Load(screen); err != nil {
			return nil, old, at, err
		}
		if ps.st, err = store.Open(screen, store.Options{}); err != nil {
			return nil, old, at, err
		}
		ps.location = loc
	}
	ps.at = at
	src := filepath.Join(ps.root, "src")
	os.RemoveAll(filepath.Join(src, "preview.md"))
	if err := os.MkdirAll(src, 0o755); err != nil {
		return nil, old, at, err
	}
	fc := in.Feed
	if fc.ID == "" {
		fc.ID = "preview"
	}
	for _, f := range []struct {
		name string
		data func() ([]byte, error)
	}{
		{"feed.yaml", func() ([]byte, error) { return publish.FeedFile(fc) }},
		{publish.CalendarFile, func() ([]byte, error) { return in.calendar, nil }},
	} {
		data, err := f.data()
		if err != nil {
			return nil, old, at, err
		}
		if data != nil {
			if err := os.WriteFile(filepath.Join(src, f.name), data, 0o644); err != nil {
				return nil, old, at, err
			}
		}
	}
	// attachments, copied flat under their names
	for i, a := range fm.Attachments {
		file, rewrite := page.AttachmentFile(a)
		name := fmt.Sprintf("a%d%s", i, strings.ToLower(filepath.Ext(file)))
		if err := copyFile(filepath.Join(in.Dir, filepath.FromSlash(in.Base), filepath.FromSlash(file)), filepath.Join(src, name)); err != nil {
			return nil, old, at, fmt.Errorf("附件 %s：%w", file, err)
		}
		fm.Attachments[i] = rewrite(name)
	}
	data, err := publish.ItemFile(fm, in.Body)
	if err != nil {
		return nil, old, at, err
	}
	if err := os.WriteFile(filepath.Join(src, "preview.md"), data, 0o644); err != nil {
		return nil, old, at, err
	}
	s, err := publish.ParseSource(src)
	if err != nil {
		return nil, old, at, err
	}
	out := filepath.Join(ps.root, "feed")
	if _, err := publish.Publish(s, out, publish.Options{Key: ps.key, Now: at}); err != nil {
		return nil, old, at, err
	}
	source, err := gksync.NewFolder(out)
	if err != nil {
		return nil, old, at, err
	}
	if _, err := gksync.Run(context.Background(), ps.st, ps.cfg, source, gksync.Options{Clock: func() time.Time { return at }}); err != nil {
		return nil, old, at, err
	}
	return ps.st, old, ps.st.Now(at), nil
}

func period0(from, published string) string {
	if from != "" {
		return from
	}
	return published
}

// previewLocation is the screen the preview stands at: a declared
// village the notice reaches (the longest code), else its first target.
func previewLocation(places []feed.Place, targets []string) string {
	best := ""
	for _, p := range places {
		if len(p.Code) >= 6 && feed.Targets(targets, p.Code) && len(p.Code) > len(best) {
			best = p.Code
		}
	}
	if best == "" {
		for _, t := range targets {
			if feed.ValidCode(t) && len(t) >= 6 {
				return t
			}
		}
	}
	return best
}

func copyFile(from, to string) error {
	in, err := os.Open(from)
	if err != nil {
		return err
	}
	defer in.Close()
	st, err := in.Stat()
	if err != nil {
		return err
	}
	if old, err := os.Stat(to); err == nil && old.Size() == st.Size() && !old.ModTime().Before(st.ModTime()) {
		return nil
	}
	out, err := os.Create(to)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, io.LimitReader(in, publish.MaxAttachment+1)); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

// Close stops a preview waiting to be built and removes its files.
func (p *Preview) Close() {
	if p.timer != nil {
		p.timer.Stop()
	}
	p.ps.close()
}

// close removes the preview's files.
func (ps *previewScreen) close() {
	if ps.st != nil {
		ps.st.Close()
	}
	if ps.root != "" {
		os.RemoveAll(ps.root)
	}
}

// Sizes of the screens the preview draws: the road-side display and
// the lobby touch screen in portrait.
var (
	displaySize = fyne.NewSize(1920, 1080)
	touchSize   = fyne.NewSize(1080, 1920)
)

// Options are what the preview needs from the window.
type Options struct {
	// Spawn (nil: goroutines) runs the build of a preview, which is
	// then made when the form has rested (previewDelay); with Spawn
	// (tests: kit.Inline) only when Flush is called.
	Spawn  func(job func())
	Faults *kit.Faults
	Say    func(msg string) // a line in the window's status bar
}

// Preview is the panel beside the form.
type Preview struct {
	opt     Options
	box     fyne.CanvasObject
	mode    *widget.Select
	step    *widget.RadioGroup // the touch screen's 字号: 标准, 大, 特大, as its buttons say
	msg     *widget.Label
	img     *canvas.Image // the screen, painted at its size, shown scaled
	poster  *widget.Label
	openPDF *widget.Button

	// the page of the notice the picture shows, turned by hand
	page       int
	pageID     string // the notice it is a page of (FM.ID)
	prev, next *widget.Button
	pageText   *widget.Label

	ps       previewScreen
	env      *kit.Env
	disp     *display.View
	dispShot *offscreen
	touch    touchPreview
	jobs     kit.Latest
	pdf      []byte
	pending  *Input // asked for, not built yet
	timer    *time.Timer
}

// The screens the preview draws (Select).
const (
	ModeDisplay  = "信息屏（横屏）" // the road-side display, landscape
	ModePortrait = "信息屏（竖屏）" // the display, portrait
	ModeTouch    = "触摸屏（竖屏）" // the lobby touch screen's reader, at a 字号 step
)

// New builds the panel, empty until Show.
func New(opt Options) *Preview {
	p := &Preview{opt: opt}
	p.msg = widget.NewLabel("")
	p.msg.Wrapping = fyne.TextWrapWord
	// a list, not buttons in a row: three in a row made the panel wider
	// than a 1366-wide window has room for
	p.mode = widget.NewSelect(previewModes, func(m string) {
		// the 字号 is the touch screen's; the display has its own size
		if m == ModeTouch {
			p.step.Enable()
		} else {
			p.step.Disable()
		}
		p.page = 0
		p.redraw()
	})
	p.mode.Selected = ModeDisplay
	var steps []string
	for _, st := range kit.TextSteps {
		steps = append(steps, st.Name)
	}
	p.step = widget.NewRadioGroup(steps, func(string) { p.page = 0; p.redraw() })
	p.step.Horizontal = true
	p.step.Required = true
	p.step.Selected = steps[0]
	p.step.Disable()
	p.img = canvas.NewImageFromImage(nil)
	p.img.FillMode = canvas.ImageFillContain
	p.img.ScaleMode = canvas.ImageScaleSmooth
	p.poster = widget.NewLabel("")
	p.openPDF = widget.NewButtonWithIcon("打开 A4 海报（PDF）", theme.DocumentPrintIcon(), p.open)
	p.openPDF.Disable()
	p.prev = widget.NewButton("‹ 上一页", func() { p.turn(-1) })
	p.next = widget.NewButton("下一页 ›", func() { p.turn(+1) })
	p.pageText = widget.NewLabel("")
	p.pageText.Alignment = fyne.TextAlignCenter
	p.showPages(0, 1)
	pages := container.NewBorder(nil, nil, p.prev, p.next, p.pageText)
	head := container.NewVBox(widget.NewLabel("预览（屏幕上的样子）"),
		container.NewBorder(nil, nil, widget.NewLabel("屏幕"), nil, p.mode),
		container.NewBorder(nil, nil, widget.NewLabel("字号"), nil, p.step))
	foot := container.NewVBox(pages, p.msg, container.NewBorder(nil, nil, nil, p.openPDF, p.poster))
	p.box = container.NewPadded(container.NewBorder(head, foot, nil, nil, p.img))
	return p
}

// previewDelay is how long the form must rest before the preview is
// built again: typing is not slowed by a publication per key.
const previewDelay = 600 * time.Millisecond

// Select draws mode (ModeDisplay, ModePortrait, ModeTouch), the touch
// screen's at 字号 step (0 标准, 1 大, 2 特大), as the clerk's choice
// of them does.
func (p *Preview) Select(mode string, step int) {
	p.step.SetSelected(kit.TextSteps[kit.ClampStep(step)].Name)
	p.mode.SetSelected(mode)
}

// Status is what the preview says under its picture: whose screen, on
// what day, or why there is no preview.
func (p *Preview) Status() string { return p.msg.Text }

// Object is the panel.
func (p *Preview) Object() fyne.CanvasObject { return p.box }

// Show asks for the preview of the form's notice. found are the form's
// findings: a notice with a stop is not previewed (publish would refuse
// it too). The preview is built when the form has rested (previewDelay),
// off the UI goroutine; under Options.Spawn (tests) only when Flush is
// called.
func (p *Preview) Show(in Input, found []publish.Finding) {
	if slices.ContainsFunc(found, func(f publish.Finding) bool { return f.Stop }) {
		p.pending = nil
		p.msg.SetText("改正红色的问题后显示预览。")
		return
	}
	in.FM.Attachments = slices.Clone(in.FM.Attachments)
	if in.FM.ID != p.pageID {
		// another notice starts at its first page; the same one, edited,
		// stays on the page the clerk is looking at
		p.page, p.pageID = 0, in.FM.ID
	}
	p.pending = &in
	if p.opt.Spawn != nil {
		return
	}
	if p.timer != nil {
		p.timer.Stop()
	}
	p.timer = time.AfterFunc(previewDelay, func() { fyne.Do(p.Flush) })
}

// Flush builds the preview asked for last.
func (p *Preview) Flush() {
	in := p.pending
	if in == nil {
		return
	}
	p.pending = nil
	if cal, err := os.ReadFile(filepath.Join(in.Dir, publish.CalendarFile)); err == nil {
		in.calendar = cal
	}
	p.jobs.Run(p.opt.Spawn, p.opt.Faults, "studio preview", func() {
		st, old, at, err := p.ps.build(*in)
		var pdf []byte
		if err == nil {
			pdf, _, _, err = paper.NoticePoster(st, p.ps.location, "preview", at)
			if err != nil {
				pdf = nil
				err = nil // a withdrawn notice has no poster; the screens still show it
			}
		}
		loc := p.ps.location
		fyne.Do(func() {
			if err != nil {
				p.msg.SetText("预览不了：" + page.OneLine(err.Error()))
				return
			}
			p.draw(st, loc, at)
			if old != nil {
				old.Close()
			}
			p.pdf = pdf
			if pdf != nil {
				p.poster.SetText(fmt.Sprintf("A4 海报：%d 页", PDFPages(pdf)))
				p.openPDF.Enable()
			} else {
				p.poster.SetText("撤回的公告不印海报。")
				p.openPDF.Disable()
			}
		})
	})
}

var pdfPage = regexp.MustCompile(`/Type\s*/Page[^s]`)

// PDFPages counts the pages of a PDF the paper package wrote.
func PDFPages(pdf []byte) int { return len(pdfPage.FindAll(pdf, -1)) }

// draw shows the screen at loc from st at time at.
func (p *Preview) draw(st *store.Store, loc string, at time.Time) {
	if p.env == nil {
		p.env = &kit.Env{Logger: slog.New(slog.DiscardHandler), Faults: p.opt.Faults, Spawn: kit.Inline}
	}
	p.env.Store, p.env.Location = st, loc
	p.env.Clock = func() time.Time { return at }
	p.env.Load()
	place := st.PlaceName(loc)
	p.msg.SetText(fmt.Sprintf("%s的屏幕，%s", place, at.In(p.env.Loc).Format("2006年1月2日")))
	p.redraw()
}

// redraw draws the chosen screen from the preview's store.
func (p *Preview) redraw() {
	if p.env == nil || p.env.Store == nil {
		return
	}
	switch p.mode.Selected {
	case ModeTouch:
		p.drawTouch()
	case ModePortrait:
		p.drawDisplay(true)
	default:
		p.drawDisplay(false)
	}
}

// drawDisplay draws the display's slide of the notice, on a landscape
// screen or a portrait one.
func (p *Preview) drawDisplay(portrait bool) {
	if p.disp == nil {
		p.disp = display.New(p.env, display.Options{
			Shown: func() bool { return true },
			Stale: func(time.Time) (bool, string) { return false, "" },
			Speak: func(*feed.Item) {},
		})
	}
	v := p.disp
	v.Box.Show()
	v.Reload()
	v.Rot.Show("preview", v.ClockNow())
	v.ShowSlide(v.ClockNow())
	if p.dispShot == nil {
		p.dispShot = newOffscreen(v.Box, displaySize, &kit.KioskTheme{Body: display.Body})
	}
	p.dispShot.size = displaySize
	if portrait {
		p.dispShot.size = touchSize
	}
	p.paintPage(v.TurnTo, p.dispShot.paint, func() (int, int) { return v.Body.Page(), v.Body.Pages() })
}

// paintPage paints the preview's page of the screen: turn shows a page,
// paint paints the screen, at tells the page on show and the count (known
// once painted). Past the last page (the notice got shorter) it paints
// the last.
func (p *Preview) paintPage(turn func(page int), paint func() image.Image, at func() (page, pages int)) {
	turn(p.page)
	img := paint()
	page, pages := at()
	if page != p.page {
		p.page = page
		turn(page)
		img = paint()
	}
	p.setImage(img)
	p.showPages(page, pages)
}

// turn shows the page by pages on from the one on show.
func (p *Preview) turn(by int) {
	p.page = max(0, p.page+by)
	p.redraw()
}

// showPages says which page the picture is, and lets the buttons turn
// only where there is a page to turn to.
func (p *Preview) showPages(page, pages int) {
	p.pageText.SetText(kit.PageText(page, pages))
	kit.Enable(p.prev, page > 0)
	kit.Enable(p.next, page < pages-1)
}

func (p *Preview) setImage(img image.Image) {
	p.img.Image = img
	p.img.Refresh()
}

// open writes the poster to a temporary file and opens it.
func (p *Preview) open() {
	if p.pdf == nil {
		return
	}
	path := filepath.Join(p.ps.root, "海报.pdf")
	if err := os.WriteFile(path, p.pdf, 0o644); err != nil {
		p.opt.Say("海报没有写出：" + err.Error())
		return
	}
	u, _ := url.Parse(storage.NewFileURI(path).String())
	if err := fyne.CurrentApp().OpenURL(u); err != nil {
		p.opt.Say("打不开海报：" + err.Error() + "（文件在 " + path + "）")
		return
	}
	p.opt.Say("海报：" + path)
}
