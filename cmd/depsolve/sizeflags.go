package main

import (
	"github.com/spf13/pflag"

	"github.com/depsolve/depsolve/target"
)

// imageSizeFlag is --max-image-size: a size target.ParseImageSize reads.
type imageSizeFlag struct {
	text  string
	bytes int64
}

func (f *imageSizeFlag) String() string { return f.text }
func (f *imageSizeFlag) Type() string   { return "size" }
func (f *imageSizeFlag) Set(s string) error {
	n, err := target.ParseImageSize(s)
	if err != nil {
		return err
	}
	f.text, f.bytes = s, n
	return nil
}

// budget is the flag as the engine takes it; zero when not given.
func (f *imageSizeFlag) budget() target.ImageSize {
	if f.bytes == 0 {
		return target.ImageSize{}
	}
	return target.ImageSize{Bytes: f.bytes, Origin: target.Origin{From: target.FromFlag, Detail: "--max-image-size"}}
}

// registerBudget adds --max-image-size.
func (f *inputFlags) registerBudget(fs *pflag.FlagSet) {
	fs.Var(&f.maxImageSize, "max-image-size", "a size budget for the image, such as 8GB or 7.5GiB: the packages' installed size (and the base image's, where known) above it is a conflict, with the breakdown (default max-image-size in depsolve.toml)")
}
