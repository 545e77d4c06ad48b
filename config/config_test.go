package config

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"gongkai/assets"
	"gongkai/feed"
)

func initDir(t *testing.T, c Config) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "data")
	if err := Init(dir, c, assets.DemoPublicKey); err != nil {
		t.Fatalf("Init: %v", err)
	}
	return dir
}

func TestInitLoadRoundTrip(t *testing.T) {
	src := t.TempDir()
	dir := initDir(t, Config{Location: "310118901201", Sources: []string{"https://feed.example/qinghe/", src}})
	c, err := Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	if c.Location != "310118901201" || c.Mode != ModeTouch ||
		c.SyncInterval.Duration != DefaultSyncInterval || c.IdleTimeout.Duration != DefaultIdleTimeout {
		t.Errorf("loaded %+v", c)
	}
	if len(c.Sources) != 2 || c.Sources[0] != "https://feed.example/qinghe/" || c.Sources[1] != src {
		t.Errorf("sources %q", c.Sources)
	}
	want, _ := feed.ParsePublicKey(assets.DemoPublicKey)
	if !c.PublicKey().Equal(want) {
		t.Error("pinned key differs from the one given")
	}
	if !assets.IsDemoKey(c.KeyFile()) {
		t.Error("KeyFile is not the demo key file as given")
	}
	raw, _ := os.ReadFile(filepath.Join(dir, File))
	for _, s := range []string{`sync_interval = "15m"`, `idle_timeout = "1m30s"`, `mode = "touch"`} {
		if !strings.Contains(string(raw), s) {
			t.Errorf("config.toml lacks %s:\n%s", s, raw)
		}
	}
}

func TestInitMakesRelativeSourcesAbsolute(t *testing.T) {
	t.Chdir(t.TempDir())
	dir := initDir(t, Config{Location: "310118901", Sources: []string{"usb/feed"}})
	c, err := Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	if !filepath.IsAbs(c.Sources[0]) || !strings.HasSuffix(c.Sources[0], filepath.Join("usb", "feed")) {
		t.Errorf("source %q is not the absolute form of usb/feed", c.Sources[0])
	}
}

func TestInitRefusesInitialised(t *testing.T) {
	dir := initDir(t, Config{Location: "310118901201"})
	before, _ := os.ReadFile(filepath.Join(dir, File))
	err := Init(dir, Config{Location: "310118901202"}, assets.DemoPublicKey)
	if err == nil || !strings.Contains(err.Error(), "already initialised") {
		t.Fatalf("second Init: %v, want already initialised", err)
	}
	after, _ := os.ReadFile(filepath.Join(dir, File))
	if !bytes.Equal(before, after) {
		t.Error("refused Init changed config.toml")
	}
}

func TestInitRejects(t *testing.T) {
	_, priv, _ := feed.GenerateKey()
	for _, tc := range []struct {
		name string
		c    Config
		key  []byte
		want string
	}{
		{"short location", Config{Location: "31011"}, assets.DemoPublicKey, "location"},
		{"letters", Config{Location: "31011890120x"}, assets.DemoPublicKey, "location"},
		{"too long", Config{Location: "3101189012011"}, assets.DemoPublicKey, "location"},
		{"private key given", Config{Location: "310118901201"}, feed.EncodePrivateKey(priv), "public key"},
		{"garbage key", Config{Location: "310118901201"}, []byte("hello"), "public key"},
		{"ftp source", Config{Location: "310118901201", Sources: []string{"ftp://x/y"}}, assets.DemoPublicKey, "only http"},
		{"hostless url", Config{Location: "310118901201", Sources: []string{"https:///feed"}}, assets.DemoPublicKey, "no host"},
		{"control char", Config{Location: "310118901201", Sources: []string{"/media/usb\x00"}}, assets.DemoPublicKey, "control"},
		{"bad mode", Config{Location: "310118901201", Mode: "tv"}, assets.DemoPublicKey, "mode"},
		{"tiny interval", Config{Location: "310118901201", SyncInterval: Duration{time.Second}}, assets.DemoPublicKey, "sync_interval"},
		{"report_url not http", Config{Location: "310118901201", ReportURL: "ftp://x/report"}, assets.DemoPublicKey, `report_url "ftp://x/report": want an http:// or https:// URL`},
		{"report_url a path", Config{Location: "310118901201", ReportURL: "/var/report"}, assets.DemoPublicKey, "report_url"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "data")
			err := Init(dir, tc.c, tc.key)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Init: %v, want an error about %s", err, tc.want)
			}
			if _, err := os.Stat(filepath.Join(dir, File)); err == nil {
				t.Error("a refused Init wrote config.toml")
			}
		})
	}
}

func TestReportURL(t *testing.T) {
	dir := initDir(t, Config{Location: "310118901201"})
	raw, _ := os.ReadFile(filepath.Join(dir, File))
	if strings.Contains(string(raw), "report_url") {
		t.Errorf("an unset report_url is written:\n%s", raw)
	}
	c, err := Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	c.ReportURL = "https://proof.example.gov.cn/screens/310118901201"
	if err := Save(dir, c); err != nil {
		t.Fatal(err)
	}
	if c2, err := Load(dir); err != nil || c2.ReportURL != c.ReportURL {
		t.Fatalf("report_url after Save and Load: %v %+v", err, c2)
	}
	c.ReportURL = "file:///etc/passwd"
	if err := Save(dir, c); err == nil || !strings.Contains(err.Error(), "report_url") {
		t.Fatalf("Save with a file: report_url: %v", err)
	}
}

func TestLoadNotInitialised(t *testing.T) {
	dir := t.TempDir()
	_, err := Load(dir)
	if !errors.Is(err, ErrNotInitialised) || !strings.Contains(err.Error(), "gongkai init --data "+dir) {
		t.Fatalf("Load of an empty dir: %v", err)
	}
}

func TestLoadBrokenFiles(t *testing.T) {
	good := "location = \"310118901201\"\nsources = []\nsync_interval = \"15m\"\nmode = \"touch\"\nidle_timeout = \"90s\"\n"
	for _, tc := range []struct {
		name, toml, want string
	}{
		{"unknown key", good + "colour = \"red\"\n", `unknown setting "colour"`},
		{"unknown table", good + "[network]\nproxy = \"x\"\n", `unknown setting "network"`},
		{"misspelt key", strings.Replace(good, "sync_interval", "sync_intervall", 1), `"sync_intervall"`},
		{"syntax", "location = \n", "line 1"},
		{"wrong type", strings.Replace(good, `"310118901201"`, "310118901201", 1), "location"},
		{"bad duration", strings.Replace(good, `"15m"`, `"soon"`, 1), "duration"},
		{"missing location", strings.Replace(good, `location = "310118901201"`, "", 1), "location"},
		{"relative source", strings.Replace(good, "[]", `["usb"]`, 1), "absolute"},
		{"report_url scheme", good + "report_url = \"mailto:clerk@example.gov.cn\"\n", `report_url "mailto:clerk@example.gov.cn": want an http:// or https:// URL`},
		{"report_url no host", good + "report_url = \"https:///proof\"\n", `report_url "https:///proof": URL has no host`},
		{"report_url control", good + "report_url = \"https://x/\\u0007\"\n", "report_url"},
		{"report_url not a string", good + "report_url = 8080\n", "report_url"},
		{"oversized", good + "# " + strings.Repeat("x", MaxFileSize) + "\n", "over"},
		{"not utf8", good + "# \xff\xfe\n", "UTF-8"},
		{"duplicate key", good + "location = \"310118901202\"\n", "location"},
		{"nested bomb", "location = " + strings.Repeat("[", 5000) + strings.Repeat("]", 5000) + "\n", "location"},
		{"empty", "", "location"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := initDir(t, Config{Location: "310118901201"})
			if err := os.WriteFile(filepath.Join(dir, File), []byte(tc.toml), 0o644); err != nil {
				t.Fatal(err)
			}
			_, err := Load(dir)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Load: %v, want an error mentioning %s", err, tc.want)
			}
		})
	}
}

func TestLoadBrokenKey(t *testing.T) {
	dir := initDir(t, Config{Location: "310118901201"})
	os.WriteFile(filepath.Join(dir, KeyFile), []byte("gongkai-ed25519-public AAAA\n"), 0o644)
	if _, err := Load(dir); err == nil || !strings.Contains(err.Error(), "pinned key") {
		t.Fatalf("Load with a broken key: %v", err)
	}
	os.Remove(filepath.Join(dir, KeyFile))
	if _, err := Load(dir); err == nil || !strings.Contains(err.Error(), "pinned key") {
		t.Fatalf("Load with no key: %v", err)
	}
}

func TestLoadRefusesDirectoryAsFile(t *testing.T) {
	dir := t.TempDir()
	os.Mkdir(filepath.Join(dir, File), 0o755)
	if _, err := Load(dir); err == nil || errors.Is(err, ErrNotInitialised) {
		t.Fatalf("Load with config.toml a directory: %v", err)
	}
}

func TestSaveKeepsKeyAndValidates(t *testing.T) {
	dir := initDir(t, Config{Location: "310118901201"})
	c, err := Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	c.Mode = ModeDisplay
	c.SyncInterval = Duration{2 * time.Hour}
	if err := Save(dir, c); err != nil {
		t.Fatal(err)
	}
	c2, err := Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	if c2.Mode != ModeDisplay || c2.SyncInterval.Duration != 2*time.Hour || !c2.PublicKey().Equal(c.PublicKey()) {
		t.Errorf("after Save: %+v", c2)
	}
	before, _ := os.ReadFile(filepath.Join(dir, File))
	c2.Location = "x"
	if err := Save(dir, c2); err == nil {
		t.Fatal("Save accepted an invalid location")
	}
	after, _ := os.ReadFile(filepath.Join(dir, File))
	if !bytes.Equal(before, after) {
		t.Error("a refused Save changed the file")
	}
}

func FuzzLoad(f *testing.F) {
	f.Add([]byte("location = \"310118901201\"\nsources = [\"https://a.example/feed/\"]\nsync_interval = \"15m\"\nmode = \"display\"\nidle_timeout = \"90s\"\n"))
	f.Add([]byte("location = \"310118901\"\n[x]\ny = 1\n"))
	f.Add([]byte("location = [[[[1]]]]\n"))
	f.Add([]byte("a.b.c = 1\nlocation = '''\n1'''\n"))
	dir := f.TempDir()
	if err := os.WriteFile(filepath.Join(dir, KeyFile), assets.DemoPublicKey, 0o644); err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if err := os.WriteFile(filepath.Join(dir, File), data, 0o644); err != nil {
			t.Fatal(err)
		}
		c, err := Load(dir)
		if err != nil {
			return
		}
		// Whatever loads must be valid and survive encoding and parsing unchanged.
		if err := c.Validate(); err != nil {
			t.Fatalf("Load returned an invalid config: %v", err)
		}
		out, err := c.encode()
		if err != nil {
			t.Fatalf("encoding a loaded config: %v", err)
		}
		c2, err := Parse(out)
		if err != nil {
			t.Fatalf("reparsing %q: %v", out, err)
		}
		if c2.Location != c.Location || c2.Mode != c.Mode || c2.SyncInterval != c.SyncInterval ||
			c2.IdleTimeout != c.IdleTimeout || strings.Join(c2.Sources, "\n") != strings.Join(c.Sources, "\n") {
			t.Fatalf("round trip changed the config: %+v -> %+v", c, c2)
		}
	})
}

func TestDisplaySettings(t *testing.T) {
	base := func() Config {
		c := Config{Location: "310118901201"}
		c.withDefaults()
		return c
	}
	c := base()
	if c.Dwell.Duration != DefaultDwell || c.StaleAfter.Duration != DefaultStaleAfter || c.TextSize != TextNormal {
		t.Fatalf("defaults: %+v", c)
	}
	for _, tc := range []struct {
		name string
		edit func(*Config)
		want string // "" for valid
	}{
		{"hours", func(c *Config) { c.DisplayOn, c.DisplayOff = "07:00", "21:00" }, ""},
		{"overnight hours", func(c *Config) { c.DisplayOn, c.DisplayOff = "18:00", "02:00" }, ""},
		{"only on", func(c *Config) { c.DisplayOn = "07:00" }, "both or neither"},
		{"bad clock", func(c *Config) { c.DisplayOn, c.DisplayOff = "7:00", "21:00" }, "display_on"},
		{"hour 24", func(c *Config) { c.DisplayOn, c.DisplayOff = "07:00", "24:00" }, "display_off"},
		{"equal", func(c *Config) { c.DisplayOn, c.DisplayOff = "07:00", "07:00" }, "both 07:00"},
		{"fast dwell", func(c *Config) { c.Dwell.Duration = 200 * time.Millisecond }, ""},
		{"zero-ish dwell", func(c *Config) { c.Dwell.Duration = time.Millisecond }, "dwell"},
		{"stale short", func(c *Config) { c.StaleAfter.Duration = time.Minute }, "stale_after"},
		{"text size", func(c *Config) { c.TextSize = "huge" }, "text_size"},
		{"text large", func(c *Config) { c.TextSize = TextLarge }, ""},
	} {
		c := base()
		tc.edit(&c)
		err := c.Validate()
		if (tc.want == "") != (err == nil) || (err != nil && !strings.Contains(err.Error(), tc.want)) {
			t.Errorf("%s: Validate = %v, want %q", tc.name, err, tc.want)
		}
	}
}

func TestDisplaySettingsRoundTrip(t *testing.T) {
	c := Config{Location: "310118901201", DisplayOn: "07:00", DisplayOff: "21:30", TextSize: TextXLarge}
	c.Dwell.Duration = 20 * time.Second
	c.withDefaults()
	out, err := c.encode()
	if err != nil {
		t.Fatal(err)
	}
	c2, err := Parse(out)
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if c2.DisplayOn != "07:00" || c2.DisplayOff != "21:30" || c2.Dwell != c.Dwell || c2.TextStep() != 2 || c2.StaleAfter.Duration != DefaultStaleAfter {
		t.Errorf("round trip: %+v\n%s", c2, out)
	}
	// a file written before these settings existed still loads, with defaults
	old, err := Parse([]byte("location = \"310118901201\"\n"))
	if err != nil || old.Dwell.Duration != DefaultDwell || old.DisplayOn != "" {
		t.Errorf("old file: %+v %v", old, err)
	}
	if m, err := ParseClock("21:30"); err != nil || m != 21*60+30 {
		t.Errorf("ParseClock = %d %v", m, err)
	}
}

func TestMonitorSettings(t *testing.T) {
	dir := initDir(t, Config{Location: "310118901201"})
	raw, _ := os.ReadFile(filepath.Join(dir, File))
	for _, k := range []string{"monitor_url", "heartbeat_every", "monitor_screenshots"} {
		if strings.Contains(string(raw), k) {
			t.Errorf("an unset %s is written:\n%s", k, raw)
		}
	}
	c, err := Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	if c.Heartbeat() != DefaultHeartbeat {
		t.Errorf("heartbeat %s without heartbeat_every, want %s", c.Heartbeat(), DefaultHeartbeat)
	}
	c.MonitorURL = "https://feed.example.gov.cn/monitor/"
	c.HeartbeatEvery = Duration{5 * time.Minute}
	c.MonitorScreenshots = "off"
	if err := Save(dir, c); err != nil {
		t.Fatal(err)
	}
	c2, err := Load(dir)
	if err != nil || c2.MonitorURL != c.MonitorURL || c2.Heartbeat() != 5*time.Minute || c2.MonitorScreenshots != "off" {
		t.Fatalf("monitor settings after Save and Load: %v %+v", err, c2)
	}
	for _, tc := range []struct {
		edit func(*Config)
		want string
	}{
		{func(c *Config) { c.MonitorURL = "ftp://monitor" }, "monitor_url"},
		{func(c *Config) { c.MonitorURL = "https://" }, "monitor_url"},
		{func(c *Config) { c.HeartbeatEvery = Duration{time.Second} }, "heartbeat_every"},
		{func(c *Config) { c.HeartbeatEvery = Duration{48 * time.Hour} }, "heartbeat_every"},
		{func(c *Config) { c.MonitorScreenshots = "sometimes" }, "monitor_screenshots"},
	} {
		c3 := *c2
		tc.edit(&c3)
		if err := Save(dir, &c3); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Save: %v, want an error about %s", err, tc.want)
		}
	}
}
