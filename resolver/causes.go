package resolver

// The Python layer's kinds of Unavailable: why a release cannot be used.

// Yanked: the release was yanked and no requirement pins it exactly (PEP 592).
// Hints offers the pin.
type Yanked struct{}

func (Yanked) Phrase() string { return "it was yanked" }

// NoUsableFile: the index lists no file the target can install, in the index's
// words (Release.Unavailable): "no wheel for cp311 manylinux_2_17_x86_64".
type NoUsableFile struct{ Text string }

func (c NoUsableFile) Phrase() string { return c.Text }

// MetadataUnavailable: the release's metadata cannot be read without running
// package code (an sdist that needs a build), in the index's words
// (Metadata.Unavailable).
type MetadataUnavailable struct{ Text string }

func (c MetadataUnavailable) Phrase() string { return c.Text }

// UndecidableMarker: a Requires-Dist entry's marker cannot be evaluated for the
// target, so what the release needs is unknown.
type UndecidableMarker struct{ Requirement, Problem string }

func (c UndecidableMarker) Phrase() string {
	return "its metadata has a marker that cannot be evaluated (" + c.Requirement + ": " + c.Problem + ")"
}

// DirectURLDependency: the release depends on a direct URL reference, which no
// index resolves.
type DirectURLDependency struct{ Requirement string }

func (c DirectURLDependency) Phrase() string {
	return "it depends on " + c.Requirement + ", a direct URL reference, which is not resolved from an index"
}
