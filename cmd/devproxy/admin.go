package main

import (
	"fmt"
	"io"
	"net"
	"net/http"
	"regexp"
	"strings"
	"time"

	"github.com/cors-wasm/cors-wasm/wasmhost"
)

// The admin port (-admin) shows the plugin's metrics as Envoy's admin API
// does: GET /stats lists "wasmcustom.<name>: <value>" lines (?filter=REGEX
// keeps the names that match, as Envoy's filter parameter does) and GET
// /stats/prometheus the Prometheus text form, where Envoy strips the
// wasmcustom namespace (wasmhost.Metrics.WritePrometheus).

// listenAdmin binds the admin address, or nothing when addr is "".
func listenAdmin(addr string) (net.Listener, error) {
	if addr == "" {
		return nil, nil
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, listenError("-admin", addr, err)
	}
	return ln, nil
}

// adminHandler serves /stats and /stats/prometheus from metrics.
func adminHandler(metrics *wasmhost.Metrics) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /stats", func(w http.ResponseWriter, r *http.Request) {
		var filter *regexp.Regexp
		if f := r.URL.Query().Get("filter"); f != "" {
			re, err := regexp.Compile(f)
			if err != nil {
				http.Error(w, "filter: "+err.Error(), http.StatusBadRequest)
				return
			}
			filter = re
		}
		var b strings.Builder
		metrics.WriteText(&b)
		w.Header().Set("Content-Type", "text/plain; charset=UTF-8")
		for _, line := range strings.SplitAfter(b.String(), "\n") {
			name, _, _ := strings.Cut(line, ":")
			if line != "" && (filter == nil || filter.MatchString(name)) {
				io.WriteString(w, line)
			}
		}
	})
	mux.HandleFunc("GET /stats/prometheus", func(w http.ResponseWriter, r *http.Request) {
		var b strings.Builder
		metrics.WritePrometheus(&b)
		w.Header().Set("Content-Type", "text/plain; version=0.0.4")
		io.WriteString(w, b.String())
	})
	return mux
}

// serveAdmin serves the admin endpoints on ln (if any) until the returned
// function is called.
func serveAdmin(ln net.Listener, metrics *wasmhost.Metrics, stdout io.Writer) (stop func()) {
	if ln == nil {
		return func() {}
	}
	srv := &http.Server{Handler: adminHandler(metrics), ReadHeaderTimeout: 10 * time.Second}
	go srv.Serve(ln)
	fmt.Fprintf(stdout, "devproxy: admin on http://%s (/stats, /stats/prometheus)\n", ln.Addr())
	return func() { srv.Close() }
}
