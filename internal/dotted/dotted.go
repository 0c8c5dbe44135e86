// Package dotted recognizes texts made of dot-separated runs of ASCII digits, as CUDA,
// glibc and NVIDIA driver versions are written (12.4.1, 2.35, 550.54.15). Every run
// checks such values (flags, the target's file, a base image's tag), and the regular
// expressions that said the same cost each run compiling them.
package dotted

// Numbers reports whether s is from minParts to maxParts runs of ASCII digits joined by
// single dots, each run at most maxDigits long (0: any length). Numbers(s, 2, 3, 0)
// matches what ^[0-9]+\.[0-9]+(\.[0-9]+)?$ matches.
func Numbers(s string, minParts, maxParts, maxDigits int) bool {
	for parts := 1; ; parts++ {
		n := 0
		for n < len(s) && '0' <= s[n] && s[n] <= '9' {
			n++
		}
		if n == 0 || maxDigits > 0 && n > maxDigits || parts > maxParts {
			return false
		}
		if s = s[n:]; s == "" {
			return parts >= minParts
		}
		if s[0] != '.' {
			return false
		}
		s = s[1:]
	}
}
