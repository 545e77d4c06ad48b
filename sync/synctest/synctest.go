// Package synctest builds real signed feeds and provisioned screens for the
// tests of sync and of the commands, as net/http/httptest does for servers.
// Feeds are written as a clerk would (feed.yaml and Markdown files) and
// published with the real publisher, so tests exercise the real format.
package synctest

import (
	"bufio"
	"crypto/ed25519"
	"fmt"
	"io/fs"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"gongkai/config"
	"gongkai/feed"
	"gongkai/publish"
)

// Locations of the test town. A screen at Village sees items for Village,
// Town and "all", never those for OtherVillage.
const (
	Town         = "310118901"
	Village      = "310118901201"
	OtherVillage = "310118901202"
	FeedID       = "test-town"
)

// Item is one notice of a test source.
type Item struct {
	ID, Title, Category string
	Locations           []string
	ValidFrom           string // YYYY-MM-DD or ""
	ValidUntil          string
	Priority            string
	Body                string
	Attachments         map[string][]byte // file name -> content, beside the item
}

// WriteSource writes a source folder (feed.yaml and one .md per item) to dir,
// replacing whatever items were there before.
func WriteSource(t testing.TB, dir string, items []Item) {
	t.Helper()
	if err := os.RemoveAll(filepath.Join(dir, "items")); err != nil {
		t.Fatal(err)
	}
	yaml := "id: " + FeedID + "\ntitle: 测试镇政务公开\ntimezone: Asia/Shanghai\ncategories:\n" +
		"  - {id: land, name: 土地征收}\n  - {id: village, name: 村务居务}\n  - {id: policy, name: 政策文件}\n" +
		"locations:\n  - {code: \"" + Town + "\", name: 测试镇}\n  - {code: \"" + Village + "\", name: 东湾村}\n" +
		"  - {code: \"" + OtherVillage + "\", name: 柳塘村}\n"
	write(t, filepath.Join(dir, "feed.yaml"), []byte(yaml))
	for _, it := range items {
		var b strings.Builder
		fmt.Fprintf(&b, "---\nid: %s\ntitle: %q\ncategory: %s\nagency: 测试镇人民政府\npublished: 2026-11-01\n", it.ID, it.Title, it.Category)
		fmt.Fprintf(&b, "locations: [%s]\n", quoteAll(it.Locations))
		if it.ValidFrom != "" {
			fmt.Fprintf(&b, "valid_from: %s\n", it.ValidFrom)
		}
		if it.ValidUntil != "" {
			fmt.Fprintf(&b, "valid_until: %s\n", it.ValidUntil)
		}
		if it.Priority != "" {
			fmt.Fprintf(&b, "priority: %s\n", it.Priority)
		}
		var names []string
		for name, data := range it.Attachments {
			names = append(names, name)
			write(t, filepath.Join(dir, "items", name), data)
		}
		if len(names) > 0 {
			fmt.Fprintf(&b, "attachments: [%s]\n", quoteAll(names))
		}
		fmt.Fprintf(&b, "---\n%s\n", it.Body)
		write(t, filepath.Join(dir, "items", it.ID+".md"), []byte(b.String()))
	}
}

func quoteAll(ss []string) string {
	q := make([]string, len(ss))
	for i, s := range ss {
		q[i] = fmt.Sprintf("%q", s)
	}
	return strings.Join(q, ", ")
}

func write(t testing.TB, path string, data []byte) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

// Publish publishes src into out (the next version of the feed there) with
// the key, issued at now (time.Now when zero).
func Publish(t testing.TB, src, out string, key ed25519.PrivateKey, now time.Time) *publish.Result {
	t.Helper()
	return PublishShards(t, src, out, key, now, 0)
}

// PublishShards is Publish listing the items in shards shard objects
// (0: as publish decides for the feed's size).
func PublishShards(t testing.TB, src, out string, key ed25519.PrivateKey, now time.Time, shards int) *publish.Result {
	t.Helper()
	s, err := publish.ParseSource(src)
	if err != nil {
		t.Fatalf("parsing test source: %v", err)
	}
	res, err := publish.Publish(s, out, publish.Options{Key: key, Now: now, Shards: shards})
	if err != nil {
		t.Fatalf("publishing test feed: %v", err)
	}
	return res
}

// NewKey makes a publisher key pair and returns the private key and the
// text of its publisher.pub.
func NewKey(t testing.TB) (ed25519.PrivateKey, []byte) {
	t.Helper()
	pub, priv, err := feed.GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	return priv, feed.EncodePublicKey(pub)
}

// InitScreen provisions a data directory at Village pinned to pubFile.
func InitScreen(t testing.TB, pubFile []byte, sources ...string) (dir string, cfg *config.Config) {
	t.Helper()
	dir = filepath.Join(t.TempDir(), "screen")
	if err := config.Init(dir, config.Config{Location: Village, Sources: sources}, pubFile); err != nil {
		t.Fatal(err)
	}
	cfg, err := config.Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	return dir, cfg
}

// CopyDir copies a feed folder, so a test can keep a version or tamper with one.
func CopyDir(t testing.TB, src, dst string) {
	t.Helper()
	err := filepath.WalkDir(src, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, path)
		target := filepath.Join(dst, rel)
		if d.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		return os.WriteFile(target, data, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
}

// ParseManifest parses the manifest of a published feed folder as signed:
// a sharded one lists no items until expanded.
func ParseManifest(t testing.TB, dir string) *feed.Manifest {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(dir, feed.ManifestFile))
	if err != nil {
		t.Fatal(err)
	}
	m, err := feed.ParseManifest(raw)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// ReadManifest parses the manifest of a published feed folder (trusted:
// the test wrote it), with the items and attachments of its shards.
func ReadManifest(t testing.TB, dir string) *feed.Manifest {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(dir, feed.ManifestFile))
	if err != nil {
		t.Fatal(err)
	}
	m, err := publish.ReadPublished(dir, raw)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// Sums maps each item id of a manifest to its object hash: what the store's
// ItemSums must equal once that version is applied.
func Sums(m *feed.Manifest) map[string]string {
	out := make(map[string]string, len(m.Items))
	for _, it := range m.Items {
		out[it.ID] = it.SHA256
	}
	return out
}

// VisibleIDs is the set of item ids of items a screen at location should
// show: feed.Targets, the one targeting rule (test items carry no validity
// unless a test sets it).
func VisibleIDs(items []Item, location string) map[string]bool {
	out := map[string]bool{}
	for _, it := range items {
		if feed.Targets(it.Locations, location) {
			out[it.ID] = true
		}
	}
	return out
}

// Raw is a feed made by hand, not by the publisher: what an older
// publisher, a mistaken clerk or a stolen key could sign. Tests use it for
// content publish refuses (a 20,000-character title, a picture bomb) and
// manifests it would never write (an issue from 2036, the largest version).
type Raw struct {
	Items       []feed.Item
	Attachments map[string][]byte // name → bytes, for the items' Attachments (matched by name)
	Version     int64             // 0: the version in out plus one (or 1)
	Epoch       int64
	IssuedAt    time.Time // zero: now
	Calendar    []byte    // a calendar object to name in the manifest, as given; nil: none
}

// PublishRaw signs r into the feed folder out with key, as the publisher
// lays a feed out (objects, signature, manifest), without its checks.
func PublishRaw(t testing.TB, out string, key ed25519.PrivateKey, r Raw) *feed.Manifest {
	t.Helper()
	issued := r.IssuedAt
	if issued.IsZero() {
		issued = time.Now()
	}
	m := &feed.Manifest{
		FeedID: FeedID, Title: "测试镇政务公开", Version: r.Version, Epoch: r.Epoch, Timezone: "Asia/Shanghai",
		IssuedAt: issued, Expires: issued.Add(30 * 24 * time.Hour),
		Categories: []feed.Category{{ID: "land", Name: "土地征收"}, {ID: "village", Name: "村务居务"}, {ID: "policy", Name: "政策文件"}},
		Locations:  []feed.Place{{Code: Town, Name: "测试镇"}, {Code: Village, Name: "东湾村"}},
	}
	if m.Version == 0 {
		m.Version = 1
		if raw, err := os.ReadFile(filepath.Join(out, feed.ManifestFile)); err == nil {
			if prev, err := feed.ParseManifest(raw); err == nil {
				m.Version = prev.Version + 1
			}
		}
	}
	put := func(data []byte) feed.Object {
		o := feed.Object{SHA256: feed.Sum(data), Size: int64(len(data))}
		write(t, filepath.Join(out, filepath.FromSlash(o.Path())), data)
		return o
	}
	for _, it := range r.Items {
		it.Attachments = append([]feed.Attachment(nil), it.Attachments...)
		for i := range it.Attachments {
			data, ok := r.Attachments[it.Attachments[i].Name]
			if !ok {
				t.Fatalf("PublishRaw: no bytes for attachment %q", it.Attachments[i].Name)
			}
			it.Attachments[i].Object = put(data)
			m.Attachments = append(m.Attachments, it.Attachments[i].Object)
		}
		data, err := feed.EncodeItem(&it)
		if err != nil {
			t.Fatal(err)
		}
		m.Items = append(m.Items, feed.ItemRef{ID: it.ID, Object: put(data)})
	}
	if r.Calendar != nil {
		o := put(r.Calendar)
		m.Calendar = &o
	}
	raw, err := feed.EncodeManifest(m)
	if err != nil {
		t.Fatalf("PublishRaw: %v", err)
	}
	write(t, filepath.Join(out, filepath.FromSlash(feed.SignaturePath(feed.Sum(raw)))), feed.Sign(raw, key))
	write(t, filepath.Join(out, feed.ManifestFile), raw)
	return m
}

// RawItem is a valid item for PublishRaw at Village; edit changes it.
func RawItem(id, title string, edit func(*feed.Item)) feed.Item {
	it := feed.Item{ID: id, Title: title, Category: "village", Agency: "测试镇人民政府",
		Published: "2026-11-01", Locations: []string{Village}, Body: "依据有关规定现予公告。"}
	if edit != nil {
		edit(&it)
	}
	return it
}

// Resign replaces the manifest in out by edit(manifest) and signs the
// result with key: for manifests no encoder writes (a version beyond the
// range, say), as someone holding the key could.
func Resign(t testing.TB, out string, key ed25519.PrivateKey, edit func([]byte) []byte) {
	t.Helper()
	path := filepath.Join(out, feed.ManifestFile)
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	raw = edit(raw)
	write(t, filepath.Join(out, filepath.FromSlash(feed.SignaturePath(feed.Sum(raw)))), feed.Sign(raw, key))
	write(t, path, raw)
}

// Hostile are the notices that froze screens (issue 22), for PublishRaw:
// a 20,000-character urgent title, a 100,000-character pinned title, and
// bodies of 50,000 characters without punctuation, 30,000 of English,
// 50,000 '[' then 50,000 ']', tables of 10,000 and 4,000 columns, a
// heading of 20,000 characters and lists nested 500 deep. Publish refuses
// every one of them; a screen must still draw them, cut.
func Hostile() []feed.Item {
	table := func(cols int) string {
		return "|" + strings.Repeat("a|", cols) + "\n|" + strings.Repeat("-|", cols) + "\n|" + strings.Repeat("1|", cols) + "\n"
	}
	body := func(id, b string) feed.Item {
		return RawItem(id, "正文异常的公告 "+id, func(it *feed.Item) { it.Body = b })
	}
	return []feed.Item{
		RawItem("title-20k", strings.Repeat("标", 20_000), func(it *feed.Item) { it.Priority = feed.PriorityUrgent }),
		RawItem("title-100k", strings.Repeat("题", 100_000), func(it *feed.Item) { it.Priority = feed.PriorityPinned }),
		body("han-50k", strings.Repeat("公", 50_000)),
		body("english-30k", strings.Repeat("word ", 6_000)),
		body("brackets", strings.Repeat("[", 50_000)+strings.Repeat("]", 50_000)),
		body("columns-10k", table(10_000)),
		body("columns-4k", table(4_000)),
		body("heading-20k", "# "+strings.Repeat("标", 20_000)),
		body("nested", strings.Repeat("- ", 500)+"深"),
	}
}

// RawHTTPServer answers every request with the status line status (which
// net/http and nginx would never send as given: escape sequences, pages
// of text) and an empty body, and returns its URL.
func RawHTTPServer(t testing.TB, status string) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				br := bufio.NewReader(c)
				for {
					line, err := br.ReadString('\n')
					if err != nil || line == "\r\n" {
						break
					}
				}
				fmt.Fprintf(c, "HTTP/1.1 %s\r\nContent-Length: 0\r\nConnection: close\r\n\r\n", status)
			}()
		}
	}()
	return "http://" + l.Addr().String() + "/"
}

// Nginx is the path of Debian's nginx, which the tests that serve a feed
// or the monitor the way a township does run for real (PATH lacks /usr/sbin
// for an ordinary user). It fails the test when nginx is not installed
// (make test installs it), and skips only under -short.
func Nginx(t testing.TB) string {
	t.Helper()
	bin, err := exec.LookPath("nginx")
	if err != nil {
		for _, p := range []string{"/usr/sbin/nginx", "/sbin/nginx"} {
			if _, e := os.Stat(p); e == nil {
				bin, err = p, nil
			}
		}
	}
	if err != nil {
		if testing.Short() {
			t.Skip("nginx not installed")
		}
		t.Fatalf("nginx not installed (make test installs nginx-light): %v", err)
	}
	return bin
}
