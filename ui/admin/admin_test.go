package admin

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"gongkai/feed"
	"gongkai/paper"
	"gongkai/proof"
	gkscreen "gongkai/screen"
	"gongkai/store"
	gksync "gongkai/sync"
	"gongkai/ui/kit"
	"gongkai/ui/words"
)

// englishWord finds a word of Latin letters a clerk would have to know
// English to read; names the screen shows as they are (a web address, a
// folder, a stick's name, the gongkai command) are left out before.
var englishWord = regexp.MustCompile(`[A-Za-z]{3,}`)

func TestGestureIsALongPressThenFiveTaps(t *testing.T) {
	tap := func(g *gesture, at time.Time, held time.Duration) bool {
		g.Down(at)
		return g.Up(at.Add(held))
	}
	t0 := demoNow
	short := 150 * time.Millisecond
	for _, tc := range []struct {
		name string
		run  func(g *gesture) bool // the last Up's answer
		want bool
	}{
		{"five quick taps, no long press", func(g *gesture) bool {
			var got bool
			for i := range 5 {
				got = tap(g, t0.Add(time.Duration(i)*300*time.Millisecond), short)
			}
			return got
		}, false},
		{"seven impatient taps on 返回", func(g *gesture) bool {
			var got bool
			for i := range 7 {
				got = got || tap(g, t0.Add(time.Duration(i)*200*time.Millisecond), short)
			}
			return got
		}, false},
		{"long press, then five taps", func(g *gesture) bool {
			tap(g, t0, gestureHold)
			var got bool
			for i := range 5 {
				got = tap(g, t0.Add(gestureHold+time.Duration(i+1)*400*time.Millisecond), short)
			}
			return got
		}, true},
		{"long press, then four taps", func(g *gesture) bool {
			tap(g, t0, gestureHold)
			var got bool
			for i := range 4 {
				got = tap(g, t0.Add(gestureHold+time.Duration(i+1)*400*time.Millisecond), short)
			}
			return got
		}, false},
		{"press too short to arm", func(g *gesture) bool {
			tap(g, t0, gestureHold-time.Millisecond)
			var got bool
			for i := range 5 {
				got = tap(g, t0.Add(gestureHold+time.Duration(i+1)*400*time.Millisecond), short)
			}
			return got
		}, false},
		{"taps too late after the press", func(g *gesture) bool {
			tap(g, t0, gestureHold)
			var got bool
			for i := range 5 {
				got = tap(g, t0.Add(gestureHold+gestureWindow+time.Duration(i)*100*time.Millisecond), short)
			}
			return got
		}, false},
		{"a second long press restarts the count", func(g *gesture) bool {
			tap(g, t0, gestureHold)
			tap(g, t0.Add(4*time.Second), short)
			tap(g, t0.Add(5*time.Second), gestureHold)
			var got bool
			for i := range 5 {
				got = tap(g, t0.Add(9*time.Second+time.Duration(i)*300*time.Millisecond), short)
			}
			return got
		}, true},
		{"a clock that jumps back", func(g *gesture) bool {
			tap(g, t0, gestureHold)
			return tap(g, t0.Add(-time.Hour), short)
		}, false},
	} {
		var g gesture
		if got := tc.run(&g); got != tc.want {
			t.Errorf("%s: opened %v, want %v", tc.name, got, tc.want)
		}
	}
}

func TestSyncNowProgress(t *testing.T) {
	var values []float64
	var k *testKiosk
	k, _, _ = newAdminKiosk(t, kioskDeps{Admin: Deps{Unlocked: true}, Runtime: &fakeRuntime{
		OnSyncNow: func(_ context.Context, progress func(gksync.Event)) (gksync.Result, error) {
			bar := k.admin.Pages[pageSync].(*syncPage).bar
			for _, e := range []gksync.Event{
				{Stage: gksync.StageChecking}, {Stage: gksync.StageVerifying},
				{Stage: gksync.StageDownloading, Objects: 1, TotalObjects: 4, Bytes: 50, TotalBytes: 100},
				{Stage: gksync.StageApplying}, {Stage: gksync.StageDone},
			} {
				progress(e)
				values = append(values, bar.Value)
			}
			return gksync.Result{Version: 8, Changes: store.Changes{Added: 2, Changed: 1}}, nil
		}}})
	k.admin.Open(PurposeOpen)
	k.admin.ShowPage(pageSync)
	p := k.admin.Pages[pageSync].(*syncPage)
	test.Tap(p.Run)
	want := []float64{0.05, 0.15, 0.55, 0.95, 1}
	for i := range want {
		if i >= len(values) || values[i] < want[i]-1e-9 || values[i] > want[i]+1e-9 {
			t.Fatalf("bar values %v, want %v", values, want)
		}
	}
	if !strings.Contains(textOf(p.Result), "已更新到第 8 版：新增 2 条，更新 1 条") || p.running {
		t.Errorf("result %q", textOf(p.Result))
	}

	// a failure in plain words, a panic recovered
	k.deps.Runtime.(*fakeRuntime).OnSyncNow = func(_ context.Context, progress func(gksync.Event)) (gksync.Result, error) {
		progress(gksync.Event{Stage: gksync.StageChecking})
		progress(gksync.Event{Stage: gksync.StageFailed})
		return gksync.Result{}, fmt.Errorf(`sync: reading the manifest from https://x: Get "https://x": %w`,
			&net.DNSError{Err: "no such host", Name: "x", IsNotFound: true})
	}
	test.Tap(p.Run)
	if !strings.Contains(textOf(p.Result), "无法连接服务器") {
		t.Errorf("failure %q", textOf(p.Result))
	}
	// item 10: no full bar beside a failure
	if p.bar.Visible() && p.bar.Value > 0.06 {
		t.Errorf("a failed sync shows the bar at %.0f%%", 100*p.bar.Value)
	}
	k.deps.Runtime.(*fakeRuntime).OnSyncNow = func(context.Context, func(gksync.Event)) (gksync.Result, error) { panic("boom") }
	test.Tap(p.Run)
	if !strings.Contains(textOf(p.Result), "同步失败") || p.running {
		t.Errorf("panic: %q", textOf(p.Result))
	}
}

func TestUSBImportPreviewConfirmCancel(t *testing.T) {
	var imported []string
	k, _, _ := newAdminKiosk(t, kioskDeps{Admin: Deps{Unlocked: true}, Runtime: &fakeRuntime{
		OnPreview: func(_ context.Context, path string) (ImportDiff, error) {
			if strings.Contains(path, "bad") {
				return ImportDiff{}, fmt.Errorf("sync: %w", feed.ErrSignature)
			}
			return ImportDiff{Version: 9, Added: []string{"新通知甲"}, Withdrawn: []string{"旧通知乙"}}, nil
		},
		OnImport: func(_ context.Context, path string, progress func(gksync.Event)) (gksync.Result, error) {
			imported = append(imported, path)
			progress(gksync.Event{Stage: gksync.StageApplying})
			return gksync.Result{Version: 9, Changes: store.Changes{Added: 1, Removed: 1}}, nil
		}}})
	k.admin.Open(PurposeOpen)
	p := k.admin.Pages[PageUSB].(*UsbPage)
	// the watcher loop, run here to its end instead of in a goroutine
	events := make(chan gkscreen.Event, 1)
	events <- gkscreen.Event{Kind: gkscreen.Volumes, Volumes: []string{"/media/usb0/feed", "/media/usb0/bad"}}
	close(events)
	for e := range events { // what the window does with the runtime's events
		k.admin.VolumesChanged(e.Volumes)
	}
	if k.admin.Page != PageUSB || len(p.List.Objects) != 2 {
		t.Fatalf("stick not offered: page %d, %d entries", k.admin.Page, len(p.List.Objects))
	}
	test.Tap(p.List.Objects[1].(*kit.TapCard))
	if !strings.Contains(textOf(p.Head), "签名不符") || p.actions.Visible() {
		t.Fatalf("bad feed: %q", textOf(p.Head))
	}
	test.Tap(p.List.Objects[0].(*kit.TapCard))
	if !strings.Contains(textOf(p.Head), "新增 1 条") || !strings.Contains(pageContent(p.Paged.P), "旧通知乙") || !p.actions.Visible() {
		t.Fatalf("preview: %q / %q", textOf(p.Head), pageContent(p.Paged.P))
	}
	test.Tap(p.Cancel)
	if len(imported) != 0 || p.diff != nil {
		t.Fatal("cancel imported")
	}
	test.Tap(p.List.Objects[0].(*kit.TapCard))
	test.Tap(p.confirm)
	if len(imported) != 1 || imported[0] != "/media/usb0/feed" {
		t.Fatalf("imported %v", imported)
	}
	if !strings.Contains(textOf(p.Head), "已更新到第 9 版") {
		t.Errorf("result %q", textOf(p.Head))
	}
	// item 10: a stick with the version the screen has offers no import
	k.Feed.Version = 9
	test.Tap(p.List.Objects[0].(*kit.TapCard))
	if p.confirm.Visible() || !p.Cancel.Visible() || !strings.Contains(textOf(p.Head), "无需导入") {
		t.Errorf("same version: confirm shown %v, head %q", p.confirm.Visible(), textOf(p.Head))
	}
	test.Tap(p.Cancel)
	k.Feed.Version = 8
	test.Tap(p.List.Objects[0].(*kit.TapCard))
	if !p.confirm.Visible() {
		t.Error("a newer version is not offered for import")
	}
}

func TestBackgroundPanicIsReported(t *testing.T) {
	k, _, _ := newAdminKiosk(t, kioskDeps{Admin: Deps{Unlocked: true}})
	// what goSafe wraps around every job, run here without a goroutine
	func() {
		defer k.Faults.Recovered("test job")
		panic("kaputt")
	}()
	found := false
	for _, l := range k.admin.statusLines() {
		if l.Name == "后台错误" && strings.Contains(l.Value, "kaputt") && l.bad {
			found = true
		}
	}
	if !found {
		t.Errorf("panic not on the status page: %+v", k.admin.statusLines())
	}
}

func TestCompliancePageShowsGapsAndCauses(t *testing.T) {
	log, build := landLog(t)
	k, _, _ := newAdminKiosk(t, kioskDeps{Admin: Deps{Unlocked: true,
		Compliance: func() (proof.Report, error) {
			r, err := log.Records()
			if err != nil {
				return proof.Report{}, err
			}
			rep, err := build(r)
			// a notice on record without a posting period is no row
			rep.Notices = append(rep.Notices, proof.NoticeReport{ID: "x", Title: "没有公示期的公告", DisplayedSeconds: 60})
			return rep, err
		}}})
	k.admin.Open(PurposeOpen)
	tapTab(t, k, "公示期")
	p := k.admin.Pages[PageCompliance].(*CompliancePage)
	if !strings.Contains(textOf(p.Head), "有公示期的公告 1 条：公示中 1 条（其中有缺口 1 条）") {
		t.Fatalf("head %q", textOf(p.Head))
	}
	list := pageContent(p.Paged.P)
	for _, want := range []string{"东湾村三组集体土地征收补偿安置方案公告", "公示期 30 天：2026年11月10日至2026年12月9日",
		"有缺口 2 天", "已覆盖 13 / 30 天", "程序未运行 1 次，共 3 小时 0 分", "熄屏时段 1 次"} {
		if !strings.Contains(list, want) {
			t.Errorf("row lacks %q:\n%s", want, list)
		}
	}
	if strings.Contains(list, "没有公示期") {
		t.Error("a notice without a posting period is listed")
	}
	test.Tap(cardFor(t, p.Paged.P, "东湾村三组"))
	gaps := pageContent(p.Paged.P)
	for _, want := range []string{"11月12日 09:00 至 12:00", "程序未运行", "11月15日 20:00 至 21:00", "熄屏时段"} {
		if !strings.Contains(gaps, want) {
			t.Errorf("gaps lack %q:\n%s", want, gaps)
		}
	}
	if !p.Back.Visible() {
		t.Fatal("no way back to the list")
	}
	test.Tap(p.Back)
	if p.detail != -1 || !strings.Contains(pageContent(p.Paged.P), "已覆盖") {
		t.Error("返回列表 did not return")
	}
}

// tapTab taps the panel's page button named name.
func tapTab(t *testing.T, k *testKiosk, name string) {
	t.Helper()
	for _, b := range k.admin.tabs {
		if b.Text == name {
			test.Tap(b)
			return
		}
	}
	t.Fatalf("no tab %s", name)
}

func TestComplianceExportToStick(t *testing.T) {
	log, build := landLog(t)
	var sticks []string
	k, _, _ := newAdminKiosk(t, kioskDeps{Admin: Deps{Unlocked: true,
		Compliance:   func() (proof.Report, error) { return proof.Report{}, nil },
		ExportReport: func() ([]byte, []byte, error) { return paper.ExportAndCertificate(log, build) },
		Sticks:       func() []string { return sticks }}})
	k.admin.Open(PurposeOpen)
	k.admin.ShowPage(PageCompliance)
	p := k.admin.Pages[PageCompliance].(*CompliancePage)

	test.Tap(p.Export)
	if !strings.Contains(textOf(p.Sticks.Msg), "请插入U盘") || len(p.Sticks.List.Objects) != 0 {
		t.Fatalf("no stick: %q", textOf(p.Sticks.Msg))
	}
	// the stick comes (with a feed on it, as sticks often have): the
	// question is asked again and the panel stays on this page
	stick := t.TempDir()
	sticks = []string{stick}
	k.admin.VolumesChanged([]string{filepath.Join(stick, "feed")})
	if k.admin.Page != PageCompliance || len(p.Sticks.List.Objects) != 1 {
		t.Fatalf("page %d, %d sticks offered", k.admin.Page, len(p.Sticks.List.Objects))
	}
	test.Tap(p.Sticks.List.Objects[0].(*kit.TapCard))

	base := filepath.Join(stick, "gongkai-report-"+dongwan+"-20261125-1000")
	raw, err := os.ReadFile(base + ".json")
	if err != nil {
		t.Fatalf("%v; says %q", err, textOf(p.Sticks.Msg))
	}
	v, err := proof.VerifyExport(raw, log.PublicKey())
	if err != nil {
		t.Fatal(err)
	}
	if n := v.Report.Notices; len(n) != 1 || n[0].Status != proof.StatusFailed || n[0].DaysWithGaps != 2 {
		t.Errorf("exported report %+v", n)
	}
	if pdf, err := os.ReadFile(base + ".pdf"); err != nil || !bytes.HasPrefix(pdf, []byte("%PDF")) {
		t.Errorf("certificate: %v", err)
	}
	if msg := textOf(p.Sticks.Msg); !strings.Contains(msg, "可以拔出U盘") || !strings.Contains(msg, filepath.Base(base)+".pdf") {
		t.Errorf("result %q", msg)
	}

	// a stick that cannot be written says so, with nothing left behind
	notDir := filepath.Join(t.TempDir(), "file")
	os.WriteFile(notDir, nil, 0o644)
	sticks = []string{notDir}
	test.Tap(p.Export)
	test.Tap(p.Sticks.List.Objects[0].(*kit.TapCard))
	if msg := textOf(p.Sticks.Msg); !strings.Contains(msg, "没有写成") {
		t.Errorf("failed write says %q", msg)
	}
}

func TestStickErrorsInWords(t *testing.T) {
	for err, want := range map[error]string{
		&fs.PathError{Op: "open", Path: "/media/u/x", Err: syscall.EROFS}:  "只读",
		fmt.Errorf("writing: %w", syscall.ENOSPC):                          "U盘已满",
		&fs.PathError{Op: "open", Path: "/media/u/x", Err: syscall.EACCES}: "权限",
		&fs.PathError{Op: "open", Path: "/media/u/x", Err: syscall.ENOENT}: "已被拔出",
		errors.New("write /media/u/x: input/output error"):                 "写入失败",
	} {
		if got := stickError(err); !strings.Contains(got, want) {
			t.Errorf("%v → %q, want %q", err, got, want)
		}
	}
}

func TestPosterToStick(t *testing.T) {
	st := demoStore(t)
	stick := t.TempDir()
	var sticks []string
	k, _, _ := newAdminKiosk(t, kioskDeps{Store: st, Admin: Deps{Unlocked: true,
		Poster: func(id string) ([]byte, error) {
			it, err := st.Item(id, dongwan, demoNow)
			if err != nil {
				return nil, err
			}
			var buf bytes.Buffer
			err = paper.Poster(&buf, it, nil, st.PlaceName(dongwan), func(string) (string, error) { return "", errors.New("not here") })
			return buf.Bytes(), err
		},
		Sticks: func() []string { return sticks }}})
	k.admin.Open(PurposeOpen)
	tapTab(t, k, "打印海报")
	p := k.admin.Pages[PagePoster].(*PosterPage)
	for i := range p.Paged.P.Blocks {
		if strings.Contains(textOf(blockObj(p.Paged.P, i)), "柳塘村四组拟征收土地预公告") {
			t.Error("another village's notice is offered")
		}
	}
	test.Tap(cardFor(t, p.Paged.P, "东湾村三组集体土地征收补偿安置方案公告"))
	if !strings.Contains(textOf(p.Sticks.Msg), "请插入U盘") {
		t.Fatalf("no stick: %q", textOf(p.Sticks.Msg))
	}
	sticks = []string{stick}
	test.Tap(cardFor(t, p.Paged.P, "东湾村三组集体土地征收补偿安置方案公告"))
	test.Tap(p.Sticks.List.Objects[0].(*kit.TapCard))
	pdf, err := os.ReadFile(filepath.Join(stick, "gongkai-poster-land-2026-017.pdf"))
	if err != nil || !bytes.HasPrefix(pdf, []byte("%PDF")) {
		t.Fatalf("poster: %v; says %q", err, textOf(p.Sticks.Msg))
	}
	if !strings.Contains(textOf(p.Sticks.Msg), "已把海报写到U盘") {
		t.Errorf("result %q", textOf(p.Sticks.Msg))
	}
}

// failedUpload sends a report to a real receiver that answers 503, once,
// and records the failure as the kiosk does.
func failedUpload(t *testing.T, dataDir string) (gkscreen.UploadStatus, error) {
	t.Helper()
	receiver := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		http.Error(w, "down", http.StatusServiceUnavailable)
	}))
	defer receiver.Close()
	tries, err := gksync.Upload(context.Background(), receiver.URL, []byte("{}"), gksync.UploadOptions{Retry: gksync.Retry{Attempts: 1}})
	if err == nil {
		t.Fatal("the upload to a receiver answering 503 succeeded")
	}
	return gkscreen.RecordUpload(dataDir, receiver.URL, demoNow, 100, tries, err)
}

// The status page says how the last report upload went, in one line.
func TestStatusShowsReportUpload(t *testing.T) {
	k, _, _ := newAdminKiosk(t, kioskDeps{})
	line := func() (statusLine, bool) {
		for _, l := range k.admin.statusLines() {
			if l.Name == "证明上报" {
				return l, true
			}
		}
		return statusLine{}, false
	}
	if l, ok := line(); ok {
		t.Errorf("no upload yet, but the status says %+v", l)
	}
	if _, err := failedUpload(t, k.deps.DataDir); err != nil {
		t.Fatal(err)
	}
	if l, ok := line(); !ok || !l.bad || !strings.Contains(l.Value, "失败") || !strings.Contains(l.Value, "服务器出错") || strings.Contains(l.Value, "Service") {
		t.Errorf("after a failed upload the status says %+v", l)
	}
	if _, err := gkscreen.RecordUpload(k.deps.DataDir, "https://example.gov.cn/proof", demoNow.Add(time.Hour), 100, 1, nil); err != nil {
		t.Fatal(err)
	}
	if l, ok := line(); !ok || l.bad || !strings.Contains(l.Value, "正常") {
		t.Errorf("after an upload arrived the status says %+v", l)
	}
}

// The status page says how much room the data folder's disk has left, on
// every system a screen runs on (on Windows it said "—").
func TestStatusShowsDiskSpace(t *testing.T) {
	k, _, _ := newAdminKiosk(t, kioskDeps{})
	for _, l := range k.admin.statusLines() {
		if l.Name == "磁盘剩余" {
			if !strings.Contains(l.Value, "（共 ") || strings.Contains(l.Value, "—") {
				t.Errorf("磁盘剩余：%s", l.Value)
			}
			return
		}
	}
	t.Errorf("no 磁盘剩余 on the status page: %+v", k.admin.statusLines())
}

// TestGapsAreMergedAcrossMidnight: the report splits a gap at each
// midnight; the page lists one power cut of 27 days as one row, and counts
// it once (item 10: 27 rows of "1 天 0 小时", "程序未运行 27 次").
func TestGapsAreMergedAcrossMidnight(t *testing.T) {
	cst := time.FixedZone("CST", 8*3600)
	day := time.Date(2026, 11, 1, 0, 0, 0, 0, cst)
	var gaps []proof.GapJSON
	for i := range 27 {
		a, b := day.AddDate(0, 0, i), day.AddDate(0, 0, i+1)
		gaps = append(gaps, proof.GapJSON{Start: a.Format(time.RFC3339), End: b.Format(time.RFC3339),
			Seconds: int64(b.Sub(a).Seconds()), Cause: proof.CauseProgramDown, Counted: true})
	}
	// and later a screen switched off for an hour, twice, apart
	for _, h := range []int{20, 44} {
		a := day.AddDate(0, 0, 28).Add(time.Duration(h) * time.Hour)
		gaps = append(gaps, proof.GapJSON{Start: a.Format(time.RFC3339), End: a.Add(time.Hour).Format(time.RFC3339),
			Seconds: 3600, Cause: proof.CauseScreenOff, Counted: true})
	}
	n := proof.NoticeReport{Gaps: gaps}
	runs := mergedGaps(n)
	if len(runs) != 3 || runs[0].Seconds != 27*24*3600 {
		t.Fatalf("runs = %+v", runs)
	}
	if got := causesText(n); got != "程序未运行 1 次，共 27 天 0 小时；熄屏时段 2 次，共 2 小时 0 分" {
		t.Errorf("causes: %q", got)
	}
	blocks := (&CompliancePage{}).gapBlocks(n)
	rows := 0
	for _, b := range blocks {
		if strings.Contains(textOf(b.Obj), "程序未运行") {
			rows++
		}
	}
	if rows != 1 {
		t.Errorf("%d rows for one power cut", rows)
	}
}

func english(text string) []string {
	var words []string
	for _, f := range strings.Fields(strings.NewReplacer("：", " ", "，", " ", "（", " ", "）", " ", "“", " ", "”", " ", "。", " ").Replace(text)) {
		if strings.ContainsAny(f, "/.:") {
			continue // an address, a path, a file
		}
		for _, w := range englishWord.FindAllString(f, -1) {
			switch w {
			case "gongkai", "pin", "PDF", "JSON", "CSV", "usb", "feed", "KINGSTON":
			default:
				words = append(words, w)
			}
		}
	}
	return words
}

// TestClerkSeesNoEnglish (item 7): every page of the panel, with a sync
// that failed, a stick that cannot be imported, a report upload that
// failed and an English log, says it all in Chinese, with local times and
// what to do next.
func TestClerkSeesNoEnglish(t *testing.T) {
	netErr := fmt.Errorf(`sync: reading the manifest from https://x: Get "https://x": %w`,
		&net.OpError{Op: "dial", Net: "tcp", Err: syscall.ECONNREFUSED})
	var k *testKiosk
	k, _, _ = newAdminKiosk(t, kioskDeps{Admin: Deps{Unlocked: true, Version: "0.1.0-dev", Build: "dev", Commit: "unknown",
		LogLines: func() []string {
			return []string{
				`{"time":"2026-11-25T01:59:11Z","level":"WARN","msg":"scheduled sync failed","err":"` + strings.ReplaceAll(netErr.Error(), `"`, `\"`) + `","kind":"network"}`,
				`{"time":"2026-11-25T02:00:00Z","level":"INFO","msg":"usb import","path":"/media/usb0/feed","version":9}`,
				`{"time":"2026-11-25T02:01:00Z","level":"ERROR","msg":"something new in a later version","detail":"x"}`,
				`not json at all`,
			}
		}},
		Runtime: &fakeRuntime{
			OnSyncNow: func(context.Context, func(gksync.Event)) (gksync.Result, error) {
				return gksync.Result{}, netErr
			},
			OnPreview: func(context.Context, string) (ImportDiff, error) {
				return ImportDiff{}, fmt.Errorf("sync: preview: %w over manifest.json", feed.ErrSignature)
			},
			OnImport: func(context.Context, string, func(gksync.Event)) (gksync.Result, error) { return gksync.Result{}, nil },
		}})
	if _, err := failedUpload(t, k.deps.DataDir); err != nil {
		t.Fatal(err)
	}
	k.admin.Open(PurposeOpen)
	k.admin.ShowPage(pageSync)
	test.Tap(k.admin.Pages[pageSync].(*syncPage).Run)
	if err := k.Store.RecordAttempt("https://x", demoNow, 0, netErr, string(gksync.KindOf(netErr))); err != nil {
		t.Fatal(err)
	}
	usb := k.admin.Pages[PageUSB].(*UsbPage)
	k.admin.VolumesChanged([]string{"/media/KINGSTON/feed"})
	test.Tap(usb.List.Objects[0].(*kit.TapCard))
	seen := map[string]string{}
	for i, name := range PageNames {
		if i != PageUSB { // the preview's answer stays on show
			k.admin.ShowPage(i)
		}
		all := textOf(k.admin.Pages[i].Object())
		switch pg := k.admin.Pages[i].(type) {
		case *statusPage:
			all += pageContent(pg.Paged.P)
		case *logPage:
			all += pageContent(pg.Paged.P)
		case *UsbPage:
			all += pageContent(pg.Paged.P)
		}
		seen[name] = all
		if w := english(all); len(w) > 0 {
			t.Errorf("%s shows English %v:\n%s", name, w, all)
		}
	}
	for page, want := range map[string][]string{
		"立即同步": {"无法连接服务器", "请检查网络"},
		"U盘导入": {"签名不符", "请确认数据来自本镇的发布方"},
		"日志":   {"11-25 09:59 注意 定时同步失败：无法连接服务器", "U 盘导入（第 9 版）", "技术记录（详见日志文件）"},
		"状态":   {"处理办法", "证明上报", "服务器出错", "0.1.0-dev（测试版）"},
	} {
		for _, w := range want {
			if !strings.Contains(seen[page], w) {
				t.Errorf("%s lacks %q:\n%s", page, w, seen[page])
			}
		}
	}
}

// TestPanelReopensOnStatus: the next clerk does not meet 退出信息屏 and
// its red button because the last one looked at it.
func TestPanelReopensOnStatus(t *testing.T) {
	k, _, _ := newAdminKiosk(t, kioskDeps{Admin: Deps{Unlocked: true}})
	k.admin.Open(PurposeOpen)
	tapTab(t, k, "退出信息屏")
	test.Tap(k.admin.closer)
	k.admin.Open(PurposeOpen)
	if k.admin.Page != pageStatus || !k.admin.Pages[pageStatus].Object().Visible() {
		t.Fatalf("the panel reopened on page %d", k.admin.Page)
	}
}

// TestLogPageKnowsTheAdminEvents: the events the admin panel logs are
// said in words on the 日志 page, none as a bare technical record.
func TestLogPageKnowsTheAdminEvents(t *testing.T) {
	for _, msg := range []string{"admin PIN pad shown", "admin panel unlocked", "admin PIN: wrong try", "admin PIN locked",
		"admin PIN changed in the settings", "admin PIN: saving the new PIN", "leaving the kiosk from the admin panel"} {
		line := words.LogLine(`{"time":"2026-11-25T02:00:00Z","level":"INFO","msg":"`+msg+`"}`, time.FixedZone("CST", 8*3600))
		if strings.Contains(line, "技术记录") || !strings.HasPrefix(line, "11-25 10:00 ") {
			t.Errorf("%s: %q", msg, line)
		}
	}
}

// The admin status page reads the store in the background: opening it
// hands the reading to a job (a topic's list: villager's
// TestListReadsInTheBackground).
func TestStatusReadsInTheBackground(t *testing.T) {
	k, _, _ := newAdminKiosk(t, kioskDeps{})
	var status []func()
	k.admin.Async = func(_ string, fn func()) { status = append(status, fn) }
	p := k.admin.Pages[pageStatus].(*statusPage)
	p.Show()
	if len(status) != 1 {
		t.Fatalf("the status page started %d jobs, want 1", len(status))
	}
	status[0]()
	if !strings.Contains(pageContent(p.Paged.P), "本屏显示") {
		t.Errorf("status after its job: %q", pageContent(p.Paged.P))
	}

	// the posters page lists every notice: the same, in the background
	k.deps.Admin.Poster = func(string) ([]byte, error) { return []byte("%PDF-1.4"), nil }
	posters := k.admin.Pages[PagePoster].(*PosterPage)
	posters.Show()
	if len(status) != 2 || strings.Contains(pageContent(posters.Paged.P), "参保缴费") {
		t.Fatalf("the posters page: %d jobs, listed before its job: %q", len(status), pageContent(posters.Paged.P))
	}
	status[1]()
	if !strings.Contains(pageContent(posters.Paged.P), "参保缴费") {
		t.Errorf("posters after the job: %q", pageContent(posters.Paged.P))
	}
}
