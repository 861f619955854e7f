package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/cors-wasm/cors-wasm/wasmhost"
)

// options are devproxy's flags.
type options struct {
	wasm, config, listen, upstream, logLevel, profile string
	workers                                           int
	demoAPI, demoPage                                 string // listen.go
	exitWithParent                                    bool   // parent_linux.go
	admin                                             string // admin.go
}

func parseFlags(args []string, stderr io.Writer) (options, error) {
	var o options
	fs := flag.NewFlagSet("devproxy", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&o.wasm, "wasm", "build/cors.wasm", "the plugin module")
	fs.StringVar(&o.config, "config", "", "the plugin configuration: a JSON file, or an Envoy bootstrap, Istio WasmPlugin or Envoy Gateway EnvoyExtensionPolicy holding one; - reads stdin")
	fs.StringVar(&o.listen, "listen", "127.0.0.1:10000", "address to serve on")
	fs.StringVar(&o.upstream, "upstream", "http://127.0.0.1:8080", "upstream base URL")
	fs.StringVar(&o.logLevel, "log-level", "info", "plugin log level: trace, debug, info, warn, error, critical")
	fs.StringVar(&o.profile, "wasi", "envoy-1.33", "WASI profile: envoy-1.33 (poll_oneoff answers ENOSYS) or envoy-latest")
	fs.IntVar(&o.workers, "workers", runtime.GOMAXPROCS(0), "VMs (Envoy: one per worker thread)")
	fs.StringVar(&o.demoAPI, "demo-api", "", "serve the demo API on this address in this process and use it as the upstream (make run)")
	fs.StringVar(&o.demoPage, "demo-page", "", "serve the demo page on this address; it calls the API through the proxy")
	fs.StringVar(&o.admin, "admin", "", "serve Envoy-like admin stats (/stats, /stats/prometheus) on this address")
	fs.BoolVar(&o.exitWithParent, "exit-with-parent", false, "exit when the parent process dies, even by SIGKILL (Linux; make run)")
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	upstreamSet := false
	fs.Visit(func(f *flag.Flag) { upstreamSet = upstreamSet || f.Name == "upstream" })
	switch {
	case upstreamSet && o.demoAPI != "":
		return o, errors.New("-upstream and -demo-api exclude each other: the demo API is the upstream")
	case fs.NArg() > 0:
		return o, errors.New("unexpected arguments: " + strings.Join(fs.Args(), " "))
	case o.config == "":
		return o, errors.New("-config is required (a JSON file, a deployment file holding one, or - for stdin)")
	case o.workers < 1:
		return o, errors.New("-workers must be at least 1")
	}
	return o, nil
}

// run is devproxy's main; ready, if not nil, gets the listening address.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer, ready func(addr string)) int {
	o, err := parseFlags(args, stderr)
	if err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(stderr, "devproxy:", err)
		}
		return 2
	}
	level, ok := wasmhost.ParseLevel(o.logLevel)
	if !ok {
		fmt.Fprintf(stderr, "devproxy: -log-level %q: want trace, debug, info, warn, error or critical\n", o.logLevel)
		return 2
	}
	profile := wasmhost.ProfileEnvoy133
	switch o.profile {
	case "envoy-1.33":
	case "envoy-latest":
		profile = wasmhost.ProfileCurrent
	default:
		fmt.Fprintf(stderr, "devproxy: -wasi %q: want envoy-1.33 or envoy-latest\n", o.profile)
		return 2
	}
	up, err := url.Parse(o.upstream)
	if err != nil || (up.Scheme != "http" && up.Scheme != "https") || up.Host == "" {
		fmt.Fprintf(stderr, "devproxy: -upstream %q: want an http:// or https:// URL with a host\n", o.upstream)
		return 2
	}
	if o.exitWithParent {
		if err := exitWithParent(); err != nil {
			fmt.Fprintln(stderr, "devproxy: -exit-with-parent:", err)
			return 1
		}
	}
	// Every port first: a taken one stops devproxy before anything starts.
	lns, err := listenAll(o)
	if err != nil {
		fmt.Fprintln(stderr, "devproxy:", err)
		return 1
	}
	defer lns.close()
	adminLn, err := listenAdmin(o.admin)
	if err != nil {
		fmt.Fprintln(stderr, "devproxy:", err)
		return 1
	}
	if adminLn != nil {
		defer adminLn.Close()
	}
	if lns.api != nil {
		up = &url.URL{Scheme: "http", Host: lns.api.Addr().String()}
	}
	config, err := readConfig(o.config, stdin)
	if err != nil {
		fmt.Fprintln(stderr, "devproxy:", err)
		return 1
	}
	wasm, err := os.ReadFile(o.wasm)
	if err != nil {
		fmt.Fprintf(stderr, "devproxy: %v (run `make build` first)\n", err)
		return 1
	}

	engine, err := wasmhost.NewEngine(ctx, wasmhost.Options{Profile: profile, CacheDir: cacheDir()})
	if err != nil {
		fmt.Fprintln(stderr, "devproxy: starting wazero:", err)
		return 1
	}
	defer engine.Close(context.Background())
	mod, err := engine.Compile(ctx, wasm)
	if err != nil {
		fmt.Fprintf(stderr, "devproxy: %s: %v\n", o.wasm, err)
		return 1
	}
	var outMu sync.Mutex
	logs := wasmhost.NewLogs(level)
	logs.SetSink(func(l wasmhost.LogLine) {
		outMu.Lock()
		fmt.Fprintf(stderr, "plugin %s\n", l)
		outMu.Unlock()
	})
	pool, err := mod.NewPool(ctx, o.workers, wasmhost.VMConfig{PluginConfig: config.JSON(), Logs: logs})
	if err != nil {
		var ce *wasmhost.ConfigError
		if errors.As(err, &ce) {
			outMu.Lock()
			config.refusal(stderr)
			fmt.Fprintf(stderr, "devproxy: the plugin refused the configuration in %s; fix it and start again\n", o.config)
			outMu.Unlock()
			return 1
		}
		fmt.Fprintln(stderr, "devproxy: starting the plugin:", err)
		return 1
	}
	defer pool.Close()
	defer serveAdmin(adminLn, pool.Metrics(), stdout)()
	defer watchReload(o.config, pool, stderr, &outMu)()

	proxy := wasmhost.NewProxy(pool, up)
	proxy.AccessLog = func(e wasmhost.AccessEntry) {
		outMu.Lock()
		fmt.Fprintln(stdout, accessLine(e))
		outMu.Unlock()
	}
	ln := lns.proxy
	srv := &http.Server{Handler: proxy, ReadHeaderTimeout: 10 * time.Second}
	defer lns.serveDemo("http://" + ln.Addr().String())()
	fmt.Fprintf(stdout, "devproxy: %s (%d bytes, %s WASI) in %d VMs; listening on http://%s -> %s\n",
		o.wasm, mod.Size(), profile, o.workers, ln.Addr(), up)
	printDemo(stdout, lns)
	if ready != nil {
		ready(ln.Addr().String())
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		fmt.Fprintln(stderr, "devproxy:", err)
		return 1
	case <-ctx.Done():
		shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(shutdown)
		return 0
	}
}

// cacheDir keeps compiled modules between runs, so restarts are fast.
func cacheDir() string {
	if d, err := os.UserCacheDir(); err == nil {
		return filepath.Join(d, "cors-wasm", "wazero")
	}
	return ""
}

// accessLine is one access-log line; request values are quoted (%q), so a
// hostile Origin cannot forge log lines.
func accessLine(e wasmhost.AccessEntry) string {
	origin := "-"
	if o := e.Request.Header.Get("Origin"); o != "" {
		origin = fmt.Sprintf("%q", o)
	}
	return fmt.Sprintf("%s %s %q origin=%s status=%d cors=%s %s",
		time.Now().Format("15:04:05.000"), e.Request.Method, e.Request.URL.RequestURI(), origin, e.Status, outcome(e), e.Duration.Round(time.Microsecond))
}
