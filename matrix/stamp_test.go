package matrix

import (
	"testing"
	"testing/fstest"
)

// The version's data hash is the hash the compiled matrix is cached under, so a user can
// tell two binaries that decide alike from their `depsolve version`.
func TestEmbeddedDataStampHashIsTheMatrixHash(t *testing.T) {
	m, _, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	stamp, err := EmbeddedDataStamp()
	if err != nil {
		t.Fatal(err)
	}
	if stamp.Hash != m.Hash() {
		t.Errorf("stamp hash %s, matrix hash %s", stamp.Hash, m.Hash())
	}
	if stamp.Date == "" {
		t.Error("the embedded data cites no dated source")
	}
}

func TestDataStampDateIsTheNewestCalendarDate(t *testing.T) {
	fsys := fstest.MapFS{
		"a.toml": {Data: []byte("cite = \"commit 1cd06937b1 (2022-11-21)\"\n# 2026-02-30 is no date; 12029-01-01 and 2029-01-015 are no dates either\n")},
		"b.toml": {Data: []byte("title = \"#157516 (2025-07-02), 2023-10-03\"\n")},
	}
	stamp, err := dataStampFS(fsys)
	if err != nil {
		t.Fatal(err)
	}
	if stamp.Date != "2025-07-02" {
		t.Errorf("date %q, want 2025-07-02", stamp.Date)
	}
	stamp, err = dataStampFS(fstest.MapFS{"a.toml": {Data: []byte("x = 1\n")}})
	if err != nil || stamp.Date != "" {
		t.Errorf("data without dates: %+v, %v; want no date", stamp, err)
	}
}
