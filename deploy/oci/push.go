package main

import (
	"context"
	"fmt"

	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/remote"
)

// push uploads the index's one image to ref (registry/repository:tag) and
// returns the reference pinned by digest, for the WasmPlugin's url.
//
// The image manifest itself is pushed, not the index around it: Istio pulls
// the tag as one image, and an index would make a client pick a platform
// (ours is wasip1/wasm, which no default platform matches). Credentials come
// from the same place docker and crane read them (~/.docker/config.json and
// credential helpers), so `docker login` is the only setup; registries on
// localhost or 127.0.0.1 are spoken to over plain HTTP, as go-containerregistry
// does for loopback addresses.
func push(ctx context.Context, idx v1.ImageIndex, ref string) (string, error) {
	r, err := name.ParseReference(ref)
	if err != nil {
		return "", fmt.Errorf("-push %q: %v (want registry/repository:tag, e.g. registry.example.com/cors-wasm:v0.1.0)", ref, err)
	}
	m, err := idx.IndexManifest()
	if err != nil {
		return "", err
	}
	if len(m.Manifests) != 1 {
		return "", fmt.Errorf("the index holds %d images, want 1", len(m.Manifests))
	}
	img, err := idx.Image(m.Manifests[0].Digest)
	if err != nil {
		return "", err
	}
	if err := remote.Write(r, img, remote.WithContext(ctx), remote.WithAuthFromKeychain(authn.DefaultKeychain)); err != nil {
		return "", fmt.Errorf("pushing to %s: %v", r, err)
	}
	digest, err := img.Digest()
	if err != nil {
		return "", err
	}
	return r.Context().Digest(digest.String()).String(), nil
}
