package bench

import (
	"context"
	"testing"

	"github.com/cors-wasm/cors-wasm/internal/testwasm"
	"github.com/cors-wasm/cors-wasm/wasmhost"
)

// BenchmarkHostCall runs whole streams through a plugin that makes one
// proxy_get_header_map_value call per request header line and nothing else:
// Lines9 minus Lines1, divided by 8, is what one host call costs on this
// host (the guest's import call, wazero's exit to Go and back, and the host
// function), the unit behind the per-stream figures.
func BenchmarkHostCall(b *testing.B) {
	for _, n := range []int{1, 9} {
		lines := [][2]string{{":method", "GET"}}
		for len(lines) < n {
			lines = append(lines, [2]string{"x-line", "v"})
		}
		b.Run(map[int]string{1: "Lines1", 9: "Lines9"}[n], func(b *testing.B) {
			vm, err := module(b, testwasm.HostCallPlugin).NewVM(context.Background(), wasmhost.VMConfig{})
			if err != nil {
				b.Fatal(err)
			}
			defer vm.Close()
			c := benchCase{req: lines}
			calls := vm.HostCalls
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				stream(b, vm, &c)
			}
			b.StopTimer()
			b.ReportMetric(float64(vm.HostCalls-calls)/float64(b.N), "hostcalls/op")
		})
	}
}
