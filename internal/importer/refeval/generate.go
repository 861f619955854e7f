package refeval

import (
	"encoding/json"
	"regexp"
	"strconv"
	"strings"

	"sigs.k8s.io/yaml"
)

// Gen makes choices from a byte string (a fuzz input) and, once it is
// used up, from a generator seeded with it: the same bytes make the same
// manifests and requests.
type Gen struct {
	data  []byte
	state uint64
}

// NewGen starts a generator on data.
func NewGen(data []byte) *Gen {
	g := &Gen{data: data, state: 0x9e3779b97f4a7c15}
	for _, b := range data {
		g.state = (g.state ^ uint64(b)) * 0x100000001b3
	}
	return g
}

// Seeded starts a generator that draws from its seed only.
func Seeded(seed uint64) *Gen {
	g := &Gen{state: 0x9e3779b97f4a7c15 ^ seed*0xbf58476d1ce4e5b9}
	g.N(2)
	return g
}

// N is a number in [0, n).
func (g *Gen) N(n int) int {
	if n <= 1 {
		return 0
	}
	if len(g.data) > 0 {
		b := g.data[0]
		g.data = g.data[1:]
		return int(b) % n
	}
	g.state ^= g.state << 13
	g.state ^= g.state >> 7
	g.state ^= g.state << 17
	return int(g.state % uint64(n))
}

// Coin is true one time in k.
func (g *Gen) Coin(k int) bool { return g.N(k) == 0 }

// Pick is one of list.
func (g *Gen) Pick(list ...string) string { return list[g.N(len(list))] }

// Some is a random subset of list, in order.
func (g *Gen) Some(list ...string) []string {
	var out []string
	for _, v := range list {
		if g.Coin(2) {
			out = append(out, v)
		}
	}
	return out
}

// The names the generated manifests and requests draw from, chosen so that
// routes overlap: shared hosts, nested and neighbouring paths, origins one
// route allows and the next does not.
var (
	genHosts      = []string{"api.example.com", "admin.example.com", "bank.example.com", "www.example.net"}
	genWildcards  = []string{"*.example.com"}
	genPaths      = []string{"/", "/api", "/api/", "/api/admin", "/export", "/exports", "/public/", "/public/admin/"}
	genOrigins    = []string{"https://app.example.com", "https://partner.example.org"}
	genReqHosts   = []string{"api.example.com", "admin.example.com", "bank.example.com", "www.example.net", "a.b.example.com", "other.example.org", "api", "api.web.svc.cluster.local"}
	genReqPaths   = []string{"/", "/api", "/api/", "/api/x", "/apix", "/api/admin", "/api/admin/x", "/export", "/export/", "/exports", "/exports/secret", "/public/admin/users", "/public/x", "/Export", "/api?debug=1"}
	genReqOrigins = []string{"https://app.example.com", "https://partner.example.org", "https://x.example.com", "https://evil.test"}
)

// Requests draws n requests.
func Requests(g *Gen, n int) []Request {
	out := make([]Request, n)
	for i := range out {
		out[i] = Request{Host: g.Pick(genReqHosts...), Path: g.Pick(genReqPaths...), Origin: g.Pick(genReqOrigins...),
			Method: g.Pick("GET", "GET", "POST", "PUT", "DELETE", "PATCH"), Credentials: g.Coin(2)}
		if g.Coin(3) {
			out[i].Headers = g.Some("authorization", "x-a", "x-canary")
		}
	}
	return out
}

// Manifest draws one input of a random kind: "gatewayapi", "istio" or
// "envoy", as the YAML text corsctl import reads.
func Manifest(g *Gen) (kind, text string) {
	switch g.N(3) {
	case 0:
		return "gatewayapi", gatewayManifest(g)
	case 1:
		return "istio", istioManifest(g)
	}
	return "envoy", envoyManifest(g)
}

// yamlDocs writes resources as a YAML stream.
func yamlDocs(docs []any) string {
	var parts []string
	for _, d := range docs {
		j, _ := json.Marshal(d)
		y, _ := yaml.JSONToYAML(j)
		parts = append(parts, string(y))
	}
	return strings.Join(parts, "---\n")
}

type obj = map[string]any

func meta(name string, g *Gen, age int) obj {
	m := obj{"name": name, "namespace": "web"}
	if g.Coin(3) {
		m["creationTimestamp"] = "2026-01-0" + strconv.Itoa(1+age%9) + "T00:00:00Z"
	}
	return m
}

// corsLists draws methods and headers lists.
func corsLists(g *Gen) (methods, headers, expose []string) {
	switch g.N(4) {
	case 0:
		methods = []string{"*"}
	case 1:
		methods = g.Some("PUT", "DELETE")
	}
	switch g.N(4) {
	case 0:
		headers = []string{"*"}
	case 1:
		headers = g.Some("x-a", "authorization")
	}
	if g.Coin(3) {
		expose = []string{g.Pick("x-request-id", "*")}
	}
	return
}

func gatewayManifest(g *Gen) string {
	var docs []any
	n := 1 + g.N(3)
	for i := 0; i < n; i++ {
		name := "r" + strconv.Itoa(i)
		spec := obj{"parentRefs": []obj{{"name": "gw"}}}
		if !g.Coin(3) {
			var hs []string
			for _, h := range g.Some(append(genHosts, genWildcards...)...) {
				hs = append(hs, h)
			}
			if len(hs) > 0 {
				spec["hostnames"] = hs
			}
		}
		var rules []obj
		for r := 0; r < 1+g.N(3); r++ {
			rule := obj{"name": "rule" + strconv.Itoa(r), "backendRefs": []obj{{"name": "svc", "port": 80}}}
			var matches []obj
			for k := 0; k < g.N(3); k++ {
				m := obj{"path": obj{"type": g.Pick("PathPrefix", "PathPrefix", "Exact", "RegularExpression"), "value": g.Pick(genPaths...)}}
				if m["path"].(obj)["type"] == "RegularExpression" {
					m["path"] = obj{"type": "RegularExpression", "value": g.Pick("/api/.*", "/exp.*")}
				}
				if g.Coin(6) {
					m["method"] = g.Pick("PUT", "GET", "OPTIONS")
				}
				if g.Coin(6) {
					m["headers"] = []obj{{"name": "x-canary", "value": "1"}}
				}
				if g.Coin(8) {
					m["queryParams"] = []obj{{"name": "debug", "value": "1"}}
				}
				matches = append(matches, m)
			}
			if len(matches) > 0 {
				rule["matches"] = matches
			}
			if g.Coin(2) {
				methods, headers, expose := corsLists(g)
				cors := obj{"allowOrigins": g.Some(append(genOrigins, "https://*.example.com")...)}
				if g.Coin(5) {
					cors["allowOrigins"] = []string{"*"}
				}
				putLists(cors, methods, headers, expose)
				if g.Coin(2) {
					cors["allowCredentials"] = true
				}
				rule["filters"] = []obj{{"type": "CORS", "cors": cors}}
			}
			rules = append(rules, rule)
		}
		spec["rules"] = rules
		docs = append(docs, obj{"apiVersion": "gateway.networking.k8s.io/v1", "kind": "HTTPRoute", "metadata": meta(name, g, i), "spec": spec})
	}
	if g.Coin(3) {
		target := obj{"group": "gateway.networking.k8s.io", "kind": "HTTPRoute", "name": "r" + strconv.Itoa(g.N(n))}
		switch g.N(3) {
		case 0:
			target["sectionName"] = "rule0"
		case 1:
			target = obj{"group": "gateway.networking.k8s.io", "kind": "Gateway", "name": "gw"}
		}
		cors := obj{"allowOrigins": g.Some(genOrigins...)}
		if g.Coin(2) {
			cors["allowCredentials"] = true
		}
		docs = append(docs, obj{"apiVersion": "gateway.envoyproxy.io/v1alpha1", "kind": "SecurityPolicy",
			"metadata": obj{"name": "sp", "namespace": "web"}, "spec": obj{"targetRefs": []obj{target}, "cors": cors}})
	}
	return yamlDocs(docs)
}

var (
	hostLike   = regexp.MustCompile(`(?:\*\.)?[a-z0-9-]+(?:\.[a-z0-9-]+)*\.(?:com|org|net|local)\b`)
	pathLike   = regexp.MustCompile(`(?:^|[\s"'\[{,])(/[A-Za-z0-9/_.-]*)`)
	originLike = regexp.MustCompile(`https?://[a-z0-9.*-]+(?::[0-9]+)?`)
)

// RequestsFor draws n requests around the hosts, paths and origins a
// manifest names (and the usual ones): each path also one segment longer,
// with a trailing slash, and one character longer.
func RequestsFor(text string, g *Gen, n int) []Request {
	hosts := append([]string(nil), genReqHosts...)
	for _, h := range hostLike.FindAllString(text, -1) {
		hosts = append(hosts, strings.Replace(h, "*.", "x.", 1))
	}
	paths := append([]string(nil), genReqPaths...)
	for _, m := range pathLike.FindAllStringSubmatch(text, -1) {
		p := m[1]
		paths = append(paths, p, strings.TrimSuffix(p, "/")+"/x", p+"x")
	}
	origins := append([]string(nil), genReqOrigins...)
	for _, o := range originLike.FindAllString(text, -1) {
		origins = append(origins, strings.Replace(o, "*.", "x.", 1))
	}
	out := Requests(g, n)
	for i := range out {
		out[i].Host, out[i].Path, out[i].Origin = g.Pick(hosts...), g.Pick(paths...), g.Pick(origins...)
	}
	return out
}

// putLists sets the lists a draw gave under the key names Gateway API and
// Istio share, leaving out the empty ones.
func putLists(o obj, methods, headers, expose []string) {
	for k, v := range map[string][]string{"allowMethods": methods, "allowHeaders": headers, "exposeHeaders": expose} {
		if len(v) > 0 {
			o[k] = v
		}
	}
}
