package fakeindex

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
)

func testSnapshot() *Snapshot {
	var s Snapshot
	err := json.Unmarshal([]byte(`{"packages": {
		"Torch": {"2.5.1": {"requires_python": ">=3.9", "requires_dist": ["filelock", "numpy; extra == \"np\""],
		                    "wheels": [{"filename": "torch-2.5.1-cp311-cp311-manylinux1_x86_64.whl"}]},
		          "2.5.1+cu121": {"index": "pytorch-cu121", "wheels": [{"filename": "torch-2.5.1+cu121-cp311-cp311-linux_x86_64.whl"}]}},
		"filelock": {"3.16.1": {"sdist": true, "yanked": "broken"}}}}`), &s)
	if err != nil {
		panic(err)
	}
	return &s
}

func get(t *testing.T, url string, header ...string) (*http.Response, []byte) {
	t.Helper()
	req, _ := http.NewRequest("GET", url, nil)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp, body
}

func TestBuildIsDeterministic(t *testing.T) {
	a, err := Build(testSnapshot())
	if err != nil {
		t.Fatal(err)
	}
	b, _ := Build(testSnapshot())
	for index, projects := range a.Files {
		for p, files := range projects {
			for i, f := range files {
				if f.SHA256 != b.Files[index][p][i].SHA256 {
					t.Errorf("%s: hash differs between builds", f.Filename)
				}
			}
		}
	}
	w := a.Files["pypi"]["torch"][0]
	zr, err := zip.NewReader(bytes.NewReader(w.Data), int64(len(w.Data)))
	if err != nil {
		t.Fatal(err)
	}
	var meta []byte
	for _, f := range zr.File {
		if f.Name == "Torch-2.5.1.dist-info/METADATA" {
			rc, _ := f.Open()
			meta, _ = io.ReadAll(rc)
		}
	}
	if !strings.Contains(string(meta), "Provides-Extra: np") || !strings.Contains(string(meta), "Requires-Python: >=3.9") {
		t.Fatalf("METADATA:\n%s", meta)
	}
}

func TestServe(t *testing.T) {
	ix, err := Build(testSnapshot())
	if err != nil {
		t.Fatal(err)
	}
	s := Serve(ix, Options{})
	defer s.Close()

	resp, body := get(t, s.IndexURL("pypi")+"torch/", "Accept", jsonType)
	if resp.Header.Get("Content-Type") != jsonType || !strings.Contains(string(body), `"core-metadata"`) {
		t.Fatalf("JSON page: %s %s", resp.Header.Get("Content-Type"), body)
	}
	_, body = get(t, s.IndexURL("pypi")+"filelock/")
	if !strings.Contains(string(body), `data-yanked="broken"`) || !strings.Contains(string(body), "filelock-3.16.1.tar.gz#sha256=") {
		t.Fatalf("HTML page: %s", body)
	}
	_, body = get(t, s.IndexURL("pytorch-cu121")+"torch/")
	if !strings.Contains(string(body), "torch-2.5.1+cu121-cp311-cp311-linux_x86_64.whl") {
		t.Fatalf("local-version index page: %s", body)
	}
	w := ix.Files["pypi"]["torch"][0]
	resp, body = get(t, s.URL+"/files/pypi/"+w.Filename, "Range", "bytes=-22")
	if resp.StatusCode != http.StatusPartialContent || !bytes.Equal(body, w.Data[len(w.Data)-22:]) {
		t.Fatalf("range request: %d, %d bytes", resp.StatusCode, len(body))
	}
	_, body = get(t, s.URL+"/files/pypi/"+w.Filename+".metadata")
	if !bytes.Equal(body, w.Metadata) {
		t.Fatal("metadata file differs")
	}
	resp, _ = get(t, s.IndexURL("pypi")+"torch/", "If-None-Match", resp.Header.Get("ETag"))
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("a stale ETag got %d", resp.StatusCode)
	}
	s.SetDown(true)
	if resp, _ := get(t, s.IndexURL("pypi")); resp.StatusCode != http.StatusServiceUnavailable {
		t.Fatalf("down index answered %d", resp.StatusCode)
	}
}
