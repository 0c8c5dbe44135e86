package image

import (
	"context"
	"path/filepath"
	"slices"
	"testing"

	"github.com/depsolve/depsolve/internal/runlog"
)

// TestReadIsUnrepeatable: an image, in a registry or on disk, is more to compare than
// to read; a run that reads one, or its layer IDs, cannot be checked again cheaply.
func TestReadIsUnrepeatable(t *testing.T) {
	ref := "oci:" + filepath.Join(t.TempDir(), "nowhere")
	for name, read := range map[string]func() error{
		"Read":     func() error { _, err := Read(context.Background(), ref, Options{}); return err },
		"LayerIDs": func() error { _, err := LayerIDs(context.Background(), ref, Options{}); return err },
	} {
		t.Run(name, func(t *testing.T) {
			l := runlog.Start()
			defer l.Stop()
			if err := read(); err == nil {
				t.Fatalf("read %s", ref)
			}
			if got, want := l.Unrepeatable(), []string{"reading a container image"}; !slices.Equal(got, want) {
				t.Errorf("unrepeatable for %q, want %q", got, want)
			}
		})
	}
}
