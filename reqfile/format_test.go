package reqfile

import "testing"

func TestSniffFormat(t *testing.T) {
	for _, tc := range []struct {
		text string
		want Format
	}{
		{"six\ntorch==2.5.1 ; sys_platform == 'linux'\n", FormatRequirements},
		{"# [not a table]\n--index-url https://x/simple\nsix\n", FormatRequirements},
		{"[project]\nname = \"app\"\ndependencies = [\"six\"]\n", FormatPyproject},
		{"# comment\n  [tool.uv]\n", FormatPyproject},
		{"lock-version = \"1.0\"\n[[packages]]\nname = \"six\"\n", FormatPylock},
		{"pandas \\\n  [excel] \\\n  ==2.0\n", FormatRequirements},
		{"numpy\\\n[excel]\n", FormatRequirements},
		{"[project]\nlock-version = \"1.0\"\n", FormatPyproject},
	} {
		if got := SniffFormat([]byte(tc.text)); got != tc.want {
			t.Errorf("SniffFormat(%q) = %v, want %v", tc.text, got, tc.want)
		}
	}
}
