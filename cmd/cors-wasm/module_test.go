package main

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/tetratelabs/wazero"
)

// The plugin must link no os (golang/go#78513: under Envoy releases whose poll_oneoff answers ENOSYS it can die) and no
// fmt; it must import only the WASI functions an os-free Go module needs and
// export every proxy-wasm callback Envoy looks for.

var forbiddenPackages = []string{"os", "fmt", "log", "encoding/json", "net/http", "net/url", "runtime/debug"}

var allowedWASI = []string{
	"args_get", "args_sizes_get", "clock_time_get", "environ_get", "environ_sizes_get",
	"fd_write", "poll_oneoff", "proc_exit", "random_get", "sched_yield",
}

var requiredExports = []string{
	"_initialize", "proxy_abi_version_0_2_1", "proxy_on_memory_allocate", "proxy_on_context_create",
	"proxy_on_vm_start", "proxy_on_configure", "proxy_on_request_headers", "proxy_on_response_headers",
	"proxy_on_delete",
}

// absentExports are left out on purpose: a host skips callbacks a module
// does not export, and the plugin has nothing to do in them (RATIONALE.md).
var absentExports = []string{"proxy_on_log", "proxy_on_done"}

func wasip1Env() []string { return append(os.Environ(), "GOOS=wasip1", "GOARCH=wasm") }

func TestPluginLinksNoOS(t *testing.T) {
	cmd := exec.Command("go", "list", "-deps", ".")
	cmd.Env = wasip1Env()
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list -deps: %v", err)
	}
	deps := strings.Fields(string(out))
	for _, p := range forbiddenPackages {
		if slices.Contains(deps, p) {
			t.Errorf("the wasip1 build of the plugin links %s", p)
		}
	}
}

func TestModuleImportsAndExports(t *testing.T) {
	wasm := filepath.Join(t.TempDir(), "cors.wasm")
	cmd := exec.Command("go", "build", "-buildmode=c-shared", "-trimpath", "-ldflags=-s -w", "-o", wasm, ".")
	cmd.Env = wasip1Env()
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("building the plugin: %v\n%s", err, out)
	}
	bin, err := os.ReadFile(wasm)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("module size: %d bytes", len(bin))
	ctx := context.Background()
	r := wazero.NewRuntimeWithConfig(ctx, wazero.NewRuntimeConfigInterpreter())
	defer r.Close(ctx)
	m, err := r.CompileModule(ctx, bin)
	if err != nil {
		t.Fatalf("compile: %v", err)
	}
	for _, f := range m.ImportedFunctions() {
		module, name, _ := f.Import()
		switch module {
		case "wasi_snapshot_preview1":
			if !slices.Contains(allowedWASI, name) {
				t.Errorf("imports WASI %s: something links os (golang/go#78513)", name)
			}
		case "env":
			if !strings.HasPrefix(name, "proxy_") {
				t.Errorf("imports env.%s, which is not a proxy-wasm host call", name)
			}
		default:
			t.Errorf("imports %s.%s from an unknown module", module, name)
		}
	}
	exports := m.ExportedFunctions()
	var names []string
	for n := range exports {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, want := range requiredExports {
		if _, ok := exports[want]; !ok {
			t.Errorf("missing export %s (have %v)", want, names)
		}
	}
	for _, absent := range absentExports {
		if _, ok := exports[absent]; ok {
			t.Errorf("export %s costs a call per stream and does nothing", absent)
		}
	}
}
