package target

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// recordedSystem replays a machine recorded in a txtar file (testdata/nvidia-smi/README.md).
type recordedSystem struct {
	runs  map[string]recordedRun
	files map[string]string
	asked []string
}

type recordedRun struct {
	stdout, stderr string
	exit           int
	timeout        bool
}

type exitStatus int

func (e exitStatus) Error() string { return "exit status " + strconv.Itoa(int(e)) }
func (e exitStatus) ExitCode() int { return int(e) }

var recordedSection = regexp.MustCompile(`^\$ (.*?)((?: \((?:exit \d+|stderr|timeout)\))*)$`)

func loadRecorded(t *testing.T, path string) *recordedSystem {
	t.Helper()
	sections, err := readSections(path)
	if err != nil {
		t.Fatal(err)
	}
	sys := &recordedSystem{runs: map[string]recordedRun{}, files: map[string]string{}}
	for _, f := range sections {
		if name, ok := strings.CutPrefix(f.Name, "file "); ok {
			sys.files[name] = string(f.Data)
			continue
		}
		m := recordedSection.FindStringSubmatch(f.Name)
		if m == nil {
			t.Fatalf("%s: section %q not understood", path, f.Name)
		}
		var r recordedRun
		for _, flag := range strings.Split(strings.Trim(m[2], " ()"), ") (") {
			switch {
			case flag == "stderr":
				r.stderr = string(f.Data)
			case flag == "timeout":
				r.timeout = true
			case strings.HasPrefix(flag, "exit "):
				r.exit, _ = strconv.Atoi(strings.TrimPrefix(flag, "exit "))
			}
		}
		if r.stderr == "" {
			r.stdout = string(f.Data)
		}
		sys.runs[m[1]] = r
	}
	return sys
}

type section struct {
	Name string
	Data []byte
}

// readSections reads a txtar archive: a comment, then "-- name --" lines each starting a
// section. (go-internal's txtar would pull golang.org/x/tools into go.sum for this.)
func readSections(path string) ([]section, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var out []section
	for _, line := range strings.SplitAfter(string(data), "\n") {
		trimmed := strings.TrimSuffix(line, "\n")
		if name, ok := strings.CutPrefix(trimmed, "-- "); ok && strings.HasSuffix(name, " --") {
			out = append(out, section{Name: strings.TrimSuffix(name, " --")})
			continue
		}
		if len(out) > 0 {
			out[len(out)-1].Data = append(out[len(out)-1].Data, line...)
		}
	}
	return out, nil
}

func (s *recordedSystem) Run(ctx context.Context, name string, args ...string) ([]byte, []byte, error) {
	line := strings.ReplaceAll(strings.Join(append([]string{name}, args...), " "), pythonProbe, "PROBE")
	s.asked = append(s.asked, line)
	r, ok := s.runs[line]
	switch {
	case !ok:
		return nil, nil, &exec.Error{Name: name, Err: exec.ErrNotFound}
	case r.timeout:
		return nil, nil, context.DeadlineExceeded
	case r.exit != 0:
		return []byte(r.stdout), []byte(r.stderr), exitStatus(r.exit)
	}
	return []byte(r.stdout), []byte(r.stderr), nil
}

func (s *recordedSystem) ReadFile(name string) ([]byte, error) {
	if data, ok := s.files[name]; ok {
		return []byte(data), nil
	}
	return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrNotExist}
}

// testCapabilities stands in for the matrix's GPU table in detection tests.
func testCapabilities(name string) (string, bool) {
	cc, ok := map[string]string{"Tesla V100-SXM2-16GB": "7.0"}[name]
	return cc, ok
}

func smiOrigin() Origin { return Origin{From: FromDetection, Detail: "nvidia-smi"} }

func TestDetectNVIDIA(t *testing.T) {
	tests := []struct {
		file     string
		driver   Value
		gpus     []GPU
		cpu      Toggle
		warnings []string
	}{
		{file: "h100-x8.txt",
			driver: detected("nvidia-smi", "550.54.15"),
			gpus:   []GPU{{Name: "NVIDIA H100 80GB HBM3", Capability: "9.0", Count: 8, Origin: smiOrigin()}}},
		{file: "mixed.txt",
			driver: detected("nvidia-smi", "535.104.05"),
			gpus: []GPU{
				{Name: "NVIDIA GeForce RTX 4090", Capability: "8.9", Count: 1, Origin: smiOrigin()},
				{Name: "NVIDIA RTX A6000", Capability: "8.6", Count: 2, Origin: smiOrigin()},
			}},
		{file: "mig-a100.txt",
			driver: detected("nvidia-smi", "535.129.03"),
			gpus:   []GPU{{Name: "NVIDIA A100-SXM4-40GB", Capability: "8.0", Count: 2, Origin: smiOrigin()}}},
		{file: "old-driver.txt",
			driver: detected("nvidia-smi", "470.182.03"),
			gpus: []GPU{
				{Name: "Tesla V100-SXM2-16GB", Capability: "7.0", Count: 2, Origin: Origin{From: FromDetection, Detail: "nvidia-smi name, capability from the matrix"}},
				{Name: "Tesla K80", Count: 1, Origin: smiOrigin()},
			},
			warnings: []string{`nvidia-smi: GPU "Tesla K80": compute capability unknown (nvidia-smi did not give it and the matrix does not know the model); give --gpu sm_XY`}},
		{file: "no-devices.txt",
			cpu: Toggle{Set: true, On: true, Origin: Origin{From: FromDetection, Detail: "nvidia-smi: No devices were found"}}},
		{file: "driver-not-loaded.txt",
			warnings: []string{"nvidia-smi exited with status 9: NVIDIA-SMI has failed because it couldn't communicate with the NVIDIA driver. Make sure that the latest NVIDIA driver is installed and running.; /proc/driver/nvidia/version: open /proc/driver/nvidia/version: file does not exist; driver and GPUs unknown"}},
		{file: "version-mismatch.txt",
			driver:   detected("/proc/driver/nvidia/version", "535.104.05"),
			warnings: []string{"nvidia-smi exited with status 18: Failed to initialize NVML: Driver/library version mismatch; driver 535.104.05 read from /proc/driver/nvidia/version; GPUs unknown: give --gpu"}},
		{file: "no-smi-open-module.txt",
			driver:   detected("/proc/driver/nvidia/version", "550.54.15"),
			warnings: []string{"nvidia-smi is not installed; driver 550.54.15 read from /proc/driver/nvidia/version; GPUs unknown: give --gpu"}},
		{file: "no-nvidia.txt",
			cpu: Toggle{Set: true, On: true, Origin: Origin{From: FromDetection, Detail: "no nvidia-smi and no /proc/driver/nvidia/version"}}},
		{file: "hung.txt",
			warnings: []string{"nvidia-smi did not answer in time; /proc/driver/nvidia/version: open /proc/driver/nvidia/version: file does not exist; driver and GPUs unknown"}},
		{file: "garbled.txt",
			warnings: []string{`nvidia-smi: output not understood (line 1: 1 cells, want 3 (driver_version, compute_cap, name): "Welcome to the cluster!"); driver and GPUs unknown`}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			sys := loadRecorded(t, filepath.Join("testdata", "nvidia-smi", tt.file))
			d := &detection{ctx: context.Background(), sys: sys, capOf: testCapabilities}
			d.nvidia()
			if diff := cmp.Diff(tt.driver, d.decl.Driver); diff != "" {
				t.Errorf("driver (-want +got):\n%s", diff)
			}
			if tt.gpus == nil && d.decl.GPUs != nil {
				t.Errorf("GPUs %v, want unknown (nil)", d.decl.GPUs)
			}
			if diff := cmp.Diff(tt.gpus, d.decl.GPUs); tt.gpus != nil && diff != "" {
				t.Errorf("GPUs (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.cpu, d.decl.CPU); diff != "" {
				t.Errorf("CPU (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.warnings, d.warnings); diff != "" {
				t.Errorf("warnings (-want +got):\n%s", diff)
			}
		})
	}
}

func TestDetectHost(t *testing.T) {
	tests := []struct {
		file                                   string
		python, implementation, platform, libc string
		warnings                               []string
	}{
		{file: "ubuntu-22.04.txt", python: "3.10.12", implementation: "cpython", platform: "linux_x86_64", libc: "2.35"},
		{file: "rocky-8-arm.txt", python: "3.11.9", implementation: "cpython", platform: "linux_aarch64", libc: "2.28"},
		{file: "alpine.txt", python: "3.12.3", implementation: "cpython", platform: "musllinux_1_2_x86_64"},
		{file: "macos.txt", python: "3.12.4", implementation: "cpython", platform: "macosx_14_0_arm64"},
		{file: "windows.txt", python: "3.13.1", implementation: "cpython", platform: "win_amd64"},
		{file: "no-python.txt", libc: "2.39",
			warnings: []string{"python3 is not installed; Python version and platform unknown"}},
		{file: "pypy.txt", python: "3.10.14", implementation: "pypy", platform: "linux_x86_64",
			warnings: []string{`glibc version unknown: getconf GNU_LIBC_VERSION printed "NPTL 2.35", which depsolve does not understand; ldd --version is not installed`}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			sys := loadRecorded(t, filepath.Join("testdata", "host", tt.file))
			decl, warnings := detect(context.Background(), sys, testCapabilities)
			got := []string{decl.Python.Text, decl.Implementation.Text, decl.Platform.Text, decl.GLibc.Text}
			want := []string{tt.python, tt.implementation, tt.platform, tt.libc}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("python, implementation, platform, glibc (-want +got):\n%s", diff)
			}
			if !decl.CPU.On {
				t.Errorf("no NVIDIA driver recorded, yet CPU is not detected: %+v", decl.CPU)
			}
			if diff := cmp.Diff(tt.warnings, warnings); diff != "" {
				t.Errorf("warnings (-want +got):\n%s", diff)
			}
			for _, asked := range sys.asked {
				if strings.HasPrefix(tt.platform, "macosx") || strings.HasPrefix(tt.platform, "win") {
					if strings.HasPrefix(asked, "ldd") || strings.HasPrefix(asked, "getconf") {
						t.Errorf("asked %q on a platform without glibc", asked)
					}
				}
			}
		})
	}
}

func TestParseSMICSV(t *testing.T) {
	tests := []struct {
		name, out string
		want      []smiRow
		err       string
	}{
		{name: "noheader", out: "550.54.15, 9.0, NVIDIA H100 80GB HBM3\n",
			want: []smiRow{{"550.54.15", "9.0", "NVIDIA H100 80GB HBM3"}}},
		{name: "comma in name", out: "driver_version, compute_cap, name\n550.54.15, 8.6, Some Vendor, RTX A4000\n",
			want: []smiRow{{"550.54.15", "8.6", "Some Vendor, RTX A4000"}}},
		{name: "not available", out: "550.54.15, [N/A], NVIDIA Graphics Device\r\n",
			want: []smiRow{{"550.54.15", "", "NVIDIA Graphics Device"}}},
		{name: "blackwell", out: "575.51.03, 12.0, NVIDIA GeForce RTX 5090\n",
			want: []smiRow{{"575.51.03", "12.0", "NVIDIA GeForce RTX 5090"}}},
		{name: "empty", out: "\n\n"},
		{name: "warning before the header", out: "WARNING: infoROM is corrupted at gpu 0000:3B:00.0\ndriver_version, compute_cap, name\n550.54.15, 8.0, NVIDIA A100-SXM4-80GB\n",
			want: []smiRow{{"550.54.15", "8.0", "NVIDIA A100-SXM4-80GB"}}},
		{name: "header only", out: "driver_version, compute_cap, name\n"},
		{name: "bad driver", out: "R550, 9.0, H100\n", err: `driver_version "R550" is not a driver version`},
		{name: "bad capability", out: "550.54.15, sm_90, H100\n", err: `compute_cap "sm_90" is not a compute capability`},
		{name: "no name", out: "550.54.15, 9.0, \n", err: "has no name"},
		{name: "second header", out: "driver_version, compute_cap, name\ndriver_version, compute_cap, name\n", err: `line 2: driver_version "driver_version"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parseSMICSV(tt.out, smiQuery)
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("error %v, want one containing %q", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got, cmp.AllowUnexported(smiRow{})); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestParseProcDriverVersion(t *testing.T) {
	for _, tt := range []struct{ text, want, err string }{
		{text: "NVRM version: NVIDIA UNIX aarch64 Kernel Module  535.161.08  Tue Mar  5 22:42:15 UTC 2024\n", want: "535.161.08"},
		{text: "NVRM version: NVIDIA UNIX x86_64 Kernel Module  550.54.15\n", want: "550.54.15"},
		{text: "GCC version: gcc 12\n", err: `no "NVRM version:" line`},
		{text: "NVRM version: NVIDIA UNIX x86_64 Kernel Module\n", err: "no version in"},
	} {
		got, err := parseProcDriverVersion(tt.text)
		if got != tt.want || (err == nil) != (tt.err == "") || (err != nil && !strings.Contains(err.Error(), tt.err)) {
			t.Errorf("parseProcDriverVersion(%q) = %q, %v; want %q, error containing %q", tt.text, got, err, tt.want, tt.err)
		}
	}
}

func TestMacosTag(t *testing.T) {
	for _, tt := range []struct{ version, machine, want string }{
		{"14.5", "arm64", "macosx_14_0_arm64"},
		{"10.15.7", "x86_64", "macosx_10_15_x86_64"},
		{"11", "x86_64", "macosx_11_0_x86_64"},
		{"9.2", "x86_64", ""},
		{"", "arm64", ""},
		{"14.5", "ppc", ""},
	} {
		got, err := macosTag(tt.version, tt.machine)
		if got != tt.want || (err != nil) != (tt.want == "") {
			t.Errorf("macosTag(%q, %q) = %q, %v; want %q", tt.version, tt.machine, got, err, tt.want)
		}
	}
}

func FuzzParseSMICSV(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("testdata", "nvidia-smi", "*.txt"))
	for _, name := range files {
		sections, err := readSections(name)
		if err != nil {
			f.Fatal(err)
		}
		for _, file := range sections {
			f.Add(string(file.Data))
		}
	}
	f.Fuzz(func(t *testing.T, out string) {
		for _, fields := range [][]string{smiQuery, smiQueryNoCap} {
			rows, err := parseSMICSV(out, fields)
			if err != nil {
				continue
			}
			for _, r := range rows {
				if !isDriverVersion(r.driver) || r.name == "" {
					t.Errorf("accepted row %+v", r)
				}
				if r.capability != "" && !capabilityRE().MatchString(r.capability) {
					t.Errorf("accepted capability %q", r.capability)
				}
			}
		}
		// Whatever nvidia-smi prints, detection finds a driver, finds no GPU, or says why not.
		sys := &recordedSystem{runs: map[string]recordedRun{"nvidia-smi " + strings.Join(smiArgs(smiQuery), " "): {stdout: out}}, files: map[string]string{}}
		d := &detection{ctx: context.Background(), sys: sys, capOf: testCapabilities}
		d.nvidia()
		if !d.decl.Driver.Known() && !d.decl.CPU.Set && len(d.warnings) == 0 {
			t.Errorf("no driver, no CPU and no warning for %q", out)
		}
	})
}

func TestLocalSystem(t *testing.T) {
	sh, err := exec.LookPath("sh")
	if err != nil {
		t.Skip("no sh on this machine")
	}
	stdout, stderr, err := LocalSystem{}.Run(context.Background(), sh, "-c", "echo out; echo err >&2; exit 3")
	var exit interface{ ExitCode() int }
	if string(stdout) != "out\n" || string(stderr) != "err\n" || !errors.As(err, &exit) || exit.ExitCode() != 3 {
		t.Errorf("Run = %q, %q, %v", stdout, stderr, err)
	}
	_, _, err = LocalSystem{}.Run(context.Background(), "depsolve-no-such-command")
	if !errors.Is(err, exec.ErrNotFound) {
		t.Errorf("missing command: %v, want exec.ErrNotFound", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, _, err = (LocalSystem{}).Run(ctx, sh, "-c", "sleep 5"); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled run: %v", err)
	}
}
