package main

import (
	"flag"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/cors-wasm/cors-wasm/internal/configfile"
	"github.com/cors-wasm/cors-wasm/policy"
)

// headerFlags collects repeated -header "Name: value" flags.
type headerFlags [][2]string

func (h *headerFlags) String() string { return fmt.Sprint(*h) }

// Set parses "Name: value"; a pseudo-header keeps its leading colon
// (":authority: api.example.com").
func (h *headerFlags) Set(s string) error {
	start := 0
	if strings.HasPrefix(s, ":") {
		start = 1
	}
	i := strings.IndexByte(s[start:], ':')
	name := ""
	if i >= 0 {
		i += start
		name = strings.ToLower(strings.TrimSpace(s[:i]))
	}
	if name == "" || name == ":" {
		return fmt.Errorf("%q: want \"Name: value\"", s)
	}
	if strings.ContainsAny(name, " \t") {
		return fmt.Errorf("%q: a header name has no spaces", s)
	}
	*h = append(*h, [2]string{name, strings.TrimSpace(s[i+1:])})
	return nil
}

// explainRequest is the request described by explain's flags.
type explainRequest struct {
	config, method, origin, host, path, acrm, acrh string
	headers                                        headerFlags
	set                                            map[string]bool // flags given
}

// explainFlags defines explain's flags on a new flag set.
func explainFlags(er *explainRequest) *flag.FlagSet {
	fs := newFlagSet(&explainCommand)
	fs.StringVar(&er.config, "config", "", "configuration file, Envoy bootstrap or WasmPlugin (- for standard input)")
	fs.StringVar(&er.method, "method", "GET", "request method; OPTIONS when -acrm is given and -method is not")
	fs.StringVar(&er.origin, "origin", "", "Origin header (none when the flag is absent)")
	fs.StringVar(&er.host, "host", "", ":authority (host[:port])")
	fs.StringVar(&er.path, "path", "/", ":path, query included")
	fs.StringVar(&er.acrm, "acrm", "", "Access-Control-Request-Method")
	fs.StringVar(&er.acrh, "acrh", "", "Access-Control-Request-Headers, comma-separated")
	fs.Var(&er.headers, "header", `another request header, "Name: value" (repeatable)`)
	return fs
}

// check records the flags given and refuses combinations that describe no real request.
func (er *explainRequest) check(fs *flag.FlagSet) error {
	fs.Visit(func(f *flag.Flag) { er.set[f.Name] = true })
	switch {
	case fs.NArg() > 0:
		return fmt.Errorf("unexpected argument %q", fs.Arg(0))
	case er.config == "":
		return fmt.Errorf("-config FILE is required")
	case er.set["acrh"] && !er.set["acrm"]:
		// Without ACRM the request is no preflight, and the plugin would
		// treat it as an actual request that ignores -acrh: say so rather
		// than explain a different request than the one asked about.
		return fmt.Errorf("-acrh without -acrm: browsers send Access-Control-Request-Headers only in a preflight, " +
			"with Access-Control-Request-Method; add -acrm METHOD (or pass the header with -header to see a request that is no preflight)")
	}
	if !er.set["method"] && er.set["acrm"] {
		er.method = "OPTIONS" // a preflight is what -acrm describes
	}
	return nil
}

// lines are the request's header lines as a proxy would pass them.
func (er *explainRequest) lines() [][2]string {
	l := [][2]string{{":method", er.method}, {":path", er.path}}
	if er.set["host"] {
		l = append(l, [2]string{":authority", er.host})
	}
	if er.set["origin"] {
		l = append(l, [2]string{"origin", er.origin})
	}
	if er.set["acrm"] {
		l = append(l, [2]string{"access-control-request-method", er.acrm})
	}
	if er.set["acrh"] {
		l = append(l, [2]string{"access-control-request-headers", er.acrh})
	}
	return append(l, er.headers...)
}

// loadOne loads the one configuration a file must hold for explain and
// test; on failure it prints why and returns the exit status.
func loadOne(file string, data []byte, stdout, stderr io.Writer) (*policy.Set, configfile.Config, int) {
	configs, err := findConfigs(data)
	if err != nil {
		fmt.Fprintf(stdout, "%s: %v\n", file, err)
		return nil, configfile.Config{}, exitConfig
	}
	if len(configs) > 1 {
		var where []string
		for _, c := range configs {
			where = append(where, at(file, c.Line)+c.Where)
		}
		return nil, configfile.Config{}, usageError(stderr, "%s holds %d cors-wasm configurations (%s); this command needs a file with one",
			file, len(configs), strings.Join(where, "; "))
	}
	c := configs[0]
	if c.Problem != "" {
		printProblem(stdout, file, c)
		return nil, c, exitConfig
	}
	set, err := policy.Load(c.JSON)
	if err != nil {
		printLocatedErrors(stdout, file, c, err)
		return nil, c, exitConfig
	}
	return set, c, exitOK
}

// runExplain: corsctl explain -config FILE ...
func runExplain(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	er := &explainRequest{set: map[string]bool{}}
	fs := explainFlags(er)
	if code, ok := parseOrUsage(&explainCommand, fs, args, stdout, stderr); !ok {
		return code
	}
	if err := er.check(fs); err != nil {
		return usageError(stderr, "explain: %v", err)
	}
	data, err := readInput(er.config, stdin)
	if err != nil {
		return usageError(stderr, "%v", err)
	}
	file := displayName(er.config)
	set, c, code := loadOne(file, data, stdout, stderr)
	if set == nil {
		return code
	}
	var r policy.Request
	r.Reset()
	lines := er.lines()
	for _, l := range lines {
		r.AddHeader(l[0], l[1])
	}
	var d policy.Decision
	set.Decide(&r, &d)
	printRequest(stdout, lines)
	printDecision(stdout, &d, er.set["origin"] || slices.ContainsFunc(er.headers, func(h [2]string) bool { return h[0] == "origin" }))
	if d.Policy >= 0 && (!d.Allowed || d.WouldReject) {
		if e, none := requestFix(c.JSON, &d, er); none != "" {
			fmt.Fprintf(stdout, "fix: %s\n", none)
		} else {
			fmt.Fprintf(stdout, "fix: %s (%s)\n", e, strings.TrimSuffix(at(file, c.LineOf(e.path(), "")), ": "))
		}
	}
	return exitOK
}
