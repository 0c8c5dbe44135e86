package main

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/depsolve/depsolve/cache"
)

func newCacheCommand(stdout, stderr io.Writer) *cobra.Command {
	var dirFlag string
	cmd := &cobra.Command{
		Use:   "cache dir|info|clean",
		Short: "Show or clean depsolve's cache of index pages, metadata and the compiled matrix",
		Long: `depsolve keeps index pages (revalidated before use), core metadata (kept for
good: it is addressed by its hash) and the compiled compatibility matrix in one
file in the cache folder: --cache-dir, else $DEPSOLVE_CACHE_DIR, else the user
cache folder + /depsolve. Deleting it loses nothing but time.`,
		Example: `  depsolve cache dir
  depsolve cache info
  depsolve cache clean`,
		Args: unknownSubcommand,
		RunE: func(cmd *cobra.Command, _ []string) error { return cmd.Help() },
	}
	cmd.PersistentFlags().StringVar(&dirFlag, "cache-dir", "", "cache `DIR` (default $DEPSOLVE_CACHE_DIR, else the user cache dir + /depsolve)")

	dir := &cobra.Command{
		Use:     "dir",
		Short:   "Print the cache folder",
		Example: `  cd "$(depsolve cache dir)"`,
		Args:    argsAtMost(0),
		RunE: func(_ *cobra.Command, _ []string) error {
			d, err := cacheDir(dirFlag)
			if err != nil {
				return err
			}
			fmt.Fprintln(stdout, d)
			return nil
		},
	}
	info := &cobra.Command{
		Use:     "info",
		Short:   "Describe the cache file: size, entries, who created it",
		Example: `  depsolve cache info --cache-dir /tmp/depsolve-cache`,
		Args:    argsAtMost(0),
		RunE: func(_ *cobra.Command, _ []string) error {
			d, err := cacheDir(dirFlag)
			if err != nil {
				return err
			}
			u := newUI(stdout, stderr, false, false)
			c, err := cache.Open(d, cache.Options{ReadOnly: true, Warn: func(msg string) { u.warn("cache: %s", msg) }})
			if err != nil {
				return errors.New(cacheProblem(d, err))
			}
			in, err := c.Info()
			if err != nil {
				return fmt.Errorf("cache: %w", err)
			}
			printCacheInfo(u, in)
			return nil
		},
	}
	clean := &cobra.Command{
		Use:     "clean",
		Short:   "Delete the cache file (and files moved aside as damaged)",
		Example: `  depsolve cache clean`,
		Args:    argsAtMost(0),
		RunE: func(_ *cobra.Command, _ []string) error {
			d, err := cacheDir(dirFlag)
			if err != nil {
				return err
			}
			removed, err := cache.Clean(d)
			for _, p := range removed {
				fmt.Fprintln(stdout, "removed", p)
			}
			if err != nil {
				return fmt.Errorf("cache: %w", err)
			}
			if len(removed) == 0 {
				fmt.Fprintln(stdout, "nothing to remove in", d)
			}
			return nil
		},
	}
	cmd.AddCommand(dir, info, clean)
	return cmd
}

func printCacheInfo(u *ui, in cache.Info) {
	var b strings.Builder
	fmt.Fprintf(&b, "path:       %s\n", in.Path)
	if !in.Exists {
		b.WriteString("state:      empty (no cache file yet)\n")
		u.print(b.String())
		return
	}
	fmt.Fprintf(&b, "size:       %s\n", humanBytes(in.Size))
	if in.CreatedBy != "" || !in.CreatedAt.IsZero() {
		fmt.Fprintf(&b, "created:    %s by %s\n", in.CreatedAt.UTC().Format(time.RFC3339), in.CreatedBy)
	}
	fmt.Fprintf(&b, "pages:      %d\n", in.Pages)
	fmt.Fprintf(&b, "metadata:   %d\n", in.Metadata)
	fmt.Fprintf(&b, "matrices:   %d\n", in.Matrices)
	fmt.Fprintf(&b, "parsed:     %d (index pages in parsed form)\n", in.Parsed)
	for _, c := range in.Corrupt {
		fmt.Fprintf(&b, "damaged:    %s (moved aside; depsolve cache clean removes it)\n", c)
	}
	u.print(b.String())
}
