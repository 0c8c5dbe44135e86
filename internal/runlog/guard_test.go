package runlog_test

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// outsideCalls are the functions (and os.Stdin) through which code reaches outside the
// process: files, folders, other programs, the network. By import path, then name.
var outsideCalls = map[string][]string{
	"os": {"Open", "OpenFile", "ReadFile", "ReadDir", "Stat", "Lstat", "Readlink", "DirFS", "Stdin", "StartProcess",
		"Getenv", "LookupEnv", "Environ", "ExpandEnv", "UserHomeDir", "UserCacheDir", "UserConfigDir"},
	"io/ioutil":     {"ReadFile", "ReadDir"},
	"path/filepath": {"Glob", "Walk", "WalkDir", "EvalSymlinks"},
	"os/exec":       {"Command", "CommandContext", "LookPath"},
	"syscall":       {"Exec"},
	"net":           {"Dial", "DialTimeout"},
	"net/http":      {"Get", "Head", "Post", "PostForm", "NewRequest", "NewRequestWithContext"},
	"archive/zip":   {"OpenReader"},
	"github.com/google/go-containerregistry/pkg/v1/remote":  {"Image", "Index", "Get", "Head"},
	"github.com/google/go-containerregistry/pkg/v1/layout":  {"ImageIndexFromPath", "FromPath"},
	"github.com/google/go-containerregistry/pkg/v1/tarball": {"ImageFromPath"},
	"github.com/google/go-containerregistry/pkg/v1/daemon":  {"Image"},
}

const runlogPath = "github.com/depsolve/depsolve/internal/runlog"

// hooks are this package's functions that tell the run's log what it read.
var hooks = []string{"ReadFile", "ReadOpenFile", "Stat", "Unrepeatable", "FreshBetween", "Getenv", "LookupEnv", "UserHomeDir"}

// A classification says why a function's outside calls are sound for package memo.
type classification struct {
	// loggedBy are the functions ("path.go:Func") whose runlog hooks cover the calls:
	// the function itself when empty and notCheck is "".
	loggedBy []string
	// notCheck says why what the calls read never decides a check's result.
	notCheck string
}

// logged: the function calls a runlog hook itself.
var logged = classification{}

// loggedBy: the named functions call the hooks that cover the function's reads (its
// callers, or the one place every read of its kind passes).
func loggedBy(funcs ...string) classification { return classification{loggedBy: funcs} }

// notCheck: what the function reads cannot change what a check prints (why says why).
func notCheck(why string) classification { return classification{notCheck: why} }

// outsideReaders are the functions of the module that reach outside the process, by
// "path.go:Func" ("path.go:Type.Method" for a method; a closure is its function's).
var outsideReaders = map[string]classification{
	// Requirement files, includes, depsolve.toml, pyproject.toml, --config, the
	// Dockerfile, a policy file: all read through reqfile.ReadFile.
	"reqfile/read.go:ReadFile":      logged,
	"reqfile/reqfile.go:osFS.Stat":  logged,
	"engine/inputs.go:lookAt":       logged,
	"engine/inputs.go:likelyInputs": logged,
	"policy/load.go:Load":           logged,
	"index/netrc.go:readNetrc":      logged,

	// The network: every index request, a policy fetch, a registry.
	"index/transport.go:client.attempt": logged,
	"policy/fetch.go:httpsFetcher":      loggedBy("policy/load.go:Load"),

	// Find-links folders and local archives.
	"index/project.go:Index.findLinksFiles": logged,
	"index/project.go:Index.linksToFile":    loggedBy("index/project.go:Index.findLinksFiles"),
	"index/archive.go:hashFile":             logged,
	"index/archive.go:Index.localMetadata":  logged,
	// A find-links file's, or a download's (after its request).
	"index/archive.go:sdistPKGINFO": loggedBy("index/archive.go:Index.localMetadata", "index/transport.go:client.attempt"),
	"index/sizes.go:localSizes":     logged,
	"index/archive.go:RemoveStaleDownloads": notCheck("housekeeping of the download folder: removes what a killed run left; " +
		"what it finds changes nothing a check prints"),

	// The machine (--detect) and container images (--base-image, a Dockerfile's FROM).
	"target/detect.go:LocalSystem.Run":      loggedBy("target/detect.go:Detect"),
	"target/detect.go:LocalSystem.ReadFile": loggedBy("target/detect.go:Detect"),
	"image/image.go:open":                   loggedBy("image/image.go:openReader"),
	"image/image.go:openLayout":             loggedBy("image/image.go:openReader"),
	"image/image.go:openArchive":            loggedBy("image/image.go:openReader"),

	// Writing.
	"engine/lock.go:checkOutput":   notCheck("depsolve lock: looks at the output path it writes; lock is not memoized"),
	"engine/lock.go:checkNotRead":  notCheck("depsolve lock: compares the output path with the inputs; lock is not memoized"),
	"engine/lock.go:existingPins":  notCheck("depsolve lock: reads the lock it replaces; lock is not memoized"),
	"engine/init.go:plannedAction": notCheck("depsolve init: reads the file it would write; init is not memoized"),
	"engine/init.go:initLock":      notCheck("depsolve init: reads the lock it replaces; init is not memoized"),
	"lockfile/atomic.go:WriteFileAtomic": notCheck("writes a file (a lock, a report, a fetched policy's cached copy); " +
		"what it finds of the folder is not output"),
	"lockfile/atomic.go:replaceable": notCheck("writes a file: follows the links of the path it replaces"),
	"lockfile/atomic.go:createTemp":  notCheck("writes a file: creates its temporary file"),

	// The cache: package memo checks the bbolt file by its generation.
	"cache/store.go:Cache.openOnce": notCheck("the cache, which package memo checks by its generation"),
	"cache/store.go:Cache.takeAway": notCheck("the cache, which package memo checks by its generation"),
	"cache/store.go:reader.acquire": notCheck("the cache, which package memo checks by its generation"),
	"cache/cache.go:Cache.Info":     notCheck("depsolve cache info"),
	"cache/cache.go:Clean":          notCheck("depsolve cache clean"),

	// The hooks themselves, which record what they read.
	"internal/runlog/runlog.go:LookupEnv":   notCheck("the hook runlog.LookupEnv: it records the variable"),
	"internal/runlog/runlog.go:UserHomeDir": notCheck("the hook runlog.UserHomeDir: it records the folder"),

	// The cache folder: memo keeps a check's record in the folder the run reads, and
	// checks the run read that one; another folder is another record.
	"cache/cache.go:DefaultDir":   notCheck("where the cache is: memo keeps records in it"),
	"engine/env.go:cacheOrigin":   notCheck("depsolve env: says where the cache folder comes from"),
	"cmd/depsolve/main.go:tuneGC": notCheck("the collector's tuning ($GOGC, $GOMEMLIMIT): changes no output"),
	"internal/memo/memo.go:Off":   notCheck("$DEPSOLVE_MEMO turns the memo off, before any run"),

	// The memo compares a kept result's observations with what is there now, and keeps
	// its records: what it reads decides whether to resolve, never what a run prints.
	"internal/memo/memo.go:openRunningExecutable": notCheck("the memo's key: the executable's build ID"),
	"internal/memo/memo.go:observedAgain":         notCheck("the memo looking again at what a kept run observed"),
	"internal/memo/memo.go:Load":                  notCheck("the memo reading a kept result"),
	"internal/memo/memo.go:trim":                  notCheck("the memo removing the oldest kept results"),
	"internal/memo/memo.go:Clean":                 notCheck("depsolve cache clean"),
	"internal/memo/memo.go:Count":                 notCheck("depsolve cache info"),

	// The slim build hands the whole command line to depsolve-full, whose run (and log)
	// is its own.
	"cmd/depsolve/front_slim.go:runFull":           notCheck("finds depsolve-full to hand the run to; the run and its log are depsolve-full's"),
	"cmd/depsolve/front_slim.go:namesReadOnceFile": notCheck("decides whether a run goes to depsolve-full before anything is read; a run that stays reads its files through the logged readers"),
	"engine/readonce_slim.go:refuseReadOnce":       notCheck("a slim build hands a pipe or device named as input to depsolve-full; a regular file is then read through the logged readers"),
	"cmd/depsolve/handover_other.go:execFull":      notCheck("runs depsolve-full, whose run and log are its own"),
	"cmd/depsolve/handover_unix.go:execFull":       notCheck("becomes depsolve-full, whose run and log are its own"),
}

// TestEveryReadIsLogged keeps package memo sound: every call of the module's code that
// reaches outside the process either tells the run's log what it read, or is listed as
// reading nothing that can decide a check's result.
func TestEveryReadIsLogged(t *testing.T) {
	root := moduleRoot(t)
	sites, hooked := scanModule(t, root)
	if len(sites) == 0 {
		t.Fatal("found no call that reaches outside the process: the scan is broken")
	}
	for _, fn := range slices.Sorted(maps.Keys(sites)) {
		c, ok := outsideReaders[fn]
		if !ok {
			t.Errorf("%s reaches outside the process (%s) but is not in outsideReaders (internal/runlog/guard_test.go).\n"+
				"\tIf what it reads can change what depsolve check prints, tell the run's log: runlog.ReadFile or ReadOpenFile after reading a file, "+
				"runlog.Stat after looking at a path, runlog.Unrepeatable(why) for what a later run cannot compare cheaply "+
				"(the network, a folder, a program), runlog.FreshBetween for a cached page used as fresh; then list it as logged "+
				"(or loggedBy the function whose hook covers it).\n"+
				"\tIf a check never runs it, or what it reads changes nothing a check prints, list it as notCheck(why).",
				fn, strings.Join(sites[fn], ", "))
			continue
		}
		switch {
		case c.notCheck != "":
		case len(c.loggedBy) == 0 && !hooked[fn]:
			t.Errorf("%s is listed as logged, but it calls no runlog hook (%s) for what it reads: %s",
				fn, strings.Join(hooks, ", "), strings.Join(sites[fn], ", "))
		default:
			for _, by := range c.loggedBy {
				if !hooked[by] {
					t.Errorf("%s is listed as logged by %s, which calls no runlog hook (%s)", fn, by, strings.Join(hooks, ", "))
				}
			}
		}
	}
	for _, fn := range slices.Sorted(maps.Keys(outsideReaders)) {
		if _, ok := sites[fn]; !ok {
			t.Errorf("outsideReaders lists %s, which no longer reaches outside the process (or no longer exists): remove its entry", fn)
		}
	}
}

// scanModule parses the module's non-test Go files and returns, by function, the calls
// that reach outside the process ("file:line:col os.Open"), and which functions call a
// runlog hook.
func scanModule(t *testing.T, root string) (sites map[string][]string, hooked map[string]bool) {
	t.Helper()
	sites, hooked = map[string][]string{}, map[string]bool{}
	fset := token.NewFileSet()
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(root, path)
		if err != nil {
			return err
		}
		rel = filepath.ToSlash(rel)
		if d.IsDir() {
			if path != root && skippedDir(rel, d.Name(), path) {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(rel, ".go") || strings.HasSuffix(rel, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(fset, path, nil, parser.SkipObjectResolution)
		if err != nil {
			return err
		}
		scanFile(fset, rel, f, sites, hooked)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return sites, hooked
}

// skippedDir: fixtures, test helpers, release scripts, scratch space, other modules.
func skippedDir(rel, name, path string) bool {
	switch {
	case strings.HasPrefix(name, "."), name == "testdata", name == "vendor",
		rel == "scripts", rel == "tmp", rel == "internal/fakeindex", rel == "internal/imagetest":
		return true
	}
	_, err := os.Stat(filepath.Join(path, "go.mod"))
	return err == nil
}

func scanFile(fset *token.FileSet, rel string, f *ast.File, sites map[string][]string, hooked map[string]bool) {
	imports := map[string]string{} // the name a file uses -> import path
	for _, spec := range f.Imports {
		p, err := strconv.Unquote(spec.Path.Value)
		if err != nil {
			continue // the parser accepted it: it cannot happen
		}
		name := p[strings.LastIndex(p, "/")+1:]
		if spec.Name != nil {
			name = spec.Name.Name
		}
		imports[name] = p
	}
	for _, decl := range f.Decls {
		fn := rel + ":" + declName(decl)
		ast.Inspect(decl, func(n ast.Node) bool {
			sel, ok := n.(*ast.SelectorExpr)
			if !ok {
				return true
			}
			pkg, ok := sel.X.(*ast.Ident)
			if !ok {
				return true
			}
			path, ok := imports[pkg.Name]
			switch {
			case !ok:
			case path == runlogPath && slices.Contains(hooks, sel.Sel.Name):
				hooked[fn] = true
			case slices.Contains(outsideCalls[path], sel.Sel.Name):
				pos := fset.Position(sel.Pos())
				sites[fn] = append(sites[fn], fmt.Sprintf("%s:%d:%d %s.%s", rel, pos.Line, pos.Column, pkg.Name, sel.Sel.Name))
			}
			return true
		})
	}
}

// declName names a declaration as outsideReaders does: Func, Type.Method, or
// "package scope" for a variable's initializer.
func declName(decl ast.Decl) string {
	fd, ok := decl.(*ast.FuncDecl)
	if !ok {
		return "package scope"
	}
	if fd.Recv == nil || len(fd.Recv.List) == 0 {
		return fd.Name.Name
	}
	typ := fd.Recv.List[0].Type
	for {
		switch t := typ.(type) {
		case *ast.StarExpr:
			typ = t.X
			continue
		case *ast.IndexExpr:
			typ = t.X
			continue
		case *ast.IndexListExpr:
			typ = t.X
			continue
		case *ast.Ident:
			return t.Name + "." + fd.Name.Name
		}
		return fd.Name.Name
	}
}

func moduleRoot(t *testing.T) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("no go.mod above the test's folder")
		}
		dir = parent
	}
}
