// Package index tells the resolver which versions of a project exist and what
// each needs, from package indexes and --find-links locations. *Index
// implements resolver.Index; it reports facts and decides nothing beyond which
// file of a version suits the target.
//
// Sources, in the order a project's files are taken from them:
//
//   - --find-links folders (read directly) and pages (HTML lists of links);
//     their files join every project's;
//   - the indexes: each --extra-index-url in order, then --index-url (PyPI by
//     default), as uv orders them. With FirstIndex (the default) the first
//     index that has a page for the project is the only one asked, so a public
//     index cannot shadow a private one; UnsafeBestMatch merges them all.
//
// A version listed by several sources takes all its files from the first.
//
// Project pages come from the simple API (package simple: PEP 691 JSON asked
// for with Accept, PEP 503 HTML otherwise). A version's files are ranked for
// the target (package wheel): compatible wheels by tag preference, then higher
// build tags, then source distributions. A version with no usable file is
// listed with Release.Unavailable saying why ("no wheel for glibc 2.27: its
// wheels need manylinux_2_28"). Yanked means every usable file is yanked
// (PEP 592); Requires-Python is the best file's.
//
// Core metadata is read from the best file, in this order: the cache; the
// PEP 658/714 metadata file, whose SHA-256 is checked; HTTP range requests of
// the wheel's zip central directory and METADATA entry; the whole wheel,
// whose SHA-256 is checked. A source distribution is downloaded, checked,
// and its PKG-INFO used only when its Metadata-Version is 2.2 or later and it
// does not mark Requires-Dist, Requires-Python or Provides-Extra dynamic;
// otherwise the version is unavailable: "metadata needs a build; depsolve
// never runs package code". Metadata that does not parse, names another
// project or version, or has an invalid Requires-Dist makes the version
// unavailable with that reason; nothing is ever executed.
//
// HTTP: https only, except loopback hosts and Options.TrustedHosts, and no
// redirect from https to plain http (a refused redirect is an *HTTPError, the
// index's failure). Every attempt has a stall timeout, and every request a
// deadline that covers its retries; 429, 5xx, resets, stalls, truncated bodies
// and bodies that fail their check (hash, parse) are retried with exponential
// backoff and jitter, honouring Retry-After; pages, metadata files and
// downloads have size limits. Credentials come from a URL's userinfo or
// ~/.netrc, travel in an Authorization header sent to the scheme, host and port
// they were chosen for only (a redirect elsewhere, even to another port of the
// same host, drops it), and never appear in a message, a File or the cache:
// every URL shown goes through redact.URL.
//
// The requests go through the client's transport (transport.go, net/http). A slim build
// (package internal/slim) has none: it links no net/http, and every request fails with
// slim.ErrNeedsFull before anything is sent, which prefetching drops like any failed
// guess and every other call returns, so that the command hands the run over to
// depsolve-full. A warm run sends no request, and so never meets it.
//
// Cache (package cache, optional): project pages with their ETag,
// Last-Modified and max-age, used without a request while fresh and
// revalidated when stale or with Refresh; a 404 is kept as a page of type
// "depsolve/not-found", so that offline first-index lookups work, fresh for the
// index's max-age up to 10 minutes (10 minutes when it sends none). Core metadata
// is kept for good under the SHA-256 of the metadata file (PEP 658) or of the
// distribution. Only content that passed its checks is stored. Offline serves
// the cache and local folders only, and fails with an *OfflineError for
// anything else.
//
// Sizes (sizes.go): a wheel's installed size is the sum of the uncompressed
// sizes in its zip central directory, read by range requests (or kept from the
// metadata's range reads), from the whole file where ranges are not served, or
// from disk for find-links folders; cached for good under the file's hash, as
// metadata is.
//
// Prefetching (prefetch.go) runs the likely next requests in parallel, so a
// cold resolve costs about the depth of the graph in round trips.
//
// Deviations from pip and uv: range-read metadata is cached under the
// distribution's hash without the whole file having been checked against it
// (the zip CRC-32 of METADATA is checked, as pip's lazy wheels do); metadata file
// hashes other than SHA-256 are not checked; a version listed by several
// sources is not merged across them.
package index
