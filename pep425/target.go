package pep425

import (
	"fmt"
	"iter"
	"slices"
	"strconv"
	"strings"
	"sync"
)

// Python is the CPython release series a target runs.
type Python struct {
	Major, Minor int
	FreeThreaded bool // a free-threaded build ("3.13t"), whose ABI tag ends in "t"
}

// ParsePython reads "3.11", "3.11.9" or "3.13t". A micro version is accepted
// and dropped: wheel tags never name one.
func ParsePython(s string) (Python, error) {
	var p Python
	rest, ft := strings.CutSuffix(s, "t")
	p.FreeThreaded = ft
	parts := strings.Split(rest, ".")
	if len(parts) < 2 || len(parts) > 3 {
		return p, fmt.Errorf("python version %q: want MAJOR.MINOR", s)
	}
	for i, part := range parts {
		n, err := atoiSmall(part)
		if err != nil {
			return p, fmt.Errorf("python version %q: %v", s, err)
		}
		switch i {
		case 0:
			p.Major = n
		case 1:
			p.Minor = n
		}
	}
	return p, p.Validate()
}

// Validate reports a Python that wheel tags cannot describe.
func (p Python) Validate() error {
	if p.Major != 3 || p.Minor < 0 || p.Minor > 99 {
		return fmt.Errorf("python %d.%d: only CPython 3.x targets are supported", p.Major, p.Minor)
	}
	if p.FreeThreaded && p.Minor < 13 {
		return fmt.Errorf("python %s: free-threaded builds start at 3.13", p)
	}
	return nil
}

func (p Python) String() string {
	s := fmt.Sprintf("%d.%d", p.Major, p.Minor)
	if p.FreeThreaded {
		s += "t"
	}
	return s
}

func (p Python) nodot() string { return fmt.Sprintf("%d%d", p.Major, p.Minor) }

// Target is an interpreter on a platform: what a wheel must fit.
type Target struct {
	Python   Python
	Platform Platform
}

func (t Target) String() string { return "CPython " + t.Python.String() + " on " + t.Platform.String() }

// Validate reports a target that names no usable combination.
func (t Target) Validate() error {
	if err := t.Python.Validate(); err != nil {
		return err
	}
	return t.Platform.Validate()
}

// interpreters lists the python+abi pairs of t's tags, most preferred first: each of
// pairs goes with every platform tag, and the anyPairs that follow them with "any".
func (t Target) interpreters() (pairs, anyPairs [][2]string) {
	py := t.Python
	interp := "cp" + py.nodot()
	abi := interp
	switch {
	case py.FreeThreaded:
		abi += "t"
	case py.Minor < 8:
		abi += "m" // pymalloc builds before 3.8
	}
	stable := "abi3"
	if py.FreeThreaded {
		stable = "abi3t" // PEP 803
	}
	usesStable := py.Minor >= 2

	pairs = append(pairs, [2]string{interp, abi})
	if usesStable {
		pairs = append(pairs, [2]string{interp, stable})
	}
	pairs = append(pairs, [2]string{interp, "none"})
	if usesStable {
		for minor := py.Minor - 1; minor > 1; minor-- {
			pairs = append(pairs, [2]string{fmt.Sprintf("cp%d%d", py.Major, minor), stable})
		}
	}
	pys := []string{"py" + py.nodot(), "py" + strconv.Itoa(py.Major)}
	for minor := py.Minor - 1; minor >= 0; minor-- {
		pys = append(pys, fmt.Sprintf("py%d%d", py.Major, minor))
	}
	for _, v := range pys {
		pairs = append(pairs, [2]string{v, "none"})
	}
	anyPairs = append(anyPairs, [2]string{interp, "none"})
	for _, v := range pys {
		anyPairs = append(anyPairs, [2]string{v, "none"})
	}
	return pairs, anyPairs
}

// Supported is a target's tags, indexed for ranking wheels. A tag's rank is its position
// in Target.Tags, computed from the position of its python+abi pair and of its platform
// rather than looked up in a list of every tag: a check builds one Supported per run, and
// the list (about 1,000 tags for a recent manylinux) cost more than the ranking it served.
type Supported struct {
	target   Target
	platList []string          // Platform.Tags
	pairList [][2]string       // the python+abi pairs that take a platform, in order
	anyList  [][2]string       // those that go with "any", in order
	plats    map[string]int    // platform tag → first position in platList
	pairs    map[[2]string]int // python+abi → first position in pairList
	anyPairs map[[2]string]int // python+abi → first position in anyList
	tagsOnce func() []Tag
}

// NewSupported validates t and indexes its tags.
func NewSupported(t Target) (*Supported, error) {
	if err := t.Validate(); err != nil {
		return nil, err
	}
	pairs, anyPairs := t.interpreters()
	plats := t.Platform.Tags()
	s := &Supported{
		target:   t,
		platList: plats,
		pairList: pairs,
		anyList:  anyPairs,
		plats:    firstPositions(plats),
		pairs:    firstPositions(pairs),
		anyPairs: firstPositions(anyPairs),
	}
	s.tagsOnce = sync.OnceValue(func() []Tag { return slices.Collect(s.All()) })
	return s, nil
}

// firstPositions maps each element of list to the position it first appears at.
func firstPositions[K comparable](list []K) map[K]int {
	m := make(map[K]int, len(list))
	for i, k := range list {
		if _, dup := m[k]; !dup {
			m[k] = i
		}
	}
	return m
}

// Target returns the target s was built for.
func (s *Supported) Target() Target { return s.target }

// Tags returns the supported tags, most preferred first, in the order of packaging's
// cpython_tags followed by compatible_tags. The caller must not modify the slice.
func (s *Supported) Tags() []Tag { return s.tagsOnce() }

// All yields the supported tags, most preferred first, as Tags lists them, without
// making the list.
func (s *Supported) All() iter.Seq[Tag] {
	return func(yield func(Tag) bool) {
		for _, pair := range s.pairList {
			for _, p := range s.platList {
				if !yield(Tag{pair[0], pair[1], p}) {
					return
				}
			}
		}
		for _, pair := range s.anyList {
			if !yield(Tag{pair[0], pair[1], "any"}) {
				return
			}
		}
	}
}

// rank is tag's position in Tags, if it is there.
func (s *Supported) rank(t Tag) (int, bool) {
	pair := [2]string{t.Python, t.ABI}
	if t.Platform == "any" {
		i, ok := s.anyPairs[pair]
		return len(s.pairList)*len(s.platList) + i, ok
	}
	i, ok := s.pairs[pair]
	if !ok {
		return 0, false
	}
	p, ok := s.plats[t.Platform]
	return i*len(s.platList) + p, ok
}

// acceptsInterpreter is whether some tag of the target has t's python and abi.
func (s *Supported) acceptsInterpreter(t Tag) bool {
	pair := [2]string{t.Python, t.ABI}
	_, withPlatform := s.pairs[pair]
	_, withAny := s.anyPairs[pair]
	return withPlatform && len(s.platList) > 0 || withAny
}

// Rank gives the position of the best of tags in the supported list (lower is
// better) and whether any of them is supported at all.
func (s *Supported) Rank(tags []Tag) (int, bool) {
	best, ok := 0, false
	for _, t := range tags {
		if r, found := s.rank(t); found && (!ok || r < best) {
			best, ok = r, true
		}
	}
	return best, ok
}

// maxListed bounds the tags a reason lists.
const maxListed = 6

// WhyNot explains why none of wheels fits the target, for a release that has
// no usable file. The reason is a clause without the package's name, meant to
// follow "NAME VERSION is unavailable: ", for example
// "no wheel for glibc 2.27: its wheels need manylinux_2_28".
func (s *Supported) WhyNot(wheels []Filename) string {
	if len(wheels) == 0 {
		return "no files"
	}
	var fitInterp []Tag
	var all []Tag
	for _, w := range wheels {
		for _, t := range w.Tags {
			all = append(all, t)
			if s.acceptsInterpreter(t) {
				fitInterp = append(fitInterp, t)
			}
		}
	}
	if len(fitInterp) == 0 {
		labels := make([]string, 0, len(all))
		for _, t := range all {
			label := t.Python
			if t.ABI != "none" && t.ABI != t.Python {
				label += "-" + t.ABI
			}
			labels = append(labels, label)
		}
		return fmt.Sprintf("no wheel for CPython %s: its wheels are for %s", s.target.Python, listOf(labels))
	}
	plats := make([]string, 0, len(fitInterp))
	for _, t := range fitInterp {
		plats = append(plats, t.Platform)
	}
	return s.whyNotPlatform(plats)
}

// whyNotPlatform explains platform tags that fit the interpreter but not the
// platform: a C library or macOS release that is too old is named as such.
func (s *Supported) whyNotPlatform(plats []string) string {
	p := s.target.Platform
	var have Version2
	var kind, what string
	switch {
	case p.OS == Linux && !p.Glibc.IsZero():
		have, kind, what = p.Glibc, "manylinux", "glibc"
	case p.OS == Linux && !p.Musl.IsZero():
		have, kind, what = p.Musl, "musllinux", "musl"
	case p.OS == MacOS:
		have, kind, what = p.MacOS, "macosx", "macOS"
	}
	var need Version2
	needTag := ""
	for _, tag := range plats {
		v, family, arch, ok := platformFloor(tag)
		if !ok || family != kind || !archFits(p, arch) || !have.Less(v) {
			continue
		}
		if needTag == "" || v.Less(need) {
			need, needTag = v, strings.TrimSuffix(tag, "_"+arch)
		}
	}
	if needTag != "" {
		return fmt.Sprintf("no wheel for %s %s: its wheels need %s", what, have, needTag)
	}
	return fmt.Sprintf("no wheel for %s: its wheels are for %s", p, listOf(plats))
}

// archFits reports whether a tag's architecture (or binary format) can run on p.
func archFits(p Platform, arch string) bool {
	return arch == p.Arch || p.OS == MacOS && slices.Contains(macBinaryFormats(Version2{11, 0}, p.Arch), arch)
}

// platformFloor reads the minimum release a versioned platform tag needs:
// manylinux_2_28_x86_64 needs glibc 2.28, manylinux2014_aarch64 glibc 2.17,
// musllinux_1_2_x86_64 musl 1.2, macosx_12_0_arm64 macOS 12.0.
func platformFloor(tag string) (v Version2, family, arch string, ok bool) {
	for _, l := range legacyManylinux {
		if rest, found := strings.CutPrefix(tag, l.name+"_"); found {
			return l.glibc, "manylinux", rest, true
		}
	}
	for _, family := range []string{"manylinux", "musllinux", "macosx"} {
		if rest, found := strings.CutPrefix(tag, family+"_"); found {
			v, arch, ok := cutVersion2(rest)
			return v, family, arch, ok
		}
	}
	return v, "", "", false
}

// listOf joins distinct labels in natural order (cp39 before cp310), at most
// maxListed of them.
func listOf(labels []string) string {
	labels = slices.Clone(labels)
	slices.SortFunc(labels, func(a, b string) int {
		if c := naturalCompare(a, b); c != 0 {
			return c
		}
		return strings.Compare(a, b)
	})
	labels = slices.Compact(labels)
	if len(labels) > maxListed {
		more := len(labels) - maxListed
		return strings.Join(labels[:maxListed], ", ") + fmt.Sprintf(" and %d more", more)
	}
	return strings.Join(labels, ", ")
}

// naturalCompare orders strings with digit runs compared as numbers.
func naturalCompare(a, b string) int {
	for a != "" && b != "" {
		da, db := digitPrefix(a), digitPrefix(b)
		if da > 0 && db > 0 {
			if c := compareDigits(a[:da], b[:db]); c != 0 {
				return c
			}
			a, b = a[da:], b[db:]
			continue
		}
		if a[0] != b[0] {
			if a[0] < b[0] {
				return -1
			}
			return 1
		}
		a, b = a[1:], b[1:]
	}
	return len(a) - len(b)
}

func digitPrefix(s string) int {
	i := 0
	for i < len(s) && '0' <= s[i] && s[i] <= '9' {
		i++
	}
	return i
}
