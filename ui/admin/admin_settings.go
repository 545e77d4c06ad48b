package admin

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"gongkai/config"
	"gongkai/pin"
	"gongkai/ui/kit"
)

// Key sets of the settings keypad: digits for codes and numbers, a colon
// for times of day, a small letter/symbol pad for URLs and paths.
var (
	keysDigits = []string{"1", "2", "3", "4", "5", "6", "7", "8", "9", "0"}
	keysClock  = append(slices.Clone(keysDigits), ":")
	keysURL    = strings.Split("1234567890abcdefghijklmnopqrstuvwxyz.:/-_~?=&%", "")
)

// setting is one editable field of the configuration.
type Setting struct {
	Name   string
	keys   []string
	secret bool
	get    func(c *config.Config) string
	set    func(c *config.Config, v string) error // parse v into c
}

func minutes(d time.Duration) string { return strconv.Itoa(int(d / time.Minute)) }
func seconds(d time.Duration) string { return strconv.Itoa(int(d / time.Second)) }

// number parses a whole number of units for a duration field.
func number(v string, unit time.Duration, into *config.Duration) error {
	n, err := strconv.Atoi(v)
	if err != nil || n <= 0 {
		return fmt.Errorf("请输入大于 0 的整数")
	}
	into.Duration = time.Duration(n) * unit
	return nil
}

// configErrText says what config.Validate refused, in Chinese.
func configErrText(err error) string {
	m := err.Error()
	for _, r := range []struct{ prefix, text string }{
		{"location", "位置代码不正确：应为本屏的 6 到 12 位区划代码，例如 310118901201。"},
		{"sources", "数据源不正确：应为 http:// 或 https:// 开头的网址，或以 / 开头的文件夹路径。"},
		{"sync_interval", "同步间隔应在 1 分钟到 7 天之间。"},
		{"idle_timeout", "空闲超时应在 10 秒到 3600 秒之间。"},
		{"dwell", "轮播时长应在 1 秒到 3600 秒之间。"},
		{"stale_after", "过期提醒应在 1 天到 365 天之间。"},
		{"display_o", "开屏、关屏时间须成对填写，格式如 07:00，且不能相同；都留空表示全天显示。"},
		{"text_size", "字号不正确。"},
		{"volume", "朗读音量应在 1 到 100 之间。"},
		{"quiet_", "静音时段的开始、结束时间须成对填写，格式如 22:00，且不能相同；都留空表示不静音。"},
		{"read_aloud", "显示屏自动朗读应为 1（开）或 0（关）。"},
		{"mode", "模式不正确。"},
	} {
		if strings.HasPrefix(m, r.prefix) {
			return r.text
		}
	}
	return "设置不正确，请检查后再试；如不清楚哪里不对，请联系技术人员。"
}

type SettingsPage struct {
	a      *Panel
	box    *fyne.Container
	list   fyne.CanvasObject
	paged  *pagedBox
	Msg    *widget.RichText
	Draft  config.Config
	newPIN string

	Editor  fyne.CanvasObject
	edName  *widget.Label
	edValue *widget.Label
	EdMsg   *widget.RichText
	edKeys  *fyne.Container
	editing *Setting
	Value   string
	Keys    map[string]*kit.BigButton // the editor's keys by label, for tests
	Save    *kit.BigButton
}

func (a *Panel) newSettingsPage() *SettingsPage {
	p := &SettingsPage{a: a, Keys: map[string]*kit.BigButton{}}
	p.paged = a.newPaged()
	p.Msg = kit.Rich()
	p.Save = a.btn("保存设置", widget.HighImportance, p.saveDraft)
	p.Save.Min = fyne.NewSize(360, 100)
	p.list = container.NewBorder(nil, container.NewVBox(p.Msg, container.NewCenter(p.Save)), nil, nil, p.paged.box)

	p.edName = kit.Label("", theme.SizeNameHeadingText)
	p.edValue = kit.Label("", kit.SizeTitle)
	p.edValue.Wrapping = fyne.TextWrapBreak
	p.EdMsg = kit.Rich()
	p.edKeys = container.NewGridWithColumns(10)
	ok := a.btn("确定", widget.HighImportance, p.confirm)
	cancel := a.btn("取消", widget.MediumImportance, p.closeEditor)
	del := a.btn("⌫ 删除", widget.MediumImportance, func() {
		if p.Value != "" {
			p.Value = p.Value[:len(p.Value)-1]
		}
		p.UpdateEditor()
	})
	clr := a.btn("清空", widget.DangerImportance, func() { p.Value = ""; p.UpdateEditor() })
	for _, b := range []*kit.BigButton{ok, cancel, del, clr} {
		b.Min = fyne.NewSize(220, 100)
	}
	p.Keys["确定"], p.Keys["取消"], p.Keys[kit.KeyDelete], p.Keys[kit.KeyClear] = ok, cancel, del, clr
	p.Editor = container.NewVBox(p.edName, kit.Panel(kit.ColorCard, p.edValue), p.EdMsg,
		p.edKeys,
		container.NewGridWithColumns(4, del, clr, cancel, ok))
	p.Editor.Hide()
	p.box = container.NewStack(p.list, p.Editor)
	return p
}

func (p *SettingsPage) Object() fyne.CanvasObject { return p.box }

// show starts from the running configuration.
func (p *SettingsPage) Show() {
	if c := p.a.k.Admin.Config; c != nil {
		p.Draft = *c
		p.Draft.Sources = slices.Clone(c.Sources)
	}
	p.newPIN = ""
	kit.SetRich(p.Msg)
	p.closeEditor()
}

func (p *SettingsPage) Settings() []*Setting {
	var out []*Setting
	out = append(out, &Setting{Name: "位置代码", keys: keysDigits,
		get: func(c *config.Config) string { return c.Location },
		set: func(c *config.Config, v string) error { c.Location = v; return nil }})
	for i := range p.Draft.Sources {
		out = append(out, &Setting{Name: fmt.Sprintf("数据源 %d（清空即删除）", i+1), keys: keysURL,
			get: func(c *config.Config) string { return c.Sources[i] },
			set: func(c *config.Config, v string) error {
				if v == "" {
					c.Sources = slices.Delete(c.Sources, i, i+1)
				} else {
					c.Sources[i] = v
				}
				return nil
			}})
	}
	out = append(out, &Setting{Name: "添加数据源", keys: keysURL,
		get: func(*config.Config) string { return "" },
		set: func(c *config.Config, v string) error {
			if v != "" {
				c.Sources = append(c.Sources, v)
			}
			return nil
		}},
		&Setting{Name: "同步间隔（分钟）", keys: keysDigits,
			get: func(c *config.Config) string { return minutes(c.SyncInterval.Duration) },
			set: func(c *config.Config, v string) error { return number(v, time.Minute, &c.SyncInterval) }},
		&Setting{Name: "轮播时长（秒）", keys: keysDigits,
			get: func(c *config.Config) string { return seconds(c.Dwell.Duration) },
			set: func(c *config.Config, v string) error { return number(v, time.Second, &c.Dwell) }},
		&Setting{Name: "开屏时间（如 07:00，留空为全天）", keys: keysClock,
			get: func(c *config.Config) string { return c.DisplayOn },
			set: func(c *config.Config, v string) error { c.DisplayOn = v; return nil }},
		&Setting{Name: "关屏时间（如 21:00，留空为全天）", keys: keysClock,
			get: func(c *config.Config) string { return c.DisplayOff },
			set: func(c *config.Config, v string) error { c.DisplayOff = v; return nil }},
		&Setting{Name: "空闲返回首页（秒）", keys: keysDigits,
			get: func(c *config.Config) string { return seconds(c.IdleTimeout.Duration) },
			set: func(c *config.Config, v string) error { return number(v, time.Second, &c.IdleTimeout) }},
		&Setting{Name: "过期提醒（超过几天未更新）", keys: keysDigits,
			get: func(c *config.Config) string { return strconv.Itoa(int(c.StaleAfter.Hours() / 24)) },
			set: func(c *config.Config, v string) error { return number(v, 24*time.Hour, &c.StaleAfter) }},
		&Setting{Name: "朗读音量（1–100）", keys: keysDigits,
			get: func(c *config.Config) string { return strconv.Itoa(c.Volume) },
			set: func(c *config.Config, v string) error {
				n, err := strconv.Atoi(v)
				if err != nil || n < 1 || n > 100 {
					return fmt.Errorf("请输入 1 到 100 的整数")
				}
				c.Volume = n
				return nil
			}},
		&Setting{Name: "静音时段开始（如 22:00，留空为不静音）", keys: keysClock,
			get: func(c *config.Config) string { return c.QuietFrom },
			set: func(c *config.Config, v string) error { c.QuietFrom = v; return nil }},
		&Setting{Name: "静音时段结束（如 07:00）", keys: keysClock,
			get: func(c *config.Config) string { return c.QuietTo },
			set: func(c *config.Config, v string) error { c.QuietTo = v; return nil }},
		&Setting{Name: "显示屏自动朗读（1 开，0 关）", keys: []string{"1", "0"},
			get: func(c *config.Config) string {
				if c.ReadAloud == "on" {
					return "1"
				}
				return "0"
			},
			set: func(c *config.Config, v string) error {
				switch v {
				case "1":
					c.ReadAloud = "on"
				case "0", "":
					c.ReadAloud = "off"
				default:
					return fmt.Errorf("请输入 1（开）或 0（关）")
				}
				return nil
			}},
		&Setting{Name: "新管理密码（4–12 位数字）", keys: keysDigits, secret: true,
			get: func(*config.Config) string { return "" },
			set: func(_ *config.Config, v string) error {
				if v == "" {
					p.newPIN = ""
					return nil
				}
				if err := pin.Valid(v); err != nil {
					return fmt.Errorf("密码须为 %d 到 %d 位数字", pin.MinDigits, pin.MaxDigits)
				}
				p.newPIN = v
				return nil
			}},
	)
	return out
}

// rows rebuilds the list of fields from the draft.
func (p *SettingsPage) rows() {
	a := p.a
	var blocks []kit.Block
	for _, s := range p.Settings() {
		v := s.get(&p.Draft)
		switch {
		case s.secret && p.newPIN != "":
			v = "●●●●（保存后生效）"
		case s.secret || (v == "" && strings.HasPrefix(s.Name, "添加")):
			v = "点此输入"
		case v == "":
			v = "—"
		}
		blocks = append(blocks, kit.Block{Obj: a.k.Card(kit.Rich(
			kit.Seg(s.Name+"：", theme.SizeNameText, kit.ColorMuted),
			kit.Seg(v+"　›", theme.SizeNameText, theme.ColorNamePrimary)), func() {
			a.touch()
			p.Edit(s)
		}), Gap: 8})
	}
	blocks = append(blocks,
		kit.Block{Obj: p.choice("模式", []string{"触摸查询屏", "电子信息屏"}, []string{config.ModeTouch, config.ModeDisplay}, &p.Draft.Mode), Gap: 8},
		kit.Block{Obj: p.choice("默认字号", []string{"标准", "大", "特大"}, config.TextSizes, &p.Draft.TextSize), Gap: 8})
	page := p.paged.P.Cur
	p.paged.P.Cur = page
	p.paged.P.SetBlocks(blocks)
}

// choice is a row of buttons for a field with few values.
func (p *SettingsPage) choice(name string, labels, values []string, field *string) fyne.CanvasObject {
	name0 := kit.Label(name+"：", theme.SizeNameText)
	name0.Wrapping = fyne.TextWrapOff // a wrapping label in a row shrinks to one character a line
	row := container.NewHBox(name0)
	for i, l := range labels {
		imp := widget.MediumImportance
		if *field == values[i] {
			imp = widget.HighImportance
		}
		b := p.a.btn(l, imp, func() { *field = values[i]; p.rows() })
		b.Min = fyne.NewSize(200, kit.TouchMin)
		p.Keys[name+":"+l] = b
		row.Add(b)
	}
	return row
}

func (p *SettingsPage) Edit(s *Setting) {
	p.editing = s
	p.Value = s.get(&p.Draft)
	kit.SetText(p.edName, s.Name)
	kit.SetRich(p.EdMsg)
	p.edKeys.Objects = nil
	for _, key := range s.keys {
		b := p.a.btn(key, widget.MediumImportance, func() {
			if len(p.Value) < config.MaxFileSize/64 {
				p.Value += key
			}
			p.UpdateEditor()
		})
		b.Min = fyne.NewSquareSize(kit.KeyMin)
		b.SizeName = kit.SizeEditKey
		p.Keys[key] = b
		p.edKeys.Add(b)
	}
	p.edKeys.Refresh()
	p.UpdateEditor()
	kit.Show(p.list, false)
	kit.Show(p.Editor, true)
	p.box.Refresh()
}

func (p *SettingsPage) UpdateEditor() {
	v := p.Value
	if p.editing != nil && p.editing.secret {
		v = strings.Repeat("●", len(v))
	}
	kit.SetText(p.edValue, v+"▏")
}

// confirm applies the edited value to the draft, refusing what config
// would refuse: the clerk learns it now, not at 保存.
func (p *SettingsPage) confirm() {
	s := p.editing
	if s == nil {
		return
	}
	c := p.Draft
	c.Sources = slices.Clone(p.Draft.Sources)
	if err := s.set(&c, strings.TrimSpace(p.Value)); err != nil {
		kit.SetRich(p.EdMsg, kit.Seg(err.Error(), theme.SizeNameText, kit.ColorUrgent))
		return
	}
	note := "已修改，点“保存设置”后生效。"
	if err := c.Validate(); err != nil {
		// on and off times come in pairs: the first of the two is
		// accepted now, and 保存 refuses the pair if left half done
		if !errors.Is(err, config.ErrHalfHours) {
			kit.SetRich(p.EdMsg, kit.Seg(configErrText(err), theme.SizeNameText, kit.ColorUrgent))
			return
		}
		note = "请同时设置开屏和关屏时间，或都留空。"
	}
	p.Draft = c
	kit.SetRich(p.Msg, kit.Seg(note, theme.SizeNameText, kit.ColorMuted))
	p.closeEditor()
}

func (p *SettingsPage) closeEditor() {
	p.editing = nil
	kit.Show(p.Editor, false)
	kit.Show(p.list, true)
	p.rows()
	p.box.Refresh()
}

// saveDraft validates, writes config.toml through Deps, and applies it.
func (p *SettingsPage) saveDraft() {
	k := p.a.k
	fail := func(text string) { kit.SetRich(p.Msg, kit.Seg(text, theme.SizeNameText, kit.ColorUrgent)) }
	c := p.Draft
	if err := c.Validate(); err != nil {
		fail("未保存：" + configErrText(err))
		return
	}
	rt := k.Runtime
	if rt == nil {
		fail("本机未设置保存功能。")
		return
	}
	if err := rt.SaveConfig(&c); err != nil {
		k.Logger.Error("saving settings", "err", err)
		fail("保存失败：本机无法写入设置文件（磁盘已满或已损坏？）。请联系技术人员。")
		return
	}
	if p.newPIN != "" {
		if err := p.a.gate.Set(p.newPIN); err != nil {
			k.Logger.Error("admin PIN: saving the new PIN", "err", err)
			fail("设置已保存，但新密码没有保存成功，请再试一次；如一直这样，请联系技术人员。")
			return
		}
		p.newPIN = ""
		p.a.demoPIN = false
		k.Logger.Info("admin PIN changed in the settings")
	}
	k.Logger.Info("settings saved", "location", c.Location, "mode", c.Mode)
	k.ApplyConfig(&c)
	kit.SetRich(p.Msg, kit.Seg("已保存，并已生效。", theme.SizeNameText, theme.ColorNameSuccess))
	p.rows()
}
