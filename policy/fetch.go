//go:build !slim

package policy

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
)

// fetchHTTPS is httpsFetcher with a client of its own.
func fetchHTTPS(ctx context.Context, rawURL string) ([]byte, error) {
	return httpsFetcher(&http.Client{Timeout: FetchTimeout})(ctx, rawURL)
}

// httpsFetcher fetches a policy with client, within FetchTimeout and the size a
// policy may have.
func httpsFetcher(client *http.Client) func(ctx context.Context, rawURL string) ([]byte, error) {
	return func(ctx context.Context, rawURL string) ([]byte, error) {
		ctx, cancel := context.WithTimeout(ctx, FetchTimeout)
		defer cancel()
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, rawURL, nil)
		if err != nil {
			return nil, err
		}
		resp, err := client.Do(req)
		if err != nil {
			var ue *url.Error
			if errors.As(err, &ue) {
				err = ue.Err // its text repeats the URL, credentials included
			}
			return nil, err
		}
		defer resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			return nil, fmt.Errorf("HTTP %s", resp.Status)
		}
		data, err := io.ReadAll(io.LimitReader(resp.Body, maxPolicySize+1))
		if err != nil {
			return nil, err
		}
		if len(data) > maxPolicySize {
			return nil, fmt.Errorf("larger than %d bytes; a policy is a short TOML file", maxPolicySize)
		}
		return data, nil
	}
}
