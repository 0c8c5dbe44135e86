package target

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"sync"
)

// pythonProbe prints what the target needs from the local interpreter, one key=value a line.
// It runs under any Python 3 and imports nothing outside the standard library.
const pythonProbe = `import platform, sys
print("python_full_version=" + platform.python_version())
print("implementation_name=" + sys.implementation.name)
print("sys_platform=" + sys.platform)
print("platform_machine=" + platform.machine())
print("mac_ver=" + platform.mac_ver()[0])
`

// python detects the local python3: its version, implementation and platform.
func (d *detection) python() {
	r := d.run("python3", "-c", pythonProbe)
	if r.exitCode != 0 {
		d.warnf("python3 %s; Python version and platform unknown", r.failure())
		return
	}
	info, err := parseKeyValues(r.out)
	if err != nil {
		d.warnf("python3: output not understood (%v); Python version and platform unknown", err)
		return
	}
	// CPython's own builds print "3.14.0+" from a checkout; the "+" says nothing to a resolver.
	if v := strings.TrimSuffix(info["python_full_version"], "+"); checkPython(v) == nil {
		d.decl.Python = detected("python3", v)
	} else {
		d.warnf("python3: version %q not understood; Python version unknown", info["python_full_version"])
	}
	if impl := info["implementation_name"]; impl != "" {
		d.decl.Implementation = detected("python3", impl)
	}
	tag, err := platformFromPython(info)
	if err != nil {
		d.warnf("python3: %v; platform unknown", err)
		return
	}
	d.decl.Platform = detected("python3", tag)
}

func parseKeyValues(out string) (map[string]string, error) {
	m := map[string]string{}
	for _, line := range strings.Split(out, "\n") {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		k, v, ok := strings.Cut(line, "=")
		if !ok {
			return nil, fmt.Errorf("line %q has no '='", line)
		}
		m[k] = v
	}
	if m["python_full_version"] == "" {
		return nil, fmt.Errorf("no python_full_version")
	}
	return m, nil
}

// platformFromPython turns sys.platform and platform.machine() into a wheel platform tag.
// Linux gets "linux_<machine>" here; the libc probe makes it manylinux or musllinux.
func platformFromPython(info map[string]string) (string, error) {
	machine := info["platform_machine"]
	switch sys := info["sys_platform"]; {
	case sys == "linux":
		if machine == "" {
			return "", fmt.Errorf("platform.machine() is empty")
		}
		return "linux_" + linuxArch(machine), nil
	case sys == "darwin":
		return macosTag(info["mac_ver"], machine)
	case sys == "win32":
		switch strings.ToUpper(machine) {
		case "AMD64", "X86_64":
			return "win_amd64", nil
		case "ARM64":
			return "win_arm64", nil
		case "X86", "I386", "I686":
			return "win32", nil
		}
		return "", fmt.Errorf("windows machine %q not understood", machine)
	default:
		return "", fmt.Errorf("sys.platform %q has no wheel platform depsolve knows", sys)
	}
}

// linuxArch is the wheel tag spelling of a Linux machine name.
func linuxArch(machine string) string {
	switch machine {
	case "arm64":
		return "aarch64"
	case "amd64":
		return "x86_64"
	}
	return machine
}

// macosTag builds macosx_<major>_<minor>_<arch>. From macOS 11 on, wheels are tagged with
// the major version and minor 0, as packaging.tags does.
func macosTag(version, machine string) (string, error) {
	majorText, minorText, _ := strings.Cut(version, ".")
	minorText, _, _ = strings.Cut(minorText, ".")
	if minorText == "" {
		minorText = "0"
	}
	major, err1 := strconv.Atoi(majorText)
	minor, err2 := strconv.Atoi(minorText)
	if err1 != nil || err2 != nil || major < 10 || minor < 0 {
		return "", fmt.Errorf("macOS version %q not understood", version)
	}
	if major >= 11 {
		minor = 0
	}
	if machine != "arm64" && machine != "x86_64" {
		return "", fmt.Errorf("macOS machine %q not understood", machine)
	}
	return fmt.Sprintf("macosx_%d_%d_%s", major, minor, machine), nil
}

var (
	glibcGetconfRE = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^glibc ([0-9]+\.[0-9]+)`) })
	lddGlibcRE     = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`(?i)^ldd \(.*(glibc|gnu libc).*\) ([0-9]+\.[0-9]+)`) })
	muslVersionRE  = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`(?m)^Version ([0-9]+)\.([0-9]+)`) })
)

// libc detects the C library: glibc from `getconf GNU_LIBC_VERSION` ("glibc 2.35"), else
// from the first line of `ldd --version` ("ldd (Ubuntu GLIBC 2.35-0ubuntu3.8) 2.35"); musl's
// ldd prints "musl libc (x86_64)" and "Version 1.2.4" on stderr and exits 1. A musl result
// turns a linux_<arch> platform into musllinux_<major>_<minor>_<arch>.
func (d *detection) libc() {
	g := d.run("getconf", "GNU_LIBC_VERSION")
	if m := glibcGetconfRE().FindStringSubmatch(strings.TrimSpace(g.out)); g.exitCode == 0 && m != nil {
		d.decl.GLibc = detected("getconf GNU_LIBC_VERSION", m[1])
		return
	}
	l := d.run("ldd", "--version")
	if m := lddGlibcRE().FindStringSubmatch(firstLine(l.out)); m != nil {
		d.decl.GLibc = detected("ldd --version", m[2])
		return
	}
	if strings.HasPrefix(firstLine(l.out), "musl libc") {
		m := muslVersionRE().FindStringSubmatch(l.out)
		arch, isLinux := strings.CutPrefix(d.decl.Platform.Text, "linux_")
		switch {
		case m == nil:
			d.warnf("ldd --version: musl without a version; platform unknown")
			d.decl.Platform = Value{}
		case isLinux:
			d.decl.Platform = detected("python3, ldd --version", fmt.Sprintf("musllinux_%s_%s_%s", m[1], m[2], arch))
		}
		return
	}
	d.warnf("glibc version unknown: getconf GNU_LIBC_VERSION %s; ldd --version %s", g.failure(), l.failure())
}
