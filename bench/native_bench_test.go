package bench

import (
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/rs/cors"

	"github.com/cors-wasm/cors-wasm/policy"
)

// BenchmarkNativeDecide is the engine alone: the decision the plugin makes
// per request (Set.Decide on a Request holding the case's header lines),
// without the ABI.
func BenchmarkNativeDecide(b *testing.B) {
	for _, c := range cases() {
		b.Run(c.name, func(b *testing.B) {
			set, err := policy.Load([]byte(c.config))
			if err != nil {
				b.Fatal(err)
			}
			var r policy.Request
			for _, l := range c.req {
				r.AddHeader(l[0], l[1])
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

// rsCorsOptions is the rs/cors configuration closest to a case's config.
func rsCorsOptions(c benchCase) cors.Options {
	o := cors.Options{
		AllowedOrigins: []string{app, "https://*.tenants.example.com"},
		AllowedMethods: []string{"GET", "HEAD", "POST", "PUT", "DELETE"},
		AllowedHeaders: []string{"content-type", "x-request-id"},
		ExposedHeaders: []string{"x-request-id"},
		MaxAge:         600,
	}
	if strings.HasPrefix(c.name, "Origins") {
		n := 10
		if c.name == "Origins10000" {
			n = 10000
		}
		o.AllowedOrigins = o.AllowedOrigins[:0]
		for i := 0; i < n; i++ {
			o.AllowedOrigins = append(o.AllowedOrigins, "https://app"+strconv.Itoa(i)+".example.com")
		}
		o.AllowedOrigins = append(o.AllowedOrigins, "https://*.tenants.example.com")
		o.AllowedMethods = []string{"GET", "HEAD", "POST", "PUT"}
		o.AllowedHeaders = []string{"content-type"}
	}
	return o
}

// nopWriter is a ResponseWriter reused across iterations, so the figures are
// the middleware's own cost.
type nopWriter struct{ h http.Header }

func (w *nopWriter) Header() http.Header         { return w.h }
func (w *nopWriter) Write(b []byte) (int, error) { return len(b), nil }
func (w *nopWriter) WriteHeader(int)             {}

// BenchmarkRSCors is github.com/rs/cors as net/http middleware in front of a
// handler that does nothing: what the same decision costs in-process.
func BenchmarkRSCors(b *testing.B) {
	for _, c := range cases() {
		b.Run(c.name, func(b *testing.B) {
			h := cors.New(rsCorsOptions(c)).Handler(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))
			req, err := http.NewRequest(c.req[0][1], "http://api.example.com/v1/items", nil)
			if err != nil {
				b.Fatal(err)
			}
			for _, l := range c.req {
				if !strings.HasPrefix(l[0], ":") {
					req.Header.Add(l[0], l[1])
				}
			}
			w := &nopWriter{h: http.Header{}}
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				clear(w.h)
				h.ServeHTTP(w, req)
			}
		})
	}
}
