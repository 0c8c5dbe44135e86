//go:build slim

package engine

import (
	"context"
	"fmt"
	"time"

	"github.com/depsolve/depsolve/cache"
	"github.com/depsolve/depsolve/internal/slim"
	"github.com/depsolve/depsolve/target"
)

func readImage(_ context.Context, ref string, _ *cache.Cache, _ time.Duration) (*target.ImageContents, error) {
	return nil, fmt.Errorf("base image %s: %w", ref, slim.ErrNeedsFull)
}

func imageLayerIDs(_ context.Context, ref string, _ time.Duration) ([]string, error) {
	return nil, fmt.Errorf("image %s: %w", ref, slim.ErrNeedsFull)
}
