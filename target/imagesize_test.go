package target

import (
	"errors"
	"strings"
	"testing"
)

func TestParseImageSize(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want int64
	}{
		{"8GB", 8_000_000_000},
		{"8gb", 8_000_000_000},
		{"7.5 GiB", 7.5 * (1 << 30)},
		{"500MB", 500_000_000},
		{"1024", 1024},
		{"2T", 2_000_000_000_000},
		{"12KiB", 12 * 1024},
	} {
		got, err := ParseImageSize(tc.in)
		if err != nil || got != tc.want {
			t.Errorf("ParseImageSize(%q) = %d, %v; want %d", tc.in, got, err, tc.want)
		}
	}
	for _, bad := range []string{"", "GB", "eight GB", "-1GB", "0", "NaN", "Inf", "0x10GB", "1e400", "8 PB", "0.4", "1e-10GB"} {
		if n, err := ParseImageSize(bad); err == nil {
			t.Errorf("ParseImageSize(%q) = %d, want an error", bad, n)
		}
	}
}

// max-image-size is read from depsolve.toml as a size or a number of bytes, with its
// line as origin; anything else is an error at the value.
func TestConfigMaxImageSize(t *testing.T) {
	c, err := ParseConfig("depsolve.toml", []byte("timeout = 5\nmax-image-size = \"8GB\"\n"))
	if err != nil {
		t.Fatal(err)
	}
	if c.MaxImageSize.Bytes != 8e9 || c.MaxImageSize.Origin.String() != "depsolve.toml:2" {
		t.Errorf("max-image-size: %+v (origin %s)", c.MaxImageSize, c.MaxImageSize.Origin)
	}
	c, err = ParseConfig("pyproject.toml", []byte("[tool.depsolve]\nmax-image-size = 1000\n"))
	if err != nil || c.MaxImageSize.Bytes != 1000 {
		t.Fatalf("pyproject.toml: %+v, %v", c, err)
	}
	for _, tc := range []struct{ text, want string }{
		{"max-image-size = \"8 parsecs\"\n", "depsolve.toml:1:18: max-image-size: \"8 parsecs\" is not a size"},
		{"max-image-size = true\n", "depsolve.toml:1:18: max-image-size must be a size such as \"8GB\" or a number of bytes, not a boolean"},
		{"max-image-size = 0\n", "depsolve.toml:1:18: max-image-size: \"0\": a size budget must be more than zero"},
	} {
		_, err := ParseConfig("depsolve.toml", []byte(tc.text))
		var ie *InputError
		if !errors.As(err, &ie) || !strings.HasPrefix(err.Error(), tc.want) {
			t.Errorf("%q: got %v, want %s…", tc.text, err, tc.want)
		}
	}
}

// FuzzParseImageSize: a size budget that parses is at least a byte and fits an int64.
func FuzzParseImageSize(f *testing.F) {
	for _, s := range []string{"8GB", "7.5 GiB", "1024", "0.4", "9.2e18", "9.3e18", "1e-9GB", "12KiB"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if n, err := ParseImageSize(s); err == nil && n < 1 {
			t.Fatalf("%q: %d bytes", s, n)
		}
	})
}
