// Package data holds depsolve's curated compatibility matrix: TOML files embedded in the
// binary. README.md documents the schema; package matrix loads, validates and compiles
// the files. Every row cites its sources and carries a confidence tag.
package data

import "embed"

// FS holds the matrix files (*.toml) at its root.
//
//go:embed *.toml
var FS embed.FS
