package reqfile

import "sort"

// offsetMap maps byte indices of a text built from pieces of another back to
// offsets in that other text. A copied piece maps its bytes to consecutive
// offsets; a fixed piece (a space pip inserts, an expanded ${NAME}) maps every
// byte to the one place it stands for. A map has a piece per physical line or
// substitution, not an entry per byte.
type offsetMap struct {
	pieces []piece // sorted by at; the first starts at 0
	n      int     // length of the mapped text
	end    int     // the offset that index n maps to
}

type piece struct {
	at, src int
	fixed   bool
}

// add maps text[at:] from src on, merging with the previous piece when it runs on.
func (m *offsetMap) add(at, src int, fixed bool) {
	if k := len(m.pieces); k > 0 {
		last := m.pieces[k-1]
		if !fixed && !last.fixed && last.src+at-last.at == src {
			return
		}
	}
	m.pieces = append(m.pieces, piece{at, src, fixed})
}

// at returns the offset of index i; i at or past the end gives the end.
func (m *offsetMap) at(i int) int {
	if i >= m.n || len(m.pieces) == 0 {
		return m.end
	}
	i = max(i, 0)
	k := sort.Search(len(m.pieces), func(k int) bool { return m.pieces[k].at > i }) - 1
	p := m.pieces[k]
	if p.fixed {
		return p.src
	}
	return p.src + i - p.at
}

// slice returns the map of text[from:to].
func (m *offsetMap) slice(from, to int) offsetMap {
	out := offsetMap{n: to - from, end: m.at(to)}
	for k, p := range m.pieces {
		next := m.n
		if k+1 < len(m.pieces) {
			next = m.pieces[k+1].at
		}
		if next <= from || p.at >= to {
			continue
		}
		start := max(p.at, from)
		src := p.src
		if !p.fixed {
			src += start - p.at
		}
		out.pieces = append(out.pieces, piece{start - from, src, p.fixed})
	}
	return out
}

// appendMap extends m with the map of a text appended to m's.
func (m *offsetMap) appendMap(o offsetMap) {
	for _, p := range o.pieces {
		m.add(p.at+m.n, p.src, p.fixed)
	}
	m.n += o.n
	m.end = o.end
}
