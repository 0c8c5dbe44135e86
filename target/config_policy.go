package target

import "strings"

// PolicyRef is what the policy key of depsolve.toml names: a file (Path, relative to
// the configuration's folder), or an https URL pinned by the sha256 of its content.
type PolicyRef struct {
	Path, URL, SHA256 Value
}

// Known reports whether the key was given.
func (r PolicyRef) Known() bool { return r.Path.Known() || r.URL.Known() }

// policyRef reads policy = "policy.toml", or policy = { url = "https://…", sha256 = "…" }.
// A URL given as a string has no pin, and is refused: a policy from elsewhere is pinned
// to the content that was reviewed.
func (p *configParser) policyRef(doc map[string]any) (PolicyRef, error) {
	var ref PolicyRef
	switch raw := doc["policy"].(type) {
	case nil:
		return ref, nil
	case string:
		v, err := p.str(doc, "", "policy")
		if err != nil {
			return ref, err
		}
		if strings.Contains(v.Text, "://") {
			return ref, p.errorf("policy", true, "a policy URL must be pinned: write policy = { url = %q, sha256 = \"…\" } with the sha256 of the file you reviewed", v.Text)
		}
		v.Text = p.localPath(v.Text)
		ref.Path = v
	case map[string]any:
		if err := p.unknownKeys("policy.", raw, []string{"sha256", "url"}); err != nil {
			return ref, err
		}
		var err error
		if ref.URL, err = p.str(raw, "policy.", "url"); err != nil {
			return ref, err
		}
		if ref.SHA256, err = p.str(raw, "policy.", "sha256"); err != nil {
			return ref, err
		}
		if !ref.URL.Known() || !ref.SHA256.Known() {
			return ref, p.errorf("policy", true, "policy = { url = \"https://…\", sha256 = \"…\" } needs both keys")
		}
	default:
		return ref, p.errorf("policy", true, "policy must be a path (\"policy.toml\") or { url = \"https://…\", sha256 = \"…\" }, not %s", TOMLTypeName(raw))
	}
	return ref, nil
}
