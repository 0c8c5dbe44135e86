// Package policy reads a platform team's policy: the rules every project of an
// organisation resolves under, loaded like depsolve.toml (strict TOML, errors at
// file:line:col) and cited like matrix rows. A project's depsolve.toml names it with
// policy = "policy.toml" or policy = { url = "https://…", sha256 = "…" } (the flag:
// --policy PATH, or --policy URL#sha256=HEX); a URL policy is kept in the cache by its
// sha256 and read from there, offline too, and content that is not the pin is an error.
//
// The schema (every key optional; examples/policy has a commented one):
//
//	locked = ["supply-chain.indexes"]      # settings a project may not loosen (Lockable)
//	[[fleet]]                              # named sets of targets
//	name = "training"
//	images = ["nvidia/cuda:…"]             # the fleet's golden images, else [images]
//	[[fleet.target]]                       # depsolve.toml's [target] keys, and a name
//	name = "h100-550"
//	python, platform, glibc, driver, cuda, base-image = "…"; gpus = ["H100"]; cpu = false
//	[[deny]] / [[require]]                 # versions denied / required where the package is used
//	package = "torch"; versions = "<2.6"; reason = "…"; link = "https://…"
//	[images]        allowed = ["…"]        # golden base images: any other is a finding
//	[supply-chain]  indexes = ["https://…/simple"]  # allowed, in first-index order
//	                only-binary = true; pre-releases = "never" | "if-needed"
//	                exclude-newer = "2026-10-01"     # nothing uploaded after it
//	[budget]        max-image-size = "8GB"; max-download-size = "4GiB"
//	[strict]        errors = ["unchecked-release"]   # warning codes that fail a check
//	[rules]         one-cuda-family = true # builds of one CUDA major per image
//
// Under one-cuda-family a solution that would mix CUDA majors (the cuda-family-mix
// warning) cannot be: the solver takes builds of one family where the index offers them
// (kernels +cu126 beside a CUDA 12 torch rather than +cu130), and where it does not, the
// conflict cites the policy's line: "… (it is a CUDA 13.0 build, and your platform's
// policy (policy.toml:3) allows one CUDA family per image) …".
//
// Layers: the policy, then the project's files (depsolve.toml, requirement files'
// options), then flags. A project or a flag that loosens a setting (a package source the
// policy does not list, --pre against pre-releases = "never", --no-binary against
// only-binary) wins with a warning, unless the policy locks the setting: then it is an
// error. Rules and fleets bind every project; only the policy file changes them.
//
// indexes holds every source a package can come from, not only the indexes: an index
// (--index-url, --extra-index-url, uv's default, extra and explicit indexes) must be one
// it lists; a find-links page (uv's flat indexes too) and a NAME @ URL must be one of
// them or lie under one, by whole path segments. A local find-links folder, file: URL or
// path source is a source the policy cannot list, so it loosens the setting like any
// other: a warning, or an error where indexes is locked. With --no-index no index is
// asked, the policy's neither: only the find-links locations, held to the same rule.
package policy
