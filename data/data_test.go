package data

import (
	"io/fs"
	"os"
	"regexp"
	"strings"
	"testing"
)

// README.md is the schema: it must name every embedded file and document every table the
// files use. (Package matrix checks the rows themselves.)
func TestReadmeDocumentsEveryFileAndTable(t *testing.T) {
	readme, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	files, err := fs.Glob(FS, "*.toml")
	if err != nil || len(files) == 0 {
		t.Fatalf("no embedded files (%v)", err)
	}
	header := regexp.MustCompile(`(?m)^\[\[([a-z_]+)\]\]`)
	for _, name := range files {
		if !strings.Contains(string(readme), "`"+name+"`") {
			t.Errorf("README.md does not list %s", name)
		}
		text, err := fs.ReadFile(FS, name)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range header.FindAllStringSubmatch(string(text), -1) {
			if !strings.Contains(string(readme), "`[["+m[1]+"]]`") {
				t.Errorf("%s uses [[%s]], which README.md does not document", name, m[1])
			}
		}
	}
}
