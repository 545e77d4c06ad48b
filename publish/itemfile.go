package publish

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/goccy/go-yaml"
)

// ReadItemFile splits a notice file into its front matter and its body
// without checking them: the studio opens a notice that does not pass
// the checks yet, to be finished in its form. The file must still be
// UTF-8 with front matter that YAML can read.
func ReadItemFile(name string, data []byte) (FrontMatter, string, error) {
	var fm FrontMatter
	fmBytes, body, _, err := splitFrontMatter(name, data)
	if err != nil {
		return fm, "", err
	}
	if err := unmarshalYAML(fmBytes, &fm); err != nil {
		return fm, "", yamlError(name, 1, err)
	}
	return fm, body, nil
}

// ItemFile is the text of a notice file: fm as YAML between '---' lines,
// then the body, as `gongkai publish` reads it. Empty optional fields are
// left out.
func ItemFile(fm FrontMatter, body string) ([]byte, error) {
	y, err := frontMatterYAML(fm)
	if err != nil {
		return nil, fmt.Errorf("publish: writing the front matter of %s: %w", fm.ID, err)
	}
	var b bytes.Buffer
	b.WriteString("---\n")
	b.Write(y)
	if !bytes.HasSuffix(y, []byte("\n")) {
		b.WriteByte('\n')
	}
	b.WriteString("---\n")
	b.WriteString(strings.ReplaceAll(body, "\r\n", "\n"))
	if body != "" && !strings.HasSuffix(body, "\n") {
		b.WriteByte('\n')
	}
	return b.Bytes(), nil
}

// frontMatterYAML writes fm as YAML a clerk can read, and makes sure it
// reads back as fm: a value the plain style would change (a tab, a line
// separator pasted into a field) is written in YAML's JSON style, where
// every string is quoted, else refused.
func frontMatterYAML(fm FrontMatter) ([]byte, error) {
	for _, opts := range [][]yaml.EncodeOption{{yaml.UseLiteralStyleIfMultiline(true)}, {yaml.JSON()}} {
		y, err := yaml.MarshalWithOptions(fm, opts...)
		if err != nil {
			return nil, err
		}
		var back FrontMatter
		if err := unmarshalYAML(y, &back); err != nil {
			continue
		}
		if again, err := yaml.MarshalWithOptions(back, opts...); err == nil && bytes.Equal(again, y) {
			return y, nil
		}
	}
	return nil, fmt.Errorf("a field holds characters that cannot be written as they are (a tab or a line separator?)")
}

// FeedFile is the text of feed.yaml for fc, as ParseSource reads it.
func FeedFile(fc FeedConfig) ([]byte, error) {
	y, err := yaml.Marshal(fc)
	if err != nil {
		return nil, fmt.Errorf("publish: writing feed.yaml: %w", err)
	}
	return y, nil
}

// CheckFeed checks feed.yaml's text by the rules ParseSource holds it
// to: the first mistake, as a SourceError naming its line, or nil.
func CheckFeed(data []byte) error {
	src := &Source{}
	return src.checkFeedConfig(data)
}
