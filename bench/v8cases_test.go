package bench

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cors-wasm/cors-wasm/internal/skipreport"
	"github.com/cors-wasm/cors-wasm/internal/testwasm"
	"github.com/cors-wasm/cors-wasm/policy/policytest"
	"github.com/cors-wasm/cors-wasm/wasmhost"
)

// v8Case is one case as bench/v8bench.mjs reads it: the inputs, and what the
// same module did with them in wasmhost, which the JS host must reproduce
// before anything is timed.
type v8Case struct {
	Name     string      `json:"name"`
	Config   string      `json:"config"`
	Floor    string      `json:"floor"`
	Request  [][2]string `json:"request"`
	Upstream [][2]string `json:"upstream"`
	// Want is the wazero run of each plugin: "cors", "floor".
	Want map[string]v8Outcome `json:"want"`
}

// v8Outcome is what the client sees, and the host calls a stream made.
type v8Outcome struct {
	LocalStatus     uint32      `json:"localStatus"` // 0: no local reply
	LocalDetails    string      `json:"localDetails"`
	Headers         [][2]string `json:"headers"` // the local reply's, or the response's
	HostCalls       float64     `json:"hostCalls"`
	WasmCallsWazero float64     `json:"wasmCalls"` // guest + host, counted in wazero
}

// v8File is the whole input of bench/v8bench.mjs.
type v8File struct {
	Modules map[string]string `json:"modules"` // plugin -> .wasm path
	Cases   []v8Case          `json:"cases"`
	// Memory lists the configurations whose per-VM memory is reported.
	Memory map[string]string `json:"memory"`
}

// TestWriteV8Cases writes the V8 benchmark's input when V8_CASES names a
// file (make bench does): the modules next to it, and per case the outcome
// in wasmhost.
func TestWriteV8Cases(t *testing.T) {
	out := os.Getenv("V8_CASES")
	if out == "" {
		t.Skip("V8_CASES not set: make bench sets it")
	}
	writeV8Cases(t, out, cases(), true)
}

// TestV8AgreesWithWazero runs bench/v8bench.mjs in check-only mode (no
// timing): the JS host must give every case the answer and the host calls
// the wasmhost run gave.
func TestV8AgreesWithWazero(t *testing.T) {
	if testing.Short() {
		t.Skip("V8 agreement check (every case through node): skipped with -short (make test runs it)")
	}
	node, err := exec.LookPath("node")
	if err != nil {
		skipreport.Skip(t, "SKIP: V8 agreement check (bench/v8cases_test.go): node not found on PATH; install Node.js to check the V8 benchmark's host against wasmhost")
	}
	var small []benchCase
	for _, c := range cases() {
		if c.name != "AdversarialACRH1MiB" && c.name != "Origins10000" {
			small = append(small, c)
		}
	}
	path := filepath.Join(t.TempDir(), "cases.json")
	writeV8Cases(t, path, small, false)
	out, err := exec.Command(node, "--no-liftoff", "v8bench.mjs", path, "0").CombinedOutput()
	if err != nil || !strings.Contains(string(out), "agree with wazero") {
		t.Fatalf("v8bench.mjs: %v\n%s", err, out)
	}
}

// writeV8Cases writes the cases, the modules and their wasmhost outcomes.
func writeV8Cases(t *testing.T, out string, cs []benchCase, withMemory bool) {
	plugins := map[string]string{"cors": testwasm.Plugin, "floor": testwasm.FloorPlugin, "empty": testwasm.EmptyPlugin,
		"hostcall": testwasm.HostCallPlugin}
	f := v8File{Modules: map[string]string{}, Memory: map[string]string{}}
	if withMemory {
		f.Memory = map[string]string{"Origins10": policytest.ManyOrigins(10), "Origins10000": policytest.ManyOrigins(10000)}
	}
	for name, pkg := range plugins {
		path := filepath.Join(filepath.Dir(out), name+".wasm")
		if err := os.WriteFile(path, testwasm.Build(t, pkg), 0o644); err != nil {
			t.Fatal(err)
		}
		f.Modules[name] = path
	}
	for _, c := range cs {
		vc := v8Case{Name: c.name, Config: c.config, Floor: c.floor, Request: c.req, Upstream: c.upstream, Want: map[string]v8Outcome{}}
		for _, name := range []string{"cors", "floor"} {
			pkg := plugins[name]
			vm, err := module(t, pkg).NewVM(context.Background(), wasmhost.VMConfig{PluginConfig: pluginConfig(pkg, &c)})
			if err != nil {
				t.Fatal(err)
			}
			stream(t, vm, &c) // warm-up, as the benchmarks do
			calls := vm.HostCalls
			o := runOutcome(t, vm, &c)
			o.HostCalls = float64(vm.HostCalls - calls)
			n, _ := countCalls(t, pkg, testwasm.Build(t, pkg), &c, false)
			o.WasmCallsWazero = n.total()
			vm.Close()
			vc.Want[name] = o
		}
		f.Cases = append(f.Cases, vc)
	}
	b, err := json.Marshal(f)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(out, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

// runOutcome runs one stream and returns what the client would see.
func runOutcome(t *testing.T, vm *wasmhost.VM, c *benchCase) v8Outcome {
	s := vm.NewStream()
	if _, err := s.RequestHeaders(c.req, true); err != nil {
		t.Fatal(err)
	}
	var o v8Outcome
	if r, replied := s.Local(); replied {
		o.LocalStatus, o.LocalDetails = r.Status, r.Details
		o.Headers = append([][2]string(nil), r.Headers...)
	} else {
		if _, err := s.ResponseHeaders(c.upstream, false); err != nil {
			t.Fatal(err)
		}
		o.Headers = append([][2]string(nil), s.ResponseHeaderMap()...)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	return o
}
