package wasmhost_test

import (
	"strings"
	"testing"
)

// VM.Call reads what a plugin exports about itself (here the probe plugin's
// count of allocator calls), whatever the export is named.
func TestCallRunsAnyExport(t *testing.T) {
	p := newProbe(t, "")
	before, err := p.vm.Call("probe_allocs")
	if err != nil {
		t.Fatal(err)
	}
	s := p.vm.NewStream()
	if _, err := s.RequestHeaders([][2]string{{":method", "GET"}, {"x-probe-read", "x-value"}, {"x-value", "v"}}, true); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	after, err := p.vm.Call("probe_allocs")
	if err != nil {
		t.Fatal(err)
	}
	// Two header values were handed to the guest: x-probe-read's and x-value's.
	if after-before != 2 {
		t.Errorf("probe_allocs went from %d to %d, want 2 more", before, after)
	}

	for _, c := range []struct {
		name, export string
		params       []uint64
		wantErr      string
	}{
		{"missing export", "cors_wasm_mallocs", nil, "does not export cors_wasm_mallocs"},
		{"too many parameters", "probe_allocs", []uint64{1}, "takes 0 parameters, not 1"},
		{"too few parameters", "proxy_on_log", nil, "takes 1 parameters, not 0"},
		{"no result", "proxy_abi_version_0_2_1", nil, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			r, err := p.vm.Call(c.export, c.params...)
			switch {
			case c.wantErr == "" && (err != nil || r != 0):
				t.Errorf("Call(%s) = %d, %v; want 0, nil", c.export, r, err)
			case c.wantErr != "" && (err == nil || !strings.Contains(err.Error(), c.wantErr)):
				t.Errorf("Call(%s) error = %v; want one containing %q", c.export, err, c.wantErr)
			}
		})
	}
	if p.vm.Trapped() != nil {
		t.Errorf("a refused call poisoned the VM: %v", p.vm.Trapped())
	}
}
