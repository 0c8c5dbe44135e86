package compat

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

var (
	pythonVersionRE = regexp.MustCompile(`^[0-9]+\.[0-9]+(\.[0-9]+)?((a|b|rc)[0-9]+)?$`)
	glibcVersionRE  = regexp.MustCompile(`^[0-9]+\.[0-9]+$`)
	cudaVersionRE   = regexp.MustCompile(`^[0-9]+\.[0-9]+(\.[0-9]+)?$`)
	smRE            = regexp.MustCompile(`^(?:sm_?|compute_)([0-9]+)([0-9])[af]?$`)
)

func checkPython(s string) error {
	if !pythonVersionRE.MatchString(s) {
		return fmt.Errorf("%q is not a Python version (want 3.11.9 or 3.11)", s)
	}
	return nil
}

func checkGLibc(s string) error {
	if !glibcVersionRE.MatchString(s) {
		return fmt.Errorf("%q is not a glibc version (want 2.35)", s)
	}
	return nil
}

func checkDriver(s string) error {
	if !driverVersionRE.MatchString(s) {
		return fmt.Errorf("%q is not an NVIDIA driver version (want 535.104.05)", s)
	}
	return nil
}

func checkCUDA(s string) error {
	if !cudaVersionRE.MatchString(s) {
		return fmt.Errorf("%q is not a CUDA version (want 12.4.1 or 12.4)", s)
	}
	return nil
}

// checkGPU accepts a model name ("H100", "NVIDIA A100-SXM4-80GB") or a compute capability
// ("sm_90", "9.0"); what looks like a capability must be one.
func checkGPU(s string) error {
	if _, ok := readCapability(s); ok {
		return nil
	}
	lower := strings.ToLower(s)
	switch {
	case s == "":
		return errors.New("empty GPU name")
	case strings.HasPrefix(lower, "sm_") || strings.HasPrefix(lower, "compute_") || s[0] >= '0' && s[0] <= '9':
		return fmt.Errorf("%q is not a compute capability (want sm_90 or 9.0) or a GPU model name", s)
	case strings.ContainsAny(s, "\x00\n\r\t"):
		return fmt.Errorf("%q: control characters in a GPU name", s)
	}
	return nil
}

// readCapability reads a compute capability written as "9.0", "sm_90", "sm90", "sm_90a",
// "sm_100f" or "compute_90" and returns it as "major.minor". The a/f suffixes name
// architecture-specific feature sets of the same capability.
func readCapability(s string) (string, bool) {
	if capabilityRE.MatchString(s) {
		return s, true
	}
	m := smRE.FindStringSubmatch(strings.ToLower(s))
	if m == nil {
		return "", false
	}
	major, err := strconv.Atoi(m[1])
	if err != nil || major == 0 || major > 99 {
		return "", false
	}
	return fmt.Sprintf("%d.%s", major, m[2]), true
}

// platform is a parsed wheel platform tag of a target machine.
type platform struct {
	os   string // "linux", "darwin", "windows"
	libc string // "glibc", "musl"; "" when unknown or not Linux
	// libcVersion is "2.35" for glibc, "1.2" for musl.
	libcVersion string
	macos       string // "14.0"
	arch        string // as the tag spells it: x86_64, aarch64, arm64, amd64, win32
}

var (
	manylinuxRE = regexp.MustCompile(`^(manylinux|musllinux)_([0-9]+)_([0-9]+)_([a-z0-9_]+)$`)
	legacyRE    = regexp.MustCompile(`^manylinux(1|2010|2014)_([a-z0-9_]+)$`)
	macosRE     = regexp.MustCompile(`^macosx_([0-9]+)_([0-9]+)_([a-z0-9_]+)$`)
)

// legacyManylinux maps PEP 513/571/599 tags to their glibc floors.
var legacyManylinux = map[string]string{"1": "2.5", "2010": "2.12", "2014": "2.17"}

var linuxArches = map[string]bool{
	"x86_64": true, "i686": true, "aarch64": true, "armv7l": true, "ppc64le": true,
	"ppc64": true, "s390x": true, "riscv64": true, "loongarch64": true,
}

func checkPlatform(s string) error {
	_, err := parsePlatform(s)
	return err
}

// parsePlatform reads the platform tag of one machine: manylinux_2_35_x86_64 (or the legacy
// manylinux1/2010/2014 names), musllinux_1_2_aarch64, linux_x86_64 (glibc unknown),
// macosx_14_0_arm64, win_amd64, win32 or win_arm64. Multi-architecture tags such as
// macosx_…_universal2 name no single machine and are refused.
func parsePlatform(s string) (platform, error) {
	switch s {
	case "win_amd64", "win32", "win_arm64":
		return platform{os: "windows", arch: strings.TrimPrefix(s, "win_")}, nil
	}
	if m := manylinuxRE.FindStringSubmatch(s); m != nil {
		libc := map[string]string{"manylinux": "glibc", "musllinux": "musl"}[m[1]]
		return linuxPlatform(s, libc, m[2]+"."+m[3], m[4])
	}
	if m := legacyRE.FindStringSubmatch(s); m != nil {
		return linuxPlatform(s, "glibc", legacyManylinux[m[1]], m[2])
	}
	if arch, ok := strings.CutPrefix(s, "linux_"); ok {
		return linuxPlatform(s, "", "", arch)
	}
	if m := macosRE.FindStringSubmatch(s); m != nil {
		if m[3] != "arm64" && m[3] != "x86_64" {
			return platform{}, fmt.Errorf("platform %q: a target machine is arm64 or x86_64, not %s", s, m[3])
		}
		return platform{os: "darwin", macos: m[1] + "." + m[2], arch: m[3]}, nil
	}
	return platform{}, fmt.Errorf("platform %q: want a wheel platform tag such as manylinux_2_35_x86_64, musllinux_1_2_aarch64, linux_x86_64, macosx_14_0_arm64 or win_amd64", s)
}

func linuxPlatform(tag, libc, version, arch string) (platform, error) {
	if !linuxArches[arch] {
		hint := ""
		if arch == "amd64" {
			hint = " (Linux tags say x86_64)"
		} else if arch == "arm64" {
			hint = " (Linux tags say aarch64)"
		}
		return platform{}, fmt.Errorf("platform %q: unknown Linux architecture %q%s", tag, arch, hint)
	}
	return platform{os: "linux", libc: libc, libcVersion: version, arch: arch}, nil
}

// tag renders the platform as a wheel platform tag.
func (p platform) tag() string {
	switch p.os {
	case "windows":
		if p.arch == "win32" {
			return "win32"
		}
		return "win_" + p.arch
	case "darwin":
		return "macosx_" + strings.ReplaceAll(p.macos, ".", "_") + "_" + p.arch
	}
	switch p.libc {
	case "glibc":
		return "manylinux_" + strings.ReplaceAll(p.libcVersion, ".", "_") + "_" + p.arch
	case "musl":
		return "musllinux_" + strings.ReplaceAll(p.libcVersion, ".", "_") + "_" + p.arch
	}
	return "linux_" + p.arch
}

// markers are the PEP 508 variables the platform decides, with the values CPython reports
// on such a machine.
func (p platform) markers() map[string]string {
	switch p.os {
	case "windows":
		machine := map[string]string{"amd64": "AMD64", "win32": "x86", "arm64": "ARM64"}[p.arch]
		return map[string]string{"sys_platform": "win32", "platform_system": "Windows", "os_name": "nt", "platform_machine": machine}
	case "darwin":
		return map[string]string{"sys_platform": "darwin", "platform_system": "Darwin", "os_name": "posix", "platform_machine": p.arch}
	}
	return map[string]string{"sys_platform": "linux", "platform_system": "Linux", "os_name": "posix", "platform_machine": p.arch}
}

func digits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
