package bench

import (
	"context"
	"strconv"
	"testing"

	"github.com/cors-wasm/cors-wasm/internal/testwasm"
	"github.com/cors-wasm/cors-wasm/wasmhost"
)

// decisionsPerStream is the x-repeat of BenchmarkWasmDecide: large enough
// that the stream around the loop (a few microseconds, or tens with the
// 1 MiB header) adds at most a few ns per decision.
const decisionsPerStream = 2000

// BenchmarkWasmDecide is BenchmarkNativeDecide inside the guest: the same
// engine compiled to wasm, run in a loop by internal/decideplugin, reported
// as ns/decision. Against the native figure it shows what Go's wasm code on
// wazero costs for the decision alone, apart from the ABI.
func BenchmarkWasmDecide(b *testing.B) {
	for _, c := range cases() {
		b.Run(c.name, func(b *testing.B) {
			vm, err := module(b, testwasm.DecidePlugin).NewVM(context.Background(), wasmhost.VMConfig{PluginConfig: []byte(c.config)})
			if err != nil {
				b.Fatal(err)
			}
			defer vm.Close()
			r := c
			r.req = append(r.req[:len(r.req):len(r.req)], [2]string{"x-repeat", strconv.Itoa(decisionsPerStream)})
			r.upstream = nil
			stream(b, vm, &r)
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				stream(b, vm, &r)
			}
			b.StopTimer()
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/decisionsPerStream, "ns/decision")
		})
	}
}
