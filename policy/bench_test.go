package policy_test

import (
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/rs/cors"

	"github.com/cors-wasm/cors-wasm/policy"
	"github.com/cors-wasm/cors-wasm/policy/policytest"
)

// benchCase is one decision kind measured both through policy.Decide and
// through github.com/rs/cors as net/http middleware, in the same run.
type benchCase struct {
	name   string
	config string // policytest config name or a literal config
	method string
	header [][2]string
}

var app = policytest.App

var benchCases = []benchCase{
	{"NoOrigin", "basic", "GET", nil},
	{"AllowedActual", "basic", "GET", [][2]string{{"origin", app}}},
	{"AllowedPreflight", "basic", "OPTIONS", [][2]string{{"origin", app}, {"access-control-request-method", "PUT"}, {"access-control-request-headers", "content-type,x-request-id"}}},
	{"RejectedOrigin", "basic", "OPTIONS", [][2]string{{"origin", "https://evil.test"}, {"access-control-request-method", "PUT"}}},
	{"RejectedHeader", "basic", "OPTIONS", [][2]string{{"origin", app}, {"access-control-request-method", "PUT"}, {"access-control-request-headers", "content-type,x-evil"}}},
	{"AdversarialACRH1MiB", "basic", "OPTIONS", [][2]string{{"origin", app}, {"access-control-request-method", "PUT"}, {"access-control-request-headers", strings.Repeat(",", 1<<20)}}},
	{"Origins10", "many10", "GET", [][2]string{{"origin", "https://app7.example.com"}}},
	{"Origins10000", "many10000", "GET", [][2]string{{"origin", "https://app7777.example.com"}}},
}

func benchConfig(b *testing.B, name string) string {
	switch name {
	case "many10":
		return policytest.ManyOrigins(10)
	case "many10000":
		return policytest.ManyOrigins(10000)
	}
	return policytest.Configs[name]
}

func BenchmarkDecide(b *testing.B) {
	for _, bc := range benchCases {
		b.Run(bc.name, func(b *testing.B) {
			set, err := policy.Load([]byte(benchConfig(b, bc.config)))
			if err != nil {
				b.Fatal(err)
			}
			var r policy.Request
			r.AddHeader(":method", bc.method)
			r.AddHeader(":authority", "api.example.com")
			r.AddHeader(":path", "/v1/items")
			for _, h := range bc.header {
				r.AddHeader(h[0], h[1])
			}
			var d policy.Decision
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				set.Decide(&r, &d)
			}
		})
	}
}

// rsOptions mirrors a policytest configuration in rs/cors terms.
func rsOptions(name string) cors.Options {
	switch name {
	case "many10", "many10000":
		n, _ := strconv.Atoi(strings.TrimPrefix(name, "many"))
		origins := make([]string, 0, n+1)
		for i := 0; i < n; i++ {
			origins = append(origins, "https://app"+strconv.Itoa(i)+".example.com")
		}
		return cors.Options{AllowedOrigins: append(origins, "https://*.tenants.example.com"), AllowedMethods: []string{"PUT"}, AllowedHeaders: []string{"content-type"}}
	}
	return cors.Options{
		AllowedOrigins: []string{app, "https://*.example.org", "http://localhost:*"},
		AllowedMethods: []string{"GET", "HEAD", "POST", "PUT", "DELETE"},
		AllowedHeaders: []string{"content-type", "x-request-id"},
		ExposedHeaders: []string{"x-request-id"},
		MaxAge:         600,
	}
}

// headerWriter is a minimal http.ResponseWriter that reuses its header map,
// so the benchmark measures rs/cors rather than the recorder.
type headerWriter struct{ h http.Header }

func (w *headerWriter) Header() http.Header         { return w.h }
func (w *headerWriter) Write(p []byte) (int, error) { return len(p), nil }
func (w *headerWriter) WriteHeader(int)             {}

func BenchmarkRSCors(b *testing.B) {
	next := http.HandlerFunc(func(http.ResponseWriter, *http.Request) {})
	for _, bc := range benchCases {
		b.Run(bc.name, func(b *testing.B) {
			h := cors.New(rsOptions(bc.config)).Handler(next)
			req, _ := http.NewRequest(bc.method, "http://api.example.com/v1/items", nil)
			for _, hd := range bc.header {
				req.Header.Add(hd[0], hd[1])
			}
			w := &headerWriter{h: http.Header{}}
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				clear(w.h)
				h.ServeHTTP(w, req)
			}
		})
	}
}
