package main

import (
	"fmt"
	"io"
	"runtime/debug"
	"slices"
	"strings"
	"time"

	"github.com/depsolve/depsolve/engine"
	"github.com/depsolve/depsolve/index"
	"github.com/depsolve/depsolve/internal/runlog"
	"github.com/depsolve/depsolve/target"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// inputFlags are the flags check, lock and env share: what to resolve, where from, for
// what target.
type inputFlags struct {
	requirements []string // -r FILE (also positional FILE arguments)
	constraints  []string // -c FILE
	extras       []string // --extra NAME for pyproject.toml optional dependencies
	groups       []string // --group NAME for PEP 735 dependency groups

	indexURL       string
	extraIndexURLs []string
	findLinks      []string
	noIndex        bool
	indexStrategy  string
	trustedHosts   []string
	offline        bool
	refresh        bool
	cacheDir       string
	pre            bool
	onlyBinary     []string
	noBinary       []string
	noBuild        bool
	config         string        // depsolve.toml path
	timeout        time.Duration // --timeout; 0 when not given

	python     string
	platform   string
	glibc      string
	driver     string
	cpu        bool
	gpus       []string
	cuda       string
	baseImage  string
	dockerfile string
	buildArgs  []string
	detect     bool
	readImage  bool

	maxImageSize imageSizeFlag // --max-image-size; zero when not given

	noColor bool
	quiet   bool
	verbose int // -v, -vv
}

// registerSources adds the flags that say what to resolve and where packages come from.
func (f *inputFlags) registerSources(fs *pflag.FlagSet) {
	repeatable(fs, &f.requirements, "requirement", "r", "resolve the requirements in `FILE` (requirements.txt, pyproject.toml or pylock.toml; repeatable)")
	repeatable(fs, &f.constraints, "constraint", "c", "restrict versions with the constraints in `FILE` (repeatable)")
	repeatable(fs, &f.extras, "extra", "", "include the optional dependencies `NAME` of a pyproject.toml; install a pylock.toml with extra NAME (repeatable)")
	repeatable(fs, &f.groups, "group", "", "include the PEP 735 dependency group `NAME` of a pyproject.toml; install a pylock.toml with group NAME, not its default-groups (repeatable)")
	fs.BoolVar(&f.pre, "pre", false, "allow pre-releases everywhere")
	repeatable(fs, &f.onlyBinary, "only-binary", "", "take only wheels of `NAMES`: :all:, :none: or project names separated by commas, as pip's --only-binary (repeatable; also only-binary in depsolve.toml and --only-binary in requirement files)")
	repeatable(fs, &f.noBinary, "no-binary", "", "take only source distributions of `NAMES`, as pip's --no-binary (repeatable; also no-binary in depsolve.toml and --no-binary in requirement files)")
	fs.BoolVar(&f.noBuild, "no-build", false, "take no source distribution of any project, as uv's --no-build (pip: --only-binary :all:; also no-build = true in depsolve.toml)")
	f.registerIndexes(fs)
}

// registerIndexes adds the flags that say where packages come from.
func (f *inputFlags) registerIndexes(fs *pflag.FlagSet) {
	fs.StringVarP(&f.indexURL, "index-url", "i", "", "base `URL` of the default index (default $PIP_INDEX_URL, else https://pypi.org/simple)")
	repeatable(fs, &f.extraIndexURLs, "extra-index-url", "", "another index `URL`, searched before the default one (repeatable; default $PIP_EXTRA_INDEX_URL)")
	repeatable(fs, &f.findLinks, "find-links", "f", "a folder or HTML page `PATH|URL` of distribution files (repeatable)")
	fs.BoolVar(&f.noIndex, "no-index", false, "use no index at all, as pip: not --index-url, --extra-index-url, uv's or the policy's; only --find-links locations")
	fs.Var((*strategyValue)(&f.indexStrategy), "index-strategy", "`STRATEGY` for a project on several indexes: first-index (the first index that has it) or unsafe-best-match (every index's versions are candidates) (default first-index)")
	repeatable(fs, &f.trustedHosts, "trusted-host", "", "allow plain http for `HOST` (repeatable)")
	fs.BoolVar(&f.offline, "offline", false, "use only the cache and local folders; fail with a hint when something is missing")
	fs.BoolVar(&f.refresh, "refresh", false, "revalidate every cached index page")
	fs.StringVar(&f.cacheDir, "cache-dir", "", "cache `DIR` (default $DEPSOLVE_CACHE_DIR, else the user cache dir + /depsolve)")
	fs.StringVar(&f.config, "config", "", "read settings from `FILE` (default: depsolve.toml, then [tool.depsolve] in pyproject.toml, in the current folder)")
	notInLockHeader(fs, "offline", "refresh", "cache-dir")
}

// strategyValue is --index-strategy, refused when it is given, not when an index is
// opened: env and init open none, and took any word for a strategy (init after writing
// its files).
type strategyValue string

func (s *strategyValue) String() string { return string(*s) }
func (s *strategyValue) Type() string   { return "string" }

func (s *strategyValue) Set(v string) error {
	if _, err := index.ParseStrategy(v); err != nil {
		return err
	}
	*s = strategyValue(v)
	return nil
}

// registerTimeout adds --timeout, for the commands that ask indexes.
func (f *inputFlags) registerTimeout(fs *pflag.FlagSet) {
	fs.Var((*timeoutValue)(&f.timeout), "timeout", fmt.Sprintf("give up on an index request (retries included) after `SECONDS`, or a duration such as 90s (default $%s, else timeout in depsolve.toml, else %gs)", engine.TimeoutEnv, index.DefaultDeadline.Seconds()))
	notInLockHeader(fs, "timeout")
}

// timeoutValue is a flag value read by target.ParseTimeout.
type timeoutValue time.Duration

func (t *timeoutValue) String() string {
	if *t == 0 {
		return ""
	}
	return time.Duration(*t).String()
}

func (t *timeoutValue) Type() string { return "seconds" }

func (t *timeoutValue) Set(s string) error {
	d, err := target.ParseTimeout(s)
	if err != nil {
		return err
	}
	*t = timeoutValue(d)
	return nil
}

// registerTarget adds the flags that describe the target machine and image.
func (f *inputFlags) registerTarget(fs *pflag.FlagSet) {
	fs.StringVar(&f.python, "python", "", "target Python `VERSION`, e.g. 3.11.9, or 3.13t for a free-threaded build (default "+engine.DefaultPython+")")
	fs.StringVar(&f.platform, "platform", "", "target platform `TAG`, e.g. manylinux_2_35_x86_64, macosx_14_0_arm64, win_amd64 (default "+engine.DefaultPlatform+")")
	fs.StringVar(&f.glibc, "glibc", "", "target glibc `VERSION` (implied by --platform manylinux_X_Y or --base-image)")
	fs.StringVar(&f.driver, "driver", "", "target NVIDIA driver `VERSION`, major.minor[.patch] as nvidia-smi prints it, e.g. 550.54.15")
	fs.BoolVar(&f.cpu, "cpu", false, "the target has no NVIDIA GPU")
	repeatable(fs, &f.gpus, "gpu", "", "a target GPU, by `NAME` (H100, RTX 4090) or sm_XY (repeatable: a fleet must all be supported)")
	fs.StringVar(&f.cuda, "cuda", "", "CUDA toolkit `VERSION` of the base image")
	fs.StringVar(&f.baseImage, "base-image", "", "derive the target from an `IMAGE` such as nvidia/cuda:12.4.1-cudnn-runtime-ubuntu22.04")
	fs.StringVar(&f.dockerfile, "dockerfile", "", "derive the target from the final FROM of `PATH`, and the Python version from its PYTHON_VERSION (ARG or ENV)")
	repeatable(fs, &f.buildArgs, "build-arg", "", "set an ARG of the --dockerfile, as docker build --build-arg does (`NAME=VALUE`, repeatable)")
	fs.BoolVar(&f.detect, "detect", false, "detect the target on this machine (nvidia-smi, python3, glibc)")
	fs.BoolVar(&f.readImage, "read-image", false, "read a registry base image itself (env, CUDA libraries, installed packages; the first read downloads its layers, later ones use the cache); oci:DIR and docker-archive:FILE images are always read")
}

// registerResolve adds the flags of every command that resolves for a target: where
// packages come from, the request timeout, the target, the size budget and the output.
func (f *inputFlags) registerResolve(fs *pflag.FlagSet) {
	f.registerSources(fs)
	f.registerTimeout(fs)
	f.registerTarget(fs)
	f.registerBudget(fs)
	f.registerOutput(fs)
}

// registerOutput adds the flags about how much is printed and how.
func (f *inputFlags) registerOutput(fs *pflag.FlagSet) {
	fs.BoolVar(&f.noColor, "no-color", false, "never colour the output (also: $NO_COLOR)")
	fs.BoolVarP(&f.quiet, "quiet", "q", false, "print only the verdict line, or the explanation on conflict")
	fs.CountVarP(&f.verbose, "verbose", "v", "tell on stderr, one line each, the requests (URL, status, cache, time), the index of each project, the newer versions passed over and why, and the time of each phase; -vv adds retries, cached metadata and every version passed over")
	notInLockHeader(fs, "no-color", "quiet", "verbose")
}

// ui is the output the flags ask for; -q and -v ask for opposite things.
func (f *inputFlags) ui(cmd *cobra.Command, stdout, stderr io.Writer) (*ui, error) {
	if f.quiet && f.verbose > 0 {
		return nil, usagef(cmd, "-q (--quiet) and -v (--verbose) ask for less and for more: give one of them")
	}
	u := newUI(stdout, stderr, f.noColor, f.quiet)
	u.verbosity = f.verbose
	if u.verbosity > 0 {
		runlog.Unrepeatable("tracing (-v): the times it prints are the run's own")
	}
	return u, nil
}

// omitFromHeader is the annotation of the flags a lock's header leaves out.
const omitFromHeader = "depsolve_omit_from_lock_header"

// notInLockHeader marks flags that change where data is read from, where the lock goes
// or what is printed, never the pins: recording them would make the same lock differ
// in bytes between machines (a cache folder is a local path).
func notInLockHeader(fs *pflag.FlagSet, names ...string) {
	for _, name := range names {
		_ = fs.SetAnnotation(name, omitFromHeader, []string{"true"})
	}
}

// formatFlag is a --format flag restricted to a few values.
type formatFlag struct {
	value   string
	allowed []string
}

func newFormatFlag(def string, allowed ...string) *formatFlag {
	return &formatFlag{value: def, allowed: allowed}
}

func (f *formatFlag) String() string { return f.value }
func (f *formatFlag) Type() string   { return "format" }
func (f *formatFlag) Set(s string) error {
	if !slices.Contains(f.allowed, s) {
		return fmt.Errorf("want %s", strings.Join(f.allowed, " or "))
	}
	f.value = s
	return nil
}

// register adds the flag to cmd as --format, with shell completion of its values.
func (f *formatFlag) register(cmd *cobra.Command, usage string) { f.registerAs(cmd, "format", usage) }

// registerAs adds the flag to cmd under name, with shell completion of its values.
func (f *formatFlag) registerAs(cmd *cobra.Command, name, usage string) {
	cmd.Flags().Var(f, name, usage)
	_ = cmd.RegisterFlagCompletionFunc(name, cobra.FixedCompletions(f.allowed, cobra.ShellCompDirectiveNoFileComp))
}

// completeTargetFlags gives the shells the fixed values some flags take.
func completeTargetFlags(cmd *cobra.Command) {
	for name, values := range map[string][]string{
		"index-strategy": {"first-index", "unsafe-best-match"},
		"platform":       {"manylinux_2_35_x86_64", "manylinux_2_28_x86_64", "manylinux_2_28_aarch64", "musllinux_1_2_x86_64", "macosx_14_0_arm64", "win_amd64"},
	} {
		if cmd.Flags().Lookup(name) != nil {
			_ = cmd.RegisterFlagCompletionFunc(name, cobra.FixedCompletions(values, cobra.ShellCompDirectiveNoFileComp))
		}
	}
	if cmd.Flags().Lookup("gpu") != nil {
		_ = cmd.RegisterFlagCompletionFunc("gpu", completeGPU)
	}
}

// completeGPU offers the GPU model names the matrix knows.
func completeGPU(_ *cobra.Command, _ []string, prefix string) ([]cobra.Completion, cobra.ShellCompDirective) {
	names, err := engine.GPUModels(prefix)
	if err != nil {
		return nil, cobra.ShellCompDirectiveError
	}
	return names, cobra.ShellCompDirectiveNoFileComp
}

// request is what the flags ask of the engine, the positional FILE arguments first.
func (f *inputFlags) request(args []string) engine.Request {
	return engine.Request{
		Requirements:   append(slices.Clone(args), f.requirements...),
		Constraints:    f.constraints,
		Extras:         f.extras,
		Groups:         f.groups,
		Pre:            f.pre,
		OnlyBinary:     f.onlyBinary,
		NoBinary:       f.noBinary,
		NoBuild:        f.noBuild,
		IndexURL:       f.indexURL,
		ExtraIndexURLs: f.extraIndexURLs,
		FindLinks:      f.findLinks,
		NoIndex:        f.noIndex,
		IndexStrategy:  f.indexStrategy,
		TrustedHosts:   f.trustedHosts,
		Offline:        f.offline,
		Refresh:        f.refresh,
		CacheDir:       f.cacheDir,
		Config:         f.config,
		Timeout:        f.timeout,
		Target:         f.targetDeclaration(),
		Detect:         f.detect,
		ReadImage:      f.readImage,
		MaxImageSize:   f.maxImageSize.budget(),
		Version:        releaseVersion(buildInfo()),
		RetryBackoff:   retryBackoff,
	}
}

// buildInfo is what the toolchain recorded of this binary; nil where it recorded nothing.
func buildInfo() *debug.BuildInfo {
	info, _ := debug.ReadBuildInfo()
	return info
}

// retryBackoff is the wait before an index request's first retry; zero keeps the
// index's default. The script tests shorten it (script_test.go): their failing indexes
// fail on purpose, and real backoff would only make the suite slow.
var retryBackoff time.Duration

// targetDeclaration is what the target flags say, each value with its flag as origin.
func (f *inputFlags) targetDeclaration() target.Declaration {
	value := func(flag, text string) target.Value { return target.Flag("--"+flag, text) }
	d := target.Declaration{
		Python:     value("python", f.python),
		Platform:   value("platform", f.platform),
		GLibc:      value("glibc", f.glibc),
		Driver:     value("driver", f.driver),
		CUDA:       value("cuda", f.cuda),
		BaseImage:  value("base-image", f.baseImage),
		Dockerfile: value("dockerfile", f.dockerfile),
	}
	for _, a := range f.buildArgs {
		d.BuildArgs = append(d.BuildArgs, value("build-arg", a))
	}
	d.GPUs = target.FlagGPUs("--gpu", f.gpus)
	if f.cpu {
		d.CPU = target.Toggle{Set: true, On: true, Origin: target.Origin{From: target.FromFlag, Detail: "--cpu"}}
	}
	return d
}

// repeatable adds a flag given once per value, as pflag's StringArrayVarP with no
// default, without its cost: pflag formats a string array's default through encoding/csv,
// a 4 KiB buffer for each such flag of each command, built at every start (a tenth of the
// memory `depsolve --version` touched).
func repeatable(fs *pflag.FlagSet, values *[]string, name, shorthand, usage string) {
	fs.VarP((*repeatedValue)(values), name, shorthand, usage)
}

// repeatedValue is the pflag.Value of a repeatable flag.
type repeatedValue []string

// String is "" with no value, the default pflag's help leaves out, else the values as
// pflag shows a string array's: [a,b].
func (r *repeatedValue) String() string {
	if len(*r) == 0 {
		return ""
	}
	return "[" + strings.Join(*r, ",") + "]"
}

func (r *repeatedValue) Set(v string) error { *r = append(*r, v); return nil }
func (r *repeatedValue) Type() string       { return "stringArray" }

// pflag.SliceValue, which shell completion and commandLine read the values through.
func (r *repeatedValue) Append(v string) error         { return r.Set(v) }
func (r *repeatedValue) Replace(values []string) error { *r = slices.Clone(values); return nil }
func (r *repeatedValue) GetSlice() []string            { return *r }
