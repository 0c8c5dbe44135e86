package pep425

import "testing"

// BenchmarkParseSdistFilename measures the split of legacy sdist names, which
// normalizes every dash-separated prefix of the stem.
func BenchmarkParseSdistFilename(b *testing.B) {
	files := []struct{ filename, project string }{
		{"python-dateutil-2.8.2.tar.gz", "python-dateutil"},
		{"zope.interface-6.4.post2.tar.gz", "zope-interface"},
		{"Django-5.0.6.tar.gz", "django"},
		{"typing_extensions-4.12.2.tar.gz", "typing-extensions"},
	}
	b.ReportAllocs()
	for b.Loop() {
		for _, f := range files {
			if _, err := ParseSdistFilename(f.filename, f.project); err != nil {
				b.Fatal(err)
			}
		}
	}
}

// BenchmarkSupported measures what a check pays once per run for its target's tags: the
// index, and ranking the wheels of a release.
func BenchmarkSupported(b *testing.B) {
	plat, err := ParsePlatform("manylinux_2_35_x86_64")
	if err != nil {
		b.Fatal(err)
	}
	wheels := [][]Tag{
		{{"cp311", "cp311", "manylinux_2_17_x86_64"}, {"cp311", "cp311", "manylinux2014_x86_64"}},
		{{"py3", "none", "any"}},
		{{"cp311", "cp311", "win_amd64"}},
		{{"cp38", "abi3", "manylinux_2_28_x86_64"}},
	}
	b.ReportAllocs()
	for b.Loop() {
		s, err := NewSupported(Target{Python{Major: 3, Minor: 11}, plat})
		if err != nil {
			b.Fatal(err)
		}
		for _, w := range wheels {
			s.Rank(w)
		}
	}
}
