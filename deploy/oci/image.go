package main

import (
	"archive/tar"
	"bytes"
	"io"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
	"github.com/google/go-containerregistry/pkg/v1/types"
)

const (
	// PluginFile is the name Istio looks for inside the compat layer.
	PluginFile = "plugin.wasm"
	// VariantAnnotation marks an OCI manifest as the compat variant; the spec
	// requires it when the layer uses the OCI (not the Docker) media type.
	VariantAnnotation = "module.wasm.image/variant"
	// ImageRefName tags the image inside the layout, so tools that address a
	// layout by tag (oras cp --from-oci-layout build/oci:latest) find it.
	ImageRefName = "latest"
)

// epoch stands in for creation times: the image records no build time, so
// rebuilding the same module reproduces the same digests.
var epoch = v1.Time{Time: time.Unix(0, 0).UTC()}

// wasmIndex builds an image index holding one compat-variant image whose only
// layer is a tar with module at plugin.wasm.
func wasmIndex(module []byte) (v1.ImageIndex, error) {
	tarBytes, err := pluginTar(module)
	if err != nil {
		return nil, err
	}
	layer, err := tarball.LayerFromOpener(func() (io.ReadCloser, error) {
		return io.NopCloser(bytes.NewReader(tarBytes)), nil
	}, tarball.WithMediaType(types.OCILayer)) // tarball compresses it: tar+gzip
	if err != nil {
		return nil, err
	}
	img := mutate.MediaType(empty.Image, types.OCIManifestSchema1)
	img = mutate.ConfigMediaType(img, types.OCIConfigJSON)
	img, err = mutate.ConfigFile(img, &v1.ConfigFile{
		Architecture: "wasm",
		OS:           "wasip1",
		Created:      epoch,
		RootFS:       v1.RootFS{Type: "layers"},
	})
	if err != nil {
		return nil, err
	}
	img, err = mutate.Append(img, mutate.Addendum{
		Layer:   layer,
		History: v1.History{Created: epoch, CreatedBy: "go run ./deploy/oci", Comment: PluginFile},
	})
	if err != nil {
		return nil, err
	}
	img = mutate.Annotations(img, map[string]string{
		VariantAnnotation:                "compat",
		"org.opencontainers.image.title": "cors-wasm",
	}).(v1.Image)
	return mutate.AppendManifests(empty.Index, mutate.IndexAddendum{
		Add: img,
		Descriptor: v1.Descriptor{Annotations: map[string]string{
			"org.opencontainers.image.ref.name": ImageRefName,
		}},
	}), nil
}

// pluginTar is a tar archive with one regular file, plugin.wasm, at the root.
func pluginTar(module []byte) ([]byte, error) {
	var b bytes.Buffer
	tw := tar.NewWriter(&b)
	hdr := &tar.Header{Name: PluginFile, Mode: 0o644, Size: int64(len(module)), Typeflag: tar.TypeReg, Format: tar.FormatPAX}
	if err := tw.WriteHeader(hdr); err != nil {
		return nil, err
	}
	if _, err := tw.Write(module); err != nil {
		return nil, err
	}
	if err := tw.Close(); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}
