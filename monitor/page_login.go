package monitor

import (
	"net/http"
	"strings"
)

type loginForm struct {
	Name, Next, CSRF string
}

// safeNext keeps a redirect after login on this site: a path, never
// "//host" or a scheme.
func safeNext(next string) string {
	if !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.HasPrefix(next, "/\\") || len(next) > 500 {
		return "/"
	}
	return next
}

func (w *web) loginShow(rw http.ResponseWriter, r *http.Request) {
	if visitorOf(r).User != "" {
		http.Redirect(rw, r, "/", http.StatusSeeOther)
		return
	}
	f := loginForm{Next: safeNext(r.URL.Query().Get("next")), CSRF: w.s.loginToken(rw, r)}
	w.render(rw, r, "login", http.StatusOK, page{Title: "登录", Body: f})
}

func (w *web) loginCheck(rw http.ResponseWriter, r *http.Request) {
	f := loginForm{Name: strings.TrimSpace(r.PostFormValue("name")), Next: safeNext(r.PostFormValue("next"))}
	again := func(status int, msg string) {
		f.CSRF = w.s.loginToken(rw, r)
		w.render(rw, r, "login", status, page{Title: "登录", Body: f, Problem: msg})
	}
	if !w.s.loginTokenOK(r, r.PostFormValue(csrfField)) {
		again(http.StatusForbidden, "登录表单已过期，请重新输入")
		return
	}
	now, ip := w.s.now(), "ip:"+w.s.clientIP(r)
	keys := []string{"name:" + f.Name, ip}
	if w.s.throttle.blocked(now, keys...) {
		again(http.StatusTooManyRequests, "尝试次数过多，请 15 分钟后再试")
		return
	}
	w.s.throttle.busy <- struct{}{}
	ok, err := w.s.checkPassword(f.Name, r.PostFormValue("password"))
	<-w.s.throttle.busy
	if err != nil {
		w.failErr(rw, r, err)
		return
	}
	if !ok {
		w.s.throttle.failed(now, keys...)
		w.s.lg.Warn("monitor: login failed", "name", f.Name, "remote", ip)
		again(http.StatusUnauthorized, "用户名或密码不对")
		return
	}
	w.s.throttle.succeeded(keys...)
	if err := w.s.startSession(rw, r, f.Name); err != nil {
		w.failErr(rw, r, err)
		return
	}
	w.s.lg.Info("monitor: login", "name", f.Name, "remote", ip)
	http.Redirect(rw, r, f.Next, http.StatusSeeOther)
}

func (w *web) logout(rw http.ResponseWriter, r *http.Request) {
	if err := w.s.endSession(rw, r); err != nil {
		w.failErr(rw, r, err)
		return
	}
	http.Redirect(rw, r, "/login", http.StatusSeeOther)
}
