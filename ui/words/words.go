// Package words holds what the screens say in Chinese for what the
// program knows in English: failure kinds, log lines, dates, versions.
package words

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	gksync "gongkai/sync"
)

// Every message a villager or a clerk can see is Chinese, says what
// happened and what to do next, and gives times in the township's time
// zone. The program's own errors and log are English, for engineers: this
// file turns them into words, and the English stays in the log file.

// failureWords say a kind of failure (sync.KindOf, as stored with the
// error) in words a clerk understands, and what to do about it. The full
// reason, in English, stays in the log file for engineers.
var FailureWords = map[gksync.Kind][2]string{
	gksync.KindCanceled:  {"已取消", "需要时再点一次。"},
	gksync.KindNetwork:   {"无法连接服务器", "请检查网络连接后再试；没有网络时，可以用 U 盘导入。"},
	gksync.KindSignature: {"签名不符：数据不是本屏信任的发布方签发的", "请确认数据来自本镇的发布方；如仍不行，请联系发布方。"},
	gksync.KindExpired:   {"内容已过期：发布方的数据已超过有效期", "请发布方重新发布，或用 U 盘导入最新的数据。"},
	gksync.KindRollback:  {"版本不对：数据比本机现有的旧或被改动过", "请使用发布方最新发布的数据。"},
	gksync.KindWrongFeed: {"不是本屏订阅的数据", "请换用本镇发布的数据。"},
	gksync.KindDamaged:   {"数据损坏：文件不完整或被改动", "请重新复制数据后再试；网络同步时可稍后再试。"},
	gksync.KindDiskFull:  {"磁盘已满", "请联系技术人员清理本机磁盘。"},
	gksync.KindStorage:   {"本机存储出错", "请联系技术人员检查本机的磁盘和数据库（gongkai check）。"},
	gksync.KindServer:    {"服务器出错", "请稍后再试；如一直这样，请联系发布方。"},
	gksync.KindRefused:   {"服务器拒绝了请求", "请联系技术人员检查本机的设置（地址、登记）。"},
	gksync.KindNoSource:  {"找不到数据源", "请在“设置”中检查数据来源，或用 U 盘导入。"},
	gksync.KindTooLarge:  {"数据超出大小限制", "请联系发布方。"},
	gksync.KindOther:     {"同步失败", "请稍后再试；如一直失败，请联系技术人员。"},
}

// plainError says a kind of failure in words; "" for no failure. A kind
// it does not know (from a later version) reads as KindOther.
func PlainError(kind gksync.Kind) string {
	if kind == gksync.KindNone {
		return ""
	}
	return wordsOf(kind)[0]
}

// nextStep is what a clerk can do about a failure of that kind.
func NextStep(kind gksync.Kind) string {
	if kind == gksync.KindNone {
		return ""
	}
	return wordsOf(kind)[1]
}

func wordsOf(kind gksync.Kind) [2]string {
	if w, ok := FailureWords[kind]; ok {
		return w
	}
	return FailureWords[gksync.KindOther]
}

// problemText is a failure and what to do about it, one sentence each.
func ProblemText(kind gksync.Kind) string {
	return PlainError(kind) + "。" + NextStep(kind)
}

// storedKind is the kind kept with a stored error; an error kept without
// one (by an older version) reads as other.
func StoredKind(kind string) gksync.Kind {
	if kind == "" {
		return gksync.KindOther
	}
	return gksync.Kind(kind)
}

// problemOf is problemText for an error as it happens.
func ProblemOf(err error) string { return ProblemText(gksync.KindOf(err)) }

// logWords are the log's events as the 日志 page says them. An event
// missing here is still listed, as a technical record.
var logWords = map[string]string{
	"kiosk starting":                         "程序启动",
	"kiosk stopped":                          "程序退出",
	"admin panel unlocked":                   "管理面板已打开",
	"admin PIN pad shown":                    "有人打开了管理密码输入",
	"admin PIN: wrong try":                   "管理密码输错一次",
	"admin PIN locked":                       "管理密码错误次数过多，已锁定",
	"admin PIN changed in the settings":      "管理密码已在“设置”中更改",
	"admin PIN":                              "管理密码文件无法读取，请技术人员用 gongkai pin 重设",
	"admin PIN: checking":                    "无法核对管理密码",
	"admin PIN: saving the new PIN":          "新管理密码保存失败",
	"leaving the kiosk from the admin panel": "从管理面板退出了信息屏",
	"settings saved":                         "设置已保存",
	"saving settings":                        "设置保存失败",
	"sync now":                               "立即同步完成",
	"sync now failed":                        "立即同步失败",
	"sync now panicked":                      "立即同步出错",
	"scheduled sync updated the screen":      "定时同步：内容已更新",
	"scheduled sync failed":                  "定时同步失败",
	"usb import":                             "U 盘导入",
	"usb preview":                            "U 盘上的数据不能导入",
	"removable media":                        "U 盘插入或拔出",
	"wrote to stick":                         "已写入 U 盘",
	"write to stick":                         "写入 U 盘失败",
	"compliance report":                      "无法读取展示记录",
	"report uploaded":                        "公示证明已上报",
	"report upload failed":                   "公示证明上报失败",
	"recovered panic":                        "后台任务出错，已恢复",
	"display log":                            "展示记录出错",
	"display log close":                      "展示记录关闭时出错",
	"display log paused: the window did not answer":                              "展示记录暂停：窗口无响应",
	"display log unavailable: the screen runs without proof of display":          "展示记录不可用：本次运行不记录公示证明",
	"sync schedule not running":                                                  "定时同步未能启动，请联系技术人员",
	"restarting the sync schedule":                                               "定时同步未能重新启动，请联系技术人员",
	"display: reading notices":                                                   "信息屏读取公告出错",
	"no admin PIN: the admin panel stays shut until one is set with gongkai pin": "本屏未设置管理密码，管理面板不能打开",
}

var levelWords = map[string]string{"DEBUG": "调试", "INFO": "信息", "WARN": "注意", "ERROR": "错误"}

// logLine turns a JSON log record into a line for the 日志 page: the
// local time, how serious, what happened in words, and for a failure what
// to do; "01-02 15:04 注意 定时同步失败：无法连接服务器。请检查网络…".
func LogLine(s string, loc *time.Location) string {
	var rec map[string]any
	if json.Unmarshal([]byte(s), &rec) != nil {
		return "技术记录（详见日志文件）"
	}
	var b strings.Builder
	if t, ok := rec["time"].(string); ok {
		if tt, err := time.Parse(time.RFC3339Nano, t); err == nil {
			b.WriteString(tt.In(loc).Format("01-02 15:04 "))
		}
	}
	level, _ := rec["level"].(string)
	b.WriteString(Or(levelWords[level], "记录") + " ")
	msg, _ := rec["msg"].(string)
	words, known := logWords[msg]
	if !known {
		b.WriteString("技术记录（详见日志文件）")
		return b.String()
	}
	b.WriteString(words)
	if v, ok := rec["version"].(float64); ok && v > 0 {
		fmt.Fprintf(&b, "（第 %d 版）", int64(v))
	}
	if e, ok := rec["err"].(string); ok && e != "" {
		// the kind the logger added (sync.KindHandler); a line
		// without one (an older version's) reads as other
		kind, _ := rec["kind"].(string)
		b.WriteString("：" + ProblemText(StoredKind(kind)))
	}
	return b.String()
}

// versionText is the program's version for the status page; the commit
// and the build's details are in gongkai version, for engineers.
func VersionText(version, build string) string {
	n, err := strconv.Atoi(build)
	switch {
	case version == "":
		return "—"
	case build == "dev" || strings.HasSuffix(version, "-dev"):
		return version + "（测试版）"
	case err != nil || n <= 0:
		return version
	}
	return fmt.Sprintf("%s（第 %d 次构建）", version, n)
}

// StickName is how the screens name a stick by the folder it is mounted
// at: its label on Linux (/media/KINGSTON), and on Windows, where a stick
// is a drive letter whose root has no name of its own (filepath.Base gives
// a backslash), the drive: "E:".
func StickName(dir string) string {
	dir = filepath.Clean(dir)
	if v := filepath.VolumeName(dir); v != "" && dir == v+string(filepath.Separator) {
		return v
	}
	return filepath.Base(dir)
}

// FeedOnStick names a feed folder found on a stick by the stick and the
// folder: "U 盘 KINGSTON 上的 gongkai-feed".
func FeedOnStick(path string) string {
	dir, name := filepath.Split(filepath.Clean(path))
	return fmt.Sprintf("U 盘 %s 上的 %s", StickName(dir), name)
}

func Or(s, alt string) string {
	if s == "" {
		return alt
	}
	return s
}
