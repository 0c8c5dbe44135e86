package engine

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"slices"
	"strings"

	"github.com/depsolve/depsolve/index"
	"github.com/depsolve/depsolve/lockfile"
	"github.com/depsolve/depsolve/pep425"
	"github.com/depsolve/depsolve/pep508"
	"github.com/depsolve/depsolve/policy"
	"github.com/depsolve/depsolve/redact"
	"github.com/depsolve/depsolve/target"
)

// The files Init writes, in the current folder.
const (
	InitRequirements = "requirements.in"
	InitConfig       = "depsolve.toml"
	InitLock         = "requirements.lock"
	InitDockerfile   = "Dockerfile"
	InitPreCommit    = ".pre-commit-config.yaml"
)

// HooksRepository is where pre-commit fetches depsolve's hooks from.
const HooksRepository = "https://github.com/depsolve/depsolve"

// InitRequest asks for a project's starting point: its top-level requirements, for the
// target of the request (flags, depsolve.toml, --detect), on the golden image (the
// target's base image).
type InitRequest struct {
	Request
	Packages []string // PEP 508 requirements, as given
	// HooksRev is the tag or commit of depsolve's pre-commit hooks the config pins.
	HooksRev string
	// Force replaces files that differ from what Init writes; without it they are an
	// error, and nothing is written.
	Force bool
}

// Initialized is what Init did: the lock's verdict and each file.
type Initialized struct {
	Locked
	Files []InitFile // in the order written
}

// InitFile is one file of the project and what Init did to it.
type InitFile struct {
	Path   string
	Action FileAction
}

// FileAction is what Init did to a file.
type FileAction string

const (
	Created   FileAction = "created"
	Unchanged FileAction = "unchanged" // it already said what Init writes
	Replaced  FileAction = "replaced"  // it differed, and --force replaced it
)

// Project is what the files of a project's starting point are made from: the
// requirements and the target with its golden image. Init takes the target from the
// request, or from a fleet of the policy (InitRequest's Fleet: its first target, on
// its golden image).
type Project struct {
	Packages []string
	Target   *target.Target
	Indexes  IndexSettings // where packages come from, as requirements.in records them
	HooksRev string
	Policy   policy.Ref // the platform's policy depsolve.toml names; none when empty
	// ReadImage writes read-image = true: the lock read the golden image in its
	// registry (--read-image), and the hook's lock must read it too.
	ReadImage bool
}

// ProjectFile is one file of a starting point, and its content.
type ProjectFile struct {
	Path    string
	Content []byte
}

// Init writes a project's starting point in the current folder: requirements.in (the
// packages and where they come from), depsolve.toml (the target), requirements.lock
// (locked as `depsolve lock requirements.in` locks it), a Dockerfile that installs the
// lock on the golden image, and .pre-commit-config.yaml with depsolve's hooks. A file
// that already says the same is left alone, so a second run changes nothing; one that
// differs is an error naming it, before anything is written, unless Force. A conflict
// (Status Conflict) leaves the lock unwritten and the other files written, to edit.
func Init(ctx context.Context, req InitRequest) (Initialized, error) {
	var out Initialized
	if len(req.Packages) == 0 {
		return out, &RequestError{Err: errors.New("name the project's top-level packages, such as: depsolve init torch transformers")}
	}
	for _, p := range req.Packages {
		if _, err := pep508.ParseRequirement(p); err != nil {
			return out, &RequestError{Err: fmt.Errorf("package %q: %v", p, err)}
		}
	}
	if req.HooksRev == "" {
		return out, &RequestError{Err: errors.New("the rev of depsolve's pre-commit hooks is unknown: give a release tag or commit")}
	}
	pol, err := initPolicy(ctx, &req)
	if err != nil {
		return out, err
	}
	s, err := openSession(ctx, &req.Request, nil, false)
	if err != nil {
		return out, err
	}
	out.Target = s.target
	if err := s.supplyChainRefusal(req.Pre); err != nil {
		return out, err
	}
	readImage := req.ReadImage || slices.ContainsFunc(s.configs, func(c *target.Config) bool { return c.ReadImage.On })
	files, err := Scaffold(Project{Packages: req.Packages, Target: s.target, Indexes: s.indexes, HooksRev: req.HooksRev, Policy: pol, ReadImage: readImage})
	if err != nil {
		return out, err
	}
	actions := make([]FileAction, len(files))
	var differ []string
	for i, f := range files {
		if actions[i], err = plannedAction(f.Path, f.Content); err != nil {
			return out, err
		}
		if actions[i] == Replaced {
			differ = append(differ, f.Path)
		}
	}
	if len(differ) > 0 && !req.Force {
		return out, differsError(differ)
	}
	// The lock is written last, after a resolve: a path it cannot be written to would
	// fail only once the other files are written.
	if _, err := plannedAction(InitLock, nil); err != nil {
		return out, err
	}
	for i, f := range files {
		if actions[i] != Unchanged {
			if err := lockfile.WriteFileAtomic(f.Path, f.Content, 0o644); err != nil {
				return out, err
			}
		}
		out.Files = append(out.Files, InitFile{Path: f.Path, Action: actions[i]})
	}
	locked, action, err := initLock(ctx, req)
	out.Locked = locked
	if err != nil || locked.Status == Conflict {
		return out, err
	}
	out.Files = append(out.Files, InitFile{Path: InitLock, Action: action})
	return out, nil
}

// supplyChainRefusal is the error the lock would give for a package source or setting
// the policy locks (an index it does not list), told before any file is written: after,
// the files held the refused source, and running init again without it met them as
// files that differ. The warnings of what loosens an unlocked setting are the lock's.
func (s *session) supplyChainRefusal(pre bool) error {
	quiet := *s
	quiet.report = silentReporter{}
	return quiet.applySupplyChain(&index.Options{}, pre)
}

// silentReporter tells nothing.
type silentReporter struct{}

func (silentReporter) Warn(string)                                          {}
func (silentReporter) Note(string)                                          {}
func (silentReporter) Progress(string, func() (int64, int64)) (stop func()) { return func() {} }

// plannedAction is what writing content to path would do: Replaced when the file differs.
func plannedAction(path string, content []byte) (FileAction, error) {
	old, err := os.ReadFile(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return Created, nil
	case err != nil:
		return "", &RequestError{Err: errors.New(fileProblem(path, err))}
	case bytes.Equal(old, content):
		return Unchanged, nil
	}
	return Replaced, nil
}

func differsError(paths []string) error {
	return &RequestError{Err: fmt.Errorf("%s already %s and %s from what depsolve init writes: keep your edits (depsolve lock and check read them as they are), or run depsolve init --force to replace %s",
		strings.Join(paths, ", "), plural(len(paths), "exists", "exist"), plural(len(paths), "differs", "differ"), plural(len(paths), "it", "them"))}
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// initLock locks requirements.in into requirements.lock as the depsolve-lock hook does,
// keeping the pins of an existing lock. It locks into a copy of the lock first, so that
// a lock that would change is refused like any other file, unless req.Force.
func initLock(ctx context.Context, req InitRequest) (Locked, FileAction, error) {
	tmp, err := os.CreateTemp(".", ".depsolve-init-*.lock")
	if err != nil {
		return Locked{}, "", err
	}
	defer os.Remove(tmp.Name())
	old, readErr := os.ReadFile(InitLock)
	if readErr == nil {
		_, err = tmp.Write(old)
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Chmod(tmp.Name(), 0o644)
	}
	if err != nil {
		return Locked{}, "", err
	}
	lr := LockRequest{Request: req.Request, Output: tmp.Name(), Command: "depsolve lock " + InitRequirements}
	// requirements.in and depsolve.toml now say the inputs and the target, as the hook
	// reads them; the request keeps what they cannot hold (credentials, the cache).
	lr.Requirements, lr.Constraints, lr.Config, lr.Target, lr.Detect = []string{InitRequirements}, nil, InitConfig, target.Declaration{}, false
	locked, err := Lock(ctx, lr)
	locked.Output = InitLock
	if err != nil || locked.Status == Conflict {
		return locked, "", err
	}
	action, err := plannedAction(InitLock, locked.Content)
	switch {
	case err != nil:
		return locked, "", err
	case action == Unchanged:
		return locked, action, nil
	case action == Replaced && !req.Force:
		return locked, "", differsError([]string{InitLock})
	}
	return locked, action, os.Rename(tmp.Name(), InitLock)
}

// Scaffold makes the files of a project's starting point; the lock is not one of them
// (Init locks requirements.in once it is written). The target must name its golden image
// (a base image) and a Python version.
func Scaffold(p Project) ([]ProjectFile, error) {
	t := p.Target
	if !t.BaseImage.Known() {
		return nil, &RequestError{Err: errors.New("the golden image is unknown: give --base-image IMAGE, or base-image in depsolve.toml's [target]")}
	}
	if !t.Python.Known() {
		return nil, &RequestError{Err: errors.New("the target has no Python version: give --python")}
	}
	config, err := configText(t, p.ReadImage)
	if err != nil {
		return nil, err
	}
	policyKey, err := policyLine(p.Policy)
	if err != nil {
		return nil, err
	}
	// The strategy is the project's, as the lock was made with it (a flag or depsolve.toml:
	// its value was checked there); the default needs no line.
	if ix := p.Indexes.Strategy; ix.Origin != "default" {
		policyKey += fmt.Sprintf("index-strategy = \"%s\"\n", ix.Value)
	}
	// A top-level key precedes the first table.
	config = strings.Replace(config, "[target]\n", policyKey+"[target]\n", 1)
	requirements, err := requirementsText(p.Packages, p.Indexes)
	if err != nil {
		return nil, err
	}
	dockerfile, err := dockerfileText(t)
	if err != nil {
		return nil, err
	}
	return []ProjectFile{
		{InitRequirements, []byte(requirements)},
		{InitConfig, []byte(config)},
		{InitDockerfile, []byte(dockerfile)},
		{InitPreCommit, []byte(preCommitText(p.HooksRev))},
	}, nil
}

// requirementsText is requirements.in: where packages come from (credentials masked: the
// file is committed; pip and depsolve take them from PIP_INDEX_URL, netrc or a keyring),
// then the packages.
func requirementsText(packages []string, ix IndexSettings) (string, error) {
	var b strings.Builder
	b.WriteString("# The project's top-level requirements (depsolve init). depsolve lock requirements.in\n# pins them, and what they need, into requirements.lock.\n")
	// The environment ($PIP_INDEX_URL) is this machine's, not the project's.
	project := func(s Sourced) bool {
		return s.Value != "" && s.Origin != "default" && !strings.HasPrefix(s.Origin, "$")
	}
	if ix.NoIndex {
		b.WriteString("--no-index\n")
	} else {
		if project(ix.IndexURL) {
			b.WriteString("--index-url " + redact.URL(ix.IndexURL.Value) + "\n")
		}
		for _, e := range ix.ExtraIndex {
			if project(e) {
				b.WriteString("--extra-index-url " + redact.URL(e.Value) + "\n")
			}
		}
	}
	for _, fl := range ix.FindLinks {
		if project(fl) {
			b.WriteString("--find-links " + redact.URL(fl.Value) + "\n")
		}
	}
	// The lock was made trusting these hosts; the hook's lock, which reads this file,
	// must trust them too.
	for _, h := range ix.TrustedHosts {
		if h == "" || strings.ContainsAny(h, " #\"\\") || !isPrintableASCII(h) {
			return "", &RequestError{Err: fmt.Errorf("--trusted-host %q: want a host name, with :PORT if need be", h)}
		}
		b.WriteString("--trusted-host " + h + "\n")
	}
	for _, p := range packages {
		b.WriteString(p + "\n")
	}
	return b.String(), nil
}

// configText is depsolve.toml: the target as given (flags, a depsolve.toml, detection),
// not what depsolve derives from it (the base image's CUDA and glibc) or assumes (its
// default platform), and the Python version always, which the Dockerfile checks.
func configText(t *target.Target, readImage bool) (string, error) {
	var b strings.Builder
	b.WriteString("# The target depsolve check and depsolve lock resolve for (depsolve init).\n[target]\n")
	var bad error
	line := func(key, value string) {
		if strings.ContainsAny(value, "\"\\") || !isPrintableASCII(value) {
			bad = &RequestError{Err: fmt.Errorf("%s %q: depsolve init writes only printable ASCII without quotes or backslashes into depsolve.toml", key, value)}
		}
		fmt.Fprintf(&b, "%s = \"%s\"\n", key, value)
	}
	line("python", t.Python.Text)
	for _, kv := range []struct {
		key string
		v   target.Value
	}{{"platform", t.Platform.Value}, {"glibc", t.GLibc.Value}, {"driver", t.Driver.Value}, {"cuda", t.CUDA.Value}, {"base-image", t.BaseImage}} {
		if given(kv.v) {
			line(kv.key, kv.v.Text)
		}
	}
	switch {
	case t.CPU.On:
		b.WriteString("cpu = true\n")
	case len(t.GPUs) > 0:
		var names []string
		for _, g := range t.GPUs {
			if strings.ContainsAny(g.Name, "\"\\") || !isPrintableASCII(g.Name) {
				bad = &RequestError{Err: fmt.Errorf("gpu %q: depsolve init writes only printable ASCII without quotes or backslashes into depsolve.toml", g.Name)}
			}
			names = append(names, `"`+g.Name+`"`)
		}
		fmt.Fprintf(&b, "gpus = [%s]\n", strings.Join(names, ", "))
	}
	if readImage {
		b.WriteString("read-image = true\n")
	}
	return b.String(), bad
}

// given reports whether a value of the target was given (a flag, a configuration,
// detection), not derived or assumed: init writes those down.
func given(v target.Value) bool {
	switch v.Origin.From {
	case target.FromFlag, target.FromConfig, target.FromPyproject, target.FromDetection:
		return v.Known()
	}
	return false
}

func isPrintableASCII(s string) bool {
	for _, r := range s {
		if r < ' ' || r > '~' {
			return false
		}
	}
	return true
}

// dockerfileText installs the lock on the golden image in a stage of its own, with pip's
// hash-checking mode, no dependency resolution (the lock is complete) and wheels only (no
// compiler is needed, or present); the final stage is the golden image, the installed
// environment and a user that is not root. On an nvidia/cuda image, which has no Python,
// both stages install the OS's python3 (see cudaImagePython).
func dockerfileText(t *target.Target) (string, error) {
	release := t.Python.Version.Release()
	py := fmt.Sprintf("%d.%d", release[0], release[1])
	image := t.BaseImage.Text
	installPython, runtimePython, err := cudaImagePython(image, py)
	if err != nil {
		return "", err
	}
	// A platform given for the lock (aarch64 for GH200 nodes) is the image's too: else
	// docker builds for the builder's architecture, and pip finds no wheel of the lock.
	if p := t.Platform; given(p.Value) && p.Platform.OS == pep425.Linux {
		if docker, ok := target.DockerPlatform(p.Platform.Arch); ok {
			image = "--platform=" + docker + " " + image
		}
	}
	return fmt.Sprintf(`# Installs requirements.lock on the golden image (depsolve init). Every file pip
# installs is checked against the lock's hashes; nothing is resolved or built here.
FROM %[1]s AS install
%[3]s# The lock was made for Python %[2]s: stop here if the golden image has another one.
RUN python3 -c 'import sys; v = "%%d.%%d" %% sys.version_info[:2]; sys.exit(None if v == "%[2]s" else "the golden image has Python " + v + ", requirements.lock is for %[2]s")'
RUN python3 -m venv /opt/venv
WORKDIR /app
COPY requirements.lock .
RUN /opt/venv/bin/pip install --no-cache-dir --require-hashes --no-deps --only-binary=:all: -r requirements.lock

FROM %[1]s
%[4]sCOPY --from=install /opt/venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH
WORKDIR /app
USER 65532:65532
`, image, py, installPython, runtimePython), nil
}

// ubuntuPython3 is the Python minor version of the python3 package of each Ubuntu
// release nvidia/cuda images are built on (packages.ubuntu.com: focal 3.8.2, jammy
// 3.10.6, noble 3.12.3). A venv made with it in one stage runs in another stage that
// installs the same package: /usr/bin/python3 is where the venv says its Python is.
var ubuntuPython3 = map[string]string{"ubuntu20.04": "3.8", "ubuntu22.04": "3.10", "ubuntu24.04": "3.12"}

// cudaImagePython is what the Dockerfile's stages run to install Python on an
// nvidia/cuda image, which NVIDIA ships without one: the install stage gets python3 and
// its venv module, the final stage python3 alone (no pip, no compilers). Other images are
// taken to have their Python (the Dockerfile checks its version). A target Python the
// OS's python3 is not, or an OS other than Ubuntu, is an error that names the way out.
func cudaImagePython(image, py string) (install, runtime string, err error) {
	distro, ok := target.CUDAImageOS(image)
	if !ok {
		return "", "", nil
	}
	const apt = "RUN apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends %s && rm -rf /var/lib/apt/lists/*\n"
	osPython, known := ubuntuPython3[distro]
	switch {
	case !known:
		return "", "", &RequestError{Err: fmt.Errorf("the golden image %s has no Python, and depsolve init installs one only on the Ubuntu releases of nvidia/cuda (%s): give an ubuntu tag of the image, or a base image that has Python %s", image, strings.Join(slices.Sorted(maps.Keys(ubuntuPython3)), ", "), py)}
	case osPython != py:
		return "", "", &RequestError{Err: fmt.Errorf("the golden image %s has no Python, and the python3 its OS (%s) installs is %s, not the target's %s: give --python %s, an nvidia/cuda tag whose Ubuntu has Python %s%s, or a base image that has Python %s", image, distro, osPython, py, osPython, py, ubuntuFor(py), py)}
	}
	comment := fmt.Sprintf("# nvidia/cuda images have no Python: %s's python3 is %s.\n", distro, py)
	return comment + fmt.Sprintf(apt, "python3 python3-venv"), comment + fmt.Sprintf(apt, "python3"), nil
}

// ubuntuFor names, in parentheses, the Ubuntu release whose python3 is py; "" for none.
func ubuntuFor(py string) string {
	for distro, v := range ubuntuPython3 {
		if v == py {
			return " (" + distro + ")"
		}
	}
	return ""
}

// preCommitText runs depsolve's hooks on requirements.in, with the target in depsolve.toml.
func preCommitText(rev string) string {
	return fmt.Sprintf(`# depsolve's hooks (depsolve init): depsolve-check fails a commit whose requirements
# cannot all be met on the target in depsolve.toml; depsolve-lock rewrites
# requirements.lock and fails when it changed, to be reviewed and committed.
repos:
  - repo: %s
    rev: %s
    hooks:
      - id: depsolve-check
        args: [%s]
      - id: depsolve-lock
        args: [%s]
`, HooksRepository, rev, InitRequirements, InitRequirements)
}
