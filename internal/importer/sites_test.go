package importer

import (
	"strconv"
	"strings"
	"testing"
)

// Small inputs for the report's "dropped" and "changed" lines: each names
// the setting with "#<" at the end of its line, and the line the report
// must print, and the exit status corsctl import gives (1 when anything
// is dropped, without -allow-lossy). TestReportSitesReached holds every
// such site of the importer to one of these.
var siteCases = []struct {
	name, input string
	verb        Verb
	want        string // in the report line, after "in.yaml:LINE: "
}{
	// Route selection and paths.
	{"condition beyond the path", istioVS(`
  - match:
    - method: {exact: PUT} #<
    corsPolicy: {allowOrigins: [{exact: https://app.example.com}]}`), Dropped,
		"VirtualService web/api: spec.http[0].match[0]: dropped: method cannot be expressed"},
	{"host pattern cors-wasm cannot write", envoyRC(`
  - name: v
    domains: ["*-bar.example.com"] #<
    typed_per_filter_config: {envoy.filters.http.cors: {"@type": type.googleapis.com/envoy.extensions.filters.http.cors.v3.CorsPolicy, allow_origin_string_match: [{exact: https://app.example.com}]}}
    routes: [{match: {prefix: /}, route: {cluster: c}}]`), Dropped,
		`Envoy RouteConfiguration r: virtual_hosts[0].domains[0]: dropped: "*-bar.example.com": cors-wasm host patterns are exact or *.suffix: the CORS settings of its routes are not written`},
	{"regex path", istioVS(`
  - match:
    - uri: {regex: "/api/.*"} #<
    corsPolicy: {allowOrigins: [{exact: https://app.example.com}]}`), Dropped,
		`spec.http[0].match[0].uri.regex: dropped: regex path "/api/.*" cannot be expressed`},
	{"case-insensitive path", istioVS(`
  - match:
    - uri: {prefix: /api} #<
      ignoreUriCase: true
    corsPolicy: {allowOrigins: [{exact: https://app.example.com}]}`), Changed,
		`spec.http[0].match[0].uri.prefix: changed: case-insensitive prefix "/api" -> path_prefixes "/api" as written`},
	{"routes from RDS", `static_resources:
  listeners:
  - filter_chains:
    - filters:
      - typed_config:
          "@type": type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager
          http_filters: [{name: envoy.filters.http.cors}]
          rds: {route_config_name: r} #<
`, Dropped, `Envoy bootstrap: static_resources.listeners[0].filter_chains[0].filters[0].typed_config.rds: dropped: routes come from RDS`},
	{"Envoy compares ports", envoyRC(`
  - name: v
    domains: [api.example.com]
    typed_per_filter_config: {envoy.filters.http.cors: {"@type": type.googleapis.com/envoy.extensions.filters.http.cors.v3.CorsPolicy, allow_origin_string_match: [{exact: https://app.example.com}]}}
    routes: [{match: {prefix: /}, route: {cluster: c}}]`), Changed,
		`Envoy RouteConfiguration r: virtual_hosts: changed: Envoy compares domains with the port of :authority`},
	// Envoy's CORS settings.
	{"max_age not a number", envoyRC(`
  - name: v
    domains: [api.example.com]
    typed_per_filter_config:
      envoy.filters.http.cors:
        "@type": type.googleapis.com/envoy.extensions.filters.http.cors.v3.CorsPolicy
        allow_origin_string_match: [{exact: https://app.example.com}]
        max_age: ten #<
    routes: [{match: {prefix: /}, route: {cluster: c}}]`), Dropped, `.max_age: dropped: "ten": not a number of seconds`},
	{"forward_not_matching_preflights false", envoyVH(`forward_not_matching_preflights: false #<`), Changed,
		`.forward_not_matching_preflights: changed: false -> on_rejected_preflight "reject"`},
	{"runtime key", envoyVH(`filter_enabled: {default_value: {numerator: 100}, runtime_key: cors.on} #<`), Changed,
		`.filter_enabled.runtime_key: changed: "cors.on": runtime overrides cannot be read`},
	{"partial filter_enabled", envoyVH(`filter_enabled: {default_value: {numerator: 50}} #<`), Dropped,
		`.filter_enabled: dropped: partial filter_enabled (50%)`},
	{"max_age over a day", envoyVH(`max_age: "90000" #<`), Changed, `.max_age: changed: 90000 -> max_age 86400`},
	{"ignore_case on capitals", envoyVH(`allow_origin_string_match: [{exact: https://App.example.com, ignore_case: true}] #<`), Dropped,
		`allow_origin_string_match[0]: dropped: "https://App.example.com" with ignore_case: cors-wasm compares origins byte-exact`},
	{"ignore_case on lowercase", envoyVH(`allow_origin_string_match: [{exact: https://app.example.com, ignore_case: true}] #<`), Changed,
		`allow_origin_string_match[0]: changed: "https://app.example.com" -> allow_origins, ignore_case dropped`},
	{"star beside methods with credentials", envoyVH("allow_methods: \"GET,*\" #<\n        allow_credentials: true"), Changed,
		`allow_methods[1]: changed: "*" beside other methods with credentials: not written`},
	{"star beside methods", envoyVH(`allow_methods: "PUT,*" #<`), Changed,
		`allow_methods[0]: changed: "PUT": not written, "*" beside it already allows every method`},

	// Istio.
	{"unmatchedPreflights IGNORE", istioVS(`
  - corsPolicy:
      allowOrigins: [{exact: https://app.example.com}]
      unmatchedPreflights: IGNORE #<`), Changed, `spec.http[0].corsPolicy.unmatchedPreflights: changed: IGNORE -> on_rejected_preflight "reject"`},
	{"short host name", strings.Replace(istioVS(`
  - corsPolicy: {allowOrigins: [{exact: https://app.example.com}]}`), "hosts: [api.example.com]", "hosts: [api] #<", 1), Changed,
		`spec.hosts[0]: changed: "api" -> match.hosts "api", "api.web", "api.web.svc", "api.web.svc.cluster.local"`},
	{"delegate not in the input", istioVS(`
  - match: [{uri: {prefix: /api}}]
    delegate: {name: api-routes} #<
  - corsPolicy: {allowOrigins: [{exact: https://app.example.com}]}`), Dropped,
		`spec.http[0].delegate: dropped: VirtualService "web/api-routes" is not in the input`},
	{"a host of several VirtualServices", istioVS(`
  - corsPolicy: {allowOrigins: [{exact: https://app.example.com}]}`) + "---\n" + strings.Replace(istioVS(`
  - corsPolicy: {allowOrigins: [{exact: https://partner.example.org}]}`), "hosts: [api.example.com]", "hosts: [api.example.com] #<", 1), Dropped,
		`spec.hosts[0]: dropped: host "api.example.com" is served by several VirtualServices`},
	{"exact star origin", istioVS(`
  - corsPolicy:
      allowOrigins:
      - exact: "*" #<`), Changed, `allowOrigins[0]: changed: exact "*" -> allow_origins "*"`},
	{"an origin beside a star", istioVS(`
  - corsPolicy:
      allowOrigins:
      - exact: https://app.example.com #<
      - exact: "*"`), Changed, `allowOrigins[0]: changed: "https://app.example.com": not written, another matcher allows every origin`},
	{"not a regex", istioVS(`
  - corsPolicy:
      allowOrigins:
      - exact: https://app.example.com
      - regex: "https://(" #<`), Dropped, `allowOrigins[1]: dropped: "https://(": not an RE2 regex`},
	{"regex anchored", istioVS(`
  - corsPolicy:
      allowOrigins:
      - regex: 'https://[a-z]+\.example\.com' #<`), Changed, `allowOrigins[0]: changed: "https://[a-z]+\\.example\\.com" -> allow_origin_regexes`},
	{"prefix origin", istioVS(`
  - corsPolicy:
      allowOrigins:
      - exact: https://app.example.com
      - prefix: https://partner. #<`), Dropped, `allowOrigins[1]: dropped: prefix "https://partner.": matches strings, not origins`},
	{"empty origin matcher", istioVS(`
  - corsPolicy:
      allowOrigins:
      - exact: https://app.example.com
      - {} #<`), Dropped, `allowOrigins[1]: dropped: origin matcher "empty" cannot be expressed`},
	{"star methods with credentials", istioVS(`
  - corsPolicy:
      allowOrigins: [{exact: https://app.example.com}]
      allowMethods: ["*"] #<
      allowCredentials: true`), Changed, `allowMethods[0]: changed: "*" with credentials: not written, so only the safelisted methods pass`},
	{"the whole policy refused", istioVS(`
  - match: [{uri: {prefix: /partner}}]
    corsPolicy: #<
      allowOrigins: [{prefix: "https://partner."}]
  - corsPolicy: {allowOrigins: [{exact: https://app.example.com}]}`), Dropped,
		`spec.http[0].corsPolicy: dropped: the whole policy "api": cors-wasm refuses it`},
	{"a host cors-wasm refuses", strings.Replace(istioVS(`
  - corsPolicy: {allowOrigins: [{exact: https://app.example.com}]}`), "hosts: [api.example.com]", "hosts: [api.example.com, bad_host.example.com] #<", 1), Dropped,
		`spec.hosts[1]: dropped: "bad_host.example.com": cors-wasm refuses it`},

	// Gateway API and Envoy Gateway.
	{"two CORS filters in a rule", gwRoute(`
  - filters:
    - {type: CORS, cors: {allowOrigins: ["https://app.example.com"]}}
    - type: CORS
      cors: {allowOrigins: ["https://partner.example.org"]} #<`), Dropped, `spec.rules[0].filters[1].cors: dropped: a second CORS filter in one rule`},
	{"CORS filter on a backend", gwRoute(`
  - backendRefs:
    - name: svc
      port: 80
      filters:
      - type: CORS #<
        cors: {allowOrigins: ["https://app.example.com"]}`), Dropped, `spec.rules[0].backendRefs[0].filters[0]: dropped: a CORS filter on one backend`},
	{"RegularExpression path", gwRoute(`
  - matches:
    - path: {type: RegularExpression, value: "/api/.*"} #<
    filters: [{type: CORS, cors: {allowOrigins: ["https://app.example.com"]}}]`), Dropped,
		`spec.rules[0].matches[0].path: dropped: RegularExpression path "/api/.*": its precedence`},
	{"two routes tie", gwRoute(`
  - matches: [{path: {type: PathPrefix, value: /api}}]
    filters: [{type: CORS, cors: {allowOrigins: ["https://app.example.com"]}}]`) + "---\n" + strings.Replace(gwRoute(`
  - matches: [{path: {type: PathPrefix, value: /api}}] #<
    filters: [{type: CORS, cors: {allowOrigins: ["https://partner.example.org"]}}]`), "name: r,", "name: s,", 1), Dropped,
		`HTTPRoute web/s: spec.rules[0].matches[0]: dropped: ranks alike with HTTPRoute web/r spec.rules[0].matches[0] for the same paths, and which one applies depends on their creation time`},
	{"prefixes that differ by a slash", gwRoute(`
  - matches: [{path: {type: PathPrefix, value: /api}}] #<
    filters: [{type: CORS, cors: {allowOrigins: ["https://app.example.com"]}}]
  - matches: [{path: {type: PathPrefix, value: /api/}}]`), Dropped,
		`spec.rules[0].matches[0]: dropped: ranks alike with HTTPRoute web/r spec.rules[1].matches[0] for the same paths, and the values differ only by a trailing "/"`},
	{"not an origin", gwRoute(`
  - filters: [{type: CORS, cors: {allowOrigins: ["https://app.example.com", "app.example.com"]}}] #<`), Dropped,
		`allowOrigins[1]: dropped: "app.example.com": not an origin`},
	{"every host of a scheme", gwRoute(`
  - filters: [{type: CORS, cors: {allowOrigins: ["https://app.example.com", "https://*"]}}] #<`), Dropped,
		`allowOrigins[1]: dropped: "https://*": every host of a scheme cannot be expressed`},
	{"origin lowercased", gwRoute(`
  - filters: [{type: CORS, cors: {allowOrigins: ["https://App.example.com:443"]}}] #<`), Changed,
		`allowOrigins[0]: changed: "https://App.example.com:443" -> allow_origins "https://app.example.com": lowercased, as browsers send it; default port 443 dropped`},
	{"credentials with every origin", gwRoute(`
  - filters:
    - type: CORS
      cors:
        allowOrigins: ["*"]
        allowCredentials: true #<`), Changed, `.allowCredentials: changed: allow_credentials not set: with every origin allowed`},
	{"star exposed with credentials", gwRoute(`
  - filters:
    - type: CORS
      cors:
        allowOrigins: ["https://app.example.com"]
        exposeHeaders: ["*"] #<
        allowCredentials: true`), Dropped, `.exposeHeaders[0]: dropped: "*" with credentials`},
	{"a header the plugin refuses", gwRoute(`
  - filters:
    - type: CORS
      cors:
        allowOrigins: ["https://app.example.com"]
        allowHeaders: [cookie] #<`), Dropped, `.allowHeaders[0]: dropped: "cookie": cors-wasm refuses it`},
	{"a list the plugin refuses", gwRoute(`
  - filters:
    - type: CORS
      cors:
        allowOrigins: ["https://app.example.com"]
        allowMethods: [` + manyMethods + `] #<`), Dropped, `.allowMethods[0]: dropped: "M0": cors-wasm refuses the list`},
	{"several CORS settings on a rule", gwRoute(`
  - filters: [{type: CORS, cors: {allowOrigins: ["https://app.example.com"]}}] #<`) + "---\n" + securityPolicy(`
  targetRefs: [{group: gateway.networking.k8s.io, kind: HTTPRoute, name: r}]`), Dropped, `HTTPRoute web/r: spec.rules[0]: dropped: several CORS settings apply to this rule`},
	{"label selectors", gwRoute("\n  - {}") + "---\n" + securityPolicy(`
  targetRefs: [{group: gateway.networking.k8s.io, kind: HTTPRoute, name: r}]
  targetSelectors: [{kind: HTTPRoute, matchLabels: {app: x}}] #<`), Dropped, `spec.targetSelectors: dropped: label selectors cannot be resolved`},
	{"no targets", securityPolicy(" #<"), Dropped, `SecurityPolicy web/sp: spec: dropped: no targetRefs`},
	{"route not in the input", securityPolicy(`
  targetRefs:
  - {group: gateway.networking.k8s.io, kind: HTTPRoute, name: gone} #<`), Dropped, `spec.targetRefs[0]: dropped: HTTPRoute "gone" is not in the input`},
	{"no such rule", gwRoute("\n  - {}") + "---\n" + securityPolicy(`
  targetRefs:
  - {group: gateway.networking.k8s.io, kind: HTTPRoute, name: r, sectionName: nope} #<`), Dropped, `spec.targetRefs[0]: dropped: HTTPRoute "r" has no rule named "nope"`},
	{"Gateway without routes", securityPolicy(`
  targetRefs:
  - {group: gateway.networking.k8s.io, kind: Gateway, name: gw} #<`), Dropped, `spec.targetRefs[0]: dropped: Gateway "gw": no HTTPRoute of the input is attached to it`},
	{"other target kind", securityPolicy(`
  targetRefs:
  - {group: gateway.networking.k8s.io, kind: GRPCRoute, name: g} #<`), Dropped, `spec.targetRefs[0]: dropped: target kind "GRPCRoute" cannot be expressed`},
	{"maxAge not a duration", gwRoute("\n  - {}") + "---\n" + securityPolicy(`
  targetRefs: [{group: gateway.networking.k8s.io, kind: HTTPRoute, name: r}]`, `maxAge: ten #<`), Dropped, `spec.cors.maxAge: dropped: "ten": not a duration`},
}

var manyMethods = func() string {
	var ms []string
	for i := 0; i < 101; i++ {
		ms = append(ms, "M"+strconv.Itoa(i))
	}
	return strings.Join(ms, ", ")
}()

// envoyVH is a RouteConfiguration whose virtual host has a CorsPolicy
// with one more setting.
func envoyVH(setting string) string {
	origins := "allow_origin_string_match: [{exact: https://app.example.com}]\n        "
	if strings.HasPrefix(setting, "allow_origin_string_match") {
		origins = ""
	}
	return envoyRC(`
  - name: v
    domains: [api.example.com]
    typed_per_filter_config:
      envoy.filters.http.cors:
        "@type": type.googleapis.com/envoy.extensions.filters.http.cors.v3.CorsPolicy
        ` + origins + setting + `
    routes: [{match: {prefix: /}, route: {cluster: c}}]`)
}

func gwRoute(rules string) string {
	return "apiVersion: gateway.networking.k8s.io/v1\nkind: HTTPRoute\nmetadata: {name: r, namespace: web}\nspec:\n  parentRefs: [{name: gw}]\n  rules:" +
		strings.ReplaceAll(rules, "\n", "\n  ") + "\n"
}

// securityPolicy is an Envoy Gateway SecurityPolicy with spec (after
// "spec:") and CORS settings beside allowOrigins.
func securityPolicy(spec string, cors ...string) string {
	out := "apiVersion: gateway.envoyproxy.io/v1alpha1\nkind: SecurityPolicy\nmetadata: {name: sp, namespace: web}\nspec:" + spec + "\n"
	out += "  cors:\n    allowOrigins: [\"https://partner.example.org\"]\n"
	for _, c := range cors {
		out += "    " + c + "\n"
	}
	return out
}

func istioVS(http string) string {
	return "apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata: {name: api, namespace: web}\nspec:\n  hosts: [api.example.com]\n  http:" +
		strings.ReplaceAll(http, "\n", "\n  ") + "\n"
}

func envoyRC(vhosts string) string {
	return "\"@type\": type.googleapis.com/envoy.config.route.v3.RouteConfiguration\nname: r\nvirtual_hosts: #<\n" + strings.TrimPrefix(vhosts, "\n") + "\n"
}

// markerLine is the line of "#<" in text, from 1.
func markerLine(t *testing.T, text string) int {
	t.Helper()
	lines := strings.Split(text, "\n")
	found := 0
	for i, l := range lines {
		if strings.HasSuffix(strings.TrimSpace(l), "#<") {
			found = i + 1
		}
	}
	if found == 0 {
		t.Fatal("no #< marker in the input")
	}
	return found
}

// Every "dropped" and "changed" site of the importer is reached by an
// input above, whose report has the line it promises, at the line of the
// setting, with the exit status that follows (1: something was dropped).
func TestReportSitesReached(t *testing.T) {
	hit := map[string]bool{}
	for _, c := range siteCases {
		t.Run(c.name, func(t *testing.T) {
			cfg, rep, err := Import([]Source{{Name: "in.yaml", Data: []byte(c.input)}})
			if rep == nil {
				t.Fatalf("input error: %v", err)
			}
			status := 0
			if err != nil || rep.Lossy() {
				status = 1
			}
			if want := map[Verb]int{Dropped: 1, Changed: 0}[c.verb]; status < want {
				t.Errorf("exit status %d, want %d (err %v)\n%v", status, want, err, rep)
			}
			if c.verb == Changed && status != 0 {
				t.Errorf("exit status %d, want 0: nothing dropped (err %v)\n%v", status, err, rep)
			}
			if err == nil && cfg == nil {
				t.Fatal("no configuration and no error")
			}
			prefix := "in.yaml:" + strconv.Itoa(markerLine(t, c.input)) + ": "
			found := false
			for _, e := range rep.Entries {
				if e.Verb == c.verb && strings.HasPrefix(e.String(), prefix) && strings.Contains(e.String(), c.want) {
					found = true
					hit[e.site] = true
				}
			}
			if !found {
				t.Errorf("no %s line %q%s...\nreport:\n%v", c.verb, prefix, c.want, rep)
			}
		})
	}
	for _, s := range reportSites(t) {
		if !hitAny(hit, s) {
			t.Errorf("%s: no input reaches this %s report site", s.pos, s.verb)
		}
	}
}
