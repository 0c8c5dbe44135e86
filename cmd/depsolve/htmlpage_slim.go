//go:build slim

package main

import (
	"fmt"

	"github.com/depsolve/depsolve/internal/slim"
)

// renderHTMLReport leaves the HTML report to depsolve-full (see htmlpage.go).
func renderHTMLReport(htmlReport) ([]byte, error) {
	return nil, fmt.Errorf("the HTML size report: %w", slim.ErrNeedsFull)
}
