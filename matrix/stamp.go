package matrix

//go:generate go test -run ^TestEmbedded(DataStamp|Compiled)IsCurrent$ -update

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

// EmbeddedDataStamp is the DataStamp of the embedded data. It is a constant written by
// `go generate ./matrix` (TestEmbeddedDataStampIsCurrent fails until the data and it
// agree): reading, hashing and scanning the data cost `depsolve --version` several times
// a process start.
func EmbeddedDataStamp() DataStamp { return embeddedDataStamp }
