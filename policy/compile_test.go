package policy_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/cors-wasm/cors-wasm/policy"
)

// pol wraps one policy's JSON members into a configuration.
func pol(members string) string {
	return `{"policies":[{"name":"p",` + members + `}]}`
}

// Every misconfiguration of docs/rules.md (R24-R31) must be refused with an error naming the path, value and reason.
func TestCompileRefuses(t *testing.T) {
	cases := []struct {
		name, config string
		want         []string // each must start one error line, in order
	}{
		{"star with credentials (CVE-2018-20744)", pol(`"allow_origins":["*"],"allow_credentials":true`),
			[]string{`policies[0].allow_origins[0]: "*": cannot allow every origin together with allow_credentials`}},
		{"star with other origins", pol(`"allow_origins":["*","https://a.example.com"]`),
			[]string{`policies[0].allow_origins[0]: "*": * allows every origin`}},
		{"wildcard expose headers with credentials", pol(`"allow_origins":["https://a.example.com"],"allow_credentials":true,"expose_headers":["*"]`),
			[]string{`policies[0].expose_headers[0]: "*": with allow_credentials * is not a wildcard`}},
		{"null origin without opt-in", pol(`"allow_origins":["null"]`),
			[]string{`policies[0].allow_origins[0]: "null": the "null" origin`}},
		{"plain http with credentials", pol(`"allow_origins":["http://app.example.com"],"allow_credentials":true`),
			[]string{`policies[0].allow_origins[0]: "http://app.example.com": plain-http origin with allow_credentials`}},
		{"wildcard over a public suffix", pol(`"allow_origins":["https://*.com"]`),
			[]string{`policies[0].allow_origins[0]: "https://*.com": wildcard over a public suffix`}},
		{"wildcard over a private public suffix", pol(`"allow_origins":["https://*.github.io"]`),
			[]string{`policies[0].allow_origins[0]: "https://*.github.io": wildcard over a public suffix`}},
		{"wildcard over a two-label public suffix", pol(`"allow_origins":["https://*.co.uk"]`),
			[]string{`policies[0].allow_origins[0]: "https://*.co.uk": wildcard over a public suffix`}},
		{"wildcard over a public suffix with a port", pol(`"allow_origins":["https://*.github.io:8443"]`),
			[]string{`policies[0].allow_origins[0]: "https://*.github.io:8443": wildcard over a public suffix: it would allow sites run by anyone under github.io (it matches "https://evil.github.io:8443")`}},
		{"wildcard over a domain with public suffixes below it", pol(`"allow_origins":["https://*.amazonaws.com"],"allow_credentials":true`),
			[]string{`policies[0].allow_origins[0]: "https://*.amazonaws.com": wildcard over a domain with a public suffix below it: anyone can create a site under s3.amazonaws.com (it matches "https://evil.s3.amazonaws.com")`}},
		{"wildcard over a wildcard rule below the domain", pol(`"allow_origins":["https://*.r.appspot.com"],"allow_credentials":true`),
			[]string{`policies[0].allow_origins[0]: "https://*.r.appspot.com": wildcard over a domain with a public suffix below it: anyone can create a site under x.r.appspot.com (it matches "https://evil.x.r.appspot.com")`}},
		{"wildcard over elb.amazonaws.com, any port", pol(`"allow_origins":["https://*.elb.amazonaws.com:*"]`),
			[]string{`policies[0].allow_origins[0]: "https://*.elb.amazonaws.com:*": wildcard over a domain with a public suffix below it: anyone can create a site under x.elb.amazonaws.com (it matches "https://evil.x.elb.amazonaws.com")`}},
		{"wildcard over a domain that is a wildcard rule of the list", pol(`"allow_origins":["https://*.kawasaki.jp"]`),
			[]string{`policies[0].allow_origins[0]: "https://*.kawasaki.jp": wildcard over a domain with a public suffix below it: anyone can create a site under x.kawasaki.jp (it matches "https://evil.x.kawasaki.jp")`}},
		{"wildcard over a suffix of the current list, with credentials", pol(`"allow_origins":["https://*.ngrok-free.app","https://*.up.railway.app"],"allow_credentials":true`),
			[]string{`policies[0].allow_origins[0]: "https://*.ngrok-free.app": wildcard over a public suffix: it would allow sites run by anyone under ngrok-free.app (it matches "https://evil.ngrok-free.app")`,
				`policies[0].allow_origins[1]: "https://*.up.railway.app": wildcard over a public suffix: it would allow sites run by anyone under up.railway.app (it matches "https://evil.up.railway.app")`}},
		{"origin with a path", pol(`"allow_origins":["https://a.example.com/app"]`),
			[]string{`policies[0].allow_origins[0]: "https://a.example.com/app": has a path`}},
		{"origin with a trailing slash", pol(`"allow_origins":["https://a.example.com/"]`),
			[]string{`policies[0].allow_origins[0]: "https://a.example.com/": has a trailing slash`}},
		{"origin with a query", pol(`"allow_origins":["https://a.example.com?x=1"]`),
			[]string{`policies[0].allow_origins[0]: "https://a.example.com?x=1": has a query`}},
		{"origin with userinfo", pol(`"allow_origins":["https://u@a.example.com"]`),
			[]string{`policies[0].allow_origins[0]: "https://u@a.example.com": has userinfo`}},
		{"origin with default port", pol(`"allow_origins":["https://a.example.com:443"]`),
			[]string{`policies[0].allow_origins[0]: "https://a.example.com:443": default port`}},
		{"origin with uppercase", pol(`"allow_origins":["https://App.example.com"]`),
			[]string{`policies[0].allow_origins[0]: "https://App.example.com": has uppercase letters`}},
		{"origin with uppercase scheme", pol(`"allow_origins":["HTTPS://app.example.com"]`),
			[]string{`policies[0].allow_origins[0]: "HTTPS://app.example.com": has uppercase letters`}},
		{"origin with non-punycode host", pol(`"allow_origins":["https://bücher.example"]`),
			[]string{`policies[0].allow_origins[0]: "https://bücher.example": non-ASCII host`}},
		{"origin with invalid port", pol(`"allow_origins":["https://a.example.com:70000","https://a.example.com:080"]`),
			[]string{`policies[0].allow_origins[0]: "https://a.example.com:70000": invalid port`, `policies[0].allow_origins[1]: "https://a.example.com:080": invalid port`}},
		{"origin without scheme", pol(`"allow_origins":["app.example.com"]`),
			[]string{`policies[0].allow_origins[0]: "app.example.com": not an origin`}},
		{"trailing wildcard (CVE-2019-25211)", pol(`"allow_origins":["https://example.*"]`),
			[]string{`policies[0].allow_origins[0]: "https://example.*": malformed wildcard`}},
		{"partial-label wildcard (rs/cors#197)", pol(`"allow_origins":["https://h*.example.com"]`),
			[]string{`policies[0].allow_origins[0]: "https://h*.example.com": malformed wildcard`}},
		{"non-canonical IPv6", pol(`"allow_origins":["http://[0:0:0:0:0:0:0:1]:8080"]`),
			[]string{`policies[0].allow_origins[0]: "http://[0:0:0:0:0:0:0:1]:8080": IPv6 address not in canonical form`}},
		{"control character escaped in the error", pol(`"allow_origins":["https://a.example.com\r\nx: y"]`),
			[]string{`policies[0].allow_origins[0]: "https://a.example.com\r\nx: y": contains whitespace or a control character`}},
		{"duplicate origin", pol(`"allow_origins":["https://a.example.com","https://a.example.com"]`),
			[]string{`policies[0].allow_origins[1]: "https://a.example.com": listed twice`}},
		{"empty origin lists", pol(`"allow_origins":[]`),
			[]string{`policies[0]: allow_origins and allow_origin_regexes are both empty`}},
		{"unanchored regex", pol(`"allow_origin_regexes":["https://a\\.example\\.com"]`),
			[]string{`policies[0].allow_origin_regexes[0]: "https://a\\.example\\.com": must be anchored`}},
		{"regex anchored at one end only", pol(`"allow_origin_regexes":["^https://a\\.example\\.com"]`),
			[]string{`policies[0].allow_origin_regexes[0]: "^https://a\\.example\\.com": must be anchored`}},
		{"regex matching everything", pol(`"allow_origin_regexes":["^.*$"]`),
			[]string{`policies[0].allow_origin_regexes[0]: "^.*$": matches origins on any domain (it matches "https://evil.test")`}},
		{"regex with unescaped dot", pol(`"allow_origin_regexes":["^https://www.example\\.com$"]`),
			[]string{`policies[0].allow_origin_regexes[0]: "^https://www.example\\.com$": contains an unescaped "." that matches any character (it matches "https://wwwxexample.com")`}},
		// R28: the regexes a new user wrote, refused with an origin each would wrongly allow.
		{"regex: every https origin with credentials is * with credentials", pol(`"allow_origin_regexes":["^https://.*$"],"allow_credentials":true`),
			[]string{`policies[0].allow_origin_regexes[0]: "^https://.*$": matches origins on any domain (it matches "https://evil.test"): with allow_credentials that is "*" with credentials in disguise`}},
		{"regex over the public suffix com", pol(`"allow_origin_regexes":["^https://.*\\.com$"]`),
			[]string{`policies[0].allow_origin_regexes[0]: "^https://.*\\.com$": spreads over the public suffix "com", where anyone can register a site (it matches "https://evil.com")`}},
		{"regex over github.io", pol(`"allow_origin_regexes":["^https://.*\\.github\\.io$"]`),
			[]string{`policies[0].allow_origin_regexes[0]: "^https://.*\\.github\\.io$": spreads over the public suffix "github.io", where anyone can register a site (it matches "https://evil.github.io")`}},
		{"regex over s3.amazonaws.com", pol(`"allow_origin_regexes":["^https://[a-z]+\\.s3\\.amazonaws\\.com$"]`),
			[]string{`policies[0].allow_origin_regexes[0]: "^https://[a-z]+\\.s3\\.amazonaws\\.com$": spreads over the public suffix "s3.amazonaws.com", where anyone can register a site (it matches "https://evil.s3.amazonaws.com")`}},
		{"regex suffix bypass", pol(`"allow_origin_regexes":["^https://.*example\\.com$"]`),
			[]string{`policies[0].allow_origin_regexes[0]: "^https://.*example\\.com$": matches any host ending in "example.com", not only its subdomains (it matches "https://evilexample.com")`}},
		{"regex unescaped dot across the registrable domain", pol(`"allow_origin_regexes":["^https://app.example.com$"]`),
			[]string{`policies[0].allow_origin_regexes[0]: "^https://app.example.com$": contains an unescaped "." that matches any character (it matches "https://appxexample.com")`}},
		{"regex open alternation", pol(`"allow_origin_regexes":["^https://a\\.com|b\\.com$"]`),
			[]string{`policies[0].allow_origin_regexes[0]: "^https://a\\.com|b\\.com$": each alternative must be anchored: ^ and $ bind tighter than |, so ^a|b$ means (^a)|(b$); write ^(a|b)$ (it matches "https://a.com.evil.test")`}},
		{"regex open end", pol(`"allow_origin_regexes":["^https://app\\.example\\.com.*$"]`),
			[]string{`policies[0].allow_origin_regexes[0]: "^https://app\\.example\\.com.*$": can match hosts outside the domains it names (it matches "https://app.example.com.evil.test")`}},
		{"regex with a word boundary", pol(`"allow_origin_regexes":["^https://\\bexample\\.com$"]`),
			[]string{`policies[0].allow_origin_regexes[0]: "^https://\\bexample\\.com$": word boundaries`}},
		{"regex that can never match an origin", pol(`"allow_origin_regexes":["^https://App\\.example\\.com$"]`),
			[]string{`policies[0].allow_origin_regexes[0]: "^https://App\\.example\\.com$": can never match an origin`}},
		{"invalid regex", pol(`"allow_origin_regexes":["^https://(a$"]`),
			[]string{`policies[0].allow_origin_regexes[0]: "^https://(a$": not a valid RE2 regex`}},
		{"regex allowing http with credentials", pol(`"allow_origin_regexes":["^https?://a\\.example\\.com$"],"allow_credentials":true`),
			[]string{`policies[0].allow_origin_regexes[0]: "^https?://a\\.example\\.com$": may match plain-http origins with allow_credentials`}},
		{"forbidden method", pol(`"allow_origins":["https://a.example.com"],"allow_methods":["PUT","TRACE","connect"]`),
			[]string{`policies[0].allow_methods[1]: "TRACE": forbidden method`, `policies[0].allow_methods[2]: "connect": forbidden method`}},
		{"lowercase normalized method", pol(`"allow_origins":["https://a.example.com"],"allow_methods":["put"]`),
			[]string{`policies[0].allow_methods[0]: "put": browsers send this method as PUT`}},
		{"malformed method", pol(`"allow_origins":["https://a.example.com"],"allow_methods":["GET POST"]`),
			[]string{`policies[0].allow_methods[0]: "GET POST": not a method name`}},
		{"star method with others", pol(`"allow_origins":["https://a.example.com"],"allow_methods":["*","PUT"]`),
			[]string{`policies[0].allow_methods[0]: "*": * allows every method`}},
		{"forbidden request header", pol(`"allow_origins":["https://a.example.com"],"allow_headers":["Cookie","sec-fetch-mode","proxy-x"]`),
			[]string{`policies[0].allow_headers[0]: "Cookie": forbidden request header`, `policies[0].allow_headers[1]: "sec-fetch-mode": forbidden request header`, `policies[0].allow_headers[2]: "proxy-x": forbidden request header`}},
		{"malformed header name", pol(`"allow_origins":["https://a.example.com"],"allow_headers":["x:y"]`),
			[]string{`policies[0].allow_headers[0]: "x:y": not a header name`}},
		{"duplicate header, case-insensitively", pol(`"allow_origins":["https://a.example.com"],"allow_headers":["X-A","x-a"]`),
			[]string{`policies[0].allow_headers[1]: "x-a": listed twice`}},
		{"star header with other than authorization", pol(`"allow_origins":["https://a.example.com"],"allow_headers":["*","x-a"]`),
			[]string{`policies[0].allow_headers: "*" allows every header but authorization`}},
		{"forbidden response header exposed", pol(`"allow_origins":["https://a.example.com"],"expose_headers":["Set-Cookie"]`),
			[]string{`policies[0].expose_headers[0]: "Set-Cookie": forbidden response header`}},
		{"max_age out of range", pol(`"allow_origins":["https://a.example.com"],"max_age":86401`),
			[]string{`policies[0].max_age: 86401: must be between -1`}},
		{"max_age below -1", pol(`"allow_origins":["https://a.example.com"],"max_age":-2`),
			[]string{`policies[0].max_age: -2: must be between -1`}},
		{"preflight status not 2xx", pol(`"allow_origins":["https://a.example.com"],"preflight_status":302`),
			[]string{`policies[0].preflight_status: 302: must be 200-299`}},
		{"unknown option value", pol(`"allow_origins":["https://a.example.com"],"mode":"enforcing"`),
			[]string{`policies[0].mode: "enforcing": must be "enforce" (the default) or "shadow"`}},
		{"missing policy name", `{"policies":[{"allow_origins":["https://a.example.com"]}]}`,
			[]string{`policies[0].name: missing`}},
		{"duplicate policy names", `{"policies":[{"name":"a","allow_origins":["https://a.example.com"]},{"name":"a","allow_origins":["https://b.example.com"]}]}`,
			[]string{`policies[1].name: "a": duplicate policy name`}},
		{"policy name unfit for metrics", `{"policies":[{"name":"a b","allow_origins":["https://a.example.com"]}]}`,
			[]string{`policies[0].name: "a b": may contain only`}},
		{"no policies", `{"policies":[]}`, []string{`policies: at least one policy is required`}},
		{"match host with port", pol(`"allow_origins":["https://a.example.com"],"match":{"hosts":["api.example.com:443"]}`),
			[]string{`policies[0].match.hosts[0]: "api.example.com:443": a host pattern has no port`}},
		{"match empty hosts", pol(`"allow_origins":["https://a.example.com"],"match":{"hosts":[]}`),
			[]string{`policies[0].match.hosts: empty list`}},
		{"match path without slash", pol(`"allow_origins":["https://a.example.com"],"match":{"path_prefixes":["v1/"]}`),
			[]string{`policies[0].match.path_prefixes[0]: "v1/": a path prefix starts with /`}},
		{"every error at once", `{"policies":[{"name":"x","allow_origins":["*"],"allow_credentials":true,"max_age":99999},{"name":"x","allow_origins":["https://*.com"]}]}`,
			[]string{`policies[0].allow_origins[0]: "*"`, `policies[0].max_age: 99999`, `policies[1].name: "x": duplicate`, `policies[1].allow_origins[0]: "https://*.com"`}},
		// Strict decoding.
		{"unknown key with hint", pol(`"allow_origin":["https://a.example.com"]`),
			[]string{`policies[0].allow_origin: unknown key (did you mean "allow_origins"?)`}},
		{"decode and validation errors together", pol(`"allow_origins":["*"],"allow_credentials":true,"max_age":"600"`),
			[]string{`policies[0].max_age: "600": expected an integer, found a string: write the number without quotes`, `policies[0].allow_origins[0]: "*": cannot allow every origin together with allow_credentials`}},
		{"wrong type", pol(`"allow_origins":"https://a.example.com"`),
			[]string{`policies[0].allow_origins: expected an array, found a string`}},
		{"wrong element type", pol(`"allow_origins":["https://a.example.com",1]`),
			[]string{`policies[0].allow_origins[1]: expected a string, found a number`}},
		{"non-integer", pol(`"allow_origins":["https://a.example.com"],"max_age":1.5`),
			[]string{`policies[0].max_age: 1.5: expected an integer, found a fraction`}},
		{"missing policies", `{"debug_headers":true}`, []string{`policies: missing`}},
		// R24: keys one level off, and numbers.
		{"top-level key inside a policy", pol(`"allow_origins":["https://a.example.com"],"debug_headers":true`),
			[]string{`policies[0].debug_headers: unknown key: "debug_headers" belongs at the top level, next to "policies"`}},
		{"policy key at the top level", `{"policies":[{"name":"p","allow_origins":["https://a.example.com"]}],"allow_credentials":true}`,
			[]string{`allow_credentials: unknown key: "allow_credentials" belongs inside a policy, in the "policies" list`}},
		{"match key in the policy", pol(`"allow_origins":["https://a.example.com"],"hosts":["a.example.com"]`),
			[]string{`policies[0].hosts: unknown key: "hosts" belongs inside the policy's "match"`}},
		{"policy key inside match", pol(`"allow_origins":["https://a.example.com"],"match":{"name":"x"}`),
			[]string{`policies[0].match.name: unknown key: "name" belongs in the policy, next to "match"`}},
		{"fractional max_age", pol(`"allow_origins":["https://a.example.com"],"max_age":600.5`),
			[]string{`policies[0].max_age: 600.5: expected an integer, found a fraction`}},
		{"fraction hidden in an exponent", pol(`"allow_origins":["https://a.example.com"],"max_age":6005e-1`),
			[]string{`policies[0].max_age: 6005e-1: expected an integer, found a fraction`}},
		{"integer beyond 32 bits", pol(`"allow_origins":["https://a.example.com"],"max_age":1e10`),
			[]string{`policies[0].max_age: 1e10: out of range`}},
		{"integral but out of range after decoding", pol(`"allow_origins":["https://a.example.com"],"preflight_status":2.04e3`),
			[]string{`policies[0].preflight_status: 2040: must be 200-299`}},
		{"max_age as a string", pol(`"allow_origins":["https://a.example.com"],"max_age":"600"`),
			[]string{`policies[0].max_age: "600": expected an integer, found a string: write the number without quotes`}},
		{"empty allow_methods (README: refused)", pol(`"allow_origins":["https://a.example.com"],"allow_methods":[]`),
			[]string{`policies[0].allow_methods: empty list is ambiguous: leave the key out (only GET, HEAD and POST are allowed)`}},
		{"not an object", `[]`, []string{`(root): expected an object, found an array`}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			set, err := policy.Load([]byte(c.config))
			if set != nil {
				t.Fatalf("config accepted; want errors %q", c.want)
			}
			var errs policy.Errors
			if !errors.As(err, &errs) {
				t.Fatalf("error %v is not policy.Errors", err)
			}
			lines := strings.Split(err.Error(), "\n")
			if len(lines) != len(c.want) {
				t.Fatalf("got %d errors:\n%s\nwant %d: %q", len(lines), err, len(c.want), c.want)
			}
			for i, w := range c.want {
				if !strings.HasPrefix(lines[i], w) {
					t.Errorf("error %d:\n got  %s\n want %s...", i, lines[i], w)
				}
				checkNamedOrigin(t, lines[i])
			}
		})
	}
}

// Configurations that look risky but are right must be accepted.
func TestCompileAccepts(t *testing.T) {
	cases := []struct{ name, config string }{
		{"loopback http with credentials", pol(`"allow_origins":["http://localhost:*","http://127.0.0.1:8080","http://[::1]:3000","http://*.localhost"],"allow_credentials":true`)},
		{"insecure origins with opt-in", pol(`"allow_origins":["http://intranet.example.com"],"allow_credentials":true,"dangerously_allow_insecure_origins":true`)},
		{"null with opt-in", pol(`"allow_origins":["null"],"dangerously_allow_null_origin":true`)},
		{"star with authorization named", pol(`"allow_origins":["https://a.example.com"],"allow_headers":["*","Authorization"]`)},
		{"credentials with star methods and headers (echoed)", pol(`"allow_origins":["https://a.example.com"],"allow_methods":["*"],"allow_headers":["*"],"allow_credentials":true`)},
		{"wildcard under a registrable domain", pol(`"allow_origins":["https://*.example.co.uk","https://*.user.github.io"]`)},
		{"wildcard under an exception rule or one bucket", pol(`"allow_origins":["https://*.city.kawasaki.jp","https://*.mybucket.s3.amazonaws.com:*"],"allow_credentials":true`)},
		{"exact hosts that are public suffixes", pol(`"allow_origins":["https://s3.amazonaws.com","https://github.io:*"],"allow_credentials":true`)},
		{"IPv4 and IPv6 origins", pol(`"allow_origins":["https://192.0.2.1","https://[2001:db8::1]:8443"]`)},
		{"punycode host", pol(`"allow_origins":["https://xn--bcher-kva.example"]`)},
		{"other schemes", pol(`"allow_origins":["chrome-extension://abcdefghijklmnop"]`)},
		{"every option", policyAllOptions},
		// R28: what every match starts with is read from the syntax tree, not regexp.LiteralPrefix.
		{"regex: https subdomains with credentials", pol(`"allow_origin_regexes":["^https://.*\\.example\\.com$","^https://.+\\.example\\.com$"],"allow_credentials":true`)},
		{"regex: loopback http with credentials", pol(`"allow_origin_regexes":["^http://localhost(:[0-9]+)?$","^http://[a-z0-9-]+\\.localhost:[0-9]+$"],"allow_credentials":true`)},
		{"regex: anchors around a group", pol(`"allow_origin_regexes":["^(https://app\\.example\\.com|https://admin\\.example\\.com)$"],"allow_credentials":true`)},
		{"regex: insecure origins with opt-in", pol(`"allow_origin_regexes":["^https?://[a-z]+\\.example\\.com$"],"allow_credentials":true,"dangerously_allow_insecure_origins":true`)},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if _, err := policy.Load([]byte(c.config)); err != nil {
				t.Fatalf("refused: %v", err)
			}
		})
	}
}

const policyAllOptions = `{"policies":[{"name":"api",
	"match":{"hosts":["api.example.com","*.example.org"],"path_prefixes":["/v1/"]},
	"allow_origins":["https://app.example.com","https://*.example.com","http://localhost:*"],
	"allow_origin_regexes":["^https://pr-[0-9]+\\.preview\\.example\\.com$"],
	"allow_methods":["GET","PUT"],"allow_headers":["content-type","x-request-id"],"expose_headers":["x-request-id"],
	"allow_credentials":true,"max_age":600,"allow_private_network":false,"preflight_status":204,
	"on_rejected_preflight":"reject","on_disallowed_origin":"pass","upstream_cors_headers":"replace","mode":"enforce",
	"dangerously_allow_null_origin":false,"dangerously_allow_insecure_origins":false}],"debug_headers":false}`
