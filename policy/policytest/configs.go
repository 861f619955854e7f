// Package policytest holds the request table shared by every layer's tests:
// the policy engine's unit tests, fuzz seeds and benchmarks, the filter's
// proxytest suite, and the end-to-end suite through build/cors.wasm. One table,
// one expected outcome, whichever layer runs it.
package policytest

import (
	"strconv"
	"strings"
)

// Configs are the named configurations the cases run against.
var Configs = map[string]string{
	// basic: exact, subdomain, any-port and regex origins, no credentials.
	"basic": `{"policies":[{"name":"api",
		"allow_origins":["https://app.example.com","https://*.example.org","http://localhost:*"],
		"allow_origin_regexes":["^https://pr-[0-9]+\\.preview\\.example\\.net$"],
		"allow_methods":["PUT","DELETE"],
		"allow_headers":["content-type","x-request-id"],
		"expose_headers":["x-request-id"],
		"max_age":600}]}`,
	// creds: credentials with wildcard methods and headers, which must be echoed.
	"creds": `{"policies":[{"name":"creds",
		"allow_origins":["https://app.example.com","http://localhost:*"],
		"allow_methods":["*"],"allow_headers":["*"],"expose_headers":["x-total"],
		"allow_credentials":true,"allow_private_network":true,"max_age":7200}]}`,
	// any: every origin, method and header, no credentials.
	"any": `{"policies":[{"name":"public","allow_origins":["*"],"allow_methods":["*"],"allow_headers":["*"]}]}`,
	// strict: the non-default choices.
	"strict": `{"policies":[{"name":"strict",
		"allow_origins":["https://app.example.com"],"allow_methods":["PATCH"],
		"preflight_status":204,"max_age":-1,
		"on_rejected_preflight":"forward","on_disallowed_origin":"reject",
		"upstream_cors_headers":"keep"}],"debug_headers":true}`,
	// keeppass: the upstream's CORS lines kept for allowed origins, refused
	// origins forwarded, with credentials.
	"keeppass": `{"policies":[{"name":"keep",
		"allow_origins":["https://app.example.com"],"allow_credentials":true,
		"on_rejected_preflight":"forward","upstream_cors_headers":"keep"}],"debug_headers":true}`,
	// authstar: "*" plus authorization by name without credentials, and
	// several exposed headers.
	"authstar": `{"policies":[{"name":"authstar",
		"allow_origins":["https://app.example.com"],"allow_methods":["PUT"],
		"allow_headers":["*","authorization"],"expose_headers":["x-a","x-b"]}]}`,
	// debug: x-cors-reason on local rejections, naming the refused value.
	"debug": `{"policies":[{"name":"dbg","allow_origins":["https://app.example.com"],
		"allow_methods":["PUT"],"allow_headers":["content-type"]}],"debug_headers":true}`,
	// shadow: decide and count, change nothing.
	"shadow": `{"policies":[{"name":"trial","allow_origins":["https://app.example.com"],"mode":"shadow"}]}`,
	// regexes: origin regexes the checker accepts with credentials (docs/rules.md R28).
	"regexes": `{"policies":[{"name":"rx",
		"allow_origin_regexes":["^https://.*\\.example\\.com$","^http://localhost(:[0-9]+)?$"],
		"allow_credentials":true}]}`,
	// routes: policy selection by host and path; anything else passes untouched.
	"routes": `{"policies":[
		{"name":"v1","match":{"hosts":["api.example.com","*.example.org"],"path_prefixes":["/v1/"]},
		 "allow_origins":["https://app.example.com"]},
		{"name":"admin","match":{"hosts":["admin.example.com"]},
		 "allow_origins":["https://admin-ui.example.com"],"allow_credentials":true}]}`,
}

// ManyOrigins returns a configuration allowing n exact origins
// (https://app0.example.com ... ) plus https://*.tenants.example.com, for the
// "cost does not grow with the list" benchmarks.
func ManyOrigins(n int) string {
	var b strings.Builder
	b.WriteString(`{"policies":[{"name":"many","allow_origins":[`)
	for i := 0; i < n; i++ {
		b.WriteString(`"https://app` + strconv.Itoa(i) + `.example.com",`)
	}
	b.WriteString(`"https://*.tenants.example.com"],"allow_methods":["PUT"],"allow_headers":["content-type"]}]}`)
	return b.String()
}
