package main

import (
	"archive/tar"
	"archive/zip"
	"compress/gzip"
	"io"
	"io/fs"
	"time"
)

// archiveFile is one file of an archive or a wheel.
type archiveFile struct {
	name string
	data []byte
	mode fs.FileMode
}

// writeTarGz writes files under the folder dir, owned by root, dated epoch: nothing of the
// build machine (owner names, times) gets in, so the bytes depend on the files alone.
func writeTarGz(w io.Writer, dir string, files []archiveFile, epoch time.Time) error {
	gz := gzip.NewWriter(w) // no name or time in the gzip header
	tw := tar.NewWriter(gz)
	if err := tw.WriteHeader(&tar.Header{Typeflag: tar.TypeDir, Name: dir + "/", Mode: 0o755, ModTime: epoch, Format: tar.FormatPAX}); err != nil {
		return err
	}
	for _, f := range files {
		hdr := &tar.Header{Typeflag: tar.TypeReg, Name: dir + "/" + f.name, Mode: int64(f.mode), Size: int64(len(f.data)), ModTime: epoch, Format: tar.FormatPAX}
		if err := tw.WriteHeader(hdr); err != nil {
			return err
		}
		if _, err := tw.Write(f.data); err != nil {
			return err
		}
	}
	if err := tw.Close(); err != nil {
		return err
	}
	return gz.Close()
}

// writeZip writes files under the folder dir (none when dir is ""), dated epoch, with
// their Unix modes (so an unpacked binary stays executable).
func writeZip(w io.Writer, dir string, files []archiveFile, epoch time.Time) error {
	zw := zip.NewWriter(w)
	prefix := ""
	if dir != "" {
		prefix = dir + "/"
		hdr := &zip.FileHeader{Name: prefix, Modified: epoch}
		hdr.SetMode(fs.ModeDir | 0o755)
		if _, err := zw.CreateHeader(hdr); err != nil {
			return err
		}
	}
	for _, f := range files {
		hdr := &zip.FileHeader{Name: prefix + f.name, Method: zip.Deflate, Modified: epoch}
		hdr.SetMode(f.mode)
		fw, err := zw.CreateHeader(hdr)
		if err != nil {
			return err
		}
		if _, err := fw.Write(f.data); err != nil {
			return err
		}
	}
	return zw.Close()
}
