package monitor

import (
	"fmt"
	"strings"
	"time"

	"gongkai/monitor/wire"
	"gongkai/proof"
)

// Status of a screen on the page, worst first.
type Status int

const (
	StatusOffline    Status = iota // silent for two heartbeats (or never heard from)
	StatusSyncFailed               // its last sync failed
	StatusStale                    // its content is out of date
	StatusOK
)

var statusWords = [...]string{"离线", "同步失败", "内容过期", "正常"}
var statusClasses = [...]string{"offline", "failed", "stale", "ok"}

func (s Status) String() string { return statusWords[s] }

// Class names the status in the style sheet.
func (s Status) Class() string { return statusClasses[s] }

// Thresholds of the alerts.
const (
	behindAlert  = 2                // feed versions behind the newest any screen of the feed holds
	lowDiskBytes = 512 << 20        // free bytes on the screen's disk
	lowDiskShare = 0.05             // or free share of it
	neverSilent  = 30 * time.Minute // a screen never heard from counts as silent this long after enrolment
)

// judged is a screen with what the page says of it now.
type judged struct {
	view
	Status  Status
	Why     string // the status in a few plain words
	Behind  int64  // versions behind the newest of its feed
	Latest  int64
	Silent  bool
	LowDisk bool
	Moved   bool // reports a place not under the enrolled code
}

// latestVersions is the newest version each feed id has on any screen:
// "the latest published" as far as the monitor can know it.
func latestVersions(all []view) map[string]int64 {
	out := map[string]int64{}
	for _, v := range all {
		if b := v.State.Beat; b != nil && b.Feed.Version > out[b.Feed.ID] {
			out[b.Feed.ID] = b.Feed.Version
		}
	}
	return out
}

// judge decides a screen's status at now.
func judge(v view, latest map[string]int64, now time.Time) judged {
	j := judged{view: v, Status: StatusOK, Why: "正常"}
	b := v.State.Beat
	if b == nil {
		j.Status, j.Silent = StatusOffline, now.Sub(v.Screen.Enrolled) > neverSilent
		j.Why = "尚未上报"
		return j
	}
	j.Latest = latest[b.Feed.ID]
	j.Behind = j.Latest - b.Feed.Version
	j.LowDisk = b.DiskTotal > 0 && (b.DiskFree < lowDiskBytes || float64(b.DiskFree) < lowDiskShare*float64(b.DiskTotal))
	j.Moved = !placed(v.Screen, *b)
	silentFor := now.Sub(v.State.Seen)
	stale, staleWhy := staleness(*b, j.Behind, now)
	switch {
	case silentFor > silentAfter(b.Interval):
		j.Status, j.Silent = StatusOffline, true
		j.Why = fmt.Sprintf("已 %s 没有消息", durationWords(silentFor))
	case b.Sync.Kind != "":
		j.Status, j.Why = StatusSyncFailed, kindWords(b.Sync.Kind)
	case stale:
		j.Status, j.Why = StatusStale, staleWhy
	}
	return j
}

// staleness: the content is out of date when the feed is behindAlert
// versions behind, has expired, or has not synced within the screen's own
// stale_after.
func staleness(b wire.Heartbeat, behind int64, now time.Time) (bool, string) {
	switch {
	case b.Feed.Version == 0:
		return true, "还没有数据"
	case behind >= behindAlert:
		return true, fmt.Sprintf("落后最新版 %d 个版本", behind)
	case !b.Feed.Expires.IsZero() && b.At.After(b.Feed.Expires):
		return true, "数据源已过有效期"
	case b.Feed.StaleAfter > 0 && !b.Sync.LastSuccess.IsZero() && b.At.Sub(b.Sync.LastSuccess) > time.Duration(b.Feed.StaleAfter)*time.Second:
		return true, fmt.Sprintf("已 %s 没有成功同步", durationWords(b.At.Sub(b.Sync.LastSuccess)))
	}
	return false, ""
}

// Words.

// kindWords says a sync failure kind in plain Chinese.
func kindWords(kind string) string {
	switch kind {
	case wire.KindNetwork:
		return "连不上数据源（网络或服务器）"
	case wire.KindSignature:
		return "数据签名不符（不是本屏信任的发布密钥）"
	case wire.KindExpired:
		return "数据源已过期，需要重新发布"
	case wire.KindRollback:
		return "收到的版本比屏幕上的旧"
	case wire.KindDamaged:
		return "数据源文件损坏或不完整"
	case wire.KindStorage:
		return "屏幕本机存储出错（磁盘满或数据库损坏）"
	case wire.KindNoSource:
		return "没有设置数据源"
	case "":
		return ""
	}
	return "其他错误"
}

func modeWords(mode string) string {
	if mode == "display" {
		return "信息屏"
	}
	return "触摸屏"
}

// durationWords: "3 天 4 小时", "5 小时 2 分", "7 分", "20 秒".
func durationWords(d time.Duration) string {
	d = d.Round(time.Second)
	switch {
	case d >= 24*time.Hour:
		return fmt.Sprintf("%d 天 %d 小时", d/(24*time.Hour), d%(24*time.Hour)/time.Hour)
	case d >= time.Hour:
		return fmt.Sprintf("%d 小时 %d 分", d/time.Hour, d%time.Hour/time.Minute)
	case d >= time.Minute:
		return fmt.Sprintf("%d 分", d/time.Minute)
	}
	return fmt.Sprintf("%d 秒", max(0, d/time.Second))
}

// bytesWords: "12.3 GB".
func bytesWords(n int64) string {
	units := []string{"B", "KB", "MB", "GB", "TB"}
	f, i := float64(n), 0
	for f >= 1024 && i < len(units)-1 {
		f /= 1024
		i++
	}
	if i == 0 {
		return fmt.Sprintf("%d B", n)
	}
	return fmt.Sprintf("%.1f %s", f, units[i])
}

// causeWords says a gap's cause as the screen's own pages do.
func causeWords(cause string) string {
	if w, ok := proof.CauseNames[cause]; ok {
		return w
	}
	return cause
}

// statusWords of a posting period.
func periodWords(status string) string {
	switch status {
	case proof.StatusMet:
		return "已满公示期"
	case proof.StatusOnTrack:
		return "公示中，无缺口"
	case proof.StatusFailed:
		return "有缺口"
	}
	return strings.TrimSpace(status)
}
