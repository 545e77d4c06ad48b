package feed

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"image"
	_ "image/gif" // the picture formats a screen shows
	_ "image/jpeg"
	"image/png"
	"io"
)

// Pictures. A small file can declare an enormous picture (a 3.5 MB PNG of
// 60000×60000 pixels decodes to 14 GB), so the size a picture declares is
// read before it is decoded, by the publisher and again by every screen.
const MaxImagePixels = 40_000_000 // 8000×5000: 160 MB decoded

// ImageTypes are the attachment types a screen shows as pictures.
var ImageTypes = map[string]bool{"image/png": true, "image/jpeg": true, "image/gif": true}

// ErrImageTooLarge is the error of a picture over MaxImagePixels.
var ErrImageTooLarge = errors.New("picture too large")

// CheckImage reads the header of a picture and refuses one that cannot be
// read or declares more than MaxImagePixels, without decoding its pixels.
func CheckImage(r io.Reader) (image.Config, error) {
	// The start of the file is kept: where int is 32 bits, the PNG reader
	// refuses such a size itself, and the size is read from its header.
	head := make([]byte, 24)
	n, _ := io.ReadFull(r, head)
	head = head[:n]
	cfg, _, err := image.DecodeConfig(io.MultiReader(bytes.NewReader(head), r))
	if err == png.UnsupportedError("dimension overflow") && n == 24 {
		cfg.Width, cfg.Height = int(binary.BigEndian.Uint32(head[16:])), int(binary.BigEndian.Uint32(head[20:]))
		err = nil
	}
	if err != nil {
		return cfg, fmt.Errorf("not a readable PNG, JPEG or GIF picture: %v", err)
	}
	if cfg.Width <= 0 || cfg.Height <= 0 || int64(cfg.Width)*int64(cfg.Height) > MaxImagePixels {
		return cfg, fmt.Errorf("%w: %d×%d pixels, over the %d million a screen shows", ErrImageTooLarge, cfg.Width, cfg.Height, MaxImagePixels/1_000_000)
	}
	return cfg, nil
}
