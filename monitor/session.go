package monitor

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"net"
	"net/http"
	"net/netip"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"
)

// Sessions and CSRF, one concern each. A session is a random id and a
// random secret in one cookie ("id.secret"); the database keeps the id
// and the SHA-256 of the secret, so a copy of the database logs no one
// in. Login always makes a new session (no fixation); logout and a new
// password delete it. The cookie is HttpOnly and SameSite=Lax, and over
// HTTPS Secure with the __Host- prefix, which a plain-HTTP page or a
// sibling domain cannot set.
//
// Every form carries a CSRF token: an HMAC, under the database's secret,
// of the session id — or, on the login form, of a random login cookie —
// checked on every POST before the handler runs; Go's
// CrossOriginProtection refuses cross-site POSTs besides.

const (
	sessionTTL    = 12 * time.Hour
	sessionCookie = "gongkai-session"
	loginCookie   = "gongkai-login"
	csrfField     = "csrf"
)

type session struct {
	User       string    `json:"user"`
	SecretHash []byte    `json:"secret_hash"`
	Created    time.Time `json:"created"`
	Expires    time.Time `json:"expires"`
}

// visitor is who is asking, as the middleware found out.
type visitor struct {
	SessionID string // "" without a valid session
	User      string
	Secure    bool // the browser reached us over HTTPS
	CSRF      string
}

type visitorKey struct{}

func visitorOf(r *http.Request) *visitor {
	if v, ok := r.Context().Value(visitorKey{}).(*visitor); ok {
		return v
	}
	return &visitor{}
}

func withVisitor(r *http.Request, v *visitor) *http.Request {
	return r.WithContext(context.WithValue(r.Context(), visitorKey{}, v))
}

// secure reports whether the browser's connection is HTTPS: TLS here, or
// a trusted proxy (the nginx in front) saying so. X-Forwarded-Proto from
// anyone else is ignored.
func (s *Server) secure(r *http.Request) bool {
	if r.TLS != nil {
		return true
	}
	return s.fromProxy(r) && strings.EqualFold(r.Header.Get("X-Forwarded-Proto"), "https")
}

func (s *Server) fromProxy(r *http.Request) bool {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	ip, err := netip.ParseAddr(host)
	if err != nil {
		return false
	}
	ip = ip.Unmap()
	for _, p := range s.opt.TrustedProxies {
		if p.Contains(ip) {
			return true
		}
	}
	return false
}

// clientIP is the browser's address: X-Forwarded-For's last hop when a
// trusted proxy adds it, else the connection's.
func (s *Server) clientIP(r *http.Request) string {
	if s.fromProxy(r) {
		if f := r.Header.Get("X-Forwarded-For"); f != "" {
			hops := strings.Split(f, ",")
			if ip, err := netip.ParseAddr(strings.TrimSpace(hops[len(hops)-1])); err == nil {
				return ip.String()
			}
		}
	}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

func cookieName(base string, secure bool) string {
	if secure {
		return "__Host-" + base
	}
	return base
}

func (s *Server) setCookie(w http.ResponseWriter, secure bool, base, value string, maxAge int) {
	http.SetCookie(w, &http.Cookie{Name: cookieName(base, secure), Value: value, Path: "/", MaxAge: maxAge,
		Secure: secure, HttpOnly: true, SameSite: http.SameSiteLaxMode})
}

func randomText() string { return rand.Text() }

func hashSecret(secret string) []byte { h := sha256.Sum256([]byte(secret)); return h[:] }

// token is the CSRF token of a session id or a login cookie.
func (s *Server) token(purpose, id string) string {
	m := hmac.New(sha256.New, s.secret)
	m.Write([]byte(purpose + "\x00" + id))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

func tokenOK(want, got string) bool {
	return got != "" && subtle.ConstantTimeCompare([]byte(want), []byte(got)) == 1
}

// loadVisitor finds the request's session, if it has a valid one.
func (s *Server) loadVisitor(r *http.Request) *visitor {
	v := &visitor{Secure: s.secure(r)}
	c, err := r.Cookie(cookieName(sessionCookie, v.Secure))
	if err != nil {
		return v
	}
	id, secret, ok := strings.Cut(c.Value, ".")
	if !ok || id == "" || secret == "" || len(c.Value) > 200 {
		return v
	}
	var se session
	found := false
	err = s.db.View(func(tx *bolt.Tx) error {
		var err error
		found, err = getJSON(tx.Bucket(bucketSessions), []byte(id), &se)
		return err
	})
	if err != nil || !found || s.now().After(se.Expires) || subtle.ConstantTimeCompare(hashSecret(secret), se.SecretHash) != 1 {
		return v
	}
	v.SessionID, v.User, v.CSRF = id, se.User, s.token("session", id)
	return v
}

// startSession logs user in with a new session, dropping expired ones.
func (s *Server) startSession(w http.ResponseWriter, r *http.Request, user string) error {
	id, secret := randomText(), randomText()
	now := s.now()
	err := s.db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketSessions)
		err := deleteSessions(b, func(se session) bool { return now.After(se.Expires) })
		if err != nil {
			return err
		}
		return putJSON(b, []byte(id), session{User: user, SecretHash: hashSecret(secret), Created: now.UTC(), Expires: now.Add(sessionTTL).UTC()})
	})
	if err != nil {
		return err
	}
	secure := s.secure(r)
	s.setCookie(w, secure, sessionCookie, id+"."+secret, int(sessionTTL/time.Second))
	s.setCookie(w, secure, loginCookie, "", -1)
	return nil
}

// endSession logs the visitor out.
func (s *Server) endSession(w http.ResponseWriter, r *http.Request) error {
	v := visitorOf(r)
	s.setCookie(w, v.Secure, sessionCookie, "", -1)
	if v.SessionID == "" {
		return nil
	}
	return s.db.Update(func(tx *bolt.Tx) error { return tx.Bucket(bucketSessions).Delete([]byte(v.SessionID)) })
}

func deleteSessionsOf(tx *bolt.Tx, user string) error {
	return deleteSessions(tx.Bucket(bucketSessions), func(se session) bool { return se.User == user })
}

// deleteSessions deletes the sessions gone says, and any that do not decode.
func deleteSessions(b *bolt.Bucket, gone func(session) bool) error {
	var del [][]byte
	err := b.ForEach(func(k, v []byte) error {
		var se session
		if json.Unmarshal(v, &se) != nil || gone(se) {
			del = append(del, append([]byte(nil), k...))
		}
		return nil
	})
	if err != nil {
		return err
	}
	for _, k := range del {
		if err := b.Delete(k); err != nil {
			return err
		}
	}
	return nil
}

// loginToken is the CSRF token of the login form, tied to a login cookie
// made here when the browser has none.
func (s *Server) loginToken(w http.ResponseWriter, r *http.Request) string {
	secure := s.secure(r)
	c, err := r.Cookie(cookieName(loginCookie, secure))
	val := ""
	if err == nil && len(c.Value) >= 16 && len(c.Value) <= 64 {
		val = c.Value
	} else {
		val = randomText()
		s.setCookie(w, secure, loginCookie, val, 3600)
	}
	return s.token("login", val)
}

// loginTokenOK checks a login form's token against the login cookie.
func (s *Server) loginTokenOK(r *http.Request, got string) bool {
	c, err := r.Cookie(cookieName(loginCookie, s.secure(r)))
	return err == nil && tokenOK(s.token("login", c.Value), got)
}
