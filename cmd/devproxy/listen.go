package main

import (
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"syscall"
	"time"

	"github.com/cors-wasm/cors-wasm/internal/demoapp"
)

// listeners are every address devproxy serves on, bound before anything else
// starts: a taken port is reported, naming it, while nothing runs yet, and the
// demo API's port is ours from then on, so the proxy cannot end up
// forwarding to a stranger that holds it.
type listeners struct {
	proxy, api, page net.Listener
}

// listenAll binds -listen, then -demo-api and -demo-page when set. On an
// error it closes what it bound.
func listenAll(o options) (*listeners, error) {
	l := &listeners{}
	for _, b := range []struct {
		flag, addr string
		into       *net.Listener
	}{
		{"-listen", o.listen, &l.proxy},
		{"-demo-api", o.demoAPI, &l.api},
		{"-demo-page", o.demoPage, &l.page},
	} {
		if b.addr == "" {
			continue
		}
		ln, err := net.Listen("tcp", b.addr)
		if err != nil {
			l.close()
			return nil, listenError(b.flag, b.addr, err)
		}
		*b.into = ln
	}
	return l, nil
}

// listenError names the port and the flag that asked for it.
func listenError(flag, addr string, err error) error {
	_, port, _ := net.SplitHostPort(addr)
	if errors.Is(err, syscall.EADDRINUSE) {
		return fmt.Errorf("port %s is taken (%s %s): %v; nothing was started: stop what holds it or choose another port", port, flag, addr, err)
	}
	return fmt.Errorf("cannot listen on %s (%s): %v; nothing was started", addr, flag, err)
}

func (l *listeners) close() {
	for _, ln := range []net.Listener{l.proxy, l.api, l.page} {
		if ln != nil {
			ln.Close()
		}
	}
}

// serveDemo serves the demo API and page on their listeners, if bound; the
// page calls the API through the proxy at proxyURL. The returned function
// stops them.
func (l *listeners) serveDemo(proxyURL string) (stop func()) {
	var servers []*http.Server
	for _, s := range []struct {
		ln net.Listener
		h  http.Handler
	}{{l.api, demoapp.API()}, {l.page, demoapp.Page(proxyURL)}} {
		if s.ln == nil {
			continue
		}
		srv := &http.Server{Handler: s.h, ReadHeaderTimeout: 10 * time.Second}
		servers = append(servers, srv)
		go func() { _ = srv.Serve(s.ln) }()
	}
	return func() {
		for _, srv := range servers {
			_ = srv.Close()
		}
	}
}

// printDemo says where the demo servers are.
func printDemo(w io.Writer, l *listeners) {
	if l.api != nil {
		fmt.Fprintf(w, "devproxy: demo API on http://%s (the upstream; knows nothing about CORS)\n", l.api.Addr())
	}
	if l.page != nil {
		fmt.Fprintf(w, "devproxy: demo page on http://%s: open it in a browser and press the buttons\n", l.page.Addr())
	}
}
