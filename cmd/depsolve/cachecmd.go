package main

import (
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/depsolve/depsolve/cache"
	"github.com/depsolve/depsolve/engine"
	"github.com/depsolve/depsolve/internal/memo"
)

func newCacheCommand(stdout, stderr io.Writer) *cobra.Command {
	var dirFlag string
	cmd := &cobra.Command{
		Use:   "cache dir|info|clean",
		Short: "Show or clean depsolve's cache of index pages and metadata",
		Long: `depsolve keeps index pages (revalidated before use), core metadata (kept for
good: it is addressed by its hash), wheel sizes and image layer findings in one
file in the cache folder: --cache-dir, else $DEPSOLVE_CACHE_DIR, else the user
cache folder + /depsolve. Deleting it loses nothing but time. (The compiled
compatibility matrix is built into depsolve; older versions kept it here.)`,
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
			d, err := engine.CacheDir(dirFlag)
			if err != nil {
				return err
			}
			fmt.Fprintln(stdout, d)
			return nil
		},
	}
	info := &cobra.Command{
		Use:     "info",
		Short:   "Describe the cache file: size, entries, who created it, kept check results",
		Example: `  depsolve cache info --cache-dir /tmp/depsolve-cache`,
		Args:    argsAtMost(0),
		RunE: func(_ *cobra.Command, _ []string) error {
			d, err := engine.CacheDir(dirFlag)
			if err != nil {
				return err
			}
			u := newUI(stdout, stderr, false, false)
			c, err := cache.Open(d, cache.Options{ReadOnly: true, Warn: func(msg string) { u.warn("cache: %s", msg) }})
			if err != nil {
				return errors.New(engine.CacheProblem(d, err))
			}
			in, err := c.Info()
			if err != nil {
				return fmt.Errorf("cache: %w", err)
			}
			printCacheInfo(u, in, memo.Count(d))
			return nil
		},
	}
	var olderThan string
	clean := &cobra.Command{
		Use:   "clean",
		Short: "Delete the cache file (and files moved aside as damaged), or with --older-than the entries unused that long",
		Long: `Without flags, clean deletes the cache file and the results kept for repeated
checks (see depsolve check --help). With --older-than it deletes only the
entries not read for that long (last use is recorded to within a week); every
run does so once a day for entries unused for 30 days.`,
		Example: `  depsolve cache clean
  depsolve cache clean --older-than 14d`,
		Args: argsAtMost(0),
		RunE: func(cmd *cobra.Command, _ []string) error {
			d, err := engine.CacheDir(dirFlag)
			if err != nil {
				return err
			}
			// Given, even empty (--older-than "$AGE" with AGE unset), it prunes or fails:
			// an empty age must not delete the whole cache.
			if cmd.Flags().Changed("older-than") {
				return pruneCache(stdout, stderr, d, olderThan)
			}
			removed, err := cache.Clean(d)
			if err == nil {
				var records string
				if records, err = memo.Clean(d); records != "" {
					removed = append(removed, records)
				}
			}
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
	clean.Flags().StringVar(&olderThan, "older-than", "", "delete only the entries not used for `AGE` (days as 30d, or a duration such as 36h)")
	cmd.AddCommand(dir, info, clean)
	return cmd
}

// pruneCache deletes the entries of the cache in dir unused for the age given.
func pruneCache(stdout, stderr io.Writer, dir, age string) error {
	maxUnused, err := parseAge(age)
	if err != nil {
		return usageError{fmt.Errorf("--older-than %q: %v", age, err), "depsolve cache clean"}
	}
	u := newUI(stdout, stderr, false, false)
	c, err := cache.Open(dir, cache.Options{Warn: func(msg string) { u.warn("cache: %s", msg) }})
	if err != nil {
		return errors.New(engine.CacheProblem(dir, err))
	}
	n, err := c.Prune(maxUnused)
	if err != nil {
		return fmt.Errorf("cache: %w", err)
	}
	fmt.Fprintf(stdout, "removed %d entries unused for %s from %s\n", n, age, c.Path())
	return nil
}

// maxAgeDays is the most days a time.Duration holds.
const maxAgeDays = math.MaxInt64 / int64(24*time.Hour)

// parseAge reads "30d" (days) or a Go duration ("36h").
func parseAge(s string) (time.Duration, error) {
	if days, ok := strings.CutSuffix(s, "d"); ok {
		n, err := strconv.Atoi(days)
		if err != nil || n < 0 {
			return 0, errors.New("want a whole number of days, as 30d, or a duration, as 36h")
		}
		// More days than a Duration holds would wrap around to a negative age, which
		// deletes every entry: the opposite of what so long an age asks for.
		if int64(n) > maxAgeDays {
			return 0, fmt.Errorf("at most %dd (about 292 years)", maxAgeDays)
		}
		return time.Duration(n) * 24 * time.Hour, nil
	}
	d, err := time.ParseDuration(s)
	if err != nil || d < 0 {
		return 0, errors.New("want a whole number of days, as 30d, or a duration, as 36h")
	}
	return d, nil
}

func printCacheInfo(u *ui, in cache.Info, checks int) {
	var b strings.Builder
	fmt.Fprintf(&b, "path:       %s\n", in.Path)
	if !in.Exists {
		b.WriteString("state:      empty (no cache file yet)\n")
		u.print(b.String())
		return
	}
	fmt.Fprintf(&b, "size:       %s\n", engine.HumanBytes(in.Size))
	if in.CreatedBy != "" || !in.CreatedAt.IsZero() {
		fmt.Fprintf(&b, "created:    %s by %s\n", in.CreatedAt.UTC().Format(time.RFC3339), in.CreatedBy)
	}
	fmt.Fprintf(&b, "pages:      %d\n", in.Pages)
	fmt.Fprintf(&b, "metadata:   %d\n", in.Metadata)
	fmt.Fprintf(&b, "matrices:   %d\n", in.Matrices)
	fmt.Fprintf(&b, "parsed:     %d (index pages in parsed form, and projects built from them)\n", in.Parsed)
	fmt.Fprintf(&b, "checks:     %d (results kept for a check run again as before)\n", checks)
	for _, c := range in.Corrupt {
		fmt.Fprintf(&b, "damaged:    %s (moved aside; depsolve cache clean removes it)\n", c)
	}
	u.print(b.String())
}
