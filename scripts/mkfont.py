#!/usr/bin/python3
"""Makes assets/fonts/GongkaiFallback.ttf: Droid Sans Fallback with the
symbols it and Noto Sans both lack taken from DejaVu Sans.

Why: the kiosk draws with Droid Sans Fallback (CJK) and Fyne's Noto Sans
(Latin). Neither has arrows, ⌫, ▏, Roman numerals (Ⅲ类水), circled numbers
(①), ≥ ≤ and the like, which the screens' own buttons and township notices
use; Fyne then takes them from whatever fonts the system has. A Linux kiosk
without DejaVu drew empty boxes, and Windows drew them with other widths
(the search line ran out of its box at 特大). With them in the font the
program ships, every screen draws the same glyphs everywhere.

Only code points that neither Droid nor Noto Sans covers are added, so
every character drawn before keeps its glyph. Glyphs are scaled from
DejaVu's 2048 units to Droid's 256, composites decomposed, hinting dropped
(Fyne does not hint). Run by hand when the fonts change, with Debian's
python3-fonttools, fonts-droid-fallback and fonts-dejavu-core; the output
is committed:

    /usr/bin/python3 scripts/mkfont.py
"""
import sys

from fontTools.pens.recordingPen import DecomposingRecordingPen
from fontTools.pens.transformPen import TransformPen
from fontTools.pens.ttGlyphPen import TTGlyphPen
from fontTools.ttLib import TTFont

DROID = "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf"  # Debian fonts-droid-fallback
NOTO = "assets/fonts/NotoSans-Regular.ttf"
DEJAVU = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"  # Debian fonts-dejavu-core
OUT = "assets/fonts/GongkaiFallback.ttf"
NAME = "Gongkai Fallback"


def main():
    base, noto, extra = TTFont(DROID), TTFont(NOTO), TTFont(DEJAVU)
    have = set(base.getBestCmap()) | set(noto.getBestCmap())
    scale = base["head"].unitsPerEm / extra["head"].unitsPerEm
    source = extra.getGlyphSet()
    glyf, hmtx = base["glyf"], base["hmtx"]
    vmtx = base["vmtx"] if "vmtx" in base else None
    upm = base["head"].unitsPerEm
    added = {}  # DejaVu glyph name → new name
    cmap_add = {}
    for cp, name in sorted(extra.getBestCmap().items()):
        if cp in have or cp < 0x20 or 0xE000 <= cp <= 0xF8FF:  # controls, private use
            continue
        if name not in added:
            rec = DecomposingRecordingPen(source)
            source[name].draw(rec)
            pen = TTGlyphPen(None)
            rec.replay(TransformPen(pen, (scale, 0, 0, scale, 0, 0)))
            new = "gk_" + name
            glyf[new] = pen.glyph()
            adv, _ = extra["hmtx"][name]
            g = glyf[new]
            g.recalcBounds(glyf)
            hmtx[new] = (round(adv * scale), getattr(g, "xMin", 0))
            if vmtx is not None:
                vmtx[new] = (upm, 0)
            added[name] = new
        cmap_add[cp] = added[name]
    base.setGlyphOrder(glyf.glyphOrder)  # glyf[new] = … added each there
    for table in base["cmap"].tables:
        if table.isUnicode():
            for cp, name in cmap_add.items():
                if cp <= 0xFFFF or table.format in (12, 13):
                    table.cmap[cp] = name
    for rec in base["name"].names:
        if rec.nameID in (1, 4, 16):
            rec.string = NAME
        elif rec.nameID == 6:
            rec.string = NAME.replace(" ", "")
    base["post"].formatType = 3.0  # no glyph names: DejaVu's would not fit Droid's table
    base.recalcTimestamp = False  # the same bytes from the same fonts
    base.save(OUT)
    print(f"{OUT}: {len(cmap_add)} code points, {len(added)} glyphs from DejaVu Sans", file=sys.stderr)


if __name__ == "__main__":
    main()
