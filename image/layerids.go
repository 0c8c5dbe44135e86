package image

import "context"

// LayerIDs are the diff IDs of the image ref names (the forms Read takes), bottom first:
// the digests of its layers' tar streams, as its configuration lists them
// (rootfs.diff_ids). Only the manifest and the configuration are read, never a layer,
// so that comparing an image with another costs two small requests however large it is;
// a diff ID is the same whichever compression a registry or a `docker save` stored the
// layer with. Errors are those of Read.
func LayerIDs(ctx context.Context, ref string, opts Options) ([]string, error) {
	img, r, _, err := openReader(ctx, ref, opts)
	if err != nil {
		return nil, err
	}
	cfg, err := img.ConfigFile()
	if err != nil {
		return nil, r.fail("", err)
	}
	ids := make([]string, len(cfg.RootFS.DiffIDs))
	for i, id := range cfg.RootFS.DiffIDs {
		ids[i] = id.String()
	}
	return ids, nil
}
