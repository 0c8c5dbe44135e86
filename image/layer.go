package image

import (
	"archive/tar"
	"bufio"
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"path"
	"regexp"
	"strconv"
	"strings"
	"sync"

	"github.com/klauspost/compress/zstd"

	v1 "github.com/google/go-containerregistry/pkg/v1"

	"github.com/depsolve/depsolve/cache"
	"github.com/depsolve/depsolve/index/coremeta"
	"github.com/depsolve/depsolve/internal/wire"
	"github.com/depsolve/depsolve/pep440"
	"github.com/depsolve/depsolve/pep508"
)

// A record is one thing a layer holds that Read reports, or hides from the
// layers below it.
type record struct {
	kind byte
	path string // in the image, without a leading slash
	a, b string // dist: name, version; lib: name, version; glibc, python: version; note: text
}

const (
	kindDist     = 'd'
	kindLib      = 'l'
	kindGlibc    = 'g'
	kindPython   = 'p'
	kindWhiteout = 'w' // path and everything under it, in lower layers
	kindOpaque   = 'o' // everything under path, in lower layers
	kindNote     = 'n'
	kindUnpacked = 's' // a: the bytes of the layer's tar stream, decimal
)

type findings struct{ records []record }

// findingsEncoding tags cached findings; a change of what a layer's scan finds or
// how it is written is a new number, so older entries read as misses.
const findingsEncoding = 2

func (f *findings) encode() []byte {
	b := []byte{findingsEncoding}
	b = wire.AppendUvarint(b, uint64(len(f.records)))
	for _, r := range f.records {
		b = append(b, r.kind)
		b = wire.AppendString(b, r.path)
		b = wire.AppendString(b, r.a)
		b = wire.AppendString(b, r.b)
	}
	return b
}

func decodeFindings(data []byte) (*findings, error) {
	r := wire.NewReader(data)
	if r.Byte() != findingsEncoding {
		return nil, wire.ErrMalformed
	}
	n := r.Count(4)
	f := &findings{records: make([]record, 0, n)}
	for range n {
		f.records = append(f.records, record{kind: r.Byte(), path: r.String(), a: r.String(), b: r.String()})
	}
	if err := r.Done(); err != nil {
		return nil, err
	}
	return f, nil
}

// layer returns what a layer holds: from the cache, or by streaming it once.
func (r *reader) layer(img v1.Image, d v1.Descriptor) (*findings, bool, error) {
	key := ""
	if d.Digest.Algorithm == "sha256" {
		key = cache.LayerKey(d.Digest.Hex)
		if data, found, err := r.opts.Cache.GetLayer(key); err == nil && found {
			if f, err := decodeFindings(data); err == nil {
				return f, true, nil
			}
		}
	}
	l, err := img.LayerByDigest(d.Digest)
	if err != nil {
		return nil, false, r.fail(d.Digest.String(), err)
	}
	rc, err := l.Compressed()
	if err != nil {
		return nil, false, r.fail(d.Digest.String(), err)
	}
	defer rc.Close()
	f, err := r.scan(rc, d)
	if err != nil {
		return nil, false, err
	}
	if key != "" {
		_ = r.opts.Cache.PutLayer(key, f.encode())
	}
	return f, false, nil
}

// sourceReader remembers the first failure of the layer's own stream, so that a
// network failure is told from a layer that is not a tar stream.
type sourceReader struct {
	r   io.Reader
	n   int64
	err error
}

func (s *sourceReader) Read(p []byte) (int, error) {
	n, err := s.r.Read(p)
	s.n += int64(n)
	if err != nil && err != io.EOF && s.err == nil {
		s.err = err
	}
	return n, err
}

var (
	gzipMagic = []byte{0x1f, 0x8b}
	zstdMagic = []byte{0x28, 0xb5, 0x2f, 0xfd}
)

// scan streams a layer (gzip, zstd or plain tar) through its digest check and
// collects its records. Nothing of it is kept but the records.
func (r *reader) scan(rc io.Reader, d v1.Descriptor) (*findings, error) {
	digest := d.Digest.String()
	h := sha256.New()
	src := &sourceReader{r: io.TeeReader(rc, h)}
	br := bufio.NewReaderSize(src, 64<<10)
	broken := func(err error) error {
		if src.err != nil {
			return r.fail(digest, src.err)
		}
		return &ContentError{Ref: r.ref, Layer: digest, Err: err}
	}
	magic, _ := br.Peek(4)
	var stream io.Reader = br
	switch {
	case bytes.HasPrefix(magic, gzipMagic):
		gz, err := gzip.NewReader(br)
		if err != nil {
			return nil, broken(fmt.Errorf("not a readable gzip stream: %w", err))
		}
		defer gz.Close()
		stream = gz
	case bytes.HasPrefix(magic, zstdMagic):
		zr, err := zstd.NewReader(br, zstd.WithDecoderConcurrency(1))
		if err != nil {
			return nil, broken(fmt.Errorf("not a readable zstd stream: %w", err))
		}
		defer zr.Close()
		stream = zr
	}
	f := &findings{}
	unpacked := &sourceReader{r: stream}
	stream = unpacked
	tr := tar.NewReader(stream)
	for {
		if err := r.ctx.Err(); err != nil {
			return nil, err
		}
		hdr, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, broken(fmt.Errorf("not a readable tar stream: %w", err))
		}
		recs, err := r.entry(hdr, tr)
		if err != nil {
			return nil, broken(err)
		}
		f.records = append(f.records, recs...)
		if len(f.records) > r.opts.MaxFindings {
			return nil, &ContentError{Ref: r.ref, Layer: digest, Err: fmt.Errorf("more than %d whiteouts, distributions and libraries in one layer; depsolve stops reading there", r.opts.MaxFindings)}
		}
	}
	// What follows the tar's end still counts for the digest.
	if _, err := io.Copy(io.Discard, stream); err != nil {
		return nil, broken(fmt.Errorf("after the tar stream: %w", err))
	}
	if _, err := io.Copy(io.Discard, br); err != nil {
		return nil, broken(err)
	}
	if got := hex.EncodeToString(h.Sum(nil)); d.Digest.Algorithm == "sha256" && got != d.Digest.Hex {
		return nil, &ContentError{Ref: r.ref, Layer: digest, Err: fmt.Errorf("the layer's content has sha256:%s, not the digest the manifest gives", got)}
	}
	if d.Size > 0 && src.n != d.Size {
		return nil, &ContentError{Ref: r.ref, Layer: digest, Err: fmt.Errorf("the layer has %d bytes, the manifest says %d", src.n, d.Size)}
	}
	f.records = append(f.records, record{kind: kindUnpacked, a: strconv.FormatInt(unpacked.n, 10)})
	return f, nil
}

var (
	// cudaLib matches the file names of the CUDA libraries a base image ships,
	// with their version: libcudart.so.12.4.127, libcudnn.so.9.1.0, libnccl.so.2.21.5.
	cudaLib = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`^(lib(?:cudart|cudnn(?:_[a-z_]+)?|cublas|cublasLt|cufft|curand|cusolver|cusparse|nvrtc|nvJitLink|nccl|cupti|nvToolsExt))\.so\.([0-9]+(?:\.[0-9]+)*)$`)
	})
	// libcVersioned is glibc before 2.34, which named libc by its version.
	libcVersioned = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^libc-([0-9]+\.[0-9]+)\.so$`) })
	interpreter   = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`^(?:usr/(?:local/)?)?bin/python([0-9]+\.[0-9]+)$`)
	})
)

// entry reads one tar entry: a whiteout, a METADATA, a CUDA library, libc, or
// an interpreter yields a record; anything else nothing.
func (r *reader) entry(hdr *tar.Header, body io.Reader) ([]record, error) {
	p := strings.TrimPrefix(path.Clean("/"+hdr.Name), "/")
	dir, base := path.Split(p)
	dir = strings.TrimSuffix(dir, "/")
	switch {
	case base == ".wh..wh..opq":
		return []record{{kind: kindOpaque, path: dir}}, nil
	case strings.HasPrefix(base, ".wh."):
		return []record{{kind: kindWhiteout, path: path.Join(dir, strings.TrimPrefix(base, ".wh."))}}, nil
	}
	regular := hdr.Typeflag == tar.TypeReg || hdr.Typeflag == tar.TypeRegA
	linked := regular || hdr.Typeflag == tar.TypeSymlink || hdr.Typeflag == tar.TypeLink
	if m := cudaLib().FindStringSubmatch(base); m != nil && linked {
		return []record{{kind: kindLib, path: p, a: m[1], b: m[2]}}, nil
	}
	if m := interpreter().FindStringSubmatch(p); m != nil && linked {
		return []record{{kind: kindPython, path: p, a: m[1]}}, nil
	}
	if !regular {
		return nil, nil
	}
	if base == "METADATA" && strings.HasSuffix(dir, ".dist-info") {
		if site := path.Base(path.Dir(dir)); site == "site-packages" || site == "dist-packages" {
			return r.metadata(p, hdr, body)
		}
	}
	if !inLibDir(dir) {
		return nil, nil
	}
	if m := libcVersioned().FindStringSubmatch(base); m != nil {
		return []record{{kind: kindGlibc, path: p, a: m[1]}}, nil
	}
	if base == "libc.so.6" {
		if v := glibcVersion(body); v != "" {
			return []record{{kind: kindGlibc, path: p, a: v}}, nil
		}
	}
	return nil, nil
}

// inLibDir reports whether dir is one of the system library folders.
func inLibDir(dir string) bool {
	for _, prefix := range []string{"lib", "lib64", "usr/lib", "usr/lib64"} {
		if dir == prefix || strings.HasPrefix(dir, prefix+"/") && !strings.Contains(dir, "-packages") {
			return true
		}
	}
	return false
}

// metadata reads an installed distribution's METADATA, bounded.
func (r *reader) metadata(p string, hdr *tar.Header, body io.Reader) ([]record, error) {
	note := func(format string, args ...any) []record {
		return []record{{kind: kindNote, path: p, a: fmt.Sprintf("/%s: %s", p, fmt.Sprintf(format, args...))}}
	}
	if hdr.Size > r.opts.MaxMetadataSize {
		return note("%d bytes, over the %d-byte limit; left out", hdr.Size, r.opts.MaxMetadataSize), nil
	}
	data, err := io.ReadAll(io.LimitReader(body, r.opts.MaxMetadataSize))
	if err != nil {
		return nil, err
	}
	m, err := coremeta.Parse(data)
	if err != nil {
		return note("%v; left out", err), nil
	}
	if _, err := pep440.Parse(m.Version); err != nil {
		return note("version %q: %v; left out", m.Version, err), nil
	}
	return []record{{kind: kindDist, path: p, a: pep508.NormalizeName(m.Name), b: m.Version}}, nil
}

// glibcVersion finds glibc's version string ("GNU C Library (Ubuntu GLIBC
// 2.35-0ubuntu3.8) stable release version 2.35.") among libc.so.6's
// NUL-terminated strings, reading it through a small buffer.
func glibcVersion(r io.Reader) string {
	br := bufio.NewReaderSize(r, 4096)
	for {
		s, err := br.ReadSlice(0)
		if bytes.HasPrefix(s, []byte("GNU C Library")) {
			if _, v, ok := bytes.Cut(s, []byte("release version ")); ok {
				if m := releaseNumber().Find(v); m != nil {
					return string(m)
				}
			}
		}
		if err != nil && !errors.Is(err, bufio.ErrBufferFull) {
			return ""
		}
	}
}

var releaseNumber = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[0-9]+\.[0-9]+`) })
