package cache

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"testing"
)

// childEnv switches the test binary into a child of TestMultiProcess: "DIR,INDEX".
const childEnv = "DEPSOLVE_CACHE_TEST_CHILD"

const (
	children         = 8
	entriesPerChild  = 150
	sharedMatrixData = "compiled matrix shared by every process"
)

func childPageURL(child, i int) string {
	return fmt.Sprintf("https://pypi.example/simple/child-%d-project-%d/", child, i)
}

func childPageBody(child, i int) []byte {
	return bytes.Repeat(fmt.Appendf(nil, "<a href='c%d-p%d.whl'>x</a>\n", child, i), 20+i%50)
}

func childMetadata(child, i int) []byte {
	return fmt.Appendf(nil, "Metadata-Version: 2.1\nName: child-%d-project-%d\nVersion: 1.%d\n", child, i, i)
}

var sharedMatrixKey = MatrixKey(digest([]byte("matrix source")))

// checkChildEntry reads entry i of child through c. It reports a miss as found=false and
// anything wrong (an error, a wrong value) as err.
func checkChildEntry(c *Cache, child, i int) (found bool, err error) {
	p, foundPage, err := c.GetPage(childPageURL(child, i))
	if err != nil {
		return false, err
	}
	if foundPage && !bytes.Equal(p.Body, childPageBody(child, i)) {
		return false, fmt.Errorf("page %d of child %d has a wrong body", i, child)
	}
	meta, foundMeta, err := c.GetMetadata(MetadataKey(digest(childMetadata(child, i))))
	if err != nil {
		return false, err
	}
	if foundMeta && !bytes.Equal(meta, childMetadata(child, i)) {
		return false, fmt.Errorf("metadata %d of child %d is wrong", i, child)
	}
	return foundPage && foundMeta, nil
}

// TestMultiProcess runs eight processes at once on one cache directory; each writes and
// reads its own entries, reads the others', and writes one entry all of them share. All
// must succeed without a warning, and every entry must be there afterwards.
func TestMultiProcess(t *testing.T) {
	if testing.Short() {
		t.Skip("starts eight processes")
	}
	dir := t.TempDir()
	var wg sync.WaitGroup
	for child := range children {
		wg.Go(func() {
			cmd := exec.Command(os.Args[0], "-test.run=^TestMultiProcessChild$", "-test.count=1", "-test.v")
			cmd.Env = append(os.Environ(), childEnv+"="+dir+","+strconv.Itoa(child))
			if out, err := cmd.CombinedOutput(); err != nil {
				t.Errorf("child %d: %v\n%s", child, err, out)
			} else if !strings.Contains(string(out), "--- PASS: TestMultiProcessChild") {
				t.Errorf("child %d did not run its test:\n%s", child, out)
			}
		})
	}
	wg.Wait()

	c, w := openTest(t, dir, Options{})
	for child := range children {
		for i := range entriesPerChild {
			if found, err := checkChildEntry(c, child, i); err != nil || !found {
				t.Fatalf("entry %d of child %d: found=%v err=%v", i, child, found, err)
			}
		}
	}
	info, err := c.Info()
	if err != nil {
		t.Fatal(err)
	}
	if info.Pages != children*entriesPerChild || info.Metadata != children*entriesPerChild || info.Matrices != 1 || len(info.Corrupt) != 0 {
		t.Errorf("Info = %+v", info)
	}
	if got := w.list(); len(got) != 0 {
		t.Errorf("warnings: %q", got)
	}
}

// TestMultiProcessChild is one process of TestMultiProcess; run alone it skips.
func TestMultiProcessChild(t *testing.T) {
	spec := os.Getenv(childEnv)
	if spec == "" {
		t.Skip("run by TestMultiProcess")
	}
	dir, index, _ := strings.Cut(spec, ",")
	child, err := strconv.Atoi(index)
	if err != nil {
		t.Fatalf("bad %s=%q", childEnv, spec)
	}
	c, w := openTest(t, dir, Options{CreatedBy: "child " + index, WriteBehind: true})
	for i := range entriesPerChild {
		page := samplePage("")
		page.Body = childPageBody(child, i)
		if err := c.PutPage(childPageURL(child, i), page); err != nil {
			t.Fatal(err)
		}
		if err := c.PutMetadata(MetadataKey(digest(childMetadata(child, i))), childMetadata(child, i)); err != nil {
			t.Fatal(err)
		}
		if found, err := checkChildEntry(c, child, i); err != nil || !found {
			t.Fatalf("own entry %d: found=%v err=%v", i, found, err)
		}
		// Another process's entry: there or not yet, but never wrong.
		if _, err := checkChildEntry(c, (child+1+i)%children, i); err != nil {
			t.Fatal(err)
		}
		if i%10 == 0 {
			if err := c.PutMatrix(sharedMatrixKey, []byte(sharedMatrixData)); err != nil {
				t.Fatal(err)
			}
			if v, found, err := c.GetMatrix(sharedMatrixKey); err != nil || !found || string(v) != sharedMatrixData {
				t.Fatalf("GetMatrix = %q, %v, %v", v, found, err)
			}
		}
	}
	c.Close()
	if got := w.list(); len(got) != 0 {
		t.Fatalf("warnings: %q", got)
	}
}
