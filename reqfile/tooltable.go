package reqfile

// depsolve's settings are a TOML table in three kinds of file: [tool.depsolve] of a
// pyproject.toml (the configuration, which target reads) and of a pylock.toml (the
// target depsolve lock recorded, which engine reads), and the whole of a depsolve.toml.
// depsolveTable is the one reader of that table; each caller interprets its keys.

// DepsolveTable returns the table of depsolve settings in text, a TOML document at path
// that BurntSushi/toml decoded as doc: [tool.depsolve] when tool is set (nil when the
// document has none), else the whole document (a depsolve.toml). Its values can be
// pointed at: Pos, KeyPos, ValuePos. A [tool.depsolve] that is not a table is an
// *Error at its value.
func DepsolveTable(path, text string, doc map[string]any, tool bool) (*Table, error) {
	if !tool {
		return DocumentTable(path, text, doc), nil
	}
	return depsolveTable(newSource(path, text, false), indexTOML(text), doc)
}

// DocumentTable returns the whole of text, a TOML document at path that
// BurntSushi/toml decoded as doc, as a table whose values can be pointed at: a
// depsolve.toml, a policy file.
func DocumentTable(path, text string, doc map[string]any) *Table {
	return &Table{Values: doc, src: newSource(path, text, false), index: indexTOML(text)}
}

// depsolveTable returns [tool.depsolve] of doc, nil when absent.
func depsolveTable(s *source, index tomlIndex, doc map[string]any) (*Table, error) {
	tool, _ := doc["tool"].(map[string]any)
	raw, ok := tool["depsolve"]
	if !ok {
		return nil, nil
	}
	path := tomlPath{"tool", "depsolve"}
	values, ok := raw.(map[string]any)
	if !ok {
		return nil, s.errorAt(index.locate(path), "[tool.depsolve] must be a table", "")
	}
	return &Table{Values: values, src: s, index: index, path: path}, nil
}

// KeyPos returns where the key or table header naming path (as for Pos) is written;
// false when it is not written (the table itself of a depsolve.toml, or a key of a
// table no key or header names).
func (t *Table) KeyPos(path ...any) (Position, bool) {
	start, ok := t.index.key(t.path.plus(path...))
	if !ok {
		return Position{}, false
	}
	return t.src.pos(start), true
}

// ValuePos returns where the value at path (as for Pos) starts; for a table written
// with a header, where the header is. False when it is not written.
func (t *Table) ValuePos(path ...any) (Position, bool) {
	v, ok := t.index.value(t.path.plus(path...))
	if !ok {
		return Position{}, false
	}
	return t.src.pos(v.start), true
}
