// Package assets holds what the program carries inside its binary: the CJK
// font, the demo feed source and the demo key pair.
package assets

import (
	"bytes"
	"embed"
	"io/fs"
)

// Font is Gongkai Fallback (fonts/NOTICE): Droid Sans Fallback, which
// covers Chinese, with the symbols neither it nor Noto Sans has (arrows,
// ⌫, Ⅲ, ①, ≥ …) from DejaVu Sans, so that no glyph the screens draw
// depends on the system's fonts. Fyne cannot load .ttc collections, so it
// must be a single face.
//
//go:embed fonts/GongkaiFallback.ttf
var Font []byte

// LatinFont and LatinBoldFont are Noto Sans (OFL-1.1, see fonts/NOTICE),
// the Latin face the kiosk draws (Fyne's default): Droid has no Latin
// letters, so paper (PDF) prints these beside it.
var (
	//go:embed fonts/NotoSans-Regular.ttf
	LatinFont []byte
	//go:embed fonts/NotoSans-Bold.ttf
	LatinBoldFont []byte
)

//go:embed all:demo
var demo embed.FS

// Demo is the source folder of the fictional demo feed (feed.yaml and items).
func Demo() fs.FS {
	sub, err := fs.Sub(demo, "demo")
	if err != nil {
		panic(err) // the embed above guarantees the folder
	}
	return sub
}

// The demo key pair. Its private half is public: anything signed with it is
// demo content, and screens that trust it say so on screen.
var (
	//go:embed demokey/publisher.key
	DemoPrivateKey []byte
	//go:embed demokey/publisher.pub
	DemoPublicKey []byte
)

// IsDemoKey reports whether a pinned public key file is the demo key.
func IsDemoKey(pub []byte) bool {
	return bytes.Equal(bytes.TrimSpace(pub), bytes.TrimSpace(DemoPublicKey))
}
