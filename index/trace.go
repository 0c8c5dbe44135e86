package index

import (
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/depsolve/depsolve/redact"
)

// A TraceEvent is one thing the index did, for a user who asks to see them
// (depsolve -v): a request with its status and time, a page or metadata served
// from the cache, the sources a project's files come from.
type TraceEvent struct {
	Kind string // "request", "cache" or "index"
	Text string // one line; URLs redacted, values from a server quoted
	// Detail marks what only a user asking for everything wants: failed attempts
	// that were retried, metadata served from the cache.
	Detail bool
}

// trace tells Options.Trace of an event; the text is only built when someone listens.
func (ix *Index) trace(kind string, detail bool, format string, args ...any) {
	if ix.opts.Trace != nil {
		ix.opts.Trace(TraceEvent{Kind: kind, Detail: detail, Text: fmt.Sprintf(format, args...)})
	}
}

// traceSources says where a project's files were looked for and found.
func (ix *Index) traceSources(name string, lists []sourceFiles, pages []sourcePage) {
	if ix.opts.Trace == nil {
		return
	}
	var from []string
	for _, l := range lists {
		if len(l.files) > 0 {
			from = append(from, "find-links "+l.src.display)
		}
	}
	for _, p := range pages {
		from = append(from, p.src.display)
	}
	how := "first-index: later indexes are not asked"
	if ix.opts.Strategy == UnsafeBestMatch {
		how = "unsafe-best-match: every index's versions are candidates"
	}
	if len(from) == 0 {
		ix.trace("index", false, "%s: no source has it", name)
		return
	}
	ix.trace("index", false, "%s: from %s (%s)", name, strings.Join(from, ", "), how)
}

// traceRequest tells of a request that ended, with its final status, or its error,
// and what it was for.
func (c *client) traceRequest(u *url.URL, f fetch, status, attempts int, started time.Time, err error) {
	if c.trace == nil {
		return
	}
	what := c.requestKind(f)
	if attempts > 1 {
		what += fmt.Sprintf(", %d attempts", attempts)
	}
	result := fmt.Sprint(status)
	if err != nil {
		result = "failed"
	}
	c.trace(TraceEvent{Kind: "request", Text: fmt.Sprintf("GET %s %s %dms (%s)", redact.URL(u.String()), result, time.Since(started).Milliseconds(), what)})
}

// requestKind names what a request fetches, by the counter it counts on.
func (c *client) requestKind(f fetch) string {
	switch f.count {
	case &c.stats.pages:
		if f.header.Get("If-None-Match") != "" || f.header.Get("If-Modified-Since") != "" {
			return "page, revalidating the cached copy"
		}
		return "page, not in the cache"
	case &c.stats.metadataFiles:
		return "metadata file"
	case &c.stats.ranges:
		return "range read " + f.header.Get("Range")
	case &c.stats.downloads:
		return "download"
	}
	return "file"
}
