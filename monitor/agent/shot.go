package agent

import (
	"bytes"
	"errors"
	"image"
	"image/jpeg"

	"golang.org/x/image/draw"

	"gongkai/monitor/wire"
)

// shotWidth is the widest a screenshot is sent: a 1080p display at 960
// pixels reads well on the monitor's page and fits the cap.
const shotWidth = 960

// EncodeShot is img as a JPEG of at most wire.MaxScreenshot bytes: scaled
// to shotWidth, then lower quality, then smaller, until it fits.
func EncodeShot(img image.Image) ([]byte, error) {
	b := img.Bounds()
	if b.Dx() < 16 || b.Dy() < 16 {
		return nil, errors.New("agent: screenshot too small")
	}
	width := min(shotWidth, b.Dx())
	for width >= 160 {
		h := max(16, b.Dy()*width/b.Dx())
		if h > 2048 {
			width = width * 2048 / h
			continue
		}
		dst := image.NewRGBA(image.Rect(0, 0, width, h))
		draw.ApproxBiLinear.Scale(dst, dst.Bounds(), img, b, draw.Src, nil)
		for _, q := range []int{80, 65, 50, 35} {
			var out bytes.Buffer
			if err := jpeg.Encode(&out, dst, &jpeg.Options{Quality: q}); err != nil {
				return nil, err
			}
			if out.Len() <= wire.MaxScreenshot {
				return out.Bytes(), nil
			}
		}
		width = width * 3 / 4
	}
	return nil, errors.New("agent: screenshot does not fit the size cap")
}
