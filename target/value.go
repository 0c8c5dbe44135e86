package target

import (
	"cmp"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"sync"

	"github.com/depsolve/depsolve/internal/dotted"
	"github.com/depsolve/depsolve/pep425"
)

var (
	smRE = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^(?:sm_?|compute_)([0-9]+)([0-9])[af]?$`) })
)

// isPythonVersion reports whether s is a Python version as the target takes it: 3.11,
// 3.11.9, with a pre-release (3.14.0rc1), and a trailing "t" for a free-threaded build
// (3.13t), as its ABI tag (cp313t) names one.
func isPythonVersion(s string) bool {
	s = strings.TrimSuffix(s, "t")
	if digits := strings.TrimRight(s, "0123456789"); len(digits) < len(s) {
		for _, pre := range []string{"a", "b", "rc"} {
			if release, ok := strings.CutSuffix(digits, pre); ok {
				s = release
				break
			}
		}
	}
	return dotted.Numbers(s, 2, 3, 0)
}

func checkPython(s string) error {
	if !isPythonVersion(s) {
		return fmt.Errorf("%q is not a Python version (want 3.11.9 or 3.11)", s)
	}
	if version, free := splitFreeThreaded(s); free {
		if p, err := pep425.ParsePython(version + "t"); err != nil || p.Validate() != nil {
			return fmt.Errorf("%q: free-threaded CPython builds start at 3.13", s)
		}
	}
	return nil
}

// splitFreeThreaded reads "3.13t" as version 3.13 of a free-threaded build.
func splitFreeThreaded(s string) (version string, freeThreaded bool) {
	return strings.CutSuffix(s, "t")
}

func checkGLibc(s string) error {
	if !dotted.Numbers(s, 2, 2, 0) {
		return fmt.Errorf("%q is not a glibc version (want 2.35)", s)
	}
	return nil
}

func checkDriver(s string) error {
	switch {
	case isDriverVersion(s):
		return nil
	case dotted.Numbers(s, 1, 1, 4):
		return fmt.Errorf("%q is a driver branch, not a driver version: give major.minor or major.minor.patch as nvidia-smi --query-gpu=driver_version --format=csv,noheader prints it (e.g. 550.54.15): the releases of one branch differ in the CUDA versions they run", s)
	}
	return fmt.Errorf("%q is not an NVIDIA driver version: give major.minor or major.minor.patch, e.g. 535.104.05 or 550.54", s)
}

func checkCUDA(s string) error {
	if !dotted.Numbers(s, 2, 3, 0) {
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
	if capabilityRE().MatchString(s) {
		return s, true
	}
	m := smRE().FindStringSubmatch(strings.ToLower(s))
	if m == nil {
		return "", false
	}
	major, err := strconv.Atoi(m[1])
	if err != nil || major == 0 || major > 99 {
		return "", false
	}
	return fmt.Sprintf("%d.%s", major, m[2]), true
}

func checkPlatform(s string) error {
	_, err := pep425.ParsePlatform(s)
	return err
}

// platformMarkers are the PEP 508 variables the platform decides, with the values CPython
// reports on such a machine.
func platformMarkers(p pep425.Platform) map[string]string {
	switch p.OS {
	case pep425.Windows:
		machine := map[string]string{"amd64": "AMD64", "x86": "x86", "arm64": "ARM64"}[p.Arch]
		return map[string]string{"sys_platform": "win32", "platform_system": "Windows", "os_name": "nt", "platform_machine": machine}
	case pep425.MacOS:
		return map[string]string{"sys_platform": "darwin", "platform_system": "Darwin", "os_name": "posix", "platform_machine": p.Arch}
	}
	return map[string]string{"sys_platform": "linux", "platform_system": "Linux", "os_name": "posix", "platform_machine": p.Arch}
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

// glibcVersion reads a glibc version as platform tags hold it ("2.35"; checkGLibc).
func glibcVersion(s string) (pep425.Version2, error) {
	major, minor, _ := strings.Cut(s, ".")
	var v pep425.Version2
	var err1, err2 error
	v.Major, err1 = strconv.Atoi(major)
	v.Minor, err2 = strconv.Atoi(minor)
	if err := cmp.Or(err1, err2); err != nil {
		return v, fmt.Errorf("%q is not a glibc version (want 2.35)", s)
	}
	return v, nil
}
