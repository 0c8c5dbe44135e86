package target

import (
	"errors"
	"fmt"
	"github.com/depsolve/depsolve/internal/dotted"
	"io/fs"
	"regexp"
	"strings"
	"sync"
)

// The nvidia-smi queries detection runs. compute_cap became a query field with driver 510;
// older drivers answer `Field "compute_cap" is not a valid field to query.` (exit 2), and
// detection asks again without it, taking capabilities from the matrix's GPU names.
var (
	smiQuery       = []string{"driver_version", "compute_cap", "name"}
	smiQueryNoCap  = []string{"driver_version", "name"}
	procDriverFile = "/proc/driver/nvidia/version"
)

func smiArgs(fields []string) []string {
	return []string{"--query-gpu=" + strings.Join(fields, ","), "--format=csv"}
}

// nvidia detects the driver version and the GPUs.
func (d *detection) nvidia() {
	r := d.run("nvidia-smi", smiArgs(smiQuery)...)
	fields := smiQuery
	if r.exitCode != 0 && strings.Contains(r.out, "is not a valid field to query") {
		r, fields = d.run("nvidia-smi", smiArgs(smiQueryNoCap)...), smiQueryNoCap
	}
	switch {
	case r.exitCode == 0:
		rows, err := parseSMICSV(r.out, fields)
		if err != nil {
			d.warnf("nvidia-smi: output not understood (%v); driver and GPUs unknown", err)
			return
		}
		if len(rows) == 0 {
			d.noGPU("nvidia-smi listed no GPU")
			return
		}
		d.smiRows(rows)
	case r.exitCode == 6 || strings.Contains(r.out, "No devices were found"):
		d.noGPU("nvidia-smi: No devices were found")
	case r.notFound():
		d.procDriver("nvidia-smi is not installed")
	default:
		d.procDriver("nvidia-smi " + r.failure())
	}
}

func (d *detection) noGPU(why string) {
	d.decl.CPU = Toggle{Set: true, On: true, Origin: Origin{From: FromDetection, Detail: why}}
}

// smiRows turns nvidia-smi rows into the driver and the fleet, one GPU entry per model.
func (d *detection) smiRows(rows []smiRow) {
	d.decl.Driver = detected("nvidia-smi", rows[0].driver)
	d.decl.GPUs = []GPU{}
	for _, row := range rows {
		if row.driver != rows[0].driver {
			d.warnf("nvidia-smi: GPUs report different drivers (%s, %s); using %s", rows[0].driver, row.driver, rows[0].driver)
		}
		cc := row.capability
		if cc == "" {
			if c, ok := d.capOf(row.name); ok {
				cc = c
			} else {
				d.warnf("nvidia-smi: GPU %q: compute capability unknown (nvidia-smi did not give it and the matrix does not know the model); give --gpu sm_XY", row.name)
			}
		}
		if i := indexGPU(d.decl.GPUs, row.name, cc); i >= 0 {
			d.decl.GPUs[i].Count++
			continue
		}
		detail := "nvidia-smi"
		if row.capability == "" && cc != "" {
			detail = "nvidia-smi name, capability from the matrix"
		}
		d.decl.GPUs = append(d.decl.GPUs, GPU{Name: row.name, Capability: cc, Count: 1, Origin: Origin{From: FromDetection, Detail: detail}})
	}
}

func indexGPU(gpus []GPU, name, cc string) int {
	for i, g := range gpus {
		if g.Name == name && g.Capability == cc {
			return i
		}
	}
	return -1
}

// procDriver reads the driver version from the kernel module when nvidia-smi could not
// answer. The GPUs stay unknown: the file names none.
func (d *detection) procDriver(smiProblem string) {
	data, err := d.sys.ReadFile(procDriverFile)
	switch {
	case err == nil:
		v, perr := parseProcDriverVersion(string(data))
		if perr != nil {
			d.warnf("%s; %s: %v; driver and GPUs unknown", smiProblem, procDriverFile, perr)
			return
		}
		d.decl.Driver = detected(procDriverFile, v)
		d.warnf("%s; driver %s read from %s; GPUs unknown: give --gpu", smiProblem, v, procDriverFile)
	case errors.Is(err, fs.ErrNotExist) && strings.HasSuffix(smiProblem, "is not installed"):
		d.noGPU("no nvidia-smi and no " + procDriverFile)
	default:
		d.warnf("%s; %s: %v; driver and GPUs unknown", smiProblem, procDriverFile, err)
	}
}

// isDriverVersion reports whether s is an NVIDIA driver version, major.minor or
// major.minor.patch (550.54, 535.104.05): the one rule for flags, config files and
// detection alike. A bare major is a branch, whose releases differ in the CUDA they run.
func isDriverVersion(s string) bool { return dotted.Numbers(s, 2, 3, 4) }

var capabilityRE = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[0-9]{1,2}\.[0-9]$`) })

// smiRow is one GPU line of `nvidia-smi --query-gpu=… --format=csv`.
type smiRow struct {
	driver, capability, name string
}

// parseSMICSV reads nvidia-smi CSV output for the given query fields, with or without the
// header line (--format=csv or csv,noheader). Lines before the header (nvidia-smi prints
// some warnings, such as a corrupted infoROM, on stdout) are skipped. nvidia-smi does not
// quote cells; the name is queried last so a name with a comma stays whole. "[N/A]" and
// "[Not Supported]" cells are empty. Each physical GPU is one row, MIG mode or not: MIG
// instances are not listed.
func parseSMICSV(out string, fields []string) ([]smiRow, error) {
	lines := strings.Split(out, "\n")
	first := 0
	for i, line := range lines {
		if isSMIHeader(smiCells(line, fields), fields) {
			first = i + 1
			break
		}
	}
	var rows []smiRow
	for n := first; n < len(lines); n++ {
		line := strings.TrimSpace(lines[n])
		if line == "" {
			continue
		}
		cells := smiCells(line, fields)
		if len(cells) != len(fields) {
			return nil, fmt.Errorf("line %d: %d cells, want %d (%s): %q", n+1, len(cells), len(fields), strings.Join(fields, ", "), line)
		}
		var row smiRow
		for i, f := range fields {
			cell := cells[i]
			if strings.HasPrefix(cell, "[") || cell == "N/A" {
				cell = "" // [N/A], [Not Supported], [Unknown Error]
			}
			switch f {
			case "driver_version":
				if !isDriverVersion(cell) {
					return nil, fmt.Errorf("line %d: driver_version %q is not a driver version", n+1, cells[i])
				}
				row.driver = cell
			case "compute_cap":
				if cell != "" && !capabilityRE().MatchString(cell) {
					return nil, fmt.Errorf("line %d: compute_cap %q is not a compute capability", n+1, cells[i])
				}
				row.capability = cell
			case "name":
				if cell == "" {
					return nil, fmt.Errorf("line %d: the GPU has no name", n+1)
				}
				row.name = cell
			}
		}
		rows = append(rows, row)
	}
	return rows, nil
}

func smiCells(line string, fields []string) []string {
	cells := strings.SplitN(strings.TrimSpace(line), ",", len(fields))
	for i := range cells {
		cells[i] = strings.TrimSpace(cells[i])
	}
	return cells
}

func isSMIHeader(cells, fields []string) bool {
	if len(cells) != len(fields) {
		return false
	}
	for i, f := range fields {
		if cells[i] != f && !strings.HasPrefix(cells[i], f+" [") {
			return false
		}
	}
	return true
}

// parseProcDriverVersion reads the driver version from /proc/driver/nvidia/version, whose
// first line is, for the proprietary and the open kernel modules:
//
//	NVRM version: NVIDIA UNIX x86_64 Kernel Module  535.104.05  Sat Aug 19 01:15:15 UTC 2023
//	NVRM version: NVIDIA UNIX Open Kernel Module for x86_64  550.54.15  Release Build  (…)
func parseProcDriverVersion(text string) (string, error) {
	for _, line := range strings.Split(text, "\n") {
		rest, ok := strings.CutPrefix(strings.TrimSpace(line), "NVRM version:")
		if !ok {
			continue
		}
		for _, word := range strings.Fields(rest) {
			if isDriverVersion(word) {
				return word, nil
			}
		}
		return "", fmt.Errorf("no version in %q", strings.TrimSpace(line))
	}
	return "", errors.New(`no "NVRM version:" line`)
}
