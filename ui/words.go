package ui

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// Every message a villager or a clerk can see is Chinese, says what
// happened and what to do next, and gives times in the township's time
// zone. The program's own errors and log are English, for engineers: this
// file turns them into words, and the English stays in the log file.

// plainError says in words a clerk understands why a sync (or an
// import, or an upload) failed. The full reason, in English, stays in the
// log file for engineers.
func plainError(msg string) string {
	m := strings.ToLower(msg)
	has := func(words ...string) bool {
		for _, w := range words {
			if strings.Contains(m, w) {
				return true
			}
		}
		return false
	}
	switch {
	case msg == "":
		return ""
	case has("context canceled"):
		return "已取消"
	case has("bad signature", "does not trust", "signature"):
		return "签名不符：数据不是本屏信任的发布方签发的"
	case has("manifest expired", "expired"):
		return "内容已过期：发布方的数据已超过有效期"
	case has("older than the stored", "same version as stored"):
		return "版本不对：数据比本机现有的旧或被改动过"
	case has("different feed id"):
		return "不是本屏订阅的数据"
	case has("hash differs", "size differs", "malformed", "bad bundle"):
		return "数据损坏：文件不完整或被改动"
	case has("no space left", "disk full"):
		return "磁盘已满"
	case has("no such host", "connection refused", "network is unreachable", "dial tcp", "i/o timeout", "timeout", "connection reset", "tls"):
		return "无法连接服务器"
	case has("server answered") || httpStatus.MatchString(m) && !clientStatus.MatchString(m):
		return "服务器出错"
	case clientStatus.MatchString(m):
		return "服务器拒绝了请求"
	case has("no such file", "not exist", "no source"):
		return "找不到数据源"
	case has("over the size limit"):
		return "数据超出大小限制"
	}
	return "同步失败"
}

// httpStatus finds an HTTP error status in a message; clientStatus a 4xx.
var (
	httpStatus   = regexp.MustCompile(`\b[45]\d\d\b`)
	clientStatus = regexp.MustCompile(`\b4\d\d\b`)
)

// nextStep is what a clerk can do about a failure plainError names.
func nextStep(msg string) string {
	switch plainError(msg) {
	case "":
		return ""
	case "已取消":
		return "需要时再点一次。"
	case "无法连接服务器":
		return "请检查网络连接后再试；没有网络时，可以用 U 盘导入。"
	case "签名不符：数据不是本屏信任的发布方签发的":
		return "请确认数据来自本镇的发布方；如仍不行，请联系发布方。"
	case "内容已过期：发布方的数据已超过有效期":
		return "请发布方重新发布，或用 U 盘导入最新的数据。"
	case "版本不对：数据比本机现有的旧或被改动过":
		return "请使用发布方最新发布的数据。"
	case "不是本屏订阅的数据":
		return "请换用本镇发布的数据。"
	case "数据损坏：文件不完整或被改动":
		return "请重新复制数据后再试；网络同步时可稍后再试。"
	case "磁盘已满":
		return "请联系技术人员清理本机磁盘。"
	case "服务器出错":
		return "请稍后再试；如一直这样，请联系发布方。"
	case "服务器拒绝了请求":
		return "请联系技术人员检查本机的设置（地址、登记）。"
	case "找不到数据源":
		return "请在“设置”中检查数据来源，或用 U 盘导入。"
	case "数据超出大小限制":
		return "请联系发布方。"
	}
	return "请稍后再试；如一直失败，请联系技术人员。"
}

// problemText is a failure and what to do about it, one sentence each.
func problemText(msg string) string {
	return plainError(msg) + "。" + nextStep(msg)
}

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
func logLine(s string, loc *time.Location) string {
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
	b.WriteString(or(levelWords[level], "记录") + " ")
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
		b.WriteString("：" + problemText(e))
	}
	return b.String()
}

// versionText is the program's version for the status page; the commit
// and the build's details are in gongkai version, for engineers.
func versionText(version, build string) string {
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

// feedOnStick names a feed folder found on a stick by the stick and the
// folder: "U 盘 KINGSTON 上的 gongkai-feed".
func feedOnStick(path string) string {
	dir, name := filepath.Split(filepath.Clean(path))
	return fmt.Sprintf("U 盘 %s 上的 %s", filepath.Base(filepath.Clean(dir)), name)
}
