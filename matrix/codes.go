package matrix

// AdvisoryCodes are the codes of every advisory the matrix gives, which a platform's
// policy may make errors of (its strict.errors).
func AdvisoryCodes() []string {
	return []string{
		AdvisoryCPUOnlyBuild, AdvisoryCUDAWheelsOnCPUTarget, AdvisoryCUDAFamilyMix, AdvisoryTable3Driver,
		AdvisoryUnverifiedBuild, AdvisoryUnverifiedArchs, AdvisoryUnverifiedConstraint, AdvisoryUnverifiedGPUDriver,
		AdvisoryNote, AdvisoryUncheckedRelease, AdvisoryForwardCompat, AdvisoryUncheckedTarget,
	}
}
