package policy

import (
	"fmt"
	"testing"

	"github.com/depsolve/depsolve/target"
)

// The budget keys read a size as depsolve.toml's max-image-size does: one value means
// one number of bytes in either file.
func TestBudgetReadsSizesAsTheConfigDoes(t *testing.T) {
	for _, size := range []string{`"8G"`, `"8gb"`, `"7.5 GiB"`, `"1.9999999999kB"`, `1000`} {
		doc := fmt.Sprintf("[budget]\nmax-image-size = %s\nmax-download-size = %s\n", size, size)
		pol, err := Parse("policy.toml", []byte(doc), testCodes)
		if err != nil {
			t.Errorf("%s: %v", size, err)
			continue
		}
		config, err := target.ParseConfig("depsolve.toml", []byte("max-image-size = "+size+"\n"))
		if err != nil {
			t.Fatalf("%s in depsolve.toml: %v", size, err)
		}
		want := config.MaxImageSize.Bytes
		if pol.MaxImageSize.Value != want || pol.MaxDownloadSize.Value != want || pol.MaxImageSize.Line != 2 {
			t.Errorf("%s: max-image-size %d (line %d), max-download-size %d; depsolve.toml reads %d",
				size, pol.MaxImageSize.Value, pol.MaxImageSize.Line, pol.MaxDownloadSize.Value, want)
		}
	}
}
