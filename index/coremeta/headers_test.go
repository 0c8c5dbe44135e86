package coremeta

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
)

// parseWholeText is Parse as it was before it read only the headers: the whole file
// converted and normalized, then read line by line to the first empty one. Parse must
// give what it gives.
func parseWholeText(data []byte) (*Metadata, error) {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	text := string(data)
	if !utf8.ValidString(text) {
		text = strings.ToValidUTF8(text, "\uFFFD")
	}
	text = strings.ReplaceAll(text, "\r\n", "\n")
	text = strings.ReplaceAll(text, "\r", "\n")

	m := &Metadata{}
	var name string // the header being read, lower case
	var value strings.Builder
	var start int
	flush := func() {
		if name != "" {
			m.set(name, strings.TrimSpace(value.String()), start)
		}
		name = ""
		value.Reset()
	}
	lineNo := 0
	for line := range strings.Lines(text) {
		lineNo++
		line = strings.TrimSuffix(line, "\n")
		if line == "" {
			break // the body follows
		}
		if line[0] == ' ' || line[0] == '\t' {
			if name != "" {
				value.WriteString(line)
			}
			continue
		}
		field, val, ok := strings.Cut(line, ":")
		if !ok || !isFieldName(field) {
			if lineNo == 1 && strings.HasPrefix(line, "From ") {
				continue // an mbox envelope line, as Python's parser allows
			}
			break // not a header: the body starts here
		}
		flush()
		name, start = strings.ToLower(field), lineNo
		value.WriteString(val)
	}
	flush()

	switch {
	case m.MetadataVersion == "":
		return nil, &Error{Msg: "no Metadata-Version field"}
	case m.Name == "":
		return nil, &Error{Msg: "no Name field"}
	case m.Version == "":
		return nil, &Error{Msg: "no Version field"}
	}
	return m, nil
}

// FuzzParseReadsOnlyTheHeaders: Parse, which copies and normalizes only the header
// section, gives what reading the whole text gives.
func FuzzParseReadsOnlyTheHeaders(f *testing.F) {
	files, _ := filepath.Glob("testdata/*.*")
	for _, file := range files {
		data, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte("Metadata-Version: 2.1\r\nName: a\r\n\r\nVersion: 1\n"))
	f.Add([]byte("\r\nMetadata-Version: 2.1\nName: a\nVersion: 1\n"))
	f.Add([]byte("Metadata-Version: 2.1\rName: a\rVersion: 1\r\rbody\n"))
	f.Add([]byte("\xef\xbb\xbfMetadata-Version: 2.1\nNAME: caf\xe9\n folded\n\tmore\nVersion: 1\n\nbody\xff\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		got, gotErr := Parse(data)
		want, wantErr := parseWholeText(data)
		if diff := cmp.Diff(want, got); diff != "" || (gotErr == nil) != (wantErr == nil) {
			t.Fatalf("Parse differs from reading the whole text (-want +got):\n%s\nerrors %v, %v", diff, wantErr, gotErr)
		}
	})
}

// BenchmarkParse reads a METADATA whose long description, as most have, is most of it.
func BenchmarkParse(b *testing.B) {
	data, err := os.ReadFile("testdata/torch.METADATA")
	if err != nil {
		b.Fatal(err)
	}
	data = append(data, bytes.Repeat([]byte("A long description of the project, in Markdown.\n"), 600)...)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Parse(data); err != nil {
			b.Fatal(err)
		}
	}
}
