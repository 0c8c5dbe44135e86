// Package image reads a container image itself, so that the CUDA, cuDNN, Python and
// glibc of a base image, and the Python packages installed in it, come from the image
// rather than from its tag. It is the one package that imports go-containerregistry for
// reading images.
//
// References (Read's ref):
//
//   - registry/repository:tag or registry/repository@sha256:… (a leading docker:// is
//     dropped): read from the registry, with the credentials of ~/.docker/config.json
//     ($DOCKER_CONFIG) and its credential helpers; an image index yields the image of
//     Options.Platform;
//   - oci:DIR, oci:DIR:TAG, oci:DIR@sha256:…: an OCI image layout on disk; TAG is
//     matched against the org.opencontainers.image.ref.name annotation;
//   - docker-archive:FILE, docker-archive:FILE:REPO:TAG: a `docker save` tarball (the
//     names of skopeo's transports).
//
// What is read: the config's platform, environment (CUDA_VERSION, NV_CUDNN_VERSION,
// NVIDIA_REQUIRE_CUDA, PYTHON_VERSION, …) and labels, the layers' digests, diff IDs and sizes, and,
// from the layers' files, the installed Python distributions (*/site-packages/*.dist-info
// and */dist-packages/*.dist-info METADATA), the CUDA libraries (libcudart.so.12.4.127,
// libcudnn.so.9.1.0, libnccl.so.2.21.5, …), the Python interpreters (bin/python3.N) and
// glibc (libc-2.31.so by name, libc.so.6 by its version string). Later layers' whiteouts
// (.wh.NAME, .wh..wh..opq) hide earlier layers' files, as a container runtime would.
//
// Each layer is streamed once, through its digest check, and never buffered: only
// METADATA files (up to MaxMetadataSize each) and the bytes of libc.so.6 around its
// version string are held. What a layer holds is cached by the layer's digest (cache
// bucket "layers"), written in one transaction once the whole layer was read and its
// digest checked, so a second Read of an image, or of another image sharing the layer,
// fetches no layer; a layer whose read fails caches nothing.
//
// LayerIDs reads an image's layer diff IDs alone, from its manifest and configuration,
// to compare it with another (a devel image with the runtime image it was built FROM)
// without fetching any layer.
//
// Errors: *RefError for a reference that does not parse, *NotFoundError for an image,
// tag, layout or file that does not exist (both bad input); *AccessError for a registry
// or network failure (exit 3), with every URL in it masked (package redact);
// *ContentError for an image whose content is broken (a layer that fails its digest,
// is not a tar stream, or holds more findings than MaxFindings). Credentials never
// appear in an error or the cache.
package image
