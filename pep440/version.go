package pep440

import (
	"strings"
)

// Version is a PEP 440 version. The zero Version is "0". Versions are small
// values (one pointer to immutable data) and are compared with Compare or Equal;
// == does not compile, because two spellings of one version (1.0 and 1.0.0) are
// equal.
type Version struct {
	_ [0]func() // no ==: see the type comment
	v *version
}

// preKind orders the pre-release letters.
type preKind uint8

const (
	preNone preKind = iota
	preAlpha
	preBeta
	preRC
)

var preLetters = [...]string{preNone: "", preAlpha: "a", preBeta: "b", preRC: "rc"}

// The rank of a version's pre-release part in the total order: a dev release of a
// final (1.0.dev0) sorts before every a/b/rc of that release, which sort before
// the release itself.
const (
	rankDevOnly int8 = -1 + iota
	rankAlpha
	rankBeta
	rankRC
	rankFinal
)

type version struct {
	epoch   number
	release []number // as written, trailing zeros included (they show in String)
	trim    int      // len(release) without trailing zeros; ordering ignores them
	pre     number
	post    number
	dev     number
	preKind preKind
	rank    int8
	hasPost bool
	hasDev  bool
	// afterPosts marks the internal bound that sorts after every version with
	// this epoch and release (V, V+local, V.postN, ...). It never comes out of
	// Parse; ranges use it for ">V".
	afterPosts bool
	local      string // normalized: lower case, '.'-separated, numbers without leading zeros
	text       string // the text Parse was given, trimmed; "" for versions built here
}

var zeroVersion = newVersion(version{release: []number{{}}})

// newVersion fills in the derived fields of p.
func newVersion(p version) *version {
	p.trim = len(p.release)
	for p.trim > 0 && p.release[p.trim-1].isZero() {
		p.trim--
	}
	switch {
	case p.preKind != preNone:
		p.rank = int8(p.preKind) - 1
	case p.hasDev && !p.hasPost:
		p.rank = rankDevOnly
	default:
		p.rank = rankFinal
	}
	return &p
}

func (v Version) p() *version {
	if v.v == nil {
		return zeroVersion
	}
	return v.v
}

// MustParse is Parse for literals known to be valid; it panics on an error.
func MustParse(s string) Version {
	v, err := Parse(s)
	if err != nil {
		panic(err)
	}
	return v
}

// Compare returns -1, 0 or +1 as v sorts before, with or after w in the PEP 440
// total order. Local labels count: 1.0 < 1.0+a < 1.0+b < 1.0.post0.
func (v Version) Compare(w Version) int {
	a, b := v.p(), w.p()
	if a == b {
		return 0
	}
	if c := cmpNumber(a.epoch, b.epoch); c != 0 {
		return c
	}
	n := min(a.trim, b.trim)
	for i := range n {
		if c := cmpNumber(a.release[i], b.release[i]); c != 0 {
			return c
		}
	}
	if a.trim != b.trim {
		if a.trim < b.trim {
			return -1
		}
		return 1
	}
	if a.afterPosts || b.afterPosts {
		switch {
		case a.afterPosts && b.afterPosts:
			return 0
		case a.afterPosts:
			return 1
		}
		return -1
	}
	if a.rank != b.rank {
		if a.rank < b.rank {
			return -1
		}
		return 1
	}
	if c := cmpNumber(a.pre, b.pre); c != 0 {
		return c
	}
	if a.hasPost != b.hasPost {
		if a.hasPost {
			return 1
		}
		return -1
	}
	if c := cmpNumber(a.post, b.post); c != 0 {
		return c
	}
	if a.hasDev != b.hasDev {
		if a.hasDev {
			return -1
		}
		return 1
	}
	if c := cmpNumber(a.dev, b.dev); c != 0 {
		return c
	}
	return compareLocal(a.local, b.local)
}

// compareLocal orders normalized local labels: none first, then segment by
// segment, where a number sorts after any word, numbers compare by value and
// words by their bytes; a label that is a prefix of another sorts first.
func compareLocal(a, b string) int {
	if a == b {
		return 0
	}
	if a == "" {
		return -1
	}
	if b == "" {
		return 1
	}
	for {
		var sa, sb string
		sa, a, _ = strings.Cut(a, ".")
		sb, b, _ = strings.Cut(b, ".")
		if c := compareLocalSegment(sa, sb); c != 0 {
			return c
		}
		switch {
		case a == "" && b == "":
			return 0
		case a == "":
			return -1
		case b == "":
			return 1
		}
	}
}

func compareLocalSegment(a, b string) int {
	na, nb := isDigits(a), isDigits(b)
	switch {
	case na && nb:
		// Normalized numbers have no leading zeros, so the longer is larger.
		if len(a) != len(b) {
			if len(a) < len(b) {
				return -1
			}
			return 1
		}
	case na:
		return 1
	case nb:
		return -1
	}
	return strings.Compare(a, b)
}

func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// Equal reports whether v and w are the same version (Compare == 0): 1.0 equals
// 1.0.0, and 1.0 does not equal 1.0+local.
func (v Version) Equal(w Version) bool { return v.Compare(w) == 0 }

// String returns the normalized form: 1.0.0-RC1 -> 1.0.0rc1, v1.0-1 -> 1.0.post1.
func (v Version) String() string {
	p := v.p()
	b := make([]byte, 0, 16)
	if !p.epoch.isZero() {
		b = p.epoch.appendTo(b)
		b = append(b, '!')
	}
	for i, n := range p.release {
		if i > 0 {
			b = append(b, '.')
		}
		b = n.appendTo(b)
	}
	if p.preKind != preNone {
		b = append(b, preLetters[p.preKind]...)
		b = p.pre.appendTo(b)
	}
	if p.hasPost {
		b = append(b, ".post"...)
		b = p.post.appendTo(b)
	}
	if p.hasDev {
		b = append(b, ".dev"...)
		b = p.dev.appendTo(b)
	}
	if p.local != "" {
		b = append(b, '+')
		b = append(b, p.local...)
	}
	return string(b)
}

// Original returns the text the version was parsed from, without surrounding
// white space (535.104.05 stays 535.104.05, where String gives 535.104.5). For a
// version not made by Parse it is String.
func (v Version) Original() string {
	if p := v.p(); p.text != "" {
		return p.text
	}
	return v.String()
}

// Epoch returns the epoch (0 when none is written), saturated at math.MaxInt.
func (v Version) Epoch() int { return v.p().epoch.asInt() }

// Release returns the release numbers as written, trailing zeros included;
// numbers above math.MaxInt read as math.MaxInt.
func (v Version) Release() []int {
	p := v.p()
	out := make([]int, len(p.release))
	for i, n := range p.release {
		out[i] = n.asInt()
	}
	return out
}

// Pre returns the pre-release letter ("a", "b" or "rc") and number; ok is false
// when there is none.
func (v Version) Pre() (letter string, n int, ok bool) {
	p := v.p()
	if p.preKind == preNone {
		return "", 0, false
	}
	return preLetters[p.preKind], p.pre.asInt(), true
}

// Post returns the post-release number; ok is false when there is none.
func (v Version) Post() (n int, ok bool) { p := v.p(); return p.post.asInt(), p.hasPost }

// Dev returns the development release number; ok is false when there is none.
func (v Version) Dev() (n int, ok bool) { p := v.p(); return p.dev.asInt(), p.hasDev }

// Local returns the normalized local label without its '+', or "" if none:
// 1.0+Ubuntu-01 has local "ubuntu.1".
func (v Version) Local() string { return v.p().local }

// Public returns v without its local label.
func (v Version) Public() Version {
	p := v.p()
	if p.local == "" {
		return v
	}
	q := *p
	q.local, q.text = "", ""
	return Version{v: &q}
}

// BaseVersion returns the epoch and release of v only: 1!2.0rc1.post3+x -> 1!2.0.
func (v Version) BaseVersion() Version {
	p := v.p()
	if p.preKind == preNone && !p.hasPost && !p.hasDev && !p.afterPosts && p.local == "" {
		return v // already one: a check's Requires-Python asks this of every release
	}
	return Version{v: newVersion(version{epoch: p.epoch, release: p.release})}
}

// IsPrerelease reports whether v has a pre-release or development part; such
// versions are members of ranges but need an opt-in as candidates (see Allows).
func (v Version) IsPrerelease() bool { p := v.p(); return p.preKind != preNone || p.hasDev }

// IsPostrelease reports whether v has a post-release part.
func (v Version) IsPostrelease() bool { return v.p().hasPost }

// IsDevrelease reports whether v has a development release part.
func (v Version) IsDevrelease() bool { return v.p().hasDev }

// Versions built for range bounds. None of them has a local label.

// minVersion is 0.dev0, the least version there is: a range's lower bound at it
// is no bound at all.
var minVersion = Version{v: newVersion(version{release: []number{{}}, hasDev: true})}

// withDev0 is v with a .dev0 and no local label: the least version sharing v's
// epoch, release, pre and post parts, and the bound of "<v" when v is not a
// pre-release.
func (v Version) withDev0() Version {
	q := *v.p()
	q.hasDev, q.dev, q.local, q.text = true, number{}, "", ""
	return Version{v: newVersion(q)}
}

// afterLocals is the least version above v and all of v's local versions
// (v without a local label): v.dev(N+1) when v is a dev release, else
// v.post(N+1).dev0, where a missing post counts as -1. It bounds "<=v" and "==v".
func (v Version) afterLocals() Version {
	q := *v.p()
	q.local, q.text = "", ""
	switch {
	case q.hasDev:
		q.dev = q.dev.inc()
	case q.hasPost:
		q.post, q.hasDev, q.dev = q.post.inc(), true, number{}
	default:
		q.hasPost, q.post, q.hasDev, q.dev = true, number{}, true, number{}
	}
	return Version{v: newVersion(q)}
}

// afterPostsBound is the point above v, v+local and every v.postN: the bound of
// ">v" when v is a final release. It is not a version; ranges keep it as an
// exclusive bound only.
func (v Version) afterPostsBound() Version {
	p := v.p()
	return Version{v: newVersion(version{epoch: p.epoch, release: p.release, afterPosts: true})}
}

// nextPrefixDev0 is the least version of the next release prefix: 1.2 -> 1.3.dev0
// (the upper bound of ==1.2.* and ~=1.2.x).
func nextPrefixDev0(epoch number, prefix []number) Version {
	release := append([]number(nil), prefix...)
	release[len(release)-1] = release[len(release)-1].inc()
	return Version{v: newVersion(version{epoch: epoch, release: release, hasDev: true})}
}

// nextPreDev0 is v.(pre N+1).dev0, the least version above every v.postN when v is
// an a/b/rc release without post or dev parts.
func (v Version) nextPreDev0() Version {
	p := v.p()
	return Version{v: newVersion(version{
		epoch: p.epoch, release: p.release,
		preKind: p.preKind, pre: p.pre.inc(), hasDev: true,
	})}
}
