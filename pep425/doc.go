// Package pep425 implements the Python packaging standards about wheel compatibility:
// compatibility tags (PEP 425), platform tags (PEP 600 manylinux with its legacy
// aliases of PEP 513, 571 and 599, PEP 656 musllinux, macOS and Windows), and the
// distribution filenames that carry them. It parses distribution filenames and decides
// which wheels a target can install. ParsePlatform is depsolve's one reader of a
// platform tag: the target (package target) and the index both use it.
//
// Filenames follow the binary distribution format (PEP 427, as revised by PEP 491
// and the PyPA specification): NAME-VERSION[-BUILD]-PYTHON-ABI-PLATFORM.whl, with
// compressed tag sets ("py2.py3") expanded as in PEP 425. Source distributions are
// NAME-VERSION.tar.gz (PEP 625) and the legacy .zip, .tar.bz2, .tgz and .tar forms.
// Names and versions are returned as written: the caller normalizes names (PEP 503)
// and parses versions (PEP 440), so this package needs nothing but the standard
// library and can be fuzzed on its own.
//
// A Target (CPython version, operating system, architecture, libc or macOS
// version) yields its ordered list of supported tags, most preferred first, the
// way packaging.tags.sys_tags does for a running interpreter (pypa/packaging
// 26.4.dev0, commit 053c8846, the version the project's conformance vectors come
// from):
//
//   - Linux: linux_ARCH first (packaging 26.3 moved it ahead of manylinux), then
//     manylinux_2_Y_ARCH from the target's glibc down to 2.5 (x86_64, i686) or 2.17
//     (other architectures), each legacy alias (manylinux2014 = 2.17, manylinux2010
//     = 2.12, manylinux1 = 2.5) right after its PEP 600 spelling; or, for a musl
//     target, musllinux_1_Y_ARCH from the target's musl down to 1.0 (PEP 656).
//   - macOS: the target's release and every earlier one, with the binary formats
//     packaging knows (universal2, intel, fat64, fat3, universal).
//   - Windows: the single platform tag of the architecture.
//
// Deviations: only CPython targets are modelled (PyPy and GraalPy tags are never
// produced); debug builds ("cp311d") are not modelled; a target names its libc
// rather than having it detected, so the manylinux tags of an architecture are
// offered without packaging's check of the running interpreter's ELF header.
// PEP 825 variant wheels (a label after the platform tag) are rejected as
// filenames: depsolve cannot choose among variants.
package pep425
