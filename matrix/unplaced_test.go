package matrix

import (
	"strings"
	"testing"

	"github.com/depsolve/depsolve/pep440"
	"github.com/depsolve/depsolve/target"
)

// A target value the matrix has no row for is never silently "ok": the target's
// advisories say, with a stable code, which value (and from where) was not placed and
// what that leaves unchecked; a value the rows place, or one past the data that their
// ranges still decide (a newer driver), gets none.
func TestAdvisoriesUncheckedTarget(t *testing.T) {
	m := loadMatrix(t)
	for _, tc := range []struct {
		name string
		decl target.Declaration
		want []string // substrings of the unchecked-target advisories, one each, in order
	}{
		{"CUDA of an unknown major", target.Declaration{CUDA: target.Flag("--cuda", "14.0.0"), Driver: target.Flag("--driver", "580.65.06")},
			[]string{"CUDA 14.0.0 (flag --cuda) is not in the matrix, which has no CUDA 14.x family"}},
		{"CUDA release without Table 3 row", target.Declaration{CUDA: target.Flag("--cuda", "13.5.0")},
			[]string{"CUDA 13.5.0 (flag --cuda) is a release the matrix has no verified Table 3 row for", "CUDA 13.x family's floor (580.65.06)"}},
		{"CUDA release with an unverified Table 3 row only", target.Declaration{CUDA: target.Flag("--cuda", "13.3.0")},
			[]string{"an unverified copy reads driver 610.43.02 (data/cuda.toml:"}},
		{"CUDA release with a Table 3 row", target.Declaration{CUDA: target.Flag("--cuda", "12.4.1")}, nil},
		{"CUDA major.minor of a Table 3 release", target.Declaration{CUDA: target.Flag("--cuda", "12.4")}, nil},
		{"GPU of an unknown architecture", target.Declaration{GPUs: target.FlagGPUs("--gpu", []string{"H100", "sm_130", "sm_111"})},
			[]string{"GPU sm_130 (flag --gpu) has compute capability 13.0, which no architecture in the matrix has", "GPU sm_111 (flag --gpu) has compute capability 11.1"}},
		{"driver newer than the data", target.Declaration{Driver: target.Flag("--driver", "999.1"), GPUs: target.FlagGPUs("--gpu", []string{"H100"})}, nil},
		{"machine no row names", target.Declaration{Platform: target.Flag("--platform", "manylinux_2_35_riscv64")},
			[]string{"platform manylinux_2_35_riscv64 (flag --platform) is for machine riscv64, which no row of the matrix names"}},
		{"known machine", target.Declaration{Platform: target.Flag("--platform", "manylinux_2_35_aarch64")}, nil},
		{"image flavor not listed", target.Declaration{BaseImage: target.Flag("--base-image", "nvidia/cuda:12.4.1-weird-ubuntu22.04")},
			[]string{`base image nvidia/cuda:12.4.1-weird-ubuntu22.04 (flag --base-image) is of a flavor ("weird") the matrix does not list`}},
		{"image OS without glibc", target.Declaration{BaseImage: target.Flag("--base-image", "nvidia/cuda:13.0.0-runtime-ubuntu26.04")},
			[]string{"base image nvidia/cuda:13.0.0-runtime-ubuntu26.04 (flag --base-image) runs ubuntu26.04, whose glibc the matrix does not know"}},
		{"image OS without glibc, glibc given", target.Declaration{BaseImage: target.Flag("--base-image", "nvidia/cuda:13.0.0-runtime-ubuntu26.04"), GLibc: target.Flag("--glibc", "2.41")}, nil},
		{"listed image flavor", target.Declaration{BaseImage: target.Flag("--base-image", "nvidia/cuda:12.4.1-cudnn-runtime-ubuntu22.04")}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tgt, err := target.Build(m.Catalog(), target.Defaults{Python: "3.12", Platform: "manylinux_2_35_x86_64"}, tc.decl)
			if err != nil {
				t.Fatal(err)
			}
			none := func(string) (pep440.Version, bool) { return pep440.Version{}, false }
			var got []string
			for _, a := range m.ForTarget(tgt).AdvisoriesFor(none) {
				if a.Code == AdvisoryUncheckedTarget {
					got = append(got, a.Text)
				}
			}
			text := strings.Join(got, "\n")
			if len(tc.want) == 0 && len(got) > 0 {
				t.Errorf("unexpected unchecked-target advisories:\n%s", text)
			}
			for _, w := range tc.want {
				if !strings.Contains(text, w) {
					t.Errorf("no unchecked-target advisory says %q; got:\n%s", w, text)
				}
			}
		})
	}
}
