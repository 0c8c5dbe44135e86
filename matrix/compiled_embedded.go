package matrix

import _ "embed"

// embeddedCompiled is the compiled form of the embedded data (encodeMatrix of what Load
// gives), written by go generate ./matrix beside embeddedDataStamp and kept current by
// TestEmbeddedCompiledIsCurrent: a run decodes it in place, part by part
// (compileLazily), instead of compiling the data (about 10 ms) or reading its copy from
// the cache.
//
//go:embed compiled.bin
var embeddedCompiled []byte
