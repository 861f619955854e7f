package policytest

import "github.com/cors-wasm/cors-wasm/policy"

// The "nocors" configuration and its cases: exact paths beside path
// prefixes, and no_cors policies that end the search and pass requests
// untouched, exactly as when no policy applies (corsctl import writes such
// policies for routes without CORS settings).
func init() {
	Configs["nocors"] = `{"policies":[
		{"name":"admin-off","match":{"hosts":["admin.example.com"]},"no_cors":true},
		{"name":"export","match":{"paths":["/export"],"path_prefixes":["/export/v2/"]},
		 "allow_origins":["https://app.example.com"],"allow_credentials":true},
		{"name":"exports-off","match":{"path_prefixes":["/exports"]},"no_cors":true},
		{"name":"site","allow_origins":["https://app.example.com"],"allow_methods":["PUT"]}]}`
	Cases = append(Cases, noCORSCases...)
}

// untouched is the outcome of a request no policy handles: it reaches the
// upstream and its response keeps exactly the upstream's lines.
func untouched(headers ...string) Want {
	return Want{Kind: policy.KindNone, Allowed: true, Upstream: true, Status: 200, Headers: headers}
}

var upstreamGrant = [][2]string{{"access-control-allow-origin", "*"}, {"vary", "Accept-Encoding"}}

var noCORSCases = []Case{
	{Name: "no_cors: host passes untouched, upstream lines kept", Config: "nocors", Authority: "admin.example.com",
		Headers: [][2]string{origin(App)}, Upstream: upstreamGrant,
		Want: untouched("access-control-allow-origin: *", "vary: accept-encoding")},
	{Name: "no_cors: a preflight reaches the upstream", Config: "nocors", Authority: "admin.example.com", Method: "OPTIONS",
		Headers: [][2]string{origin(App), acrm("PUT")},
		Want:    untouched()},
	{Name: "no_cors: no later policy is tried (site would grant)", Config: "nocors", Authority: "admin.example.com", Path: "/export",
		Headers: [][2]string{origin(App)},
		Want:    untouched()},
	{Name: "no_cors: without Origin no Vary is added", Config: "nocors", Authority: "admin.example.com",
		Want: untouched()},
	{Name: "no_cors: a path prefix", Config: "nocors", Path: "/exports/secret", Headers: [][2]string{origin(App)},
		Want: untouched()},
	{Name: "paths: exact path", Config: "nocors", Path: "/export", Headers: [][2]string{origin(App)},
		Want: actualOK("export", App, "access-control-allow-credentials: true", varyOrigin)},
	{Name: "paths: exact path before the query", Config: "nocors", Path: "/export?all=1", Headers: [][2]string{origin(App)},
		Want: actualOK("export", App, "access-control-allow-credentials: true", varyOrigin)},
	{Name: "paths: a prefix beside the exact path", Config: "nocors", Path: "/export/v2/x", Headers: [][2]string{origin(App)},
		Want: actualOK("export", App, "access-control-allow-credentials: true", varyOrigin)},
	{Name: "paths: a trailing slash is another path", Config: "nocors", Path: "/export/", Headers: [][2]string{origin(App)},
		Want: actualOK("site", App, varyOrigin)},
	{Name: "paths: a longer path is another path", Config: "nocors", Path: "/exportx", Headers: [][2]string{origin(App)},
		Want: actualOK("site", App, varyOrigin)},
	{Name: "paths: exact match is case-sensitive", Config: "nocors", Path: "/Export", Headers: [][2]string{origin(App)},
		Want: actualOK("site", App, varyOrigin)},
}
