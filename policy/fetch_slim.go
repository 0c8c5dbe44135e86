//go:build slim

package policy

import (
	"context"
	"fmt"

	"github.com/depsolve/depsolve/internal/slim"
)

func fetchHTTPS(context.Context, string) ([]byte, error) {
	return nil, fmt.Errorf("fetching it: %w", slim.ErrNeedsFull)
}
