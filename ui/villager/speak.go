package villager

import (
	"io"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"

	"gongkai/feed"
	"gongkai/playback"
	"gongkai/ui/kit"
)

// Reading aloud (朗读): many villagers who most need a notice read poorly
// or not at all. A notice that carries audio (made and signed where it was
// published) gets a large 朗读 button in the reader; the sound stops when
// they leave the notice, at the idle reset and when the admin panel opens.
// The admin settings set the volume and quiet hours (静音时段); a display
// screen reads its slides aloud only when the settings say so.

// Speaker plays a notice's audio: *playback.Player on a real screen; nil
// when the screen has no sound output, and then there is no 朗读 button.
type Speaker interface {
	Play(r io.Reader, done func(playback.Ended)) error
	Stop()
	SetVolume(v float64)
}

type readAloud struct {
	k       *Screens
	btn     *kit.BigButton
	item    *feed.Item // the notice on the reader, nil elsewhere
	playing string     // the notice whose sound plays, "" for none
	gen     int        // bumped by each start and stop: a late end of an older sound is ignored
}

func (k *Screens) newReadAloud() *readAloud {
	r := &readAloud{k: k}
	r.btn = kit.NewBigButton("▶ 朗读", widget.HighImportance, fyne.NewSize(220, 100), func() {
		k.touch()
		r.toggle()
	})
	r.btn.Hide()
	k.setVolume()
	return r
}

// setVolume hands the configured volume to the speaker.
func (k *Screens) setVolume() {
	if k.opts.Speaker == nil {
		return
	}
	v := k.opts.Volume
	if v <= 0 {
		v = 80
	}
	k.opts.Speaker.SetVolume(float64(v) / 100)
}

// allowed says whether sound may play now: a speaker, and outside the
// quiet hours.
func (r *readAloud) allowed() bool {
	k := r.k
	if k.opts.Speaker == nil {
		return false
	}
	q := k.opts.Quiet
	return q == (kit.Hours{}) || !q.IsOn(k.Clock().In(k.Loc))
}

// showFor sets the reader's button for it (nil: not on the reader).
func (r *readAloud) showFor(it *feed.Item) {
	r.item = it
	if it == nil || it.Audio == nil || !r.allowed() {
		r.btn.Hide()
		return
	}
	r.label()
	r.btn.Show()
}

func (r *readAloud) label() {
	text := "▶ 朗读"
	if r.item != nil && r.playing == r.item.ID {
		text = "■ 停止"
	}
	if r.btn.Text != text {
		r.btn.Text = text
		r.btn.Refresh()
	}
}

func (r *readAloud) toggle() {
	if r.item == nil {
		return
	}
	if r.playing == r.item.ID {
		r.stop()
		return
	}
	r.play(r.item)
}

// play starts it's audio. The blob is opened and decoding starts on a
// goroutine: reading a long recording's frames is no work for the UI
// goroutine.
func (r *readAloud) play(it *feed.Item) {
	k := r.k
	if it.Audio == nil || !r.allowed() {
		return
	}
	r.gen++
	gen, id, sum := r.gen, it.ID, it.Audio.SHA256
	r.playing = id
	r.label()
	k.Go("read aloud", func() {
		rc, err := k.Store.OpenBlob(sum)
		if err == nil {
			err = k.opts.Speaker.Play(rc, func(playback.Ended) {
				rc.Close()
				k.Do("read aloud ended", func() { r.ended(gen) })
			})
			if err != nil {
				rc.Close()
			}
		}
		if err != nil {
			k.Logger.Error("read aloud", "item", id, "err", err)
			k.Do("read aloud failed", func() {
				r.ended(gen)
				if r.item != nil && r.item.ID == id && !k.display() {
					k.status.text = "这段录音无法播放，请阅读文字或咨询工作人员。"
					k.status.update(k)
				}
			})
		}
	})
}

// ended: the sound of start gen is over.
func (r *readAloud) ended(gen int) {
	if gen != r.gen {
		return // a later start or a stop took over
	}
	r.playing = ""
	r.label()
	r.release()
}

// release lets the display's slide go on once its sound is over.
func (r *readAloud) release() {
	if r.k.display() {
		r.k.host.HoldSlide(false)
	}
}

// stop ends the sound, if any.
func (r *readAloud) stop() {
	if r.playing == "" {
		return
	}
	r.gen++
	r.playing = ""
	r.label()
	if r.k.opts.Speaker != nil {
		r.k.opts.Speaker.Stop()
	}
	r.release()
}

// follow stops the sound when the villager is no longer on its notice.
func (r *readAloud) follow(s *screen) {
	if r.playing != "" && (s.kind != screenReader || s.itemID != r.playing) {
		r.stop()
	}
	if s.kind != screenReader {
		r.item = nil
	}
}

// slide is the display's turn: when the settings let a display read
// aloud, each slide with audio is read as it comes up; any other slide,
// the dark hours or an alert's turn stop it.
func (r *readAloud) slide(it *feed.Item) {
	k := r.k
	if it == nil || it.Audio == nil || !k.opts.ReadAloud || !k.display() {
		r.stop()
		return
	}
	if r.playing != it.ID {
		r.stop()
		r.play(it)
		// the slide stays up until its sound ends, however short its
		// dwell: a listener hears the notice to its end
		k.host.HoldSlide(r.playing == it.ID)
	}
}
