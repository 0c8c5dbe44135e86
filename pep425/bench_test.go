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
