package cache

import (
	"fmt"
	"testing"
)

// benchCache returns a cache holding n pages with bodies of size bytes.
func benchCache(b *testing.B, n, size int) *Cache {
	b.Helper()
	c, _ := openTest(b, b.TempDir(), Options{})
	for i := range n {
		p := samplePage("")
		p.Body = make([]byte, size)
		if err := c.PutPage(pageURL(i), p); err != nil {
			b.Fatal(err)
		}
	}
	return c
}

// BenchmarkGetPage measures one lookup: open read-only, one transaction, copy, close.
func BenchmarkGetPage(b *testing.B) {
	for _, size := range []int{4 << 10, 1 << 20} {
		b.Run(fmt.Sprintf("body=%dKiB", size>>10), func(b *testing.B) {
			c := benchCache(b, 200, size)
			b.SetBytes(int64(size))
			b.ResetTimer()
			for i := 0; b.Loop(); i++ {
				if _, found, err := c.GetPage(pageURL(i % 200)); !found || err != nil {
					b.Fatal(found, err)
				}
			}
		})
	}
}

// BenchmarkGetPageMiss measures a lookup that finds nothing.
func BenchmarkGetPageMiss(b *testing.B) {
	c := benchCache(b, 200, 4<<10)
	for b.Loop() {
		if _, found, err := c.GetPage("https://pypi.example/simple/absent/"); found || err != nil {
			b.Fatal(found, err)
		}
	}
}

// BenchmarkPutPage measures one store: open read-write, one committed (fsynced)
// transaction, close.
func BenchmarkPutPage(b *testing.B) {
	for _, size := range []int{4 << 10, 1 << 20} {
		b.Run(fmt.Sprintf("body=%dKiB", size>>10), func(b *testing.B) {
			c := benchCache(b, 200, size)
			p := samplePage("")
			p.Body = make([]byte, size)
			b.SetBytes(int64(size))
			b.ResetTimer()
			for i := 0; b.Loop(); i++ {
				if err := c.PutPage(pageURL(i%400), p); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkPutMetadata includes the SHA-256 check of the content key.
func BenchmarkPutMetadata(b *testing.B) {
	c, _ := openTest(b, b.TempDir(), Options{})
	data := make([]byte, 8<<10)
	for i := 0; b.Loop(); i++ {
		data[0], data[1] = byte(i), byte(i>>8)
		if err := c.PutMetadata(MetadataKey(digest(data)), data); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkOpen measures Open of an existing cache (one read-only probe).
func BenchmarkOpen(b *testing.B) {
	dir := b.TempDir()
	benchCache(b, 0, 0)
	openTest(b, dir, Options{})
	for b.Loop() {
		if _, err := Open(dir, Options{}); err != nil {
			b.Fatal(err)
		}
	}
}
