package monitor

import (
	"errors"
	"io"
	"net/http"
	"strings"

	"gongkai/feed"
)

type enrollForm struct {
	Key, Name, Village string
	Problem            string
}

func (w *web) enrollShow(rw http.ResponseWriter, r *http.Request) {
	w.render(rw, r, "enroll", http.StatusOK, page{Title: "登记屏幕", Nav: "enroll", Body: enrollForm{}})
}

// enrollSave enrols a screen from its device.pub: pasted, or uploaded as
// the file itself.
func (w *web) enrollSave(rw http.ResponseWriter, r *http.Request) {
	f := enrollForm{Key: strings.TrimSpace(r.PostFormValue("key")), Name: strings.TrimSpace(r.PostFormValue("name")),
		Village: strings.TrimSpace(r.PostFormValue("village"))}
	if file, _, err := r.FormFile("keyfile"); err == nil {
		b, rerr := io.ReadAll(io.LimitReader(file, 8<<10))
		file.Close()
		if rerr == nil && len(b) > 0 {
			f.Key = strings.TrimSpace(string(b))
		}
	}
	again := func(msg string) {
		w.render(rw, r, "enroll", http.StatusBadRequest, page{Title: "登记屏幕", Nav: "enroll", Body: f, Problem: msg})
	}
	pub, err := ParseDeviceKey([]byte(f.Key))
	if err != nil {
		again("设备公钥读不出来：请粘贴屏幕数据目录里 device.pub 的内容，或选择这个文件")
		return
	}
	if checkScreen(f.Name, f.Village) != nil {
		again("请检查：名称不能为空（一行，最多 60 个字），区划代码是 6 到 12 位数字")
		return
	}
	if err := w.s.Enroll(pub, f.Name, f.Village, visitorOf(r).User); err != nil {
		switch {
		case errors.Is(err, ErrEnrolled):
			again("这台屏幕已经登记过了")
		case errors.Is(err, ErrKeyID):
			again("另一台已登记的屏幕的密钥编号与它相同，请联系技术人员")
		default:
			w.failErr(rw, r, err)
		}
		return
	}
	http.Redirect(rw, r, screenURL(feed.KeyID(pub))+"?enrolled=1", http.StatusSeeOther)
}

// screenRemove takes the screen off the monitor (Remove).
func (w *web) screenRemove(rw http.ResponseWriter, r *http.Request) {
	v, ok := w.s.fleet.byKeyID(r.PathValue("id"))
	if !ok {
		w.fail(rw, r, http.StatusNotFound, "没有这台屏幕")
		return
	}
	if err := w.s.Remove(v.Pub, visitorOf(r).User); err != nil {
		w.failErr(rw, r, err)
		return
	}
	http.Redirect(rw, r, "/", http.StatusSeeOther)
}
