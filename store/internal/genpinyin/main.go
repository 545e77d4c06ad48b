// Command genpinyin writes store/pinyin.bin, the pinyin table the store
// embeds: go-pinyin's first (most common) Normal reading of every CJK
// Unified Ideograph and Extension A character. Building the table from
// go-pinyin at run time took some 40 ms of every new process's first
// search; embedded, it costs nothing. Run by go generate in store/.
//
// Format: the syllables, space-separated, then a newline, then one
// big-endian uint16 per rune from 0x3400 to 0x9FFF: the index of its
// syllable in that list plus one, 0 for none.
package main

import (
	"bytes"
	"encoding/binary"
	"log"
	"os"
	"strings"

	"github.com/mozillazg/go-pinyin"
)

const first, last = 0x3400, 0x9FFF

func main() {
	args := pinyin.NewArgs()
	args.Style = pinyin.Normal
	var syllables []string
	index := map[string]uint16{}
	ids := make([]byte, 0, 2*(last-first+1))
	for r := rune(first); r <= last; r++ {
		id := uint16(0)
		if syl := pinyin.SinglePinyin(r, args); len(syl) > 0 && lowerASCII(syl[0]) {
			var ok bool
			if id, ok = index[syl[0]]; !ok {
				syllables = append(syllables, syl[0])
				id = uint16(len(syllables))
				index[syl[0]] = id
			}
		}
		ids = binary.BigEndian.AppendUint16(ids, id)
	}
	var out bytes.Buffer
	out.WriteString(strings.Join(syllables, " "))
	out.WriteByte('\n')
	out.Write(ids)
	if err := os.WriteFile("pinyin.bin", out.Bytes(), 0o644); err != nil {
		log.Fatal(err)
	}
}

func lowerASCII(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < 'a' || s[i] > 'z' {
			return false
		}
	}
	return true
}
