package cache

import (
	"bytes"
	"encoding/binary"
	"hash/crc64"
	"testing"

	bolt "go.etcd.io/bbolt"
)

// sealFormat1 seals payload as depsolve did before entry format 2: format byte 1, the
// payload, a big-endian CRC-64/ECMA of the key's length, the key and the payload.
func sealFormat1(key string, payload []byte) []byte {
	table := crc64.MakeTable(crc64.ECMA)
	crc := crc64.Update(0, table, binary.AppendUvarint(nil, uint64(len(key))))
	crc = crc64.Update(crc, table, []byte(key))
	crc = crc64.Update(crc, table, payload)
	v := append([]byte{1}, payload...)
	return binary.BigEndian.AppendUint64(v, crc)
}

// Entries an earlier depsolve sealed in format 1 are misses: never read as entries of
// this format, and, being no damage, neither deleted nor warned about. Storing the entry
// again replaces them.
func TestFormat1EntriesAreQuietMisses(t *testing.T) {
	c, w := openTest(t, t.TempDir(), Options{})
	const pageURL = "https://pypi.example/simple/torch/"
	meta := []byte("Metadata-Version: 2.1\nName: torch\nVersion: 2.5.1\n")
	metaKey := MetadataKey(digest(meta))
	parsedKey := ParsedKey(digest([]byte("parse input")))
	page := samplePage("page body")
	page.ParsedKey = parsedKey
	if err := c.PutParsed(parsedKey, []byte("parsed form")); err != nil {
		t.Fatal(err)
	}
	if err := c.PutPage(pageURL, page); err != nil {
		t.Fatal(err)
	}
	if err := c.PutMetadata(metaKey, meta); err != nil {
		t.Fatal(err)
	}
	old := map[string][]byte{}
	rawUpdate(t, c.Path(), func(tx *bolt.Tx) error {
		stored := page
		stored.URL = pageURL
		pageValue := sealFormat1(pageURL, encodePage(stored))
		// A format 1 head began with the checksum of its page's value.
		pageSum := binary.BigEndian.Uint64(pageValue[len(pageValue)-8:])
		headValue := sealFormat1(pageURL, append(binary.AppendVarint(nil, int64(pageSum)), encodeHead(stored)...))
		for _, e := range []struct {
			bucket []byte
			key    string
			value  []byte
		}{
			{bucketPages, pageURL, pageValue},
			{bucketHeads, pageURL, headValue},
			{bucketParsed, parsedKey, sealFormat1(parsedKey, []byte("parsed form"))},
			{bucketMetadata, metaKey, sealFormat1(metaKey, meta)},
		} {
			old[string(e.bucket)] = e.value
			if err := tx.Bucket(e.bucket).Put([]byte(e.key), e.value); err != nil {
				return err
			}
		}
		return nil
	})

	if p, found, err := c.GetPage(pageURL); found || err != nil {
		t.Errorf("GetPage = %+v, %v, %v; want a miss", p, found, err)
	}
	if p, found, err := c.GetPageHead(pageURL); found || err != nil {
		t.Errorf("GetPageHead = %+v, %v, %v; want a miss", p, found, err)
	}
	if p, parsed, found, err := c.GetPageWithParsed(pageURL, func(Page) string { return parsedKey }); found || parsed != nil || err != nil {
		t.Errorf("GetPageWithParsed = %+v, %q, %v, %v; want a miss", p, parsed, found, err)
	}
	if v, found, err := c.GetParsed(parsedKey); found || err != nil {
		t.Errorf("GetParsed = %q, %v, %v; want a miss", v, found, err)
	}
	if v, found, err := c.GetMetadata(metaKey); found || err != nil {
		t.Errorf("GetMetadata = %q, %v, %v; want a miss", v, found, err)
	}
	if got := w.list(); len(got) != 0 {
		t.Errorf("warnings %q; want none for entries of another format", got)
	}
	for _, e := range []struct {
		bucket []byte
		key    string
	}{{bucketPages, pageURL}, {bucketHeads, pageURL}, {bucketParsed, parsedKey}, {bucketMetadata, metaKey}} {
		if v := rawGet(t, c.Path(), e.bucket, e.key); !bytes.Equal(v, old[string(e.bucket)]) {
			t.Errorf("the format 1 value in %s was changed: %q", e.bucket, v)
		}
	}

	if err := c.PutPage(pageURL, samplePage("new body")); err != nil {
		t.Fatal(err)
	}
	if err := c.PutMetadata(metaKey, meta); err != nil {
		t.Fatal(err)
	}
	if p, found, err := c.GetPage(pageURL); !found || err != nil || string(p.Body) != "new body" {
		t.Errorf("GetPage after storing it again = %q, %v, %v", p.Body, found, err)
	}
	if v, found, err := c.GetMetadata(metaKey); !found || err != nil || !bytes.Equal(v, meta) {
		t.Errorf("GetMetadata after storing it again = %q, %v, %v", v, found, err)
	}
}
