package image

import (
	"errors"
	"fmt"
	"net/http"

	"github.com/google/go-containerregistry/pkg/v1/remote/transport"

	"github.com/depsolve/depsolve/redact"
)

// RefError is an image reference that does not parse.
type RefError struct {
	Ref    string
	Reason string
}

func (e *RefError) Error() string {
	return fmt.Sprintf("image reference %q: %s; want REGISTRY/REPOSITORY:TAG, REGISTRY/REPOSITORY@sha256:DIGEST, oci:DIR[:TAG] or docker-archive:FILE[:REPOSITORY:TAG]", e.Ref, e.Reason)
}

// NotFoundError is an image, tag, layout or archive that does not exist.
type NotFoundError struct {
	Ref  string
	What string // "no such image on the registry (MANIFEST_UNKNOWN)", "no tag "v2" in the layout", …
}

func (e *NotFoundError) Error() string { return "image " + e.Ref + ": " + e.What }

// AccessError is a registry that could not be read: network, authentication, a server
// failure. Its message has every URL masked.
type AccessError struct {
	Ref        string
	StatusCode int // 0 without an HTTP answer
	Err        error
}

func (e *AccessError) Error() string {
	return "image " + e.Ref + ": reading the registry: " + redact.Text(e.Err.Error())
}

func (e *AccessError) Unwrap() error { return e.Err }

// Hint says what to do about the failure.
func (e *AccessError) Hint() string {
	switch e.StatusCode {
	case http.StatusUnauthorized, http.StatusForbidden:
		return "log in to the registry (docker login, or a credential helper in ~/.docker/config.json) with an account that may pull the image"
	case 0:
		return "check the registry's name and your network; for air-gapped CI, read a `docker save` tarball (docker-archive:FILE) or an OCI layout (oci:DIR) instead"
	}
	return "the registry failed; try again later, or read the image from a `docker save` tarball (docker-archive:FILE) or an OCI layout (oci:DIR)"
}

// ContentError is an image whose content is broken or beyond what depsolve reads.
type ContentError struct {
	Ref   string
	Layer string // the layer's digest, "" when about the image as a whole
	Err   error
}

func (e *ContentError) Error() string {
	where := "image " + e.Ref
	if e.Layer != "" {
		where += ", layer " + e.Layer
	}
	return where + ": " + redact.Text(e.Err.Error())
}

func (e *ContentError) Unwrap() error { return e.Err }

// remoteError turns a go-containerregistry failure into NotFoundError or AccessError.
func remoteError(ref string, err error) error {
	var te *transport.Error
	if errors.As(err, &te) {
		if te.StatusCode == http.StatusNotFound {
			what := "no such image on the registry"
			for _, d := range te.Errors {
				what += " (" + string(d.Code) + ")"
				break
			}
			return &NotFoundError{Ref: ref, What: what}
		}
		return &AccessError{Ref: ref, StatusCode: te.StatusCode, Err: err}
	}
	return &AccessError{Ref: ref, Err: err}
}
