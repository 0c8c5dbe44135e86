package target

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// ImageSize is a size budget for an image, in bytes, and where it was set.
type ImageSize struct {
	Bytes  int64 // 0: no budget
	Origin Origin
}

// sizeUnits are the suffixes ParseImageSize reads: SI (docker images and registries
// print sizes so) and IEC.
var sizeUnits = []struct {
	suffix string
	bytes  float64
}{
	{"KIB", 1 << 10}, {"MIB", 1 << 20}, {"GIB", 1 << 30}, {"TIB", 1 << 40},
	{"KB", 1e3}, {"MB", 1e6}, {"GB", 1e9}, {"TB", 1e12},
	{"K", 1e3}, {"M", 1e6}, {"G", 1e9}, {"T", 1e12},
	{"B", 1},
}

// ParseImageSize reads a size such as "8GB", "7.5 GiB", "500MB" or a number of bytes.
// GB is 10^9 bytes, as docker prints image sizes; GiB is 2^30.
func ParseImageSize(s string) (int64, error) {
	text := strings.ToUpper(strings.TrimSpace(s))
	mult := 1.0
	for _, u := range sizeUnits {
		if rest, ok := strings.CutSuffix(text, u.suffix); ok {
			text, mult = strings.TrimSpace(rest), u.bytes
			break
		}
	}
	n, err := strconv.ParseFloat(text, 64)
	switch {
	case err != nil || math.IsNaN(n) || math.IsInf(n, 0) || text == "" || strings.ContainsAny(text, "XP_"):
		return 0, fmt.Errorf("%q is not a size: write a number with a unit, such as 8GB, 7.5GiB or 500MB", s)
	case n <= 0:
		return 0, fmt.Errorf("%q: a size budget must be more than zero", s)
	case n*mult >= math.MaxInt64:
		return 0, fmt.Errorf("%q: too large a size", s)
	case n*mult < 0.5: // would round to a budget of 0 bytes
		return 0, fmt.Errorf("%q: a size budget must be at least a byte", s)
	}
	return int64(math.Round(n * mult)), nil
}

// SizeValue reads the decoded TOML value of a size key (max-image-size here and in a
// policy's [budget]): a size ParseImageSize reads, or an integer of bytes.
func SizeValue(key string, raw any) (int64, error) {
	var text string
	switch raw := raw.(type) {
	case int64:
		text = strconv.FormatInt(raw, 10)
	case string:
		text = raw
	default:
		return 0, fmt.Errorf("%s must be a size such as \"8GB\" or a number of bytes, not %s", key, TOMLTypeName(raw))
	}
	n, err := ParseImageSize(text)
	if err != nil {
		return 0, fmt.Errorf("%s: %v", key, err)
	}
	return n, nil
}

// imageSize reads the max-image-size key.
func (p *configParser) imageSize(doc map[string]any) (ImageSize, error) {
	const key = "max-image-size"
	raw, ok := doc[key]
	if !ok {
		return ImageSize{}, nil
	}
	n, err := SizeValue(key, raw)
	if err != nil {
		return ImageSize{}, p.errorf(key, true, "%v", err)
	}
	return ImageSize{Bytes: n, Origin: p.origin(key)}, nil
}
