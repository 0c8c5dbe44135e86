//go:build slim

package engine

import (
	"fmt"
	"os"

	"github.com/depsolve/depsolve/internal/slim"
)

// refuseReadOnce leaves a file that gives its content to its first reader only (a
// pipe, a device: -r /dev/stdin in a requirements file) to depsolve-full: read here,
// and the run handed over for the network, depsolve-full would read it empty and
// resolve nothing ("ok: 0 packages consistent").
func refuseReadOnce(name string) error {
	if fi, err := os.Stat(name); err == nil && !fi.Mode().IsRegular() && !fi.IsDir() {
		return fmt.Errorf("%s gives its content once: %w", name, slim.ErrNeedsFull)
	}
	return nil
}
