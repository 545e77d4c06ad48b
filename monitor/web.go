package monitor

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"gongkai/assets"
	"gongkai/monitor/wire"
)

//go:embed templates/*.html static/style.css
var webFiles embed.FS

// csp forbids every script, inline style, frame and foreign source: the
// page is HTML, a style sheet, images and a font from here, nothing else.
const csp = "default-src 'none'; style-src 'self'; img-src 'self'; font-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"

// maxForm caps a form's body: an enrolment with a key file is under 8 KB.
const maxForm = 64 << 10

// web is the township's page: templates, static files and routes.
type web struct {
	s     *Server
	pages map[string]*template.Template
	css   []byte
	// static file URLs carry their hash, so browsers may keep them for a year
	cssURL, fontURL string
	handler         http.Handler
}

func newWeb(s *Server) (*web, error) {
	w := &web{s: s, pages: map[string]*template.Template{}}
	css, err := webFiles.ReadFile("static/style.css")
	if err != nil {
		return nil, err
	}
	fontSum := sha256.Sum256(assets.Font)
	w.fontURL = "/static/" + hex.EncodeToString(fontSum[:8]) + "/font.ttf"
	w.css = bytes.ReplaceAll(css, []byte("FONT_URL"), []byte(w.fontURL))
	cssSum := sha256.Sum256(w.css)
	w.cssURL = "/static/" + hex.EncodeToString(cssSum[:8]) + "/style.css"
	names, err := fs.Glob(webFiles, "templates/*.html")
	if err != nil {
		return nil, err
	}
	funcs := w.funcs()
	for _, n := range names {
		page := strings.TrimSuffix(strings.TrimPrefix(n, "templates/"), ".html")
		if page == "layout" {
			continue
		}
		t, err := template.New("layout.html").Funcs(funcs).ParseFS(webFiles, "templates/layout.html", n)
		if err != nil {
			return nil, fmt.Errorf("monitor: template %s: %w", n, err)
		}
		w.pages[page] = t
	}
	w.handler = w.routes()
	return w, nil
}

// ServeHTTP serves the page and the screens' uploads.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.web.handler.ServeHTTP(w, r) }

// routes lists every route in one place.
func (w *web) routes() http.Handler {
	s := w.s
	mux := http.NewServeMux()
	// The screens' uploads: signed by device keys, no session.
	mux.Handle("POST /"+wire.Path(wire.UploadHeartbeat), s.upload(wire.UploadHeartbeat, wire.MaxHeartbeat, s.heartbeat))
	mux.Handle("POST /"+wire.Path(wire.UploadProof), s.upload(wire.UploadProof, wire.MaxProof, s.proofUpload))
	mux.Handle("POST /"+wire.Path(wire.UploadScreenshot), s.upload(wire.UploadScreenshot, wire.MaxScreenshot, s.screenshot))
	mux.HandleFunc("GET /healthz", func(rw http.ResponseWriter, _ *http.Request) { rw.Write([]byte("ok\n")) })

	// The page. Public: the login, static files, the monitor's public key.
	mux.Handle("GET "+w.cssURL, w.static(w.css, "text/css; charset=utf-8"))
	mux.Handle("GET "+w.fontURL, w.static(assets.Font, "font/ttf"))
	mux.Handle("GET /monitor.pub", w.public(w.monitorKey))
	mux.Handle("GET /login", w.public(w.loginShow))
	mux.Handle("POST /login", w.public(w.loginCheck))
	// Behind the login.
	mux.Handle("POST /logout", w.private(w.logout))
	mux.Handle("GET /{$}", w.private(w.screensList))
	mux.Handle("GET /screens/{id}", w.private(w.screenShow))
	mux.Handle("GET /screens/{id}/shots/{n}", w.private(w.shotShow))
	mux.Handle("GET /screens/{id}/proof.json", w.private(w.screenProof))
	mux.Handle("POST /screens/{id}/remove", w.private(w.screenRemove))
	mux.Handle("GET /notices", w.private(w.noticesList))
	mux.Handle("GET /notices/{id}", w.private(w.noticeShow))
	mux.Handle("GET /notices/{id}/csv", w.private(w.noticeCSV))
	mux.Handle("GET /notices/{id}/json", w.private(w.noticeJSON))
	mux.Handle("GET /enroll", w.private(w.enrollShow))
	mux.Handle("POST /enroll", w.private(w.enrollSave))
	mux.Handle("/", w.public(func(rw http.ResponseWriter, r *http.Request) {
		w.fail(rw, r, http.StatusNotFound, "没有这个页面")
	}))
	return mux
}

// headers are the security headers of every page.
func (w *web) headers(rw http.ResponseWriter, r *http.Request) {
	h := rw.Header()
	h.Set("Content-Security-Policy", csp)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("Cross-Origin-Opener-Policy", "same-origin")
	if w.s.secure(r) {
		h.Set("Strict-Transport-Security", "max-age=31536000")
	}
}

var crossOrigin = http.NewCrossOriginProtection()

// public wraps a page anyone may see: headers, the visitor, and on a POST
// the form read within maxForm and the cross-origin check. The handler
// checks the login form's own token.
func (w *web) public(h http.HandlerFunc) http.Handler {
	return w.wrap(h, false)
}

// private wraps a page behind the login: without a session a GET goes to
// the login page (and back after it), anything else is refused; a POST
// must carry the session's CSRF token.
func (w *web) private(h http.HandlerFunc) http.Handler {
	return w.wrap(h, true)
}

func (w *web) wrap(h http.HandlerFunc, private bool) http.Handler {
	inner := http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		w.headers(rw, r)
		v := w.s.loadVisitor(r)
		r = withVisitor(r, v)
		if private && v.User == "" {
			if r.Method == http.MethodGet {
				http.Redirect(rw, r, "/login?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
				return
			}
			w.fail(rw, r, http.StatusForbidden, "请先登录")
			return
		}
		if r.Method == http.MethodPost {
			r.Body = http.MaxBytesReader(rw, r.Body, maxForm)
			var err error
			if ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); ct == "multipart/form-data" {
				err = r.ParseMultipartForm(maxForm)
			} else {
				err = r.ParseForm()
			}
			if err != nil {
				w.fail(rw, r, http.StatusRequestEntityTooLarge, "表单内容过大或无法读取")
				return
			}
			if private && !tokenOK(v.CSRF, r.PostFormValue(csrfField)) {
				w.fail(rw, r, http.StatusForbidden, "表单已过期或来源不明，请返回页面重新提交")
				return
			}
		}
		h(rw, r)
	})
	return crossOrigin.Handler(inner)
}

func (w *web) static(body []byte, ctype string) http.Handler {
	return http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		rw.Header().Set("Content-Type", ctype)
		rw.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
		rw.Header().Set("X-Content-Type-Options", "nosniff")
		http.ServeContent(rw, r, "", time.Time{}, bytes.NewReader(body))
	})
}

func (w *web) monitorKey(rw http.ResponseWriter, r *http.Request) {
	rw.Header().Set("Content-Type", "text/plain; charset=utf-8")
	rw.Write(EncodePublicKey(w.s.PublicKey()))
}

// page is what the layout needs besides the page's own data.
type page struct {
	Title   string
	Nav     string // the current section: screens, notices, enroll
	V       *visitor
	CSS     string
	Secure  bool
	Now     time.Time
	Body    any
	Flash   string
	Problem string
}

func (w *web) render(rw http.ResponseWriter, r *http.Request, name string, status int, p page) {
	t, ok := w.pages[name]
	if !ok {
		panic("monitor: no template " + name)
	}
	p.V, p.CSS, p.Now = visitorOf(r), w.cssURL, w.s.now()
	p.Secure = p.V.Secure
	var buf bytes.Buffer
	if err := t.Execute(&buf, p); err != nil {
		w.s.lg.Error("monitor: page", "page", name, "err", err)
		http.Error(rw, "页面出错", http.StatusInternalServerError)
		return
	}
	rw.Header().Set("Content-Type", "text/html; charset=utf-8")
	rw.Header().Set("Cache-Control", "no-store")
	rw.WriteHeader(status)
	rw.Write(buf.Bytes())
}

// fail shows an error page.
func (w *web) fail(rw http.ResponseWriter, r *http.Request, status int, msg string) {
	w.render(rw, r, "error", status, page{Title: "出错了", Problem: msg})
}

// failErr logs an unexpected error and shows a plain page.
func (w *web) failErr(rw http.ResponseWriter, r *http.Request, err error) {
	w.s.lg.Error("monitor: page", "path", r.URL.Path, "err", err)
	w.fail(rw, r, http.StatusInternalServerError, "监测台出错，请稍后再试")
}

// pager pages a list of total items, perPage at a time, from the query's
// "page", keeping the rest of the query in its links.
type pager struct {
	Page, Pages, Total, From, To int
	Prev, Next                   string
}

func newPager(r *http.Request, total, perPage int) pager {
	p := pager{Total: total, Pages: max(1, (total+perPage-1)/perPage)}
	p.Page, _ = strconv.Atoi(r.URL.Query().Get("page"))
	p.Page = min(max(p.Page, 1), p.Pages)
	p.From = (p.Page - 1) * perPage
	p.To = min(total, p.From+perPage)
	link := func(n int) string {
		q := r.URL.Query()
		q.Set("page", strconv.Itoa(n))
		return r.URL.Path + "?" + q.Encode()
	}
	if p.Page > 1 {
		p.Prev = link(p.Page - 1)
	}
	if p.Page < p.Pages {
		p.Next = link(p.Page + 1)
	}
	return p
}

func (w *web) funcs() template.FuncMap {
	tz := w.s.opt.Timezone
	return template.FuncMap{
		"when": func(t time.Time) string {
			if t.IsZero() {
				return "从未"
			}
			return t.In(tz).Format("2006-01-02 15:04")
		},
		"ago": func(t time.Time) string {
			if t.IsZero() {
				return "从未"
			}
			if d := w.s.now().Sub(t); d >= 5*time.Second {
				return durationWords(d) + "前"
			}
			return "刚刚"
		},
		"secs":   func(n int64) string { return durationWords(time.Duration(n) * time.Second) },
		"since":  func(a, b time.Time) string { return durationWords(b.Sub(a)) },
		"bytes":  bytesWords,
		"kind":   kindWords,
		"cause":  causeWords,
		"period": periodWords,
		"mode":   modeWords,
		"pct": func(a, b int64) string {
			if b <= 0 {
				return "–"
			}
			return fmt.Sprintf("%.0f%%", 100*float64(a)/float64(b))
		},
		"fingerprint": fingerprintOf,
		"add":         func(a, b int) int { return a + b },
	}
}

// errNotFound: no such screen, notice or screenshot.
var errNotFound = errors.New("not found")
