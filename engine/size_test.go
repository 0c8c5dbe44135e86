package engine

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/depsolve/depsolve/internal/fakeindex"
	"github.com/depsolve/depsolve/matrix"
	"github.com/depsolve/depsolve/target"
)

// sizedIndex serves a snapshot whose wheels carry payloads, and returns the index URL
// and the installed size of each project's wheel, read from the wheels' own zip
// directories (the test does not trust the code it tests to read them).
func sizedIndex(t *testing.T, snapshot string, opts fakeindex.Options) (string, map[string]int64) {
	t.Helper()
	var snap fakeindex.Snapshot
	if err := json.Unmarshal([]byte(snapshot), &snap); err != nil {
		t.Fatal(err)
	}
	ix, err := fakeindex.Build(&snap)
	if err != nil {
		t.Fatal(err)
	}
	installed := map[string]int64{}
	for name, files := range ix.Files["pypi"] {
		for _, f := range files {
			if !strings.HasSuffix(f.Filename, ".whl") {
				continue
			}
			zr, err := zip.NewReader(bytes.NewReader(f.Data), int64(len(f.Data)))
			if err != nil {
				t.Fatal(err)
			}
			var n int64
			for _, e := range zr.File {
				n += int64(e.UncompressedSize64)
			}
			installed[name] = n
		}
	}
	srv := fakeindex.Serve(ix, opts)
	t.Cleanup(srv.Close)
	return srv.IndexURL("pypi"), installed
}

// checkSized runs Check with sizes on requirements against the index, for a target.
func checkSized(t *testing.T, indexURL, requirements string, decl target.Declaration, budget int64) Verdict {
	t.Helper()
	dir := t.TempDir()
	reqs := filepath.Join(dir, "requirements.txt")
	if err := os.WriteFile(reqs, []byte(requirements), 0o644); err != nil {
		t.Fatal(err)
	}
	if decl.Python.Text == "" {
		decl.Python = target.Value{Text: "3.11.9", Origin: target.Origin{From: target.FromFlag, Detail: "--python"}}
	}
	req := Request{Requirements: []string{reqs}, IndexURL: indexURL, CacheDir: filepath.Join(dir, "cache"), Target: decl, Sizes: true, Config: filepath.Join(dir, "none.toml")}
	if err := os.WriteFile(req.Config, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if budget > 0 {
		req.MaxImageSize = target.ImageSize{Bytes: budget, Origin: target.Origin{From: target.FromFlag, Detail: "--max-image-size"}}
	}
	v, err := Check(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func flag(name, text string) target.Value {
	return target.Value{Text: text, Origin: target.Origin{From: target.FromFlag, Detail: "--" + name}}
}

func warningOf(v Verdict, code string) (Warning, bool) {
	i := slices.IndexFunc(v.Warnings, func(w Warning) bool { return w.Code == code })
	if i < 0 {
		return Warning{}, false
	}
	return v.Warnings[i], true
}

const cu12Stack = `{"packages": {
  "app": {"1.0": {"requires_dist": ["nvidia-cublas-cu12", "nvidia-cudnn-cu12", "nvidia-nvjpeg2k-cu12", "numpy"]}},
  "nvidia-cublas-cu12": {"12.4.5.8": {"wheels": [{"filename": "nvidia_cublas_cu12-12.4.5.8-py3-none-manylinux2014_x86_64.whl", "payload": 300000}]}},
  "nvidia-cudnn-cu12": {"9.1.0.70": {"wheels": [{"filename": "nvidia_cudnn_cu12-9.1.0.70-py3-none-manylinux2014_x86_64.whl", "payload": 500000}]}},
  "nvidia-nvjpeg2k-cu12": {"0.8.0.38": {"wheels": [{"filename": "nvidia_nvjpeg2k_cu12-0.8.0.38-py3-none-manylinux2014_x86_64.whl", "payload": 70000}]}},
  "numpy": {"1.26.4": {"wheels": [{"filename": "numpy-1.26.4-cp311-cp311-manylinux_2_17_x86_64.whl", "payload": 40000}]}}
}}`

// Every pin's installed size is the sum of its wheel's entries, whether the index serves
// ranges (the central directory is read with one) or not (the whole file is read); the
// totals and the CUDA family add them up.
func TestSizesExactThroughTheIndex(t *testing.T) {
	for _, noRanges := range []bool{false, true} {
		url, installed := sizedIndex(t, cu12Stack, fakeindex.Options{NoRanges: noRanges})
		v := checkSized(t, url, "app\n", target.Declaration{}, 0)
		if v.Sizes == nil {
			t.Fatal("no sizes")
		}
		var total, family int64
		for _, p := range v.Sizes.Packages {
			if p.Installed != installed[p.Name] || p.InstalledUnknown != "" || p.Download <= 0 {
				t.Errorf("ranges off %v: %s installed %d (%q), want %d", noRanges, p.Name, p.Installed, p.InstalledUnknown, installed[p.Name])
			}
			total += installed[p.Name]
			if strings.HasPrefix(p.Name, "nvidia-") {
				family += installed[p.Name]
			}
		}
		if v.Sizes.Installed != total {
			t.Errorf("total installed %d, want %d", v.Sizes.Installed, total)
		}
		if len(v.Sizes.Families) != 1 || v.Sizes.Families[0].Major != 12 || v.Sizes.Families[0].Installed != family {
			t.Errorf("families %+v, want CUDA 12 with %d bytes", v.Sizes.Families, family)
		}
	}
}

// A cudnn-runtime base image ships cuBLAS and cuDNN 9: the wheels of both are copies,
// their installed bytes at stake, and the base flavor leaves them to the wheels. nvJPEG
// 2000 is not in the image; numpy is no CUDA library.
func TestBloatBaseImageDuplicates(t *testing.T) {
	url, installed := sizedIndex(t, cu12Stack, fakeindex.Options{})
	v := checkSized(t, url, "app\n", target.Declaration{BaseImage: flag("base-image", "nvidia/cuda:12.4.1-cudnn-runtime-ubuntu22.04")}, 0)
	w, ok := warningOf(v, WarningBaseImageDuplicate)
	if !ok {
		t.Fatalf("no %s finding in %+v", WarningBaseImageDuplicate, v.Warnings)
	}
	if want := installed["nvidia-cublas-cu12"] + installed["nvidia-cudnn-cu12"]; w.Bytes != want {
		t.Errorf("bytes at stake %d, want %d", w.Bytes, want)
	}
	for _, part := range []string{"nvidia-cublas-cu12 12.4.5.8, nvidia-cudnn-cu12 9.1.0.70 bring their own copies of libcublas, libcublasLt, libcudnn", "the base nvidia/cuda:12.4.1-base-ubuntu22.04 ships only libcudart"} {
		if !strings.Contains(w.Message, part) {
			t.Errorf("message %q lacks %q", w.Message, part)
		}
	}
	if strings.Contains(w.Message, "nvjpeg2k") || strings.Contains(w.Message, "ubuntu:22.04") {
		t.Errorf("message %q names what is no copy, or the OS image though the base flavor keeps no copy", w.Message)
	}

	// Another CUDA family's image ships other libraries; cuDNN 8's image, another cuDNN.
	for _, base := range []string{"nvidia/cuda:13.0.1-cudnn-runtime-ubuntu24.04", "nvidia/cuda:11.8.0-base-ubuntu22.04"} {
		v := checkSized(t, url, "app\n", target.Declaration{BaseImage: flag("base-image", base)}, 0)
		if w, ok := warningOf(v, WarningBaseImageDuplicate); ok {
			t.Errorf("%s: %s", base, w.Message)
		}
	}
	v = checkSized(t, url, "app\n", target.Declaration{BaseImage: flag("base-image", "nvidia/cuda:12.2.2-cudnn8-runtime-ubuntu22.04")}, 0)
	if w, ok := warningOf(v, WarningBaseImageDuplicate); !ok || w.Bytes != installed["nvidia-cublas-cu12"] || strings.Contains(w.Message, "libcudnn") {
		t.Errorf("cudnn8 image: cuBLAS only is a copy; got %+v", w)
	}
}

// The base flavor itself ships libcudart: the CUDA runtime wheel copies it even there,
// and only the plain OS image leaves it to the wheel.
func TestBloatBaseImageDuplicateOfTheLeanestFlavor(t *testing.T) {
	url, installed := sizedIndex(t, `{"packages": {
  "nvidia-cuda-runtime-cu12": {"12.4.127": {"wheels": [{"filename": "nvidia_cuda_runtime_cu12-12.4.127-py3-none-manylinux2014_x86_64.whl", "payload": 90000}]}}
}}`, fakeindex.Options{})
	v := checkSized(t, url, "nvidia-cuda-runtime-cu12\n", target.Declaration{BaseImage: flag("base-image", "nvidia/cuda:12.4.1-base-ubuntu22.04")}, 0)
	w, ok := warningOf(v, WarningBaseImageDuplicate)
	if !ok || w.Bytes != installed["nvidia-cuda-runtime-cu12"] || !strings.Contains(w.Message, "the plain OS image ubuntu:22.04 ships none") {
		t.Errorf("got %+v", w)
	}
}

// A fuller flavor whose only copy is libcudart: the base flavor ships it too, so it is no
// fix for these bytes; the plain OS image is.
func TestBloatBaseImageDuplicateOnlyOfWhatTheLeanestKeeps(t *testing.T) {
	url, installed := sizedIndex(t, `{"packages": {
  "nvidia-cuda-runtime-cu12": {"12.4.127": {"wheels": [{"filename": "nvidia_cuda_runtime_cu12-12.4.127-py3-none-manylinux2014_x86_64.whl", "payload": 90000}]}}
}}`, fakeindex.Options{})
	v := checkSized(t, url, "nvidia-cuda-runtime-cu12\n", target.Declaration{BaseImage: flag("base-image", "nvidia/cuda:12.4.1-cudnn-runtime-ubuntu22.04")}, 0)
	w, ok := warningOf(v, WarningBaseImageDuplicate)
	if !ok || w.Bytes != installed["nvidia-cuda-runtime-cu12"] {
		t.Fatalf("got %+v", w)
	}
	if !strings.HasPrefix(w.Message, "nvidia-cuda-runtime-cu12 12.4.127 brings its own copy of libcudart, ") {
		t.Errorf("message %q: want one wheel's one copy said as such", w.Message)
	}
	if strings.Contains(w.Message, "12.4.1-base-ubuntu22.04") || !strings.Contains(w.Message, "the plain OS image ubuntu:22.04 ships none") {
		t.Errorf("message %q offers the base flavor, which ships libcudart too, or not the OS image", w.Message)
	}
}

// On a target without a GPU, the CUDA runtime wheels are dead weight: the advisory
// carries their installed bytes.
func TestBloatCUDAWheelsOnCPUTarget(t *testing.T) {
	url, installed := sizedIndex(t, cu12Stack, fakeindex.Options{})
	v := checkSized(t, url, "app\n", target.Declaration{CPU: target.Toggle{Set: true, On: true, Origin: target.Origin{From: target.FromFlag, Detail: "--cpu"}}}, 0)
	w, ok := warningOf(v, matrix.AdvisoryCUDAWheelsOnCPUTarget)
	if !ok {
		t.Fatalf("no %s in %+v", matrix.AdvisoryCUDAWheelsOnCPUTarget, v.Warnings)
	}
	want := installed["nvidia-cublas-cu12"] + installed["nvidia-cudnn-cu12"] + installed["nvidia-nvjpeg2k-cu12"]
	if w.Bytes != want || !strings.HasSuffix(w.Message, "("+HumanBytes(want)+" installed at stake)") {
		t.Errorf("bytes %d, message %q; want %d", w.Bytes, w.Message, want)
	}
}

// Two CUDA families: what is at stake is what the smaller family weighs, the builds that
// taking every one from the larger family leaves out.
func TestBloatCUDAFamilyMix(t *testing.T) {
	url, installed := sizedIndex(t, `{"packages": {
  "app": {"1.0": {"requires_dist": ["nvidia-cublas-cu12", "nvidia-cublas", "nvidia-cufft"]}},
  "nvidia-cublas-cu12": {"12.4.5.8": {"wheels": [{"filename": "nvidia_cublas_cu12-12.4.5.8-py3-none-manylinux2014_x86_64.whl", "payload": 100000}]}},
  "nvidia-cublas": {"13.1.0.3": {"wheels": [{"filename": "nvidia_cublas-13.1.0.3-py3-none-manylinux_2_27_x86_64.whl", "payload": 300000}]}},
  "nvidia-cufft": {"12.0.0.61": {"wheels": [{"filename": "nvidia_cufft-12.0.0.61-py3-none-manylinux_2_27_x86_64.whl", "payload": 50000}]}}
}}`, fakeindex.Options{})
	v := checkSized(t, url, "app\n", target.Declaration{}, 0)
	w, ok := warningOf(v, matrix.AdvisoryCUDAFamilyMix)
	if !ok {
		t.Fatalf("no %s in %+v", matrix.AdvisoryCUDAFamilyMix, v.Warnings)
	}
	if w.Bytes != installed["nvidia-cublas-cu12"] {
		t.Errorf("bytes %d, want the CUDA 12 family's %d", w.Bytes, installed["nvidia-cublas-cu12"])
	}
}

// A devel base image under wheels only is a finding (no bytes: the tag does not give
// the images' sizes); a source distribution in the solution may need the compilers.
func TestBloatDevelBase(t *testing.T) {
	url, _ := sizedIndex(t, `{"packages": {
  "numpy": {"1.26.4": {"wheels": [{"filename": "numpy-1.26.4-cp311-cp311-manylinux_2_17_x86_64.whl"}]}},
  "built": {"1.0": {"wheels": [], "sdist": true}}
}}`, fakeindex.Options{})
	devel := target.Declaration{BaseImage: flag("base-image", "nvidia/cuda:12.4.1-cudnn-devel-ubuntu22.04")}
	v := checkSized(t, url, "numpy\n", devel, 0)
	w, ok := warningOf(v, WarningDevelBaseImage)
	if !ok || !strings.Contains(w.Message, "nvidia/cuda:12.4.1-cudnn-runtime-ubuntu22.04 is the same image without them") {
		t.Errorf("got %+v in %+v", w, v.Warnings)
	}
	v = checkSized(t, url, "numpy\nbuilt\n", devel, 0)
	if w, ok := warningOf(v, WarningDevelBaseImage); ok {
		t.Errorf("with an sdist: %s", w.Message)
	}
	v = checkSized(t, url, "numpy\n", target.Declaration{BaseImage: flag("base-image", "nvidia/cuda:12.4.1-cudnn-runtime-ubuntu22.04")}, 0)
	if w, ok := warningOf(v, WarningDevelBaseImage); ok {
		t.Errorf("runtime image: %s", w.Message)
	}
}

// Over the budget, the verdict is a conflict with the breakdown and the findings' fixes
// as hints; at the budget, it is ok. The base image is not counted (its size is not
// known from the tag), and a warning says so.
func TestBudget(t *testing.T) {
	url, installed := sizedIndex(t, cu12Stack, fakeindex.Options{})
	var total int64
	for _, n := range installed {
		total += n
	}
	base := target.Declaration{BaseImage: flag("base-image", "nvidia/cuda:12.4.1-cudnn-runtime-ubuntu22.04")}
	v := checkSized(t, url, "app\n", base, total)
	if v.Status != OK || v.Budget == nil || v.Budget.Over || v.Budget.Counted != total {
		t.Errorf("at the budget: status %s, budget %+v", v.Status, v.Budget)
	}
	if _, ok := warningOf(v, WarningBaseImageSizeUnknown); !ok {
		t.Errorf("no %s warning", WarningBaseImageSizeUnknown)
	}
	v = checkSized(t, url, "app\n", base, total-1)
	if v.Status != Conflict || !v.OverBudget() {
		t.Fatalf("over the budget: status %s, budget %+v", v.Status, v.Budget)
	}
	breakdown := v.Budget.Breakdown(v.Sizes)
	for _, part := range []string{"over by 1 B", "CUDA 12: ", "largest: nvidia-cudnn-cu12 9.1.0.70", "base image nvidia/cuda:12.4.1-cudnn-runtime-ubuntu22.04: not counted"} {
		if !strings.Contains(breakdown, part) {
			t.Errorf("breakdown lacks %q:\n%s", part, breakdown)
		}
	}
	if len(v.Hints) < 2 || !strings.Contains(v.Hints[0], WarningBaseImageDuplicate) {
		t.Errorf("hints %q: want the duplicate finding's fix first", v.Hints)
	}
}

// The size lookups of a solution all start at once: the index bounds the requests in
// flight (50 by default), and a bound of the engine's own only cut them into more round
// trips. The server holds every range request until all are in flight, and counts the
// most it saw at once.
func TestSizesLookedUpTogether(t *testing.T) {
	const wheels = 25
	snap := fakeindex.Snapshot{Packages: map[string]map[string]*fakeindex.Entry{}}
	var reqs strings.Builder
	for i := range wheels {
		name := fmt.Sprintf("p%02d", i)
		snap.Packages[name] = map[string]*fakeindex.Entry{"1.0": {Wheels: []fakeindex.WheelSpec{{Filename: name + "-1.0-py3-none-any.whl", Payload: 1000}}}}
		fmt.Fprintln(&reqs, name)
	}
	ix, err := fakeindex.Build(&snap)
	if err != nil {
		t.Fatal(err)
	}
	fake := fakeindex.Serve(ix, fakeindex.Options{})
	t.Cleanup(fake.Close)

	var mu sync.Mutex
	inFlight, most := 0, 0
	gate := make(chan struct{})
	var openGate sync.Once
	// Without it, a bound below the index's would hold the requests for good.
	liveness := time.AfterFunc(10*time.Second, func() { openGate.Do(func() { close(gate) }) })
	defer liveness.Stop()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Range") != "" {
			mu.Lock()
			inFlight++
			most = max(most, inFlight)
			if inFlight == wheels {
				openGate.Do(func() { close(gate) })
			}
			mu.Unlock()
			<-gate
			defer func() { mu.Lock(); inFlight--; mu.Unlock() }()
		}
		fake.Config.Handler.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)

	v := checkSized(t, srv.URL+"/pypi/simple/", reqs.String(), target.Declaration{}, 0)
	if v.Sizes == nil || len(v.Sizes.Packages) != wheels {
		t.Fatalf("sizes %+v, want %d packages", v.Sizes, wheels)
	}
	for _, p := range v.Sizes.Packages {
		if p.Installed <= 0 {
			t.Errorf("%s: installed %d (%s)", p.Name, p.Installed, p.InstalledUnknown)
		}
	}
	if most != wheels {
		t.Errorf("at most %d range requests in flight at once, want all %d", most, wheels)
	}
}
