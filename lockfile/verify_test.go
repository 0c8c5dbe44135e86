package lockfile

import (
	"github.com/depsolve/depsolve/input"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestVerify(t *testing.T) {
	resolved := []Package{
		{Name: "numpy", Version: "1.26.4", Files: []File{
			{Name: "numpy-1.26.4-cp311-cp311-manylinux_2_17_x86_64.whl", SHA256: "aaaa"},
			{Name: "numpy-1.26.4.tar.gz", SHA256: "bbbb"},
		}},
		{Name: "pandas", Version: "2.2.3", Files: []File{{Name: "pandas-2.2.3-py3-none-any.whl", SHA256: "cccc"}}},
		{Name: "six", Version: "1.16.0", Via: []string{"python-dateutil", "pandas", "pandas"}},
		{Name: "tzdata", Version: "2024.2", Files: []File{{Name: "tzdata-2024.2-py2.py3-none-any.whl", SHA256: "dddd"}}},
		{Name: "python-dateutil", Version: "2.9.0", Via: []string{"pandas"}},
	}
	tests := []struct {
		name string
		pins []Pin
		want []Finding
	}{
		{
			name: "hashes match: one of several is enough, case does not matter, a sha512 beside a sha256 is no finding",
			pins: []Pin{
				{Name: "numpy", Version: "1.26.4", Origin: lockAt("r.lock", 1), Hashes: []string{"sha256:ffff", "sha256:BBBB"}},
				{Name: "pandas", Version: "2.2.3", Origin: lockAt("r.lock", 2), Hashes: []string{"sha512:ffff", "sha256:cccc"}},
				{Name: "six", Version: "1.16.0", Origin: lockAt("r.lock", 3), Hashes: []string{"sha256:eeee"}},
				{Name: "tzdata", Version: "2024.2", Origin: lockAt("r.lock", 4), Hashes: []string{"sha256:dddd"}},
				{Name: "python-dateutil", Version: "2.9.0", Origin: lockAt("r.lock", 5), Hashes: []string{"sha256:eeee"}},
			},
			want: []Finding{
				// six and python-dateutil have no file with a hash on the index.
				{Origin: lockAt("r.lock", 3), Name: "six", Msg: "six==1.16.0: the index gives no sha256 for any file of it usable on the target, so the pinned hashes cannot be checked"},
				{Origin: lockAt("r.lock", 5), Name: "python-dateutil", Msg: "python-dateutil==2.9.0: the index gives no sha256 for any file of it usable on the target, so the pinned hashes cannot be checked"},
			},
		},
		{
			name: "mismatch, missing hash, missing pins",
			pins: []Pin{
				{Name: "numpy", Version: "1.26.4", Origin: lockAt("r.lock", 1), Hashes: []string{"sha256:0000"}},
				{Name: "tzdata", Version: "2024.2", Origin: lockAt("r.lock", 2)},
				{Name: "pandas", Version: "2.2.3", Origin: lockAt("r.lock", 3), Hashes: []string{"sha512:cccc", "SHA384:cccc", "sha512:dddd"}},
			},
			want: []Finding{
				{Origin: lockAt("r.lock", 1), Name: "numpy", Msg: "numpy==1.26.4: the pinned hash matches no file usable on the target; the index has " +
					"numpy-1.26.4-cp311-cp311-manylinux_2_17_x86_64.whl (sha256:aaaa), numpy-1.26.4.tar.gz (sha256:bbbb)"},
				{Origin: lockAt("r.lock", 2), Name: "tzdata", Msg: "tzdata==2024.2 has no --hash; pip's hash-checking mode, on because other lines have hashes, refuses it"},
				{Origin: lockAt("r.lock", 3), Name: "pandas", Warning: true, Msg: "pandas==2.2.3: depsolve checks only sha256 hashes, and this pin has sha384 and sha512 ones: " +
					"they were not checked; add the sha256 of the file (--hash=sha256:…) to have depsolve check it"},
				{Name: "python-dateutil", Msg: "python-dateutil is not pinned, yet the pinned set needs it (python-dateutil 2.9.0, required by pandas)"},
				{Name: "six", Msg: "six is not pinned, yet the pinned set needs it (six 1.16.0, required by pandas, python-dateutil)"},
			},
		},
		{
			name: "a sha256 that matches nothing beside a sha512 that may: pip accepts a match of either, so unchecked, no finding",
			pins: []Pin{
				{Name: "tzdata", Version: "2024.2", Origin: lockAt("r.lock", 1), Hashes: []string{"sha256:0000", "sha512:dddd"}},
			},
			want: []Finding{
				{Origin: lockAt("r.lock", 1), Name: "tzdata", Warning: true, Msg: "tzdata==2024.2: none of its sha256 hashes is a file usable on the target, and depsolve checks only sha256: " +
					"its sha512 ones were not checked, and pip installs a file that matches one of them; add the sha256 of the file (--hash=sha256:…) to have depsolve check it"},
				{Name: "numpy", Msg: "numpy is not pinned, yet the pinned set needs it (numpy 1.26.4)"},
				{Name: "pandas", Msg: "pandas is not pinned, yet the pinned set needs it (pandas 2.2.3)"},
				{Name: "python-dateutil", Msg: "python-dateutil is not pinned, yet the pinned set needs it (python-dateutil 2.9.0, required by pandas)"},
				{Name: "six", Msg: "six is not pinned, yet the pinned set needs it (six 1.16.0, required by pandas, python-dateutil)"},
			},
		},
		{
			name: "no hashes anywhere: nothing to check but completeness; a pin outside the solution is skipped",
			pins: []Pin{
				{Name: "numpy", Version: "1.26.4", Origin: lockAt("r.lock", 1)},
				{Name: "pandas", Version: "2.2.3", Origin: lockAt("r.lock", 2)},
				{Name: "six", Version: "1.16.0", Origin: lockAt("r.lock", 3)},
				{Name: "tzdata", Version: "2024.2", Origin: lockAt("r.lock", 4)},
				{Name: "python-dateutil", Version: "2.9.0", Origin: lockAt("r.lock", 5)},
				{Name: "pywin32", Version: "308", Origin: lockAt("r.lock", 6)},
			},
		},
		{
			name: "no hashes: an unpinned dependency is still a finding",
			pins: []Pin{
				{Name: "numpy", Version: "1.26.4", Origin: lockAt("r.txt", 1)},
				{Name: "pandas", Version: "2.2.3", Origin: lockAt("r.txt", 2)},
				{Name: "tzdata", Version: "2024.2", Origin: lockAt("r.txt", 3)},
				{Name: "python-dateutil", Version: "2.9.0", Origin: lockAt("r.txt", 4)},
			},
			want: []Finding{
				{Name: "six", Msg: "six is not pinned, yet the pinned set needs it (six 1.16.0, required by pandas, python-dateutil)"},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Verify(tt.pins, resolved, false)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Verify (-want +got):\n%s", diff)
			}
		})
	}
}

func TestVerifyManyFiles(t *testing.T) {
	var files []File
	for _, h := range []string{"d", "c", "b", "a"} {
		files = append(files, File{Name: "x-1.0-" + h + ".whl", SHA256: h})
	}
	got := Verify([]Pin{{Name: "x", Version: "1.0", Origin: lockAt("l", 1), Hashes: []string{"sha256:e", "sha256:f"}}},
		[]Package{{Name: "x", Version: "1.0", Files: files}}, false)
	want := "x==1.0: none of the 2 pinned hashes matches a file usable on the target; the index has " +
		"x-1.0-a.whl (sha256:a), x-1.0-b.whl (sha256:b), and 2 more"
	if len(got) != 1 || got[0].Msg != want || got[0].String() != "l:1: "+want {
		t.Errorf("got %q\nwant %q", got, want)
	}
}

func lockAt(file string, line int) input.Position { return input.Position{File: file, Line: line} }
