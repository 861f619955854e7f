package bench

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cors-wasm/cors-wasm/internal/testwasm"
	"github.com/cors-wasm/cors-wasm/wasmhost"
)

// BenchmarkReloadStall reloads a two-VM pool behind wasmhost's HTTP proxy
// (as devproxy does on SIGHUP) from a small configuration to the worst one of
// a family within the work budget and back, while a client sends requests
// one after another. max-wait-ns is the longest a request took during the
// reloads: a VM runs one callback at a time, so a request that reaches a VM
// while it configures waits for the configure (Envoy configures each worker's
// VM on the worker's thread, so its requests wait too). reload-ns is one
// Reconfigure, both VMs; requests is how many were served meanwhile.
func BenchmarkReloadStall(b *testing.B) {
	m := module(b, testwasm.Plugin)
	upstream := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusOK)
	}))
	defer upstream.Close()
	up, _ := url.Parse(upstream.URL)
	for _, name := range []string{"SuffixSearch", "Origins"} {
		var f worstFamily
		for _, wf := range worstFamilies {
			if wf.name == name {
				f = wf
			}
		}
		w := worst(b, f)
		b.Run(name, func(b *testing.B) {
			pool, err := m.NewPool(context.Background(), 2, wasmhost.VMConfig{PluginConfig: []byte(benchConfig)})
			if err != nil {
				b.Fatal(err)
			}
			defer pool.Close()
			front := httptest.NewServer(wasmhost.NewProxy(pool, up))
			defer front.Close()
			var maxWait, requests atomic.Int64
			stop := make(chan struct{})
			var wg sync.WaitGroup
			wg.Add(1)
			go func() {
				defer wg.Done()
				client := front.Client()
				for {
					select {
					case <-stop:
						return
					default:
					}
					req, _ := http.NewRequest("GET", front.URL+"/v1/items", nil)
					req.Header.Set("Origin", app)
					start := time.Now()
					resp, err := client.Do(req)
					if err != nil {
						b.Error(err)
						return
					}
					resp.Body.Close()
					d := int64(time.Since(start))
					requests.Add(1)
					for cur := maxWait.Load(); d > cur && !maxWait.CompareAndSwap(cur, d); cur = maxWait.Load() {
					}
				}
			}()
			var reload time.Duration
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				start := time.Now()
				if err := pool.Reconfigure(w.config); err != nil {
					b.Fatalf("reload refused: %.300v", err)
				}
				reload += time.Since(start)
				if err := pool.Reconfigure([]byte(benchConfig)); err != nil {
					b.Fatal(err)
				}
			}
			b.StopTimer()
			close(stop)
			wg.Wait()
			b.ReportMetric(float64(maxWait.Load()), "max-wait-ns")
			b.ReportMetric(float64(reload.Nanoseconds())/float64(b.N), "reload-ns")
			b.ReportMetric(float64(requests.Load())/float64(b.N), "requests/op")
		})
	}
}
