package main

import (
	"archive/tar"
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/layout"
	"github.com/google/go-containerregistry/pkg/v1/types"
)

const builtWasm = "../../build/cors.wasm"

func readBuiltWasm(t *testing.T) []byte {
	t.Helper()
	b, err := os.ReadFile(builtWasm)
	if errors.Is(err, os.ErrNotExist) {
		t.Skip("build/cors.wasm is missing: run `make build` (make test does)")
	}
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func runOCI(t *testing.T, args ...string) (int, string) {
	t.Helper()
	var stderr bytes.Buffer
	code := run(args, &stderr)
	return code, stderr.String()
}

// TestLayoutHoldsPlugin builds the layout from build/cors.wasm and reads it
// back the way a registry client would.
func TestLayoutHoldsPlugin(t *testing.T) {
	want := readBuiltWasm(t)
	out := filepath.Join(t.TempDir(), "oci")
	if code, msg := runOCI(t, "-wasm", builtWasm, "-out", out); code != 0 {
		t.Fatalf("exit %d: %s", code, msg)
	}
	img := onlyImage(t, out)

	m, err := img.Manifest()
	if err != nil {
		t.Fatal(err)
	}
	if m.MediaType != types.OCIManifestSchema1 {
		t.Errorf("manifest media type %q, want %q", m.MediaType, types.OCIManifestSchema1)
	}
	if got := m.Annotations[VariantAnnotation]; got != "compat" {
		t.Errorf("manifest annotation %s = %q, want \"compat\"", VariantAnnotation, got)
	}
	layers, err := img.Layers()
	if err != nil {
		t.Fatal(err)
	}
	if len(layers) != 1 {
		t.Fatalf("%d layers, want exactly 1 (compat variant)", len(layers))
	}
	if mt, _ := layers[0].MediaType(); mt != types.OCILayer {
		t.Errorf("layer media type %q, want %q", mt, types.OCILayer)
	}
	if !isGzip(t, layers[0]) {
		t.Error("layer blob is not gzip: Istio gunzips the compat layer")
	}
	files := layerFiles(t, layers[0])
	if len(files) != 1 {
		t.Errorf("layer holds %d files, want only %s", len(files), PluginFile)
	}
	got, ok := files[PluginFile]
	if !ok {
		t.Fatalf("no %s at the layer root; files: %v", PluginFile, keys(files))
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s in the layer (%d bytes) differs from build/cors.wasm (%d bytes)", PluginFile, len(got), len(want))
	}
}

// TestLayoutIsReplacedAndReproducible: a second run replaces the image
// instead of appending one (crane push refuses a layout with two), and the
// same module gives the same digest.
func TestLayoutIsReplacedAndReproducible(t *testing.T) {
	readBuiltWasm(t)
	out := filepath.Join(t.TempDir(), "oci")
	var digests []v1.Hash
	for range 2 {
		if code, msg := runOCI(t, "-wasm", builtWasm, "-out", out); code != 0 {
			t.Fatalf("exit %d: %s", code, msg)
		}
		d, err := onlyImage(t, out).Digest()
		if err != nil {
			t.Fatal(err)
		}
		digests = append(digests, d)
	}
	if digests[0] != digests[1] {
		t.Errorf("digest changed between runs: %s, %s", digests[0], digests[1])
	}
}

func TestRefusals(t *testing.T) {
	dir := t.TempDir()
	notWasm := filepath.Join(dir, "plugin.txt")
	if err := os.WriteFile(notWasm, []byte("hello"), 0o644); err != nil {
		t.Fatal(err)
	}
	occupied := filepath.Join(dir, "occupied")
	if err := os.MkdirAll(occupied, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(occupied, "notes.txt"), []byte("keep me"), 0o644); err != nil {
		t.Fatal(err)
	}
	wasmStub := filepath.Join(dir, "stub.wasm")
	if err := os.WriteFile(wasmStub, []byte("\x00asm\x01\x00\x00\x00"), 0o644); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name string
		args []string
		code int
		msg  string
	}{
		{"no flags", nil, 2, "usage"},
		{"no out", []string{"-wasm", wasmStub}, 2, "usage"},
		{"extra argument", []string{"-wasm", wasmStub, "-out", filepath.Join(dir, "x"), "more"}, 2, "usage"},
		{"missing module", []string{"-wasm", filepath.Join(dir, "none.wasm"), "-out", filepath.Join(dir, "y")}, 1, "no such file"},
		{"not wasm", []string{"-wasm", notWasm, "-out", filepath.Join(dir, "z")}, 1, "not a WebAssembly"},
		{"occupied directory", []string{"-wasm", wasmStub, "-out", occupied}, 1, "not an OCI image layout"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			code, msg := runOCI(t, c.args...)
			if code != c.code || !strings.Contains(msg, c.msg) {
				t.Errorf("exit %d, stderr %q; want exit %d mentioning %q", code, msg, c.code, c.msg)
			}
		})
	}
	if _, err := os.Stat(filepath.Join(occupied, "notes.txt")); err != nil {
		t.Errorf("a directory that is not a layout was touched: %v", err)
	}
}

// onlyImage opens the layout at dir and returns its single image.
func onlyImage(t *testing.T, dir string) v1.Image {
	t.Helper()
	p, err := layout.FromPath(dir)
	if err != nil {
		t.Fatal(err)
	}
	idx, err := p.ImageIndex()
	if err != nil {
		t.Fatal(err)
	}
	im, err := idx.IndexManifest()
	if err != nil {
		t.Fatal(err)
	}
	if len(im.Manifests) != 1 {
		t.Fatalf("layout lists %d manifests, want 1", len(im.Manifests))
	}
	desc := im.Manifests[0]
	if desc.Annotations["org.opencontainers.image.ref.name"] != ImageRefName {
		t.Errorf("layout entry not tagged %q: %v", ImageRefName, desc.Annotations)
	}
	img, err := idx.Image(desc.Digest)
	if err != nil {
		t.Fatal(err)
	}
	return img
}

// layerFiles returns the regular files of a layer by name.
func layerFiles(t *testing.T, l v1.Layer) map[string][]byte {
	t.Helper()
	rc, err := l.Uncompressed()
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	files := map[string][]byte{}
	tr := tar.NewReader(rc)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return files
		}
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(tr)
		if err != nil {
			t.Fatal(err)
		}
		files[h.Name] = b
	}
}

// isGzip reports whether the layer's blob, as stored, starts with the gzip magic.
func isGzip(t *testing.T, l v1.Layer) bool {
	t.Helper()
	rc, err := l.Compressed()
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	magic := make([]byte, 2)
	if _, err := io.ReadFull(rc, magic); err != nil {
		t.Fatal(err)
	}
	return bytes.Equal(magic, []byte{0x1f, 0x8b})
}

func keys(m map[string][]byte) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}
