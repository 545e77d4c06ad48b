package feed

import (
	"bytes"
	"errors"
	"image"
	"image/color"
	"image/gif"
	"image/jpeg"
	"image/png"
	"os"
	"path/filepath"
	"testing"
)

// Picture bombs in every format a screen shows: a few hundred bytes that
// declare 60000×60000 (PNG), 65000×65000 (JPEG) or 65535×65535 (GIF)
// pixels; decoding any of them dies with "out of memory" under a 4 GiB
// address-space limit (smoke TestImageBombUnderMemoryLimit).
func TestCheckImageRefusesBombs(t *testing.T) {
	bombs, _ := filepath.Glob("testdata/bombs/*")
	if len(bombs) != 3 {
		t.Fatalf("want a bomb for each of PNG, JPEG and GIF, have %v", bombs)
	}
	for _, path := range bombs {
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		cfg, err := CheckImage(bytes.NewReader(data))
		if !errors.Is(err, ErrImageTooLarge) {
			t.Errorf("%s (%d×%d): %v, want ErrImageTooLarge", path, cfg.Width, cfg.Height, err)
		}
	}
}

func TestCheckImageAcceptsPictures(t *testing.T) {
	img := image.NewRGBA(image.Rect(0, 0, 800, 600))
	img.Set(10, 10, color.RGBA{200, 0, 0, 255})
	for name, enc := range map[string]func(*bytes.Buffer) error{
		"png":  func(b *bytes.Buffer) error { return png.Encode(b, img) },
		"jpeg": func(b *bytes.Buffer) error { return jpeg.Encode(b, img, nil) },
		"gif":  func(b *bytes.Buffer) error { return gif.Encode(b, img, nil) },
	} {
		var b bytes.Buffer
		if err := enc(&b); err != nil {
			t.Fatal(err)
		}
		if cfg, err := CheckImage(&b); err != nil || cfg.Width != 800 || cfg.Height != 600 {
			t.Errorf("%s: %d×%d, %v", name, cfg.Width, cfg.Height, err)
		}
	}
	if _, err := CheckImage(bytes.NewReader([]byte("%PDF-1.4 not a picture"))); err == nil || errors.Is(err, ErrImageTooLarge) {
		t.Errorf("a PDF as a picture: %v", err)
	}
}

func FuzzCheckImage(f *testing.F) {
	bombs, _ := filepath.Glob("testdata/bombs/*")
	for _, path := range bombs {
		data, _ := os.ReadFile(path)
		f.Add(data)
	}
	f.Add([]byte("GIF89a"))
	f.Fuzz(func(t *testing.T, data []byte) {
		cfg, err := CheckImage(bytes.NewReader(data))
		if err == nil && int64(cfg.Width)*int64(cfg.Height) > MaxImagePixels {
			t.Fatalf("accepted %d×%d", cfg.Width, cfg.Height)
		}
	})
}
