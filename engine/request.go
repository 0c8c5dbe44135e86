package engine

import (
	"time"

	"github.com/depsolve/depsolve/policy"
	"github.com/depsolve/depsolve/target"
)

// Request is what one run is asked: the inputs, where packages come from and the target.
// Its zero value checks requirements.txt for depsolve's default target against PyPI,
// with the cache in the user cache folder.
type Request struct {
	// Requirements are the requirement files (requirements.txt, pyproject.toml,
	// pylock.toml) in the order given; none means requirements.txt for Check and Lock,
	// and no file for Env.
	Requirements []string
	Constraints  []string // constraint files (pip's -c)
	Extras       []string // optional dependencies of a pyproject.toml; extras of a pylock.toml
	Groups       []string // PEP 735 dependency groups
	Pre          bool     // allow pre-releases everywhere

	// Where packages come from. Each of these outranks what requirement files,
	// depsolve.toml, [tool.depsolve] and the environment ($PIP_INDEX_URL …) say.
	IndexURL       string
	ExtraIndexURLs []string
	FindLinks      []string // folders or pages of distribution files
	NoIndex        bool
	IndexStrategy  string // first-index or unsafe-best-match; "" for the configured one
	TrustedHosts   []string
	Offline        bool          // only the cache and local folders
	Refresh        bool          // revalidate every cached index page
	CacheDir       string        // "" for $DEPSOLVE_CACHE_DIR, else the user cache folder
	Config         string        // a depsolve.toml to read instead of those of the current folder
	Timeout        time.Duration // of one index request; 0 for $DEPSOLVE_TIMEOUT or the configured one
	RetryBackoff   time.Duration // before an index request's first retry; 0 for the index's default

	// OnlyBinary and NoBinary take pip's values (":all:", ":none:", project names,
	// comma-separated): the projects to take only wheels of, only sdists of. NoBuild is
	// uv's --no-build: wheels only, for every project.
	OnlyBinary []string
	NoBinary   []string
	NoBuild    bool

	// Target is what the caller says of the target, each value with the origin that
	// Env reports and errors cite (the CLI: target.FromFlag and the flag's name); it
	// outranks every other source (target.Precedence). Detect adds what this machine
	// reports.
	Target target.Declaration
	Detect bool
	// ReadImage reads a base image in a registry itself (its first read downloads
	// every layer; the cache keeps what each holds). An image on disk (oci:DIR,
	// docker-archive:FILE) is always read; a registry image without ReadImage, or
	// offline, is known by its tag.
	ReadImage bool

	// Sizes looks up the download and installed size of every pin (Verdict.Sizes) and
	// the bloat findings that need them. A size that cannot be looked up is only
	// unknown, unless a budget is set.
	Sizes bool
	// MaxImageSize is a size budget for the image, with where it was set; it outranks
	// max-image-size of depsolve.toml and [tool.depsolve]. A solution over the budget is
	// a Conflict (Verdict.Budget says by how much).
	MaxImageSize target.ImageSize
	// Policy names the platform's policy; it outranks depsolve.toml's policy key. The
	// zero Ref: the configuration's, if any.
	Policy policy.Ref
	// Fleet and FleetTarget name a target of the policy's fleets, which is then the
	// whole declaration of the target (Target and Detect must be empty).
	Fleet, FleetTarget string

	// Report is the file the caller writes once Check answers (size --html): refused,
	// as Lock's output is, before anything is resolved when it could not be written or
	// is a file the answer is made from. "" for none.
	Report string

	// ListFiles looks up the files of every pin (Verdict.Packages[i].Files) even where
	// Check does not need them to verify a lock.
	ListFiles bool

	// Version names the program in the index requests' User-Agent and in the cache.
	Version string
	// Reporter hears what the run has to tell while it works; nil discards it.
	Reporter Reporter
}

// Reporter hears, while a run works, what it tells a user before its result is known:
// the warnings and notes come in the order they arise, and a run that fails after
// some of them has still told them.
type Reporter interface {
	Warn(msg string)
	Note(msg string)
	// Progress starts reporting on an activity ("resolving:") that asks the indexes;
	// counters gives the requests made and bytes read so far. The run calls stop when
	// the activity ends.
	Progress(activity string, counters func() (requests, bytes int64)) (stop func())
}

type silent struct{}

func (silent) Warn(string) {}
func (silent) Note(string) {}
func (silent) Progress(string, func() (int64, int64)) func() {
	return func() {}
}

func (r *Request) reporter() Reporter {
	if r.Reporter == nil {
		return silent{}
	}
	return r.Reporter
}

// RequestError is a request that cannot be carried out as asked: an output that cannot
// be written, an index option the client refuses. It is bad input.
type RequestError struct{ Err error }

func (e *RequestError) Error() string { return e.Err.Error() }
func (e *RequestError) Unwrap() error { return e.Err }

// HintedError is an operational error with advice only the run can give (it knows what
// the cache holds).
type HintedError struct {
	Err  error
	Hint string
}

func (e *HintedError) Error() string { return e.Err.Error() }
func (e *HintedError) Unwrap() error { return e.Err }
