package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/depsolve/depsolve/internal/fakeindex"
	"github.com/depsolve/depsolve/internal/imagetest"
	"github.com/depsolve/depsolve/pep508"
)

// The end-to-end tests run the real binary (this test binary, re-executed as
// "depsolve") on the scripts in testdata/script. Each script carries its own package
// universe as a pyindex-style JSON snapshot and starts an in-process index from it with
// the fakeindex command; no test touches the network.
//
// go test ./cmd/depsolve -update rewrites the golden files that `cmp stdout FILE` and
// `cmp stderr FILE` compare against, inside the scripts.

var update = flag.Bool("update", false, "rewrite the golden files of testdata/script")

func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"depsolve": func() {
			retryBackoff = time.Millisecond
			os.Exit(runValidated(os.Args[1:]))
		},
	})
}

func TestScripts(t *testing.T) {
	testscript.Run(t, testscript.Params{
		Dir:           filepath.Join("testdata", "script"),
		UpdateScripts: *update,
		Setup: func(env *testscript.Env) error {
			// Each script has its own cache; none reads the user's.
			env.Setenv("DEPSOLVE_CACHE_DIR", filepath.Join(env.WorkDir, ".cache"))
			env.Setenv("XDG_CACHE_HOME", filepath.Join(env.WorkDir, ".xdg-cache"))
			// A script checks one behaviour at a time: results are reused only where it
			// asks for it (memo.txtar), not wherever it happens to repeat a check.
			env.Setenv("DEPSOLVE_MEMO", "off")
			env.Values[fakeKey{}] = &fakeState{}
			checkSchemaFailures(env)
			return nil
		},
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			"fakeindex": cmdFakeindex,
			"jsonshape": cmdJSONShape,
			"filemode":  cmdFilemode,
			"ocilayout": cmdOCILayout,
		},
	})
}

type fakeKey struct{}

type fakeState struct {
	index  *fakeindex.Index
	server *fakeindex.Server
}

// cmdFakeindex drives the script's index:
//
//	fakeindex start [-html] [-nometadata] [-noranges] [-maxage] SNAPSHOT.json
//	    serves the snapshot (-maxage: every answer fresh for 10 minutes); sets $INDEX (the "pypi" index's simple URL), $INDEX_<NAME>
//	    for every index the snapshot names (pytorch-cu124 -> $INDEX_PYTORCH_CU124) and
//	    $INDEX_HOST (host:port, to write URLs with credentials)
//	fakeindex down | up      every later request fails with 503 / succeeds again
//	fakeindex requests       prints the number of requests served so far
//	fakeindex log            prints "METHOD PATH" of every request served so far, one a line
//	fakeindex findlinks INDEX DIR   writes the files of one index into DIR
func cmdFakeindex(ts *testscript.TestScript, neg bool, args []string) {
	if neg {
		ts.Fatalf("unsupported: ! fakeindex")
	}
	st := ts.Value(fakeKey{}).(*fakeState)
	if len(args) == 0 {
		ts.Fatalf("usage: fakeindex start|down|up|requests|log|findlinks")
	}
	if args[0] != "start" && st.server == nil {
		ts.Fatalf("fakeindex %s: no index started", args[0])
	}
	switch args[0] {
	case "start":
		var opts fakeindex.Options
		rest := args[1:]
		for len(rest) > 1 && strings.HasPrefix(rest[0], "-") {
			switch rest[0] {
			case "-html":
				opts.HTMLOnly = true
			case "-nometadata":
				opts.NoMetadata = true
			case "-noranges":
				opts.NoRanges = true
			case "-maxage":
				opts.MaxAge = 10 * time.Minute
			default:
				ts.Fatalf("fakeindex start: unknown option %s", rest[0])
			}
			rest = rest[1:]
		}
		if len(rest) != 1 {
			ts.Fatalf("usage: fakeindex start [-html] [-nometadata] [-noranges] [-maxage] SNAPSHOT")
		}
		snap, err := fakeindex.Load(ts.MkAbs(rest[0]))
		ts.Check(err)
		ix, err := fakeindex.Build(snap)
		ts.Check(err)
		srv := fakeindex.Serve(ix, opts)
		ts.Defer(srv.Close)
		st.index, st.server = ix, srv
		u, err := url.Parse(srv.URL)
		ts.Check(err)
		ts.Setenv("INDEX_HOST", u.Host)
		ts.Setenv("INDEX", srv.IndexURL("pypi"))
		for name := range ix.Files {
			ts.Setenv("INDEX_"+strings.ToUpper(strings.ReplaceAll(name, "-", "_")), srv.IndexURL(name))
		}
	case "down", "up":
		st.server.SetDown(args[0] == "down")
	case "requests":
		fmt.Fprintln(ts.Stdout(), st.server.Requests())
	case "log":
		for _, line := range st.server.Log() {
			fmt.Fprintln(ts.Stdout(), line)
		}
	case "findlinks":
		if len(args) != 3 {
			ts.Fatalf("usage: fakeindex findlinks INDEX DIR")
		}
		dir := ts.MkAbs(args[2])
		ts.Check(os.MkdirAll(dir, 0o755))
		ts.Check(st.index.WriteFindLinks(args[1], dir))
	default:
		ts.Fatalf("fakeindex: unknown subcommand %s", args[0])
	}
}

// cmdFilemode checks what a path is, without following a symbolic link:
//
//	filemode PATH symlink|0644|…
func cmdFilemode(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 2 || neg {
		ts.Fatalf("usage: filemode PATH symlink|MODE")
	}
	fi, err := os.Lstat(ts.MkAbs(args[0]))
	ts.Check(err)
	got := fmt.Sprintf("%04o", fi.Mode().Perm())
	if fi.Mode()&os.ModeSymlink != 0 {
		got = "symlink"
	}
	if got != args[1] {
		ts.Fatalf("%s is %s, want %s", args[0], got, args[1])
	}
}

// cmdJSONShape checks that the last command's stdout is one --format json object of the
// shape DESIGN.md documents, with the given status:
//
//	jsonshape ok|conflict|error
func cmdJSONShape(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 1 {
		ts.Fatalf("usage: jsonshape ok|conflict|error")
	}
	err := checkReportShape([]byte(ts.ReadFile("stdout")), args[0])
	switch {
	case err != nil && !neg:
		ts.Fatalf("JSON report: %v", err)
	case err == nil && neg:
		ts.Fatalf("JSON report has the documented shape with status %s", args[0])
	}
}

func checkReportShape(data []byte, status string) error {
	var doc map[string]json.RawMessage
	dec := json.NewDecoder(strings.NewReader(string(data)))
	if err := dec.Decode(&doc); err != nil {
		return err
	}
	if dec.More() {
		return fmt.Errorf("more than one JSON value on stdout")
	}
	want := map[string][]string{
		"ok":       {"schema_version", "status", "target", "packages", "warnings"},
		"conflict": {"schema_version", "status", "target", "packages", "warnings", "explanation", "steps", "sources", "hints"},
		"error":    {"schema_version", "status", "target", "packages", "warnings", "error"},
	}[status]
	if want == nil {
		return fmt.Errorf("unknown status %q", status)
	}
	if _, findings := doc["findings"]; findings && status == "conflict" {
		want = append(slices.DeleteFunc(slices.Clone(want), func(k string) bool { return k == "steps" }), "findings")
	}
	if _, budget := doc["budget"]; budget && status == "conflict" {
		want = slices.DeleteFunc(slices.Clone(want), func(k string) bool { return k == "steps" }) // over budget: no derivation
	}
	for _, optional := range []string{"sizes", "budget", "lock"} {
		if _, ok := doc[optional]; ok {
			want = append(slices.Clone(want), optional)
		}
	}
	if err := sameKeys(doc, want...); err != nil {
		return err
	}
	if raw, ok := doc["lock"]; ok {
		var lock map[string]json.RawMessage
		if err := json.Unmarshal(raw, &lock); err != nil {
			return fmt.Errorf("lock: %v", err)
		}
		if err := sameKeys(lock, "pins", "complete", "hashes_checked"); err != nil {
			return fmt.Errorf("lock: %v", err)
		}
	}
	if raw, ok := doc["sizes"]; ok {
		if err := checkSizes(raw); err != nil {
			return fmt.Errorf("sizes: %v", err)
		}
	}
	var got string
	if err := json.Unmarshal(doc["status"], &got); err != nil || got != status {
		return fmt.Errorf("status is %s, want %q", doc["status"], status)
	}
	if string(doc["target"]) != "null" {
		var target map[string]json.RawMessage
		if err := json.Unmarshal(doc["target"], &target); err != nil {
			return fmt.Errorf("target: %v", err)
		}
		if err := sameKeys(target, "python", "platform", "driver", "gpus", "cuda", "origins"); err != nil {
			return fmt.Errorf("target: %v", err)
		}
		var typed struct {
			Python, Platform string
			Driver, CUDA     *string
			GPUs             []string
		}
		if err := json.Unmarshal(doc["target"], &typed); err != nil || typed.GPUs == nil || typed.Python == "" {
			return fmt.Errorf("target %s: want python and platform strings, driver and cuda strings or null, gpus a list", doc["target"])
		}
	} else if status != "error" {
		return fmt.Errorf("target is null")
	}
	var pkgs []map[string]json.RawMessage
	if err := json.Unmarshal(doc["packages"], &pkgs); err != nil || pkgs == nil {
		return fmt.Errorf("packages: want a list, got %s", doc["packages"])
	}
	var names []string
	for _, p := range pkgs {
		keys := []string{"name", "version", "index", "file", "sha256", "size", "sdist", "via"}
		if _, direct := p["url"]; direct { // a NAME @ URL requirement's
			keys = append(keys, "url")
		}
		if err := sameKeys(p, keys...); err != nil {
			return fmt.Errorf("package: %v", err)
		}
		var typed struct {
			Name, Version, Index, File, SHA256, URL string
			Size                                    int64
			Via                                     []string
		}
		if err := json.Unmarshal(mustMarshal(p), &typed); err != nil {
			return fmt.Errorf("package %v: %v", p, err)
		}
		if typed.Name != pep508.NormalizeName(typed.Name) {
			return fmt.Errorf("package name %q is not normalized", typed.Name)
		}
		if typed.URL == "" && (!regexp.MustCompile(`^[0-9a-f]{64}$`).MatchString(typed.SHA256) || typed.Size <= 0 || typed.File == "") || typed.Via == nil {
			return fmt.Errorf("package %s: want a file, its sha256 and size, and via", typed.Name)
		}
		names = append(names, typed.Name)
	}
	if !sort.StringsAreSorted(names) {
		return fmt.Errorf("packages are not sorted by name: %v", names)
	}
	if err := checkWarnings(doc["warnings"]); err != nil {
		return fmt.Errorf("warnings: %v", err)
	}
	switch status {
	case "conflict":
		var explanation string
		var hints []string
		if json.Unmarshal(doc["explanation"], &explanation) != nil || explanation == "" ||
			json.Unmarshal(doc["hints"], &hints) != nil || hints == nil {
			return fmt.Errorf("conflict: want an explanation string and a hints list")
		}
		if err := checkSources(doc["sources"], explanation); err != nil {
			return fmt.Errorf("sources: %v", err)
		}
	case "error":
		var e map[string]json.RawMessage
		if err := json.Unmarshal(doc["error"], &e); err != nil {
			return fmt.Errorf("error: %v", err)
		}
		for k := range e {
			if !slices.Contains([]string{"message", "file", "line"}, k) {
				return fmt.Errorf("error: unexpected key %q", k)
			}
		}
		if _, err := strconv.Unquote(string(e["message"])); err != nil {
			return fmt.Errorf("error: want a message")
		}
	}
	return nil
}

// checkWarnings checks the warnings: a list of objects, each with a code, a message and
// a list of sources, and a package only when it names one.
func checkWarnings(raw json.RawMessage) error {
	var ws []map[string]json.RawMessage
	if err := json.Unmarshal(raw, &ws); err != nil || ws == nil {
		return fmt.Errorf("want a list, got %s", raw)
	}
	for _, w := range ws {
		keys := []string{"code", "message", "sources"}
		for _, optional := range []string{"package", "version", "bytes"} {
			if _, ok := w[optional]; ok {
				keys = append(keys, optional)
			}
		}
		if err := sameKeys(w, keys...); err != nil {
			return err
		}
		var typed struct {
			Code, Message, Package string
			Sources                []string
		}
		if err := json.Unmarshal(mustMarshal(w), &typed); err != nil || typed.Code == "" || typed.Message == "" || typed.Sources == nil {
			return fmt.Errorf("warning %v: want a code, a message and a sources list", w)
		}
		if _, ok := w["package"]; ok && (typed.Package == "" || typed.Package != pep508.NormalizeName(typed.Package)) {
			return fmt.Errorf("warning package %q is not a normalized name", typed.Package)
		}
	}
	return nil
}

// checkSizes checks the sizes object: totals, every package with its sizes (an
// unknown installed size with its reason), the CUDA families, the base image or null.
func checkSizes(raw json.RawMessage) error {
	var doc map[string]json.RawMessage
	if err := json.Unmarshal(raw, &doc); err != nil {
		return err
	}
	if err := sameKeys(doc, "download", "installed", "packages", "families", "base"); err != nil {
		return err
	}
	var typed struct {
		Download, Installed int64
		Packages            []map[string]json.RawMessage
		Families            []struct {
			CUDA                int
			Packages            []string
			Download, Installed int64
		}
	}
	if err := json.Unmarshal(raw, &typed); err != nil || typed.Packages == nil || typed.Families == nil {
		return fmt.Errorf("want totals and packages and families lists: %s", raw)
	}
	var installed int64
	for _, p := range typed.Packages {
		keys := []string{"name", "version", "file", "download", "installed", "cuda"}
		if _, ok := p["installed_unknown"]; ok {
			keys = append(keys, "installed_unknown")
		}
		if err := sameKeys(p, keys...); err != nil {
			return fmt.Errorf("package: %v", err)
		}
		var n int64
		if err := json.Unmarshal(p["installed"], &n); err != nil || n < 0 {
			return fmt.Errorf("package %s: installed %s", p["name"], p["installed"])
		}
		installed += n
	}
	if installed != typed.Installed {
		return fmt.Errorf("installed %d is not the sum of the packages' (%d)", typed.Installed, installed)
	}
	return nil
}

// checkSources checks a conflict's sources: a list of the rows cited, numbered 1, 2, …
// in order, each with a file, a line when the row has one, and its references; every
// number is cited in the explanation as "[n]".
func checkSources(raw json.RawMessage, explanation string) error {
	var sources []map[string]json.RawMessage
	if err := json.Unmarshal(raw, &sources); err != nil || sources == nil {
		return fmt.Errorf("want a list, got %s", raw)
	}
	for i, s := range sources {
		keys := []string{"number", "file", "references"}
		if _, ok := s["line"]; ok {
			keys = append(keys, "line")
		}
		if err := sameKeys(s, keys...); err != nil {
			return err
		}
		var typed struct {
			Number     int
			File       string
			Line       *int
			References []struct{ ID, Title, URL string }
		}
		if err := json.Unmarshal(mustMarshal(s), &typed); err != nil {
			return err
		}
		if typed.Number != i+1 || typed.File == "" || typed.Line != nil && *typed.Line <= 0 || typed.References == nil {
			return fmt.Errorf("source %d: want number %d, a file, a positive line if any, and a references list", i+1, i+1)
		}
		if !strings.Contains(explanation, fmt.Sprintf("[%d]", typed.Number)) {
			return fmt.Errorf("source %d is not cited in the explanation", typed.Number)
		}
		for _, r := range typed.References {
			if r.ID == "" {
				return fmt.Errorf("source %d: a reference without an id", typed.Number)
			}
		}
	}
	return nil
}

func sameKeys(m map[string]json.RawMessage, keys ...string) error {
	var got []string
	for k := range m {
		got = append(got, k)
	}
	sort.Strings(got)
	want := slices.Clone(keys)
	sort.Strings(want)
	if !slices.Equal(got, want) {
		return fmt.Errorf("keys %v, want %v", got, want)
	}
	return nil
}

func mustMarshal(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return b
}

// cmdOCILayout writes a container image to an OCI layout, for --base-image oci:DIR:
//
//	ocilayout DIR [env=NAME=VALUE]... [dist=NAME==VERSION]... [lib=FILE]... [tag=TAG] [devel=TAG:BYTES]
//	    an image of a random layer and a layer with each dist installed in
//	    /usr/local/lib/python3.11/site-packages and each CUDA library (libcudart.so.12.4.127)
//	    in /usr/local/cuda/lib64, with each env in its configuration, named TAG in the
//	    layout; devel= also writes, named its TAG, the image with a layer of a file of
//	    BYTES random bytes over it (a devel image built FROM that one)
func cmdOCILayout(ts *testscript.TestScript, neg bool, args []string) {
	const usage = "usage: ocilayout DIR [env=NAME=VALUE]... [dist=NAME==VERSION]... [lib=FILE]... [tag=TAG] [devel=TAG:BYTES]"
	if neg || len(args) == 0 {
		ts.Fatalf(usage)
	}
	var env []string
	var files []imagetest.File
	var tag, develTag string
	var develBytes int64
	for _, a := range args[1:] {
		kind, value, _ := strings.Cut(a, "=")
		switch kind {
		case "tag":
			tag = value
		case "devel":
			t, n, ok := strings.Cut(value, ":")
			bytes, err := strconv.ParseInt(n, 10, 64)
			if !ok || err != nil || bytes <= 0 {
				ts.Fatalf("ocilayout: %s: want devel=TAG:BYTES", a)
			}
			develTag, develBytes = t, bytes
		case "env":
			env = append(env, value)
		case "dist":
			name, version, ok := strings.Cut(value, "==")
			if !ok {
				ts.Fatalf("ocilayout: %s: want dist=NAME==VERSION", a)
			}
			files = append(files, imagetest.Dist(name, version))
		case "lib":
			files = append(files, imagetest.Lib(value))
		default:
			ts.Fatalf("ocilayout: %s: want env=, dist=, lib=, tag= or devel=", a)
		}
	}
	img, err := imagetest.Image(env, files...)
	ts.Check(err)
	ts.Check(imagetest.WriteLayout(ts.MkAbs(args[0]), tag, img))
	if develTag != "" {
		devel, err := imagetest.Over(img, develBytes)
		ts.Check(err)
		ts.Check(imagetest.WriteLayout(ts.MkAbs(args[0]), develTag, devel))
	}
}
