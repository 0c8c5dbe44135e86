package pep425

import (
	"fmt"
	"strconv"
	"strings"
)

// OS is a target operating system.
type OS uint8

const (
	Linux OS = iota + 1
	MacOS
	Windows
)

// Version2 is a MAJOR.MINOR version of glibc, musl or macOS.
type Version2 struct{ Major, Minor int }

func (v Version2) String() string { return fmt.Sprintf("%d.%d", v.Major, v.Minor) }

// IsZero reports whether v is unset.
func (v Version2) IsZero() bool { return v == Version2{} }

// Less reports whether v is an earlier version than w.
func (v Version2) Less(w Version2) bool {
	return v.Major < w.Major || v.Major == w.Major && v.Minor < w.Minor
}

// Platform is what a wheel's platform tag must fit: an operating system, an
// architecture, and for Linux the C library, for macOS the release.
//
// A Linux platform sets at most one of Glibc and Musl; with neither it accepts
// only the generic linux_ARCH tag (the libc is unknown, so no manylinux or
// musllinux wheel can be trusted).
type Platform struct {
	OS    OS
	Arch  string   // spelled as in tags: x86_64, aarch64 (Linux); x86_64, arm64 (macOS); amd64, arm64, x86 (Windows)
	Glibc Version2 // Linux with glibc: its version, e.g. 2.35
	Musl  Version2 // Linux with musl: its version, e.g. 1.2
	MacOS Version2 // macOS: the release, e.g. 14.0
}

// Legacy manylinux names (PEP 513, 571, 599) and the glibc each stands for.
var legacyManylinux = []struct {
	name  string
	glibc Version2
}{
	{"manylinux2014", Version2{2, 17}},
	{"manylinux2010", Version2{2, 12}},
	{"manylinux1", Version2{2, 5}},
}

// The Linux architectures of a target machine: those packaging generates manylinux tags
// for (i686 and armv7l need an ELF check of the interpreter there, and are taken on trust
// here). A tag of another one names no machine depsolve can target.
var linuxArchs = map[string]bool{
	"x86_64": true, "i686": true, "aarch64": true, "armv7l": true, "ppc64": true,
	"ppc64le": true, "s390x": true, "loongarch64": true, "riscv64": true,
}

// linuxArchHints name the Linux spelling of architectures written the Windows or macOS way.
var linuxArchHints = map[string]string{"amd64": " (Linux tags say x86_64)", "arm64": " (Linux tags say aarch64)"}

var windowsPlatforms = map[string]string{"amd64": "win_amd64", "x86": "win32", "arm64": "win_arm64"}

// ParsePlatform reads a platform in its wheel-tag spelling: manylinux_2_35_x86_64,
// a legacy alias (manylinux2014_x86_64), musllinux_1_2_aarch64, linux_x86_64,
// macosx_14_0_arm64, win_amd64, win32 or win_arm64.
func ParsePlatform(tag string) (Platform, error) {
	p, err := parsePlatform(tag)
	if err == nil {
		err = p.Validate()
		if err != nil {
			err = fmt.Errorf("platform %q: %v", tag, err)
		}
	}
	return p, err
}

func parsePlatform(tag string) (Platform, error) {
	bad := func(why string) (Platform, error) {
		return Platform{}, fmt.Errorf("platform %q: %s", tag, why)
	}
	s := strings.ToLower(tag)
	for arch, plat := range windowsPlatforms {
		if s == plat {
			return Platform{OS: Windows, Arch: arch}, nil
		}
	}
	if rest, ok := strings.CutPrefix(s, "linux_"); ok {
		if rest == "" {
			return bad("no architecture")
		}
		return Platform{OS: Linux, Arch: rest}, nil
	}
	for _, l := range legacyManylinux {
		if rest, ok := strings.CutPrefix(s, l.name+"_"); ok && rest != "" {
			return Platform{OS: Linux, Arch: rest, Glibc: l.glibc}, nil
		}
	}
	for _, family := range []string{"manylinux_", "musllinux_", "macosx_"} {
		rest, ok := strings.CutPrefix(s, family)
		if !ok {
			continue
		}
		v, arch, ok := cutVersion2(rest)
		if !ok || arch == "" {
			return bad(fmt.Sprintf("want %sMAJOR_MINOR_ARCH", family))
		}
		switch family {
		case "manylinux_":
			return Platform{OS: Linux, Arch: arch, Glibc: v}, nil
		case "musllinux_":
			return Platform{OS: Linux, Arch: arch, Musl: v}, nil
		default:
			if arch != "x86_64" && arch != "arm64" {
				return bad("a target machine is arm64 or x86_64, not " + arch)
			}
			return Platform{OS: MacOS, Arch: arch, MacOS: v}, nil
		}
	}
	return bad("want manylinux_X_Y_ARCH, musllinux_X_Y_ARCH, linux_ARCH, macosx_X_Y_ARCH, win_amd64, win32 or win_arm64")
}

// cutVersion2 reads "X_Y_rest".
func cutVersion2(s string) (v Version2, rest string, ok bool) {
	major, s, ok := strings.Cut(s, "_")
	if !ok {
		return v, "", false
	}
	minor, rest, ok := strings.Cut(s, "_")
	if !ok {
		return v, "", false
	}
	var err1, err2 error
	v.Major, err1 = atoiSmall(major)
	v.Minor, err2 = atoiSmall(minor)
	return v, rest, err1 == nil && err2 == nil
}

// atoiSmall reads a non-negative decimal of at most four digits, so that the
// tag lists a platform generates stay small.
func atoiSmall(s string) (int, error) {
	if s == "" || len(s) > 4 {
		return 0, fmt.Errorf("bad number %q", s)
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return 0, fmt.Errorf("bad number %q", s)
		}
	}
	return strconv.Atoi(s)
}

// Validate reports a platform that names no usable combination.
func (p Platform) Validate() error {
	for _, v := range []Version2{p.Glibc, p.Musl, p.MacOS} {
		if v.Major < 0 || v.Minor < 0 || v.Major > 999 || v.Minor > 999 {
			return fmt.Errorf("version %s out of range", v)
		}
	}
	switch p.OS {
	case Linux:
		if p.Arch == "" {
			return fmt.Errorf("linux platform without an architecture")
		}
		if !p.Glibc.IsZero() && !p.Musl.IsZero() {
			return fmt.Errorf("a Linux platform has glibc or musl, not both")
		}
		if !p.Glibc.IsZero() && p.Glibc.Major < 2 {
			return fmt.Errorf("glibc %s: manylinux starts at glibc 2.5", p.Glibc)
		}
		if !linuxArchs[p.Arch] {
			return fmt.Errorf("unknown Linux architecture %q%s", p.Arch, linuxArchHints[p.Arch])
		}
		if !p.MacOS.IsZero() {
			return fmt.Errorf("a Linux platform has no macOS release")
		}
	case MacOS:
		if p.Arch != "x86_64" && p.Arch != "arm64" {
			return fmt.Errorf("a macOS target is x86_64 or arm64, not %q", p.Arch)
		}
		if p.MacOS.Major < 10 || p.Arch == "x86_64" && p.MacOS.Less(Version2{10, 4}) {
			return fmt.Errorf("macOS %s on %s: no wheel tag names so old a release", p.MacOS, p.Arch)
		}
		if !p.Glibc.IsZero() || !p.Musl.IsZero() {
			return fmt.Errorf("a macOS platform has no glibc or musl version")
		}
	case Windows:
		if windowsPlatforms[p.Arch] == "" {
			return fmt.Errorf("a Windows target is amd64, x86 or arm64, not %q", p.Arch)
		}
		if !p.Glibc.IsZero() || !p.Musl.IsZero() || !p.MacOS.IsZero() {
			return fmt.Errorf("a Windows platform has no libc or macOS version")
		}
	default:
		return fmt.Errorf("platform without an operating system")
	}
	return nil
}

// String gives the platform in its most specific tag spelling.
func (p Platform) String() string {
	switch p.OS {
	case Linux:
		switch {
		case !p.Glibc.IsZero():
			return fmt.Sprintf("manylinux_%d_%d_%s", p.Glibc.Major, p.Glibc.Minor, p.Arch)
		case !p.Musl.IsZero():
			return fmt.Sprintf("musllinux_%d_%d_%s", p.Musl.Major, p.Musl.Minor, p.Arch)
		}
		return "linux_" + p.Arch
	case MacOS:
		return fmt.Sprintf("macosx_%d_%d_%s", p.MacOS.Major, p.MacOS.Minor, p.Arch)
	case Windows:
		return windowsPlatforms[p.Arch]
	}
	return "unknown"
}

// Tags lists the platform tags p accepts, most preferred first.
func (p Platform) Tags() []string {
	switch p.OS {
	case Linux:
		tags := []string{"linux_" + p.Arch}
		switch {
		case !p.Glibc.IsZero():
			tags = append(tags, manylinuxTags(p.Glibc, p.Arch)...)
		case !p.Musl.IsZero():
			for minor := p.Musl.Minor; minor >= 0; minor-- {
				tags = append(tags, fmt.Sprintf("musllinux_%d_%d_%s", p.Musl.Major, minor, p.Arch))
			}
		}
		return tags
	case MacOS:
		return macTags(p.MacOS, p.Arch)
	case Windows:
		if plat := windowsPlatforms[p.Arch]; plat != "" {
			return []string{plat}
		}
	}
	return nil
}

// lastGlibcMinor is packaging's guess at the last minor release of a glibc
// major series older than the target's; it matters only past glibc 2.
const lastGlibcMinor = 50

func manylinuxTags(glibc Version2, arch string) []string {
	if !linuxArchs[arch] {
		return nil
	}
	floor := Version2{2, 17} // PEP 599: the oldest glibc outside x86
	if arch == "x86_64" || arch == "i686" {
		floor = Version2{2, 5}
	}
	maxima := []Version2{glibc}
	for major := glibc.Major - 1; major > 1; major-- {
		maxima = append(maxima, Version2{major, lastGlibcMinor})
	}
	var tags []string
	for _, top := range maxima {
		lowest := 0
		if top.Major == floor.Major {
			lowest = floor.Minor
		}
		for minor := top.Minor; minor >= lowest; minor-- {
			tags = append(tags, fmt.Sprintf("manylinux_%d_%d_%s", top.Major, minor, arch))
			for _, l := range legacyManylinux {
				if l.glibc == (Version2{top.Major, minor}) {
					tags = append(tags, l.name+"_"+arch)
				}
			}
		}
	}
	return tags
}

// macBinaryFormats lists the binary formats a macOS release runs for an
// architecture, after packaging's _mac_binary_formats.
func macBinaryFormats(v Version2, arch string) []string {
	formats := []string{arch}
	if arch == "x86_64" {
		if v.Less(Version2{10, 4}) {
			return nil
		}
		formats = append(formats, "intel", "fat64", "fat3")
	}
	formats = append(formats, "universal2")
	if arch == "x86_64" {
		formats = append(formats, "universal")
	}
	return formats
}

func macTags(v Version2, arch string) []string {
	var tags []string
	add := func(major, minor int, formats []string) {
		for _, f := range formats {
			tags = append(tags, fmt.Sprintf("macosx_%d_%d_%s", major, minor, f))
		}
	}
	if v.Major == 10 {
		// Before macOS 11 each yearly release bumped the minor version.
		for minor := v.Minor; minor >= 0; minor-- {
			add(10, minor, macBinaryFormats(Version2{10, minor}, arch))
		}
		return tags
	}
	// From macOS 11 each yearly release bumps the major version; minor
	// versions are mid-year updates and are not tags of their own.
	for major := v.Major; major > 10; major-- {
		add(major, 0, macBinaryFormats(Version2{major, 0}, arch))
	}
	// x86_64 runs binaries built for 10.x; arm64 only universal2 ones, whose
	// x86_64 half may name an older release.
	for minor := 16; minor > 3; minor-- {
		if arch == "x86_64" {
			add(10, minor, macBinaryFormats(Version2{10, minor}, arch))
		} else {
			add(10, minor, []string{"universal2"})
		}
	}
	return tags
}
