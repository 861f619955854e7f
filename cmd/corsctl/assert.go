package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/cors-wasm/cors-wasm/internal/configfile"
	"github.com/cors-wasm/cors-wasm/policy"
)

// assertionFile is the file `corsctl test` runs: a configuration and the
// decisions a team expects from it (docs/corsctl.md, "Locking the CORS intent").
type assertionFile struct {
	// Config is the configuration to test, relative to the assertion file:
	// any file check reads. -config overrides it.
	Config string          `json:"config"`
	Cases  []assertionCase `json:"cases"`
}

// assertionCase is one request and what must come of it.
type assertionCase struct {
	Name    string           `json:"name"`
	Request assertionRequest `json:"request"`
	Expect  assertionExpect  `json:"expect"`
}

// assertionRequest is a request as explain's flags describe it.
type assertionRequest struct {
	Method  string   `json:"method"` // default GET, or OPTIONS with acrm
	Host    string   `json:"host"`
	Path    string   `json:"path"` // default /
	Origin  string   `json:"origin"`
	ACRM    string   `json:"acrm"`
	ACRH    string   `json:"acrh"`
	Headers []string `json:"headers"` // more lines, "Name: value"
}

// assertionExpect is what the plugin must do. Only what is written is
// checked, except allowed, which every case states.
type assertionExpect struct {
	Allowed   *bool             `json:"allowed"`
	Reason    string            `json:"reason"`    // origin, method, headers, private_network, limits
	Policy    *string           `json:"policy"`    // the policy that applies; "" for none
	Status    int               `json:"status"`    // the proxy answers itself with this status
	Forwarded *bool             `json:"forwarded"` // the request reaches the upstream
	Headers   map[string]string `json:"headers"`   // the plugin writes these, with exactly these values
	Absent    []string          `json:"absent"`    // and none of these
}

var testCommand = subcommand{
	name:     "test",
	synopsis: "corsctl test [-config FILE] TESTFILE",
	description: `Run the policy assertions of TESTFILE (JSON) against a configuration: each
case is a request and the decision expected of it (allowed or refused and
why, the policy, the local reply's status or forwarding, headers that must or
must not be written). Prints one line per case, and what differs for each
case that fails; exits 1 when any case fails. The configuration is TESTFILE's
"config" (relative to TESTFILE) unless -config names one.`,
	examples: []string{
		"corsctl test examples/config.test.json",
		"corsctl test -config envoy.yaml examples/config.test.json",
	},
}

// runTest: corsctl test [-config FILE] TESTFILE
func runTest(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := newFlagSet(&testCommand)
	configFlag := fs.String("config", "", "the configuration to test, instead of TESTFILE's \"config\" (- for standard input)")
	if code, ok := parseOrUsage(&testCommand, fs, args, stdout, stderr); !ok {
		return code
	}
	if fs.NArg() != 1 {
		return usageError(stderr, "test takes one TESTFILE")
	}
	testFile := fs.Arg(0)
	data, err := readInput(testFile, stdin)
	if err != nil {
		return usageError(stderr, "%v", err)
	}
	af, c, problems := parseAssertions(data)
	if len(problems) > 0 {
		for _, p := range problems {
			fmt.Fprintf(stdout, "%s%s\n", at(displayName(testFile), c.LineOf(p.path, p.msg)), p.path+": "+p.msg)
		}
		return exitConfig
	}
	configPath := *configFlag
	if configPath == "" {
		if af.Config == "" {
			return usageError(stderr, "%s has no \"config\"; name the configuration with -config FILE", testFile)
		}
		configPath = filepath.Join(filepath.Dir(testFile), filepath.FromSlash(af.Config))
	}
	configData, err := readInput(configPath, stdin)
	if err != nil {
		return usageError(stderr, "%v", err)
	}
	set, _, code := loadOne(displayName(configPath), configData, stdout, stderr)
	if set == nil {
		return code
	}
	failed := 0
	for i, tc := range af.Cases {
		diffs := runCase(set, tc)
		if len(diffs) == 0 {
			fmt.Fprintf(stdout, "ok   %s\n", tc.Name)
			continue
		}
		failed++
		where := strings.TrimSuffix(at(displayName(testFile), c.LineOf("cases["+strconv.Itoa(i)+"]", "")), ": ")
		fmt.Fprintf(stdout, "FAIL %s (%s)\n", tc.Name, where)
		for _, d := range diffs {
			fmt.Fprintf(stdout, "     %s\n", d)
		}
	}
	if failed > 0 {
		fmt.Fprintf(stdout, "corsctl test: %d of %d cases differ from %s\n", failed, len(af.Cases), displayName(configPath))
		return exitConfig
	}
	fmt.Fprintf(stdout, "corsctl test: all %d cases as expected\n", len(af.Cases))
	return exitOK
}

// assertionProblem is a mistake in the assertion file, at a JSON path.
type assertionProblem struct{ path, msg string }

// parseAssertions decodes an assertion file strictly and checks every case.
func parseAssertions(data []byte) (assertionFile, configfile.Config, []assertionProblem) {
	var af assertionFile
	c := configfile.Config{}
	if _, found, err := configfile.Find(data); err == nil && len(found) == 1 {
		c = found[0] // only for the lines of its parts
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&af); err != nil {
		msg := err.Error()
		if se, ok := err.(*json.SyntaxError); ok {
			msg += " (byte " + strconv.FormatInt(se.Offset, 10) + ")"
		}
		return af, c, []assertionProblem{{"(root)", strings.TrimPrefix(msg, "json: ")}}
	}
	var ps []assertionProblem
	if len(af.Cases) == 0 {
		ps = append(ps, assertionProblem{"cases", "no cases: write at least one"})
	}
	names := map[string]bool{}
	for i, tc := range af.Cases {
		path := "cases[" + strconv.Itoa(i) + "]"
		add := func(field, msg string) { ps = append(ps, assertionProblem{path + field, msg}) }
		switch {
		case tc.Name == "":
			add(".name", "missing: name each case")
		case names[tc.Name]:
			add(".name", strconv.Quote(tc.Name)+": another case has this name")
		}
		names[tc.Name] = true
		if tc.Request.ACRH != "" && tc.Request.ACRM == "" {
			add(".request.acrh", "needs acrm: browsers send Access-Control-Request-Headers only in a preflight")
		}
		for j, h := range tc.Request.Headers {
			var hf headerFlags
			if err := hf.Set(h); err != nil {
				add(".request.headers["+strconv.Itoa(j)+"]", err.Error())
			}
		}
		e := tc.Expect
		switch {
		case e.Allowed == nil:
			add(".expect.allowed", "missing: say whether the request is allowed")
		case *e.Allowed && e.Reason != "":
			add(".expect.reason", "an allowed request has no reason")
		}
		if e.Reason != "" && !slices.Contains(reasonNames(), e.Reason) {
			add(".expect.reason", strconv.Quote(e.Reason)+": want one of "+strings.Join(reasonNames(), ", "))
		}
		if e.Status != 0 && (e.Status < 100 || e.Status > 599) {
			add(".expect.status", strconv.Itoa(e.Status)+": not an HTTP status")
		}
		if e.Status != 0 && e.Forwarded != nil && *e.Forwarded {
			add(".expect.status", "a forwarded request gets its status from the upstream: write status or forwarded, not both")
		}
	}
	return af, c, ps
}

func reasonNames() []string {
	var names []string
	for r := policy.ReasonOrigin; r <= policy.ReasonLimits; r++ {
		names = append(names, r.String())
	}
	return names
}

// request is the case's request as explain would build it.
func (r assertionRequest) request() *explainRequest {
	er := &explainRequest{set: map[string]bool{}, method: r.Method, host: r.Host, path: r.Path,
		origin: r.Origin, acrm: r.ACRM, acrh: r.ACRH}
	for name, v := range map[string]string{"host": r.Host, "origin": r.Origin, "acrm": r.ACRM, "acrh": r.ACRH, "method": r.Method} {
		er.set[name] = v != ""
	}
	if er.path == "" {
		er.path = "/"
	}
	if er.method == "" {
		er.method = "GET"
		if er.acrm != "" {
			er.method = "OPTIONS"
		}
	}
	for _, h := range r.Headers {
		_ = er.headers.Set(h) // checked by parseAssertions
	}
	return er
}

// runCase decides the case's request and returns how the outcome differs
// from what the case expects, one line each.
func runCase(set *policy.Set, tc assertionCase) []string {
	var r policy.Request
	r.Reset()
	for _, l := range tc.Request.request().lines() {
		r.AddHeader(l[0], l[1])
	}
	var d policy.Decision
	set.Decide(&r, &d)

	var diffs []string
	differ := func(what, got, want string) {
		diffs = append(diffs, fmt.Sprintf("%s: got %s, want %s", what, got, want))
	}
	e := tc.Expect
	allowed := d.Allowed && !d.WouldReject
	if *e.Allowed != allowed {
		got := yesNo(allowed)
		if !allowed {
			got += " (" + string(d.AppendDetail(nil)) + ")"
		}
		differ("allowed", got, yesNo(*e.Allowed))
	}
	if e.Reason != "" && d.Reason.String() != e.Reason {
		differ("reason", orNone(d.Reason.String()), e.Reason)
	}
	if e.Policy != nil && d.Name != *e.Policy {
		differ("policy", orNone(d.Name), orNone(*e.Policy))
	}
	if e.Status != 0 && (!d.Reply || d.Status != e.Status) {
		got := "no local reply (forwarded)"
		if d.Reply {
			got = strconv.Itoa(d.Status)
		}
		differ("status", got, strconv.Itoa(e.Status)+" from the proxy")
	}
	if e.Forwarded != nil && *e.Forwarded == d.Reply {
		differ("forwarded", yesNo(!d.Reply), yesNo(*e.Forwarded))
	}
	written := writtenHeaders(&d)
	for _, name := range sortedKeys(e.Headers) {
		want := e.Headers[name]
		got, ok := written[strings.ToLower(name)]
		switch {
		case !ok:
			differ("header "+strings.ToLower(name), "absent", strconv.Quote(want))
		case got != want:
			differ("header "+strings.ToLower(name), strconv.Quote(got), strconv.Quote(want))
		}
	}
	for _, name := range e.Absent {
		if got, ok := written[strings.ToLower(name)]; ok {
			differ("header "+strings.ToLower(name), strconv.Quote(got), "absent")
		}
	}
	return diffs
}

// writtenHeaders are the header lines the plugin writes: those of its local
// reply, or those it writes on the upstream's response, where "Origin"
// merged into Vary reads as vary: Origin (an upstream without Vary). In
// shadow mode it writes nothing.
func writtenHeaders(d *policy.Decision) map[string]string {
	h := map[string]string{}
	if !d.Reply && !d.Respond {
		return h
	}
	for _, f := range d.Fields() {
		h[strings.ToLower(f.Name)] = f.Value
	}
	if _, ok := h["vary"]; !ok && d.Respond && d.VaryOrigin {
		h["vary"] = "Origin"
	}
	return h
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

func orNone(s string) string {
	if s == "" {
		return "none"
	}
	return s
}
