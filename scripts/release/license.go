package main

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"regexp"
)

// license is the licence every artifact ships with.
type license struct {
	text       []byte
	expression string // SPDX, for the wheels' License-Expression
}

// knownLicenses recognise a LICENSE file by the heading its licence text starts with.
var knownLicenses = []struct {
	heading    *regexp.Regexp
	expression string
}{
	{regexp.MustCompile(`(?i)^\s*Apache License\s+Version 2\.0`), "Apache-2.0"},
	{regexp.MustCompile(`(?i)^\s*MIT License`), "MIT"},
	{regexp.MustCompile(`(?i)^\s*Mozilla Public License,? Version 2\.0`), "MPL-2.0"},
	{regexp.MustCompile(`(?i)^\s*BSD 3-Clause License`), "BSD-3-Clause"},
	{regexp.MustCompile(`(?i)^\s*BSD 2-Clause License`), "BSD-2-Clause"},
	{regexp.MustCompile(`(?i)^\s*ISC License`), "ISC"},
}

// readLicense reads the LICENSE file, which every archive and wheel carries: a release
// must say under which terms depsolve may be used. expression, when given, is the SPDX
// expression; otherwise the file's heading must name a licence known here.
func readLicense(path, expression string) (license, error) {
	text, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return license{}, fmt.Errorf("%s: no such file; every archive and wheel ships the licence, so add the project's LICENSE first", path)
	}
	if err != nil {
		return license{}, err
	}
	if len(bytes.TrimSpace(text)) == 0 {
		return license{}, fmt.Errorf("%s is empty", path)
	}
	if expression != "" {
		return license{text: text, expression: expression}, nil
	}
	for _, k := range knownLicenses {
		if k.heading.Match(text) {
			return license{text: text, expression: k.expression}, nil
		}
	}
	return license{}, fmt.Errorf("%s: cannot tell which licence this is from its first lines; give its SPDX expression with -license-expression (release.sh: DEPSOLVE_LICENSE_EXPRESSION)", path)
}
