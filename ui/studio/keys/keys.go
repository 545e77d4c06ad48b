// Package keys is the studio's publisher key: made in the window and
// encrypted with a passphrase, or an old plain key encrypted in place;
// its public key shown to pin on every screen. The key file's format is
// keyfile's.
package keys

import (
	"bytes"
	"crypto/ed25519"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"gongkai/atomicfile"
	"gongkai/feed"
	"gongkai/keyfile"
	"gongkai/ui/studio/page"
)

// State is what the studio finds at the settings' key file.
type State int

const (
	None      State = iota // no file
	Encrypted              // encrypted with a passphrase
	Plain                  // readable by anyone with a copy
	Broken                 // a file that is not a key
)

// PubFile is publisher.pub beside a key file.
func PubFile(keyPath string) string { return filepath.Join(filepath.Dir(keyPath), "publisher.pub") }

// ReadState reads what the key file is, and the public key beside it
// (or in it, for a plain key).
func ReadState(keyPath string) (State, ed25519.PublicKey) {
	data, err := os.ReadFile(keyPath)
	if errors.Is(err, fs.ErrNotExist) {
		return None, nil
	}
	if err != nil {
		return Broken, nil
	}
	var pub ed25519.PublicKey
	if p, err := os.ReadFile(PubFile(keyPath)); err == nil {
		pub, _ = feed.ParsePublicKey(p)
	}
	if keyfile.Encrypted(data) {
		return Encrypted, pub
	}
	priv, _, err := keyfile.Open(data, nil)
	if err != nil {
		return Broken, pub
	}
	return Plain, priv.Public().(ed25519.PublicKey)
}

// Create makes a publisher key pair: keyPath encrypted with the
// passphrase (never overwriting a key), publisher.pub beside it.
func Create(keyPath string, passphrase []byte) (ed25519.PublicKey, error) {
	pub, priv, err := feed.GenerateKey()
	if err != nil {
		return nil, err
	}
	text, err := keyfile.Encrypt(priv, passphrase)
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(filepath.Dir(keyPath), 0o700); err != nil {
		return nil, fmt.Errorf("studio: %w", err)
	}
	f, err := os.OpenFile(keyPath, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return nil, fmt.Errorf("studio: %w", err)
	}
	if _, err := f.Write(text); err != nil {
		f.Close()
		return nil, fmt.Errorf("studio: %w", err)
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return nil, fmt.Errorf("studio: %w", err)
	}
	if err := f.Close(); err != nil {
		return nil, fmt.Errorf("studio: %w", err)
	}
	if err := atomicfile.Write(PubFile(keyPath), feed.EncodePublicKey(pub)); err != nil {
		return nil, err
	}
	return pub, nil
}

// Encrypt encrypts a plain key file in place, in one rename.
func Encrypt(keyPath string, passphrase []byte) error {
	data, err := os.ReadFile(keyPath)
	if err != nil {
		return err
	}
	if keyfile.Encrypted(data) { // Open would ask for a passphrase
		return fmt.Errorf("studio: %s is encrypted already", keyPath)
	}
	priv, enc, err := keyfile.Open(data, nil)
	if err != nil || enc {
		return fmt.Errorf("studio: %s is not a plain key", keyPath)
	}
	text, err := keyfile.Encrypt(priv, passphrase)
	if err != nil {
		return err
	}
	if err := atomicfile.WriteFrom(keyPath, bytes.NewReader(text), 0o600); err != nil {
		return err
	}
	if _, err := os.Stat(PubFile(keyPath)); errors.Is(err, fs.ErrNotExist) {
		return atomicfile.Write(PubFile(keyPath), feed.EncodePublicKey(priv.Public().(ed25519.PublicKey)))
	}
	return nil
}

// View is the key's page: the key made here, encrypted with a
// passphrase, its public key shown to pin on every screen.
type View struct {
	host        page.Host
	path        string // the key file, as Refresh was last told
	box         fyne.CanvasObject
	state       *widget.Label
	pass, again *widget.Entry
	make        *widget.Button
	pub         *widget.Entry
	problem     *widget.RichText
	current     State
}

// NewView builds the page; Refresh shows a key file in it.
func NewView(host page.Host) *View {
	v := &View{host: host}
	v.state = widget.NewLabel("")
	v.state.Wrapping = fyne.TextWrapWord
	v.pass, v.again = widget.NewPasswordEntry(), widget.NewPasswordEntry()
	v.pass.SetPlaceHolder(fmt.Sprintf("口令（至少 %d 个字符）", keyfile.MinPassphrase))
	v.again.SetPlaceHolder("再输一遍口令")
	v.make = widget.NewButtonWithIcon("生成发布密钥", theme.ConfirmIcon(), v.create)
	v.make.Importance = widget.HighImportance
	v.pub = widget.NewMultiLineEntry()
	v.pub.Wrapping = fyne.TextWrapBreak
	v.pub.SetMinRowsVisible(3)
	v.problem = page.Note("", theme.ColorNameError)
	copyBtn := widget.NewButtonWithIcon("复制公钥", theme.ContentCopyIcon(), func() {
		fyne.CurrentApp().Clipboard().SetContent(v.pub.Text)
		host.Say("公钥已复制。")
	})
	hint := widget.NewLabel("私钥用口令加密保存；发布时要输入口令。口令忘了无法找回，只能重新生成密钥并给每台屏幕重新设置公钥。" +
		"公钥（publisher.pub）要交给每台屏幕：gongkai init --pubkey publisher.pub。")
	hint.Wrapping = fyne.TextWrapWord
	v.box = container.NewVScroll(container.NewPadded(container.NewVBox(
		page.Heading("发布密钥"), v.state, hint,
		widget.NewForm(widget.NewFormItem("口令", v.pass), widget.NewFormItem("确认口令", v.again)),
		container.NewHBox(v.make), v.problem,
		widget.NewLabel("公钥（装到每台屏幕上）"), v.pub, container.NewHBox(copyBtn),
	)))
	return v
}

// Object is the page.
func (v *View) Object() fyne.CanvasObject { return v.box }

// Refresh reads the key file at path off the UI goroutine and shows its
// state.
func (v *View) Refresh(path string) {
	v.path = path
	v.host.Spawn(func() {
		st, pub := ReadState(path)
		fyne.Do(func() { v.show(path, st, pub) })
	})
}

func (v *View) show(path string, st State, pub ed25519.PublicKey) {
	v.current = st
	v.pass.SetText("")
	v.again.SetText("")
	page.SetNote(v.problem, "", theme.ColorNameError)
	switch st {
	case None:
		v.state.SetText("还没有发布密钥（" + path + "）。设一个口令，生成密钥。")
		v.make.SetText("生成发布密钥")
		v.make.Enable()
	case Encrypted:
		v.state.SetText("发布密钥：" + path + "（已用口令加密）")
		v.make.Disable()
	case Plain:
		v.state.SetText("发布密钥：" + path + "，没有加密：谁拿到这个文件都能发布。请设口令加密它。")
		v.make.SetText("用口令加密密钥")
		v.make.Enable()
	case Broken:
		v.state.SetText(path + " 不是发布密钥文件，或读不出来。")
		v.make.Disable()
	}
	v.pub.SetText("")
	if pub != nil {
		v.pub.SetText(strings.TrimSpace(string(feed.EncodePublicKey(pub))) + "\n指纹 " + feed.Fingerprint(pub))
	}
}

// create makes (or encrypts) the key with the passphrase typed twice.
func (v *View) create() {
	p, again := v.pass.Text, v.again.Text
	switch {
	case len([]rune(p)) < keyfile.MinPassphrase:
		page.SetNote(v.problem, fmt.Sprintf("口令太短：至少 %d 个字符。", keyfile.MinPassphrase), theme.ColorNameError)
		return
	case p != again:
		page.SetNote(v.problem, "两次输入的口令不一样。", theme.ColorNameError)
		return
	}
	path, st := v.path, v.current
	v.make.Disable()
	v.host.Say("正在生成并加密密钥…")
	v.host.Spawn(func() {
		var err error
		if st == Plain {
			err = Encrypt(path, []byte(p))
		} else {
			_, err = Create(path, []byte(p))
		}
		state, pub := ReadState(path)
		fyne.Do(func() {
			v.show(path, state, pub)
			if err != nil {
				page.SetNote(v.problem, "没有成功："+err.Error(), theme.ColorNameError)
				v.host.Say("密钥没有生成：" + err.Error())
				return
			}
			v.host.Say("发布密钥已保存：" + path)
		})
	})
}
