package policy

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/depsolve/depsolve/internal/runlog"
	"github.com/depsolve/depsolve/lockfile"
	"github.com/depsolve/depsolve/redact"
	"github.com/depsolve/depsolve/reqfile"
	"github.com/depsolve/depsolve/target"
)

// Ref is how a project names its policy: a file, or an https URL pinned by the sha256
// of its content. Where says where it was named, for errors about it.
type Ref struct {
	Path   string
	URL    string
	SHA256 string // lower-case hex; required with URL
	Where  Where
}

// Where is where a Ref was written: a file's line and column, or a flag.
type Where struct {
	Pos  target.Position
	Flag string // "--policy"
}

func (w Where) errorf(format string, args ...any) error {
	return &target.InputError{Pos: w.Pos, Flag: w.Flag, Msg: fmt.Sprintf(format, args...)}
}

// ParseFlag reads --policy: a path, or an https URL with its pin as the fragment,
// "https://…/policy.toml#sha256=HEX".
func ParseFlag(flag, value string) (Ref, error) {
	ref := Ref{Where: Where{Flag: flag}}
	if !strings.Contains(value, "://") {
		ref.Path = value
		return ref, nil
	}
	u, frag, _ := strings.Cut(value, "#")
	pin, ok := strings.CutPrefix(frag, "sha256=")
	if !ok {
		return ref, ref.Where.errorf("%s: a policy URL must be pinned: append #sha256=HEX, the sha256 of the file you reviewed", redact.URL(u))
	}
	ref.URL, ref.SHA256 = u, pin
	return ref, ref.Check()
}

// Check says what is wrong with a URL reference: not https, or no well-formed pin.
func (r Ref) Check() error {
	if r.URL == "" {
		return nil
	}
	u, err := url.Parse(r.URL)
	if err != nil || u.Scheme != "https" || u.Host == "" {
		return r.Where.errorf("policy URL %q: want https://host/path (a policy is fetched only over https)", redact.URL(r.URL))
	}
	if b, err := hex.DecodeString(r.SHA256); err != nil || len(b) != sha256.Size {
		return r.Where.errorf("policy sha256 %q: want the 64 hex digits of the file's sha256 (sha256sum policy.toml)", r.SHA256)
	}
	return nil
}

// LoadOptions says where fetched policies are kept and how to fetch them.
type LoadOptions struct {
	// CacheDir keeps each fetched policy by its sha256, so that a pinned policy is
	// read from there, offline included; "" keeps nothing.
	CacheDir string
	Offline  bool
	// Fetch reads a policy URL; nil means fetchHTTPS, an https GET bounded by
	// FetchTimeout and the size a policy may have.
	Fetch func(ctx context.Context, rawURL string) ([]byte, error)
	Codes []string // the warning codes strict.errors may name
}

// FetchTimeout bounds fetching a policy.
const FetchTimeout = 30 * time.Second

// maxPolicySize bounds a policy file: a hostile server cannot make depsolve read more.
const maxPolicySize = 1 << 20

// FetchError is a policy URL that could not be read: the network, the server, or
// --offline without a cached copy. It is operational, not bad input.
type FetchError struct {
	URL string // without credentials
	Err error
}

func (e *FetchError) Error() string { return "policy " + e.URL + ": " + e.Err.Error() }
func (e *FetchError) Unwrap() error { return e.Err }

// ErrOffline is the Err of a FetchError for a policy the cache does not hold, offline.
var ErrOffline = errors.New("not in the cache, and offline it cannot be fetched; run once online to cache it")

// Load reads the policy ref names. A URL policy is read from the cache when it holds
// the pinned content, else fetched; content whose sha256 is not the pin is refused (the
// file changed since it was reviewed: a new pin is a decision, not an update).
func Load(ctx context.Context, ref Ref, opts LoadOptions) (*Policy, error) {
	if ref.URL == "" {
		data, err := reqfile.ReadFile(ref.Path)
		if err != nil {
			return nil, ref.Where.errorf("policy %s: %v", ref.Path, pathProblem(err))
		}
		return Parse(ref.Path, data, opts.Codes)
	}
	if err := ref.Check(); err != nil {
		return nil, err
	}
	name := redact.URL(ref.URL)
	pin := strings.ToLower(ref.SHA256)
	cached := ""
	if opts.CacheDir != "" {
		cached = filepath.Join(opts.CacheDir, "policy", pin+".toml")
		data, err := os.ReadFile(cached)
		runlog.ReadFile(cached, data, err)
		if err == nil && digest(data) == pin {
			return Parse(name, data, opts.Codes)
		}
	}
	if opts.Offline {
		return nil, &FetchError{URL: name, Err: ErrOffline}
	}
	fetch := opts.Fetch
	if fetch == nil {
		fetch = fetchHTTPS
	}
	runlog.Unrepeatable("fetching the policy " + name)
	data, err := fetch(ctx, ref.URL)
	if err != nil {
		return nil, &FetchError{URL: name, Err: err}
	}
	if got := digest(data); got != pin {
		return nil, ref.Where.errorf("policy %s has sha256 %s, not the pinned %s: the file changed since it was pinned; review the change, then pin the new sha256", name, got, pin)
	}
	pol, err := Parse(name, data, opts.Codes)
	if err != nil {
		return nil, err
	}
	if cached != "" {
		// Kept only once it parses: the cache holds policies depsolve can use. A cache
		// that cannot be written costs a fetch next time, nothing more.
		if os.MkdirAll(filepath.Dir(cached), 0o700) == nil {
			_ = lockfile.WriteFileAtomic(cached, data, 0o600)
		}
	}
	return pol, nil
}

func digest(data []byte) string {
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:])
}

func pathProblem(err error) string {
	var pe *fs.PathError
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return "no such file"
	case errors.As(err, &pe):
		return pe.Err.Error()
	}
	return err.Error()
}
