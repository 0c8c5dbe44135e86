package matrix

import (
	"io/fs"
	"regexp"
	"time"

	"github.com/depsolve/depsolve/data"
)

// DataStamp says which matrix data a binary carries, for `depsolve version`: a verdict
// is only as current as the facts it came from.
type DataStamp struct {
	// Hash is the key of the compiled matrix in the cache (Matrix.Hash): two binaries
	// with the same Hash decide alike.
	Hash string
	// Date is the newest date (YYYY-MM-DD) the data cites, "" when it cites none. The
	// data states no release date of its own; the newest dated source it cites (a release,
	// a commit, an issue) is the latest fact it can know.
	Date string
}

// EmbeddedDataStamp is the DataStamp of the embedded data. It reads and hashes the
// files without compiling them, so it costs a millisecond or so.
func EmbeddedDataStamp() (DataStamp, error) { return dataStampFS(data.FS) }

func dataStampFS(fsys fs.FS) (DataStamp, error) {
	files, err := readDataFiles(fsys)
	if err != nil {
		return DataStamp{}, err
	}
	stamp := DataStamp{Hash: hashDataFiles(files)}
	for _, f := range files {
		for _, s := range isoDateRE.FindAllString(f.text, -1) {
			// A string of date shape that is no calendar date (2026-13-40) dates nothing.
			if _, err := time.Parse(time.DateOnly, s); err == nil && s > stamp.Date {
				stamp.Date = s
			}
		}
	}
	return stamp, nil
}

// isoDateRE finds dates written as ISO 8601 calendar dates, not inside longer numbers.
var isoDateRE = regexp.MustCompile(`\b(?:19|20)[0-9]{2}-[0-9]{2}-[0-9]{2}\b`)
