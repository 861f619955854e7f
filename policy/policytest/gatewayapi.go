package policytest

import (
	"slices"
	"strconv"
	"strings"
)

// GatewayAPIConfig is our configuration for the routes Gateway API's CORS
// conformance test sets up (conformance/tests/httproute-cors.yaml): one
// policy per HTTPRoute rule, routed by its PathPrefix, which matches whole
// path segments ("/cors-1" matches /cors-1 and /cors-1/x, not /cors-10):
// the exact path and the prefix with a "/". It is what `corsctl import`
// writes for internal/importer/testdata/gatewayapi-conformance.yaml (a test
// compares the two).
//
// One route differs on purpose: Gateway API allows `allowOrigins: ["*"]` with
// `allowCredentials: true` and then reflects any origin with credentials; we
// refuse that (CVE-2018-20744), so the route runs without credentials here.
const GatewayAPIConfig = `{"policies":[
	{"name":"cors-wildcard-methods-headers-1","match":{"paths":["/cors-wildcard-methods-headers-unauth"],"path_prefixes":["/cors-wildcard-methods-headers-unauth/"]},
	 "allow_origins":["*"],"allow_methods":["*"],"allow_headers":["*"],"max_age":5},
	{"name":"cors-wildcard-methods-headers-0","match":{"paths":["/cors-wildcard-methods-headers"],"path_prefixes":["/cors-wildcard-methods-headers/"]},
	 "allow_origins":["*"],"allow_methods":["*"],"allow_headers":["*"],"max_age":5},
	{"name":"cors-wildcard-origin","match":{"paths":["/cors-wildcard-origin"],"path_prefixes":["/cors-wildcard-origin/"]},
	 "allow_origins":["*"],"allow_methods":["PUT"],"max_age":5},
	{"name":"cors-multiple-origins-methods-headers","match":{"paths":["/cors-1"],"path_prefixes":["/cors-1/"]},
	 "allow_origins":["https://www.foo.com","https://*.bar.com"],"allow_methods":["GET","OPTIONS"],
	 "allow_headers":["x-header-1","x-header-2"],"expose_headers":["x-header-3","x-header-4"],
	 "allow_credentials":true,"max_age":3600},
	{"name":"cors-wildcard-methods","match":{"paths":["/cors-2"],"path_prefixes":["/cors-2/"]},
	 "allow_origins":["https://www.foo.com"],"allow_methods":["*"],"max_age":5}]}`

// ContractCase is one request and the answers a contract accepts, written the
// way Gateway API's conformance suite checks them: a set of acceptable
// statuses, headers that must be present with one of several values
// (compared without spaces, as the suite's IgnoreWhitespace does), and
// headers that must be absent.
type ContractCase struct {
	Name         string
	Method, Path string
	Headers      [][2]string
	Statuses     []int
	Valid        map[string][]string
	Absent       []string
	// Upstream: the request must reach the upstream (false: answered by the
	// proxy). Gateway API leaves this open; we pin it.
	Upstream bool
	// Differs, when set, says where our answer knowingly differs from the
	// contract's, and why; Valid and Absent then state our answer.
	Differs string
}

// Case is the request of c as a table Case, for the runners that build
// requests from one (Want is left empty: check with Problems).
func (c *ContractCase) Case() *Case {
	return &Case{Name: c.Name, Method: c.Method, Path: c.Path, Headers: c.Headers}
}

// Problems lists how a response (status and header lines) breaks the case;
// none means it meets it. Several lines of one header are joined with ","
// as the conformance suite joins them.
func (c *ContractCase) Problems(status int, lines [][2]string) []string {
	var out []string
	if !slices.Contains(c.Statuses, status) {
		out = append(out, "status "+strconv.Itoa(status)+", want one of "+joinInts(c.Statuses))
	}
	values := map[string][]string{}
	for _, l := range lines {
		name := strings.ToLower(l[0])
		values[name] = append(values[name], l[1])
	}
	for name, accepted := range c.Valid {
		got, ok := values[name]
		if !ok {
			out = append(out, name+": absent, want one of "+strconv.Quote(strings.Join(accepted, " | ")))
			continue
		}
		joined := strings.ReplaceAll(strings.Join(got, ","), " ", "")
		if !slices.ContainsFunc(accepted, func(v string) bool { return strings.ReplaceAll(v, " ", "") == joined }) {
			out = append(out, name+": "+strconv.Quote(strings.Join(got, ","))+", want one of "+strconv.Quote(strings.Join(accepted, " | ")))
		}
	}
	for _, name := range c.Absent {
		if got, ok := values[name]; ok {
			out = append(out, name+": "+strconv.Quote(strings.Join(got, ","))+", want absent")
		}
	}
	slices.Sort(out)
	return out
}

func joinInts(v []int) string {
	s := make([]string, len(v))
	for i, n := range v {
		s[i] = strconv.Itoa(n)
	}
	return strings.Join(s, ", ")
}

const (
	foo      = "https://www.foo.com"
	otherFoo = "https://other.foo.com"
	bar      = "https://www.bar.com"
	foobar   = "https://foobar.com"
)

// cors1 is the full grant of the /cors-1 route to origin o.
func cors1(o string) map[string][]string {
	return map[string][]string{
		"access-control-allow-origin":      {o},
		"access-control-allow-methods":     {"GET, OPTIONS", "OPTIONS, GET"},
		"access-control-allow-headers":     {"x-header-1, x-header-2", "x-header-2, x-header-1"},
		"access-control-expose-headers":    {"x-header-3, x-header-4", "x-header-4, x-header-3"},
		"access-control-max-age":           {"3600"},
		"access-control-allow-credentials": {"true"},
	}
}

// GatewayAPICases are the behaviours Gateway API's HTTPCORSFilter documents
// and its conformance test (conformance/tests/httproute-cors.go) checks,
// restated for GatewayAPIConfig. Where the contract allows a choice we
// answer one way (200, the request's Origin or "*", an echo, never "*" in
// methods or headers), and the table says which.
var GatewayAPICases = []ContractCase{
	{Name: "preflight from an exact origin: grant with expose headers and max-age", Method: "OPTIONS", Path: "/cors-1",
		Headers:  [][2]string{origin(foo), acrm("GET"), acrh("x-header-1, x-header-2")},
		Statuses: []int{200}, Valid: cors1(foo)},
	{Name: "preflight from a wildcard origin", Method: "OPTIONS", Path: "/cors-1",
		Headers:  [][2]string{origin(bar), acrm("GET"), acrh("x-header-1, x-header-2")},
		Statuses: []int{200}, Valid: cors1(bar)},
	{Name: "preflight: the wildcard spans several labels", Method: "OPTIONS", Path: "/cors-1",
		Headers:  [][2]string{origin("https://xpto.www.bar.com"), acrm("GET"), acrh("x-header-1, x-header-2")},
		Statuses: []int{200}, Valid: cors1("https://xpto.www.bar.com")},
	{Name: "preflight from a non-matching origin: no grant", Method: "OPTIONS", Path: "/cors-1",
		Headers:  [][2]string{origin(foobar), acrm("GET")},
		Statuses: []int{403}, Absent: []string{"access-control-allow-origin", "access-control-allow-credentials"}},
	{Name: "actual request from an exact origin", Method: "GET", Path: "/cors-1",
		Headers:  [][2]string{origin(foo), acrm("GET"), acrh("x-header-1, x-header-2")},
		Statuses: []int{200}, Upstream: true,
		Valid: map[string][]string{"access-control-allow-origin": {foo}, "access-control-allow-credentials": {"true"},
			"access-control-expose-headers": {"x-header-3, x-header-4"}}},
	{Name: "actual request from a wildcard origin", Method: "GET", Path: "/cors-1",
		Headers:  [][2]string{origin(bar)},
		Statuses: []int{200}, Upstream: true, Valid: map[string][]string{"access-control-allow-origin": {bar}}},
	{Name: "actual request from a non-matching origin: no grant", Method: "GET", Path: "/cors-1",
		Headers:  [][2]string{origin(foobar), acrm("GET")},
		Statuses: []int{200}, Upstream: true, Absent: []string{"access-control-allow-origin"}},
	{Name: "star methods: a safelisted method is echoed, no credentials", Method: "OPTIONS", Path: "/cors-2",
		Headers:  [][2]string{origin(foo), acrm("POST")},
		Statuses: []int{200}, Valid: map[string][]string{"access-control-allow-methods": {"POST"}, "access-control-allow-origin": {foo}},
		Absent: []string{"access-control-allow-credentials"}},
	{Name: "star methods: another method is echoed", Method: "OPTIONS", Path: "/cors-2",
		Headers:  [][2]string{origin(foo), acrm("PATCH")},
		Statuses: []int{200}, Valid: map[string][]string{"access-control-allow-methods": {"PATCH"}, "access-control-allow-origin": {foo}},
		Absent: []string{"access-control-allow-credentials"}},
	{Name: "star origin: preflight", Method: "OPTIONS", Path: "/cors-wildcard-origin",
		Headers:  [][2]string{origin(foobar), acrm("PUT")},
		Statuses: []int{200}, Valid: map[string][]string{"access-control-allow-origin": {"*"}, "access-control-allow-methods": {"PUT"}},
		Absent: []string{"access-control-allow-credentials"}},
	{Name: "star origin: preflight from an origin with a port", Method: "OPTIONS", Path: "/cors-wildcard-origin",
		Headers:  [][2]string{origin(foobar + ":12345"), acrm("PUT")},
		Statuses: []int{200}, Valid: map[string][]string{"access-control-allow-origin": {"*"}, "access-control-allow-methods": {"PUT"}},
		Absent: []string{"access-control-allow-credentials"}},
	{Name: "star origin: actual request from an origin with a port", Method: "PUT", Path: "/cors-wildcard-origin",
		Headers: [][2]string{origin(foobar + ":12345")}, Statuses: []int{200}, Upstream: true,
		Valid: map[string][]string{"access-control-allow-origin": {"*"}}},
	{Name: "star origin: actual request", Method: "PUT", Path: "/cors-wildcard-origin",
		Headers: [][2]string{origin(foobar)}, Statuses: []int{200}, Upstream: true,
		Valid:  map[string][]string{"access-control-allow-origin": {"*"}},
		Absent: []string{"access-control-allow-credentials"}},
	{Name: "star everything with credentials: preflight", Method: "OPTIONS", Path: "/cors-wildcard-methods-headers",
		Headers:  [][2]string{origin(otherFoo), acrm("PUT"), acrh("x-header-1, x-header-2")},
		Statuses: []int{200},
		Valid: map[string][]string{"access-control-allow-origin": {"*"}, "access-control-allow-methods": {"PUT"},
			"access-control-allow-headers": {"x-header-1, x-header-2"}},
		Absent:  []string{"access-control-allow-credentials"},
		Differs: "Gateway API reflects any origin with credentials for allowOrigins [\"*\"] + allowCredentials; we refuse that combination (CVE-2018-20744), so the route runs without credentials"},
	{Name: "star everything without credentials: preflight echoes method and headers", Method: "OPTIONS", Path: "/cors-wildcard-methods-headers-unauth",
		Headers:  [][2]string{origin(otherFoo), acrm("PUT"), acrh("x-header-1, x-header-2")},
		Statuses: []int{200},
		Valid: map[string][]string{"access-control-allow-origin": {"*"}, "access-control-allow-methods": {"PUT"},
			"access-control-allow-headers": {"x-header-1, x-header-2"}},
		Absent: []string{"access-control-allow-credentials"}},
	{Name: "star headers still need authorization by name", Method: "OPTIONS", Path: "/cors-wildcard-methods-headers-unauth",
		Headers:  [][2]string{origin(otherFoo), acrm("PUT"), acrh("authorization")},
		Statuses: []int{403}, Absent: []string{"access-control-allow-origin", "access-control-allow-headers"}},
	{Name: "star everything with credentials: actual request", Method: "GET", Path: "/cors-wildcard-methods-headers",
		Headers: [][2]string{origin(otherFoo), {"cookie", "session=1"}}, Statuses: []int{200}, Upstream: true,
		Valid:   map[string][]string{"access-control-allow-origin": {"*"}},
		Absent:  []string{"access-control-allow-credentials"},
		Differs: "no credentials on a match-everything origin list (see the preflight case)"},
	{Name: "star everything without credentials: actual request", Method: "GET", Path: "/cors-wildcard-methods-headers-unauth",
		Headers: [][2]string{origin(otherFoo)}, Statuses: []int{200}, Upstream: true,
		Valid:  map[string][]string{"access-control-allow-origin": {"*"}},
		Absent: []string{"access-control-allow-credentials"}},
}
