package main

import (
	"encoding/json"
	"testing"
)

func TestRedactJSONStrings(t *testing.T) {
	doc, err := json.Marshal(map[string]string{
		"cited":  "S10 https://example.com/generate_binary_build_matrix.py\n[2] data/cuda.toml:22",
		"secret": `GET "https://alice:hunter2@private.example/simple/" failed`,
		"plain":  "no URL \"here\"",
	})
	if err != nil {
		t.Fatal(err)
	}
	var got map[string]string
	if err := json.Unmarshal(redactJSONStrings(doc), &got); err != nil {
		t.Fatalf("redacted JSON does not parse: %v", err)
	}
	want := map[string]string{
		"cited":  "S10 https://example.com/generate_binary_build_matrix.py\n[2] data/cuda.toml:22",
		"secret": `GET "https://****@private.example/simple/" failed`,
		"plain":  "no URL \"here\"",
	}
	for k, w := range want {
		if got[k] != w {
			t.Errorf("%s = %q, want %q", k, got[k], w)
		}
	}
}
