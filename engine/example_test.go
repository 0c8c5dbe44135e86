package engine_test

import (
	"bytes"
	"context"
	"fmt"
	"log"
	"os"
	"strings"

	"github.com/depsolve/depsolve/engine"
	"github.com/depsolve/depsolve/pep440"
	"github.com/depsolve/depsolve/target"
)

// offline is a request for the bundled example (examples/cuda): torch 2.5.1 and its
// closure from a find-links folder of wheels, for CPython 3.11 on Linux x86_64, with no
// index and no network.
func offline(cacheDir string) engine.Request {
	return engine.Request{
		Requirements: []string{"../examples/cuda/requirements.txt"},
		NoIndex:      true,
		FindLinks:    []string{"../examples/cuda/wheels"},
		Offline:      true,
		CacheDir:     cacheDir,
		Target: target.Declaration{
			Python:   given("3.11.9", "--python"),
			Platform: given("manylinux_2_35_x86_64", "--platform"),
			Driver:   given("550.54.15", "--driver"),
		},
	}
}

// given is a target value as a command-line flag states it.
func given(text, flag string) target.Value {
	return target.Value{Text: text, Origin: target.Origin{From: target.FromFlag, Detail: flag}}
}

func tempCache() string {
	dir, err := os.MkdirTemp("", "depsolve-example-")
	if err != nil {
		log.Fatal(err)
	}
	return dir
}

func ExampleCheck() {
	cache := tempCache()
	defer os.RemoveAll(cache)

	v, err := engine.Check(context.Background(), offline(cache))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(v.Status, len(v.Packages), "packages")
	for _, p := range v.Packages {
		if strings.HasPrefix(p.Name, "torch") {
			fmt.Println(p.Name, p.Version)
		}
	}
	// Output:
	// ok 25 packages
	// torch 2.5.1
	// torchvision 0.20.1
}

// A driver too old for every torch the folder has: the verdict is a conflict, with the
// solver's proof and hints.
func ExampleCheck_conflict() {
	cache := tempCache()
	defer os.RemoveAll(cache)

	req := offline(cache)
	req.Target.Driver = given("470.82.01", "--driver")
	v, err := engine.Check(context.Background(), req)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(v.Status)
	fmt.Println(strings.Split(v.Conflict.Text(), "\n")[0])
	// Output:
	// conflict
	// Because you require torch ==2.5.1 (../examples/cuda/requirements.txt:1), which requires NVIDIA driver >=525.60.13 (the PyPI wheels are CUDA 12.4 builds, and CUDA 12.x builds need it) [1][2], NVIDIA driver >=525.60.13 is required.
}

// Lock with Output "-" returns the lock without writing it.
func ExampleLock() {
	cache := tempCache()
	defer os.RemoveAll(cache)

	l, err := engine.Lock(context.Background(), engine.LockRequest{
		Request:  offline(cache),
		Output:   "-",
		NoHashes: true,
		Command:  "example",
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(l.Status, l.Output)
	for _, line := range bytes.Split(l.Content, []byte("\n")) {
		if bytes.HasPrefix(line, []byte("torch")) {
			fmt.Printf("%s\n", line)
		}
	}
	// Output:
	// ok -
	// torch==2.5.1
	// torchvision==0.20.1
}

func ExampleEnv() {
	cache := tempCache()
	defer os.RemoveAll(cache)

	req := offline(cache)
	req.Requirements = nil
	env, err := engine.Env(context.Background(), req)
	if err != nil {
		log.Fatal(err)
	}
	for _, s := range env.Target.Settings() {
		if s.Value != "" {
			fmt.Printf("%s = %s (%s)\n", s.Name, s.Value, s.Origin)
		}
	}
	fmt.Println("find-links", env.Indexes.FindLinks[0].Value, "from", env.Indexes.FindLinks[0].Origin)
	// Output:
	// python = 3.11.9 (flag --python)
	// implementation = cpython (default)
	// platform = manylinux_2_35_x86_64 (flag --platform)
	// glibc = 2.35 (flag --platform)
	// driver = 550.54.15 (flag --driver)
	// find-links ../examples/cuda/wheels from flag --find-links
}

func ExampleMatrix() {
	m, err := engine.Matrix()
	if err != nil {
		log.Fatal(err)
	}
	v := pep440.MustParse("2.5.1")
	for _, row := range m.Describe("torch", &v)[:3] {
		fmt.Println(row.Table, row.Package, row.Versions)
	}
	// Output:
	// variant torch ==2.5.*
	// cuda-variant torch ==2.5.*
	// cuda-variant torch ==2.5.*
}
