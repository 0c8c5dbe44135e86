package target

import "fmt"

// CheckSetting says what is wrong with text as the value of a target setting named as
// depsolve.toml's [target] names it ("python", "driver", "gpus" for one GPU …), so that
// other files that declare targets (a policy's fleets) reject what depsolve.toml does,
// in the same words; nil when it is well formed.
func CheckSetting(key, text string) error {
	check, ok := map[string]func(string) error{
		"python": checkPython, "platform": checkPlatform, "glibc": checkGLibc, "driver": checkDriver,
		"cuda": checkCUDA, "base-image": checkImageReference, "gpus": checkGPU,
	}[key]
	if !ok {
		return fmt.Errorf("%q is not a target setting", key)
	}
	return check(text)
}
