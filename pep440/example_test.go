package pep440_test

import (
	"fmt"

	"github.com/depsolve/depsolve/pep440"
)

func ExampleRange_String() {
	torch, _ := pep440.ParseSpecifierSet("==2.5.1")
	fmt.Println(torch.Range())
	fmt.Println(torch.Range().Complement())
	fmt.Println(torch.Contains(pep440.MustParse("2.5.1+cu121")))

	numpy, _ := pep440.ParseSpecifierSet(">=1.21, <2.0, !=1.24.0")
	fmt.Println(numpy.Range())
	fmt.Println(numpy.Range().Complement())

	decided := pep440.Exactly(pep440.MustParse("1.26.4"))
	fmt.Println(decided, numpy.Range().Difference(decided))
	// Output:
	// ==2.5.1
	// !=2.5.1
	// true
	// >=1.21, !=1.24.0, <2.0
	// <=1.21, !=1.21 || ==1.24.0 || >=2.0.dev0
	// ===1.26.4 >=1.21, !=1.24.0, !==1.26.4, <2.0
}

func ExampleSpecifierSet_Filter() {
	set, _ := pep440.ParseSpecifierSet(">=2.0")
	var vs []pep440.Version
	for _, s := range []string{"1.9", "2.0rc1", "2.0", "2.1.dev0"} {
		vs = append(vs, pep440.MustParse(s))
	}
	fmt.Println(set.Filter(vs, pep440.PrereleasesDefault))
	fmt.Println(set.Filter(vs, pep440.PrereleasesInclude))
	fmt.Println(set.Filter([]pep440.Version{vs[0], vs[3]}, pep440.PrereleasesDefault)) // no final release matches
	// Output:
	// [2.0]
	// [2.0 2.1.dev0]
	// [2.1.dev0]
}

func ExampleVersion_Original() {
	driver := pep440.MustParse("535.104.05")
	fmt.Println(driver, driver.Original())
	fmt.Println(driver.Compare(pep440.MustParse("525.60.13")))
	// Output:
	// 535.104.5 535.104.05
	// 1
}
