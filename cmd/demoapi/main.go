// Command demoapi serves the demo upstream (internal/demoapp) on its own, as
// docker-compose runs it: a small JSON API, and optionally the demo page on a
// second origin whose buttons call the API through the proxy. `make run`
// serves the same handlers inside devproxy instead (-demo-api, -demo-page).
//
//	go run ./cmd/demoapi -listen 127.0.0.1:8080 -page-listen 127.0.0.1:3000 -api-url http://127.0.0.1:10000
package main

import (
	"flag"
	"fmt"
	"log"
	"net/http"
	"os"
	"time"

	"github.com/cors-wasm/cors-wasm/internal/demoapp"
)

func main() {
	listen := flag.String("listen", "127.0.0.1:8080", "address of the API")
	pageListen := flag.String("page-listen", "", "address of the demo page (a second origin); empty: no page")
	apiURL := flag.String("api-url", "http://127.0.0.1:10000", "the API as the page calls it (through the proxy)")
	flag.Parse()
	if flag.NArg() > 0 {
		fmt.Fprintln(os.Stderr, "demoapi: unexpected arguments:", flag.Args())
		os.Exit(2)
	}
	errc := make(chan error, 2)
	go func() { errc <- serve(*listen, demoapp.API()) }()
	if *pageListen != "" {
		go func() { errc <- serve(*pageListen, demoapp.Page(*apiURL)) }()
	}
	log.Fatal(<-errc)
}

func serve(addr string, h http.Handler) error {
	srv := &http.Server{Addr: addr, Handler: h, ReadHeaderTimeout: 10 * time.Second}
	return srv.ListenAndServe()
}
