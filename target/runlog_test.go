package target

import (
	"context"
	"path/filepath"
	"slices"
	"testing"

	"github.com/depsolve/depsolve/internal/runlog"
)

// capabilityCatalog is a Catalog that knows GPU capabilities alone, all Detect asks.
type capabilityCatalog struct{ Catalog }

func (capabilityCatalog) GPUCapability(name string) (string, bool) { return testCapabilities(name) }

// TestDetectIsUnrepeatable: what the machine answers (nvidia-smi, /proc, the Python on
// the PATH) is not a file a later run could compare.
func TestDetectIsUnrepeatable(t *testing.T) {
	sys := loadRecorded(t, filepath.Join("testdata", "nvidia-smi", "h100-x8.txt"))
	l := runlog.Start()
	defer l.Stop()
	Detect(context.Background(), sys, capabilityCatalog{})
	if got, want := l.Unrepeatable(), []string{"detecting the machine (--detect)"}; !slices.Equal(got, want) {
		t.Errorf("unrepeatable for %q, want %q", got, want)
	}
}
