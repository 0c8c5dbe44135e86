//go:build slim

package index

import (
	"context"
	"fmt"
	"net/textproto"

	"github.com/depsolve/depsolve/internal/slim"
	"github.com/depsolve/depsolve/redact"
)

type transport struct{}

func newTransport(*client) *transport { return nil }

func (c *client) send(_ context.Context, f fetch) (int, textproto.MIMEHeader, error) {
	return 0, nil, fmt.Errorf("GET %s: %w", redact.URL(f.url), slim.ErrNeedsFull)
}

// untrustedCertificate is false: a slim build makes no request.
func untrustedCertificate(error) bool { return false }
