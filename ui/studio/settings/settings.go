// Package settings is the studio's settings page: the feed's (feed.yaml:
// name, id, time zone, categories, places) and the studio's own
// (studio.yaml: where it publishes, the key, the default agency, a
// village's code and clerk), as a form held to publish's rules, never
// YAML. The window reads and writes the files (Options.Save).
package settings

import (
	"errors"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"gongkai/feed"
	"gongkai/publish"
	"gongkai/ui/studio/page"
)

// CommonCategories are the kinds of disclosure a township usually has,
// offered to a new folder.
var CommonCategories = []feed.Category{
	{ID: "land", Name: "土地征收"}, {ID: "renewal", Name: "城中村改造"}, {ID: "school", Name: "义务入学"},
	{ID: "medical", Name: "就诊就医"}, {ID: "elderly", Name: "养老服务"}, {ID: "village", Name: "村务居务"},
	{ID: "environment", Name: "区域环境数据"}, {ID: "policy", Name: "政策文件"},
}

// Values are what the form edits: feed.yaml, and studio.yaml's fields.
type Values struct {
	Feed                             publish.FeedConfig
	Out, Key, Agency, Village, Clerk string
}

// Options are what the page needs from the window.
type Options struct {
	PickFolder func(title string, done func(path string))
	// Save writes the values into the folder dir, off the UI goroutine.
	Save func(dir string, v Values) error
	// Saved is told on the UI goroutine after a save.
	Saved func()
}

// View is the settings page.
type View struct {
	host               page.Host
	opt                Options
	dir                string // the folder, as Load was last told
	box                fyne.CanvasObject
	title, id, tz      *widget.Entry
	out, key, agency   *widget.Entry
	village, clerk     *widget.Entry
	cats, places       *fyne.Container
	catRows, placeRows [][2]*widget.Entry
	problem            *widget.RichText
	scroll             *container.Scroll
}

// NewView builds the page; Load fills it.
func NewView(host page.Host, opt Options) *View {
	v := &View{host: host, opt: opt}
	entry := func(place string) *widget.Entry {
		e := widget.NewEntry()
		e.SetPlaceHolder(place)
		e.OnChanged = func(string) { v.check() }
		return e
	}
	v.title = entry("如：青禾镇政务公开")
	v.id = entry("如：qinghe-town（小写字母、数字和 . _ -）")
	v.tz = entry("Asia/Shanghai")
	v.out = entry("发布到的文件夹（网站或 U 盘上的数据源）")
	v.key = entry("发布密钥文件 publisher.key")
	v.agency = entry("新公告默认的发布机构，如：青禾镇人民政府")
	v.village = entry("村级发布台：本村的区划代码（镇级不填）")
	v.clerk = entry("村级发布台：经办人姓名")
	v.cats = container.NewVBox()
	v.places = container.NewVBox()
	v.problem = page.Note("", theme.ColorNameError)
	feedForm := widget.NewForm(
		widget.NewFormItem("名称", v.title),
		widget.NewFormItem("数据源编号", v.id),
		widget.NewFormItem("时区", v.tz),
	)
	catBox := container.NewVBox(widget.NewLabel("类别（编号 + 名称）"), v.cats, container.NewHBox(
		widget.NewButtonWithIcon("添加类别", theme.ContentAddIcon(), func() { v.addCat(feed.Category{}); v.check() }),
		widget.NewButton("添加常用类别", func() {
			for _, c := range CommonCategories {
				if !v.hasCat(c.ID) {
					v.addCat(c)
				}
			}
			v.check()
		})))
	placeBox := container.NewVBox(widget.NewLabel("地点（区划代码 + 名称；镇的代码覆盖全镇各村）"), v.places,
		container.NewHBox(widget.NewButtonWithIcon("添加地点", theme.ContentAddIcon(), func() { v.addPlace(feed.Place{}); v.check() })))
	studioForm := widget.NewForm(
		widget.NewFormItem("发布文件夹", container.NewBorder(nil, nil, nil, widget.NewButton("选择…", func() {
			opt.PickFolder("选择发布文件夹", func(p string) { v.out.SetText(p) })
		}), v.out)),
		widget.NewFormItem("密钥文件", v.key),
		widget.NewFormItem("默认发布机构", v.agency),
		widget.NewFormItem("本村代码", v.village),
		widget.NewFormItem("经办人", v.clerk),
	)
	save := widget.NewButtonWithIcon("保存设置", theme.DocumentSaveIcon(), v.save)
	save.Importance = widget.HighImportance
	left := container.NewVBox(page.Heading("数据源"), feedForm, catBox, placeBox)
	right := container.NewVBox(page.Heading("发布台"), studioForm)
	v.scroll = container.NewVScroll(container.NewPadded(container.NewVBox(
		container.NewGridWithColumns(2, left, right), v.problem)))
	v.box = container.NewBorder(nil, container.NewPadded(container.NewHBox(layout.NewSpacer(), save)), nil, nil, v.scroll)
	return v
}

// Object is the page.
func (v *View) Object() fyne.CanvasObject { return v.box }

// Load fills the form with the values of the folder dir; feedErr is what
// is wrong with its feed.yaml, nil for nothing.
func (v *View) Load(dir string, val Values, feedErr error) {
	v.dir = dir
	v.title.SetText(val.Feed.Title)
	v.id.SetText(val.Feed.ID)
	if val.Feed.ID == "" {
		v.id.SetText(suggestID(dir))
	}
	v.tz.SetText(val.Feed.Timezone)
	v.out.SetText(val.Out)
	v.key.SetText(val.Key)
	v.agency.SetText(val.Agency)
	v.village.SetText(val.Village)
	v.clerk.SetText(val.Clerk)
	v.catRows, v.placeRows = nil, nil
	v.cats.Objects, v.places.Objects = nil, nil
	for _, c := range val.Feed.Categories {
		v.addCat(c)
	}
	for _, p := range val.Feed.Locations {
		v.addPlace(p)
	}
	if feedErr != nil {
		page.SetNote(v.problem, "feed.yaml 有误："+feedErr.Error(), theme.ColorNameError)
	} else {
		v.check()
	}
}

// suggestID is a feed id made from a folder's name, when it is one.
func suggestID(dir string) string {
	name := strings.ToLower(strings.TrimSuffix(strings.TrimSuffix(dir, "/"), "\\"))
	if i := strings.LastIndexAny(name, `/\`); i >= 0 {
		name = name[i+1:]
	}
	if feed.ValidID(name) {
		return name
	}
	return "township"
}

func (v *View) hasCat(id string) bool {
	for _, r := range v.catRows {
		if strings.TrimSpace(r[0].Text) == id {
			return true
		}
	}
	return false
}

func (v *View) pairRow(a, b *widget.Entry, remove func()) fyne.CanvasObject {
	return container.NewBorder(nil, nil, nil, widget.NewButtonWithIcon("", theme.DeleteIcon(), remove),
		container.NewGridWithColumns(2, a, b))
}

func (v *View) addCat(c feed.Category) {
	id, name := widget.NewEntry(), widget.NewEntry()
	id.SetPlaceHolder("编号，如 land")
	name.SetPlaceHolder("名称，如 土地征收")
	id.SetText(c.ID)
	name.SetText(c.Name)
	id.OnChanged, name.OnChanged = func(string) { v.check() }, func(string) { v.check() }
	pair := [2]*widget.Entry{id, name}
	v.catRows = append(v.catRows, pair)
	var row fyne.CanvasObject
	row = v.pairRow(id, name, func() {
		for i, r := range v.catRows {
			if r == pair {
				v.catRows = append(v.catRows[:i], v.catRows[i+1:]...)
			}
		}
		v.cats.Remove(row)
		v.check()
	})
	v.cats.Add(row)
	v.scroll.Refresh()
}

func (v *View) addPlace(p feed.Place) {
	code, name := widget.NewEntry(), widget.NewEntry()
	code.SetPlaceHolder("区划代码，如 310118901201")
	name.SetPlaceHolder("名称，如 东湾村")
	code.SetText(p.Code)
	name.SetText(p.Name)
	code.OnChanged, name.OnChanged = func(string) { v.check() }, func(string) { v.check() }
	pair := [2]*widget.Entry{code, name}
	v.placeRows = append(v.placeRows, pair)
	var row fyne.CanvasObject
	row = v.pairRow(code, name, func() {
		for i, r := range v.placeRows {
			if r == pair {
				v.placeRows = append(v.placeRows[:i], v.placeRows[i+1:]...)
			}
		}
		v.places.Remove(row)
		v.check()
	})
	v.places.Add(row)
	v.scroll.Refresh()
}

// config is the form as feed.yaml.
func (v *View) config() publish.FeedConfig {
	t := strings.TrimSpace
	fc := publish.FeedConfig{ID: t(v.id.Text), Title: t(v.title.Text), Timezone: t(v.tz.Text)}
	for _, r := range v.catRows {
		fc.Categories = append(fc.Categories, feed.Category{ID: t(r[0].Text), Name: t(r[1].Text)})
	}
	for _, r := range v.placeRows {
		fc.Locations = append(fc.Locations, feed.Place{Code: t(r[0].Text), Name: t(r[1].Text)})
	}
	return fc
}

// check holds the form to publish's rules for feed.yaml.
func (v *View) check() error {
	data, err := publish.FeedFile(v.config())
	if err == nil {
		err = publish.CheckFeed(data)
	}
	if err == nil && strings.TrimSpace(v.village.Text) != "" && !feed.ValidCode(strings.TrimSpace(v.village.Text)) {
		err = errors.New("本村代码不是区划代码（2 到 12 位数字）")
	}
	if err != nil {
		page.SetNote(v.problem, "还不能保存："+feedWords(err), theme.ColorNameError)
	} else {
		page.SetNote(v.problem, "", theme.ColorNameError)
	}
	return err
}

// feedWords says a feed.yaml mistake in Chinese, by the rule publish
// names (its message when it names none: nothing is hidden).
func feedWords(err error) string {
	var se *publish.SourceError
	if !errors.As(err, &se) {
		return err.Error()
	}
	switch se.Rule {
	case feed.RuleID:
		return "数据源编号只能用小写字母、数字和 . _ -。"
	case feed.RuleRequired:
		if se.Field == "categories" {
			return "至少要有一个类别。"
		}
		return "请填写名称。"
	case publish.RuleCategoryEntry:
		return "每个类别要有不重复的编号（小写字母、数字）和名称：" + se.Detail
	case publish.RuleLocationEntry:
		return "每个地点要有区划代码（2 到 12 位数字）和名称：" + se.Detail
	case publish.RuleTimezone:
		return "时区不认识，请写 Asia/Shanghai 这样的名字。"
	case publish.RuleControl:
		return "名称里有看不见的控制字符（常从别的程序复制带来），请删去后重新输入：" + se.Detail
	}
	return se.Msg
}

func (v *View) save() {
	if err := v.check(); err != nil {
		v.host.Say("设置没有保存：" + feedWords(err))
		return
	}
	t := strings.TrimSpace
	val := Values{Feed: v.config(), Out: t(v.out.Text), Key: t(v.key.Text), Agency: t(v.agency.Text), Village: t(v.village.Text), Clerk: t(v.clerk.Text)}
	dir := v.dir
	v.host.Spawn(func() {
		err := v.opt.Save(dir, val)
		fyne.Do(func() {
			if err != nil {
				v.host.Say("设置没有保存：" + feedWords(err))
				return
			}
			v.host.Say("设置已保存（feed.yaml、studio.yaml）。")
			v.opt.Saved()
		})
	})
}
