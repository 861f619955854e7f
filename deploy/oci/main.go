// Command oci packs the plugin into an OCI image layout that Istio's
// WasmPlugin can pull once it is pushed to a registry:
//
//	go run ./deploy/oci -wasm build/cors.wasm -out build/oci
//	go run ./deploy/oci -wasm build/cors.wasm -push registry.example.com/cors-wasm:v0.1.0
//
// (make oci, make push IMAGE=...). -push uploads the image to a registry with
// the credentials of `docker login` and prints the reference by digest.
//
// The image is the "compat" variant of the Wasm image specification: one
// ordinary tar+gzip layer holding plugin.wasm, so any registry and any OCI
// tool accepts it. No Docker daemon is needed.
package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/google/go-containerregistry/pkg/name"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stderr))
}

func run(args []string, stderr io.Writer) int {
	fs := flag.NewFlagSet("oci", flag.ContinueOnError)
	fs.SetOutput(stderr)
	wasmFile := fs.String("wasm", "", "the plugin module to pack (build/cors.wasm)")
	out := fs.String("out", "", "directory for the OCI image layout (replaced if it already holds one)")
	pushTo := fs.String("push", "", "push the image to this reference (registry/repository:tag); see push.go")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if *wasmFile == "" || (*out == "" && *pushTo == "") || fs.NArg() > 0 {
		fmt.Fprintln(stderr, "usage: oci -wasm FILE [-out DIR] [-push REGISTRY/REPOSITORY:TAG] (at least one of -out and -push)")
		return 2
	}
	if *pushTo != "" {
		if _, err := name.ParseReference(*pushTo); err != nil {
			fmt.Fprintf(stderr, "oci: -push %q: %v (want registry/repository:tag, e.g. registry.example.com/cors-wasm:v0.1.0)\n", *pushTo, err)
			return 2
		}
	}
	module, err := os.ReadFile(*wasmFile)
	if err != nil {
		fmt.Fprintln(stderr, "oci:", err)
		return 1
	}
	if err := checkModule(module); err != nil {
		fmt.Fprintf(stderr, "oci: %s: %v\n", *wasmFile, err)
		return 1
	}
	idx, err := wasmIndex(module)
	if err == nil && *out != "" {
		if err = writeLayout(*out, idx); err == nil {
			fmt.Fprintf(stderr, "wrote %s: one image tagged %q, %d bytes of Wasm in %s\n", *out, ImageRefName, len(module), PluginFile)
		}
	}
	if err != nil {
		fmt.Fprintln(stderr, "oci:", err)
		return 1
	}
	if *pushTo != "" {
		pinned, err := push(context.Background(), idx, *pushTo)
		if err != nil {
			fmt.Fprintln(stderr, "oci:", err)
			return 1
		}
		fmt.Fprintf(stderr, "pushed %s: %d bytes of Wasm in %s\nuse it pinned: url: oci://%s\n", *pushTo, len(module), PluginFile, pinned)
	}
	return 0
}

// checkModule refuses anything that is not a binary Wasm module, so a wrong
// path cannot end up in a registry as a plugin.
func checkModule(b []byte) error {
	if !bytes.HasPrefix(b, []byte("\x00asm")) {
		return errors.New("not a WebAssembly binary module (no \\0asm magic)")
	}
	return nil
}
