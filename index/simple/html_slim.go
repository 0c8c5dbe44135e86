//go:build slim

package simple

import (
	"fmt"
	"io"

	"github.com/depsolve/depsolve/internal/slim"
	"github.com/depsolve/depsolve/redact"
)

// parseHTML leaves PEP 503 pages to depsolve-full: the cache keeps pages parsed, so a
// warm run reads none.
func parseHTML(pageURL string, _ io.Reader) (*Page, error) {
	return nil, fmt.Errorf("HTML page %s: %w", redact.URL(pageURL), slim.ErrNeedsFull)
}
