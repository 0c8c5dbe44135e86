package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"
	"github.com/santhosh-tekuri/jsonschema/v6"
)

// The JSON report of check is a contract: docs/depsolve.schema.json describes it, and
// every report a script prints is validated against it. The depsolve the scripts run
// (TestMain) validates its own stdout when it is a report, and appends what does not
// match to the file $DEPSOLVE_SCHEMA_FAILURES names; the script fails at its end when
// that file holds anything (checkSchemaFailures). So a report is checked whatever the
// script asserts, after a failing command (! exec) too.

// schemaPath is the schema, relative to this package's folder (where go test runs); the
// depsolve of a script, which runs in the script's folder, reads it at $DEPSOLVE_SCHEMA.
var schemaPath = filepath.Join("..", "..", "docs", "depsolve.schema.json")

const (
	schemaEnv         = "DEPSOLVE_SCHEMA"
	schemaFailuresEnv = "DEPSOLVE_SCHEMA_FAILURES"
)

var reportSchema = sync.OnceValues(func() (*jsonschema.Schema, error) {
	path := schemaPath
	if p := os.Getenv(schemaEnv); p != "" {
		path = p
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	doc, err := jsonschema.UnmarshalJSON(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	id, _ := doc.(map[string]any)["$id"].(string)
	c := jsonschema.NewCompiler()
	if err := c.AddResource(id, doc); err != nil {
		return nil, err
	}
	return c.Compile(id)
})

// isReport reports whether stdout is one JSON object with a status: check's report
// (env and matrix print other objects).
func isReport(stdout []byte) bool {
	var doc map[string]json.RawMessage
	if json.Unmarshal(stdout, &doc) != nil {
		return false
	}
	_, ok := doc["status"]
	return ok
}

// validateReport checks a report against docs/depsolve.schema.json.
func validateReport(stdout []byte) error {
	sch, err := reportSchema()
	if err != nil {
		return err
	}
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(stdout))
	if err != nil {
		return err
	}
	return sch.Validate(doc)
}

// runValidated runs depsolve with args as the scripts do, validating a report it prints.
func runValidated(args []string) int {
	var out bytes.Buffer
	code := run(args, &out, os.Stderr)
	os.Stdout.Write(out.Bytes())
	if path := os.Getenv(schemaFailuresEnv); path != "" && isReport(out.Bytes()) {
		if err := validateReport(out.Bytes()); err != nil {
			f, ferr := os.OpenFile(path, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
			if ferr == nil {
				fmt.Fprintf(f, "depsolve %s:\n%v\n", strings.Join(args, " "), err)
				f.Close()
			}
		}
	}
	return code
}

// checkSchemaFailures fails the script when a report it printed did not match the schema.
func checkSchemaFailures(env *testscript.Env) {
	path := filepath.Join(env.WorkDir, ".schema-failures")
	env.Setenv(schemaFailuresEnv, path)
	abs, err := filepath.Abs(schemaPath)
	if err != nil {
		env.T().Fatal(err)
	}
	env.Setenv(schemaEnv, abs)
	env.Defer(func() {
		if data, err := os.ReadFile(path); err == nil && len(data) > 0 {
			env.T().Fatal("a JSON report does not match " + schemaPath + ":\n" + string(data))
		}
	})
}

// TestSchemaRejects shows that the validation can fail: reports that break the
// contract in ways the scripts would not notice by themselves.
func TestSchemaRejects(t *testing.T) {
	valid := `{"schema_version": 1, "status": "ok",
	  "target": {"python": "3.11.9", "platform": "manylinux_2_35_x86_64", "driver": null, "gpus": [], "cuda": null,
	             "origins": [{"name": "python", "value": "3.11.9", "origin": "flag --python"}]},
	  "packages": [{"name": "numpy", "version": "1.26.4", "index": "https://pypi.org/simple", "file": "numpy-1.26.4.tar.gz",
	                "sha256": "` + strings.Repeat("a", 64) + `", "size": 10, "sdist": true, "via": ["requirements.txt:1"]}],
	  "warnings": [{"code": "sdist-only", "message": "m", "package": "numpy", "version": "1.26.4", "sources": []}]}`
	if err := validateReport([]byte(valid)); err != nil {
		t.Fatalf("a valid report is rejected: %v", err)
	}
	for name, edit := range map[string][2]string{
		"no schema_version":              {`"schema_version": 1, `, ``},
		"a later schema_version":         {`"schema_version": 1`, `"schema_version": 2`},
		"an unknown field":               {`"status": "ok",`, `"status": "ok", "extra": 1,`},
		"a package not normalized":       {`"name": "numpy"`, `"name": "NumPy"`},
		"a conflict without explanation": {`"status": "ok"`, `"status": "conflict"`},
		"a warning without a code":       {`"code": "sdist-only", `, ``},
		"a target without origins":       {`"origins": [{"name": "python", "value": "3.11.9", "origin": "flag --python"}]`, `"x": []`},
	} {
		bad := strings.Replace(valid, edit[0], edit[1], 1)
		if bad == valid {
			t.Fatalf("%s: the edit changes nothing", name)
		}
		if err := validateReport([]byte(bad)); err == nil {
			t.Errorf("%s: the schema accepts it", name)
		}
	}
}
