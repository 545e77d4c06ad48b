package drafts

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"gongkai/publish"
)

// Line is one line of a draft beside its published notice.
type Line struct {
	Op   byte // ' ' in both, '-' only in the published notice, '+' only in the draft
	Text string
}

// maxCells bounds the comparison table (lines × lines, after the equal
// head and tail are set aside): past it, the changed middle is shown as
// all removed, then all added, which is still true and costs nothing.
const maxCells = 4_000_000

// Diff compares the published text of a notice with a draft of it, line
// by line (front matter and body alike: a changed date is a changed
// line). published is nil for a new notice.
func Diff(published, draft []byte) []Line {
	a, b := lines(published), lines(draft)
	head := 0
	for head < len(a) && head < len(b) && a[head] == b[head] {
		head++
	}
	tail := 0
	for tail < len(a)-head && tail < len(b)-head && a[len(a)-1-tail] == b[len(b)-1-tail] {
		tail++
	}
	var out []Line
	for _, l := range a[:head] {
		out = append(out, Line{' ', l})
	}
	out = append(out, middle(a[head:len(a)-tail], b[head:len(b)-tail])...)
	for _, l := range a[len(a)-tail:] {
		out = append(out, Line{' ', l})
	}
	return out
}

func lines(data []byte) []string {
	if len(data) == 0 {
		return nil
	}
	return strings.Split(strings.TrimSuffix(strings.ReplaceAll(string(data), "\r\n", "\n"), "\n"), "\n")
}

// middle is the longest-common-subsequence comparison of a and b.
func middle(a, b []string) []Line {
	var out []Line
	if len(a)*len(b) > maxCells || len(a) == 0 || len(b) == 0 {
		for _, l := range a {
			out = append(out, Line{'-', l})
		}
		for _, l := range b {
			out = append(out, Line{'+', l})
		}
		return out
	}
	// lcs[i][j]: the longest common subsequence of a[i:] and b[j:]
	w := len(b) + 1
	lcs := make([]int32, (len(a)+1)*w)
	for i := len(a) - 1; i >= 0; i-- {
		for j := len(b) - 1; j >= 0; j-- {
			if a[i] == b[j] {
				lcs[i*w+j] = lcs[(i+1)*w+j+1] + 1
			} else {
				lcs[i*w+j] = max(lcs[(i+1)*w+j], lcs[i*w+j+1])
			}
		}
	}
	i, j := 0, 0
	for i < len(a) && j < len(b) {
		switch {
		case a[i] == b[j]:
			out = append(out, Line{' ', a[i]})
			i, j = i+1, j+1
		case lcs[(i+1)*w+j] >= lcs[i*w+j+1]:
			out = append(out, Line{'-', a[i]})
			i++
		default:
			out = append(out, Line{'+', b[j]})
			j++
		}
	}
	for ; i < len(a); i++ {
		out = append(out, Line{'-', a[i]})
	}
	for ; j < len(b); j++ {
		out = append(out, Line{'+', b[j]})
	}
	return out
}

// Published is the text of the notice with id in the township's source
// folder, nil when there is none (the draft is a new notice).
func Published(src *publish.Source, id string) ([]byte, error) {
	for _, si := range src.Items {
		if si.Item.ID == id {
			data, err := os.ReadFile(filepath.Join(src.Dir, si.Path))
			if err != nil {
				return nil, fmt.Errorf("drafts: published notice %s: %w", id, err)
			}
			return data, nil
		}
	}
	return nil, nil
}
