package index

import (
	"archive/tar"
	"archive/zip"
	"compress/bzip2"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"os"
	"path"
	"path/filepath"
	"strings"
	"time"

	"github.com/depsolve/depsolve/internal/runlog"
	"github.com/depsolve/depsolve/pep508"
)

// wheelMETADATA reads NAME-VERSION.dist-info/METADATA out of a wheel. A wheel
// has one .dist-info folder at its root; should there be several, the one
// named for the project is taken.
func wheelMETADATA(zr *zip.Reader, name string, c *candidate, limit int64) ([]byte, error) {
	var found []*zip.File
	for _, f := range zr.File {
		dir, file, ok := strings.Cut(f.Name, "/")
		if ok && file == "METADATA" && strings.HasSuffix(dir, ".dist-info") {
			found = append(found, f)
		}
	}
	var pick *zip.File
	for _, f := range found {
		dist, _, _ := strings.Cut(strings.TrimSuffix(f.Name[:strings.Index(f.Name, "/")], ".dist-info"), "-")
		if pep508.NormalizeName(dist) == name {
			pick = f
			break
		}
	}
	if pick == nil && len(found) == 1 {
		pick = found[0]
	}
	if pick == nil {
		return nil, &unusableError{fmt.Sprintf("%s has no .dist-info/METADATA for %s", c.Filename, name)}
	}
	if pick.UncompressedSize64 > uint64(limit) {
		return nil, &unusableError{fmt.Sprintf("the METADATA of %s is larger than %d bytes", c.Filename, limit)}
	}
	r, err := pick.Open()
	if err != nil {
		return nil, err
	}
	defer r.Close()
	return io.ReadAll(io.LimitReader(r, limit)) // archive/zip checks the CRC-32 at the end
}

// localArchive is why reading a local file makes a run unrepeatable: a wheel or source
// distribution is more to compare than to read.
const localArchive = "a local archive (of a find-links folder, or a file: URL)"

// localMetadata reads the metadata of a file in a find-links folder.
func (ix *Index) localMetadata(name string, c *candidate) ([]byte, error) {
	runlog.Unrepeatable(localArchive)
	if c.wheel != nil {
		zr, err := zip.OpenReader(c.localPath)
		if err != nil {
			return nil, &unusableError{fmt.Sprintf("%s is not a readable wheel: %v", c.localPath, err)}
		}
		defer zr.Close()
		data, err := wheelMETADATA(&zr.Reader, name, c, ix.client.opts.MaxMetadataSize)
		if err != nil {
			var bad *unusableError
			if !errors.As(err, &bad) {
				err = &unusableError{fmt.Sprintf("%s: %v", c.localPath, err)}
			}
			return nil, err
		}
		return data, nil
	}
	return sdistPKGINFO(c.localPath, c.Filename, ix.client.opts.MaxMetadataSize)
}

// downloadWheelMetadata downloads a whole wheel, checks its hash, and reads
// its METADATA: the last resort, for servers without range requests.
func (ix *Index) downloadWheelMetadata(ctx context.Context, name string, c *candidate) ([]byte, error) {
	f, err := ix.download(ctx, c)
	if err != nil {
		return nil, err
	}
	defer removeTemp(f)
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	zr, err := zip.NewReader(f, st.Size())
	if err != nil {
		return nil, &unusableError{fmt.Sprintf("%s is not a readable wheel: %v", c.Filename, err)}
	}
	data, err := wheelMETADATA(zr, name, c, ix.client.opts.MaxMetadataSize)
	if err != nil {
		var bad *unusableError
		if !errors.As(err, &bad) {
			err = &unusableError{fmt.Sprintf("%s: %v", c.Filename, err)}
		}
		return nil, err
	}
	ix.noteSizes(c, fileHashChecked, zr, st.Size())
	return data, nil
}

// sdistMetadata downloads a source distribution, checks its hash and reads its
// PKG-INFO. Whether that can be trusted is convert's decision.
func (ix *Index) sdistMetadata(ctx context.Context, name string, c *candidate) ([]byte, error) {
	f, err := ix.download(ctx, c)
	if err != nil {
		return nil, err
	}
	defer removeTemp(f)
	data, err := sdistPKGINFO(f.Name(), c.Filename, ix.client.opts.MaxMetadataSize)
	if err != nil {
		return nil, err
	}
	ix.storeMetadata(c, fileHashChecked, data)
	return data, nil
}

// download fetches a whole distribution into a temporary file, checking its
// size limit and, when the index gives one, its SHA-256 (a mismatch is
// retried, then reported).
func (ix *Index) download(ctx context.Context, c *candidate) (*os.File, error) {
	f, err := os.CreateTemp(ix.opts.TempDir, downloadPrefix+"*")
	if err != nil {
		return nil, err
	}
	limit := ix.client.opts.MaxDownloadSize
	_, _, err = ix.client.do(ctx, fetch{
		url: c.URL, count: &ix.stats.downloads,
		sink: func(ans answer, body io.Reader) error {
			if ans.contentLength > limit {
				return &tooLargeError{limit: limit}
			}
			if _, err := f.Seek(0, io.SeekStart); err != nil {
				return err
			}
			if err := f.Truncate(0); err != nil {
				return err
			}
			h := sha256.New()
			n, err := io.Copy(io.MultiWriter(f, h), io.LimitReader(body, limit+1))
			if err != nil {
				return err
			}
			if n > limit {
				return &tooLargeError{limit: limit}
			}
			return checkDigest(h, c.SHA256, c.hashFrom)
		},
	})
	if err != nil {
		removeTemp(f)
		return nil, err
	}
	return f, nil
}

// hashRemote reads a remote file through SHA-256 without keeping it.
func (ix *Index) hashRemote(ctx context.Context, c *candidate) (string, int64, error) {
	limit := ix.client.opts.MaxDownloadSize
	var sum string
	var size int64
	_, _, err := ix.client.do(ctx, fetch{
		url: c.URL, count: &ix.stats.downloads,
		sink: func(ans answer, body io.Reader) error {
			if ans.contentLength > limit {
				return &tooLargeError{limit: limit}
			}
			h := sha256.New()
			n, err := io.Copy(h, io.LimitReader(body, limit+1))
			if err != nil {
				return err
			}
			if n > limit {
				return &tooLargeError{limit: limit}
			}
			sum, size = hex.EncodeToString(h.Sum(nil)), n
			return nil
		},
	})
	return sum, size, err
}

func checkDigest(h hash.Hash, want, from string) error {
	got := hex.EncodeToString(h.Sum(nil))
	if want != "" && got != want {
		return &badBodyError{&digestError{got: got, want: want, from: from}}
	}
	return nil
}

// digestError is a file whose SHA-256 is not the one its source gives.
type digestError struct {
	got, want string
	from      string // candidate.hashFrom: "" for the index
}

func (e *digestError) Error() string {
	from := e.from
	if from == "" {
		from = "the index"
	}
	return fmt.Sprintf("file has sha256 %s, %s says %s", e.got, from, e.want)
}

// downloadPrefix starts the name of every download file.
const downloadPrefix = "depsolve-dist-"

// staleDownloadAge is how long a download file goes unmodified before it is taken to be
// a killed run's: a live run writes its downloads as the bytes arrive and removes each
// within moments of the last.
const staleDownloadAge = time.Hour

// RemoveStaleDownloads removes the download files in dir that a run killed before it
// could remove them (kill -9, a power cut) left behind: those not modified for an hour.
// It is housekeeping: a file it cannot remove is left for the next run.
func RemoveStaleDownloads(dir string, now time.Time) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	for _, e := range entries {
		if !e.Type().IsRegular() || !strings.HasPrefix(e.Name(), downloadPrefix) {
			continue
		}
		if fi, err := e.Info(); err == nil && now.Sub(fi.ModTime()) > staleDownloadAge {
			os.Remove(filepath.Join(dir, e.Name()))
		}
	}
}

func removeTemp(f *os.File) {
	f.Close()
	os.Remove(f.Name())
}

// hashFile returns the SHA-256 and size of a local file.
func hashFile(path string) (string, int64, error) {
	runlog.Unrepeatable(localArchive)
	f, err := os.Open(path)
	if err != nil {
		return "", 0, err
	}
	defer f.Close()
	h := sha256.New()
	n, err := io.Copy(h, f)
	if err != nil {
		return "", 0, err
	}
	return hex.EncodeToString(h.Sum(nil)), n, nil
}

// maxUnpacked bounds the decompressed bytes read from a tarred sdist.
const maxUnpacked = 2 << 30

// sdistPKGINFO reads TOP/PKG-INFO out of a source distribution (.tar.gz,
// .tgz, .tar.bz2, .tar or .zip), where TOP is its single top-level folder.
func sdistPKGINFO(file, filename string, limit int64) ([]byte, error) {
	unusable := func(format string, args ...any) error {
		return &unusableError{fmt.Sprintf("%s (%s: %s)", needsBuild, filename, fmt.Sprintf(format, args...))}
	}
	isPKGINFO := func(name string) bool {
		name = strings.TrimPrefix(path.Clean(name), "./")
		dir, file, ok := strings.Cut(name, "/")
		return ok && dir != "" && file == "PKG-INFO"
	}
	if strings.HasSuffix(filename, ".zip") {
		zr, err := zip.OpenReader(file)
		if err != nil {
			return nil, unusable("not a readable zip: %v", err)
		}
		defer zr.Close()
		for _, f := range zr.File {
			if isPKGINFO(f.Name) {
				r, err := f.Open()
				if err != nil {
					return nil, unusable("%v", err)
				}
				defer r.Close()
				data, err := io.ReadAll(io.LimitReader(r, limit))
				if err != nil {
					return nil, unusable("%v", err)
				}
				return data, nil
			}
		}
		return nil, unusable("no PKG-INFO")
	}
	f, err := os.Open(file)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var r io.Reader = f
	switch {
	case strings.HasSuffix(filename, ".tar.gz"), strings.HasSuffix(filename, ".tgz"):
		gz, err := gzip.NewReader(f)
		if err != nil {
			return nil, unusable("not a readable gzip file: %v", err)
		}
		defer gz.Close()
		r = gz
	case strings.HasSuffix(filename, ".tar.bz2"):
		r = bzip2.NewReader(f)
	}
	// A bound on the decompressed stream: reaching PKG-INFO may mean reading
	// through other members, and a small archive can inflate without end.
	tr := tar.NewReader(io.LimitReader(r, maxUnpacked))
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return nil, unusable("no PKG-INFO")
		}
		if err != nil {
			return nil, unusable("not a readable tar file: %v", err)
		}
		if h.Typeflag == tar.TypeReg && isPKGINFO(h.Name) {
			data, err := io.ReadAll(io.LimitReader(tr, limit))
			if err != nil {
				return nil, unusable("%v", err)
			}
			return data, nil
		}
	}
}
