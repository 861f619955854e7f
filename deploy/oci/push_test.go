package main

import (
	"archive/tar"
	"bytes"
	"io"
	"log"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/registry"
	"github.com/google/go-containerregistry/pkg/v1/remote"
)

// minimalModule is the smallest binary Wasm module: magic and version.
var minimalModule = []byte("\x00asm\x01\x00\x00\x00")

// make push IMAGE=... against an in-memory registry on loopback (no
// network): the image arrives as a compat-variant manifest whose one layer
// holds plugin.wasm, and the digest printed is the one the registry serves.
func TestPushToRegistry(t *testing.T) {
	reg := httptest.NewServer(registry.New(registry.Logger(log.New(io.Discard, "", 0))))
	defer reg.Close()
	host := strings.TrimPrefix(reg.URL, "http://")
	wasmFile := filepath.Join(t.TempDir(), "cors.wasm")
	if err := os.WriteFile(wasmFile, minimalModule, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Setenv("DOCKER_CONFIG", t.TempDir()) // no credentials from the machine
	ref := host + "/cors-wasm:v0.1.0"
	code, msg := runOCI(t, "-wasm", wasmFile, "-push", ref)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, msg)
	}

	r, err := name.ParseReference(ref)
	if err != nil {
		t.Fatal(err)
	}
	img, err := remote.Image(r)
	if err != nil {
		t.Fatalf("pulling %s back: %v", ref, err)
	}
	digest, err := img.Digest()
	if err != nil {
		t.Fatal(err)
	}
	if want := "url: oci://" + host + "/cors-wasm@" + digest.String(); !strings.Contains(msg, want) {
		t.Errorf("output lacks %q:\n%s", want, msg)
	}
	m, err := img.Manifest()
	if err != nil {
		t.Fatal(err)
	}
	if m.Annotations[VariantAnnotation] != "compat" {
		t.Errorf("annotations %v, want %s: compat", m.Annotations, VariantAnnotation)
	}
	layers, err := img.Layers()
	if err != nil || len(layers) != 1 {
		t.Fatalf("layers %d (%v), want 1", len(layers), err)
	}
	rc, err := layers[0].Uncompressed()
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	tr := tar.NewReader(rc)
	hdr, err := tr.Next()
	if err != nil || hdr.Name != PluginFile {
		t.Fatalf("first entry %v (%v), want %s", hdr, err, PluginFile)
	}
	got, _ := io.ReadAll(tr)
	if !bytes.Equal(got, minimalModule) {
		t.Errorf("plugin.wasm is %q, want the module pushed", got)
	}
}

func TestPushErrors(t *testing.T) {
	wasmFile := filepath.Join(t.TempDir(), "cors.wasm")
	if err := os.WriteFile(wasmFile, minimalModule, 0o644); err != nil {
		t.Fatal(err)
	}
	// A registry that is gone: nothing listens on a closed test server's port.
	gone := httptest.NewServer(registry.New(registry.Logger(log.New(io.Discard, "", 0))))
	gone.Close()
	t.Setenv("DOCKER_CONFIG", t.TempDir())
	for _, c := range []struct {
		name string
		args []string
		code int
		want string
	}{
		{"no reference", []string{"-wasm", wasmFile}, 2, "at least one of -out and -push"},
		{"bad reference", []string{"-wasm", wasmFile, "-push", "Registry/UPPER:tag"}, 2, `oci: -push "Registry/UPPER:tag": `},
		{"not a module", []string{"-wasm", "push_test.go", "-push", "127.0.0.1:1/x:y"}, 1, "not a WebAssembly binary module"},
		{"registry unreachable", []string{"-wasm", wasmFile, "-push", strings.TrimPrefix(gone.URL, "http://") + "/x:y"}, 1, "oci: pushing to "},
	} {
		t.Run(c.name, func(t *testing.T) {
			code, msg := runOCI(t, c.args...)
			if code != c.code || !strings.Contains(msg, c.want) {
				t.Errorf("exit %d, %q; want %d and %q", code, msg, c.code, c.want)
			}
		})
	}
}

// `make push IMAGE=...` as docs/deploying.md writes it, against the
// in-memory registry: afterwards the registry serves the tag.
func TestMakePush(t *testing.T) {
	if _, err := exec.LookPath("make"); err != nil {
		t.Fatalf("make push needs make: %v", err)
	}
	reg := httptest.NewServer(registry.New(registry.Logger(log.New(io.Discard, "", 0))))
	defer reg.Close()
	ref := strings.TrimPrefix(reg.URL, "http://") + "/cors-wasm:make"
	cmd := exec.Command("make", "--no-print-directory", "push", "IMAGE="+ref)
	cmd.Dir = "../.."
	cmd.Env = append(os.Environ(), "DOCKER_CONFIG="+t.TempDir())
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("make push: %v\n%s", err, out)
	}
	r, err := name.ParseReference(ref)
	if err != nil {
		t.Fatal(err)
	}
	img, err := remote.Image(r)
	if err != nil {
		t.Fatalf("the registry does not serve %s after make push: %v\n%s", ref, err, out)
	}
	digest, _ := img.Digest()
	if !strings.Contains(string(out), "@"+digest.String()) {
		t.Errorf("make push did not print the digest %s:\n%s", digest, out)
	}
}
