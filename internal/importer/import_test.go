package importer

import (
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/cors-wasm/cors-wasm/policy"
	"github.com/cors-wasm/cors-wasm/policy/policytest"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// Each realistic manifest in testdata/ imports to its golden configuration
// and report, and the configuration loads in the plugin's own decoder.
func TestImportGolden(t *testing.T) {
	cases := []struct {
		name  string
		lossy bool
	}{
		{"gatewayapi-conformance", false},
		{"envoygateway", true},
		{"istio", true},
		{"envoy-routes", true},
		{"envoy-bootstrap", false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			in := "testdata/" + c.name + ".yaml"
			cfg, rep, err := Import([]Source{{Name: in, Data: read(t, in)}})
			if err != nil {
				t.Fatalf("import: %v\nreport:\n%v", err, rep)
			}
			out := Marshal(cfg)
			if _, err := policy.Load(out); err != nil {
				t.Fatalf("the plugin refuses the imported configuration: %v\n%s", err, out)
			}
			if rep.Lossy() != c.lossy {
				t.Errorf("lossy %v, want %v", rep.Lossy(), c.lossy)
			}
			golden(t, "testdata/"+c.name+".golden.json", out)
			golden(t, "testdata/"+c.name+".golden.report", []byte(rep.String()))
		})
	}
}

// The import of the conformance manifests is exactly the configuration the
// Gateway API contract table runs against (policytest.GatewayAPIConfig).
func TestImportConformanceIsTheContractConfig(t *testing.T) {
	in := "testdata/gatewayapi-conformance.yaml"
	cfg, _, err := Import([]Source{{Name: in, Data: read(t, in)}})
	if err != nil {
		t.Fatal(err)
	}
	var got, want any
	if err := json.Unmarshal(Marshal(cfg), &got); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal([]byte(policytest.GatewayAPIConfig), &want); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		g, _ := json.Marshal(got)
		w, _ := json.Marshal(want)
		t.Errorf("imported\n%s\nwant\n%s", g, w)
	}
}

// Several files, several documents each: one configuration, in input order.
func TestImportSeveralFiles(t *testing.T) {
	var srcs []Source
	for _, f := range []string{"testdata/envoy-bootstrap.yaml", "testdata/gatewayapi-conformance.yaml"} {
		srcs = append(srcs, Source{Name: f, Data: read(t, f)})
	}
	cfg, _, err := Import(srcs)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, p := range cfg.Policies {
		names = append(names, p.Name)
	}
	want := []string{"web", "cors-wildcard-methods-headers-1", "cors-wildcard-methods-headers-0", "cors-wildcard-origin",
		"cors-multiple-origins-methods-headers", "cors-wildcard-methods"}
	if !reflect.DeepEqual(names, want) {
		t.Errorf("policies %q, want %q", names, want)
	}
}

// Bad input is refused with the file, the line and what is wrong; nothing
// is imported from it.
func TestImportBadInput(t *testing.T) {
	route := string(read(t, "testdata/gatewayapi-conformance.yaml"))
	cases := []struct {
		name, file, data string
		want             []string
	}{
		{"wrong kind", "deploy.yaml", "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: api, namespace: shop}\n",
			[]string{`deploy.yaml:1: shop/api: kind "Deployment" (apps/v1) is not one corsctl import reads`}},
		{"unknown field", "route.yaml", strings.Replace(route, "allowHeaders: [x-header-1", "allowHeader: [x-header-1", 1),
			[]string{`route.yaml:15: HTTPRoute gateway-conformance-infra/cors-multiple-origins-methods-headers: unknown field "allowHeader"`}},
		{"wrong type", "route.yaml", strings.Replace(route, "maxAge: 3600", "maxAge: an hour", 1),
			[]string{`route.yaml:15: HTTPRoute gateway-conformance-infra/cors-multiple-origins-methods-headers: cannot unmarshal string`}},
		{"invalid YAML with the line in the file", "route.yaml", strings.Replace(route, "allowMethods: [PUT]", "allowMethods: [PUT", 1),
			[]string{"route.yaml:64: invalid YAML: did not find expected"}},
		{"invalid JSON", "vs.json", `{"apiVersion": "networking.istio.io/v1",` + "\n" + `"kind": VirtualService}`,
			[]string{"vs.json: line 2: invalid JSON"}},
		{"istio unknown field", "vs.yaml", "apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata: {name: a}\nspec:\n  hosts: [a.example.com]\n  http:\n  - corsPolicy: {allowOrigins: [{exact: https://a.example.com}], allowMethod: [GET]}\n",
			[]string{`vs.yaml:1: VirtualService a: spec: unknown field "allowMethod"`}},
		{"not an Envoy configuration", "envoy.yaml", "admin: {}\n",
			[]string{"envoy.yaml:1: no apiVersion and kind, and not an Envoy bootstrap"}},
		{"no CORS at all", "gw.yaml", "apiVersion: gateway.networking.k8s.io/v1\nkind: Gateway\nmetadata: {name: g}\nspec: {gatewayClassName: x, listeners: []}\n",
			[]string{"no CORS settings found in the input"}},
		{"every policy dropped: what and why", "vs.yaml", "apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata: {name: a, namespace: web}\nspec:\n  hosts: [a.example.com]\n  http:\n  - corsPolicy: {allowOrigins: [{prefix: \"https://partner.\"}]}\n",
			[]string{"nothing left to import: every CORS setting was dropped or grants nothing; dropped:\n",
				`vs.yaml:7: VirtualService web/a: spec.http[0].corsPolicy.allowOrigins[0]: dropped: prefix "https://partner.": matches strings, not origins`,
				`vs.yaml:7: VirtualService web/a: spec.http[0].corsPolicy: dropped: the whole policy "a": cors-wasm refuses it`}},
		{"every route unreachable", "vs.yaml", "apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata: {name: a, namespace: web}\nspec:\n  hosts: [a.example.com]\n  http:\n  - route: [{destination: {host: a}}]\n  - corsPolicy: {allowOrigins: [{exact: \"https://app.example.com\"}]}\n",
			[]string{"nothing left to import: no route with CORS settings grants anything: each is turned off, or never reached"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cfg, _, err := Import([]Source{{Name: c.file, Data: []byte(c.data)}})
			if err == nil || cfg != nil {
				t.Fatalf("accepted: %v", cfg)
			}
			for _, w := range c.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q lacks %q", err, w)
				}
			}
		})
	}
}

// A YAML error names the line in the file, not in the document.
func TestImportYAMLErrorLine(t *testing.T) {
	data := "apiVersion: v1\nkind: List\nitems: []\n---\n# second document\napiVersion: gateway.networking.k8s.io/v1\nkind: HTTPRoute\nmetadata:\n  name: x\n   bad: indentation\n"
	_, _, err := Import([]Source{{Name: "two.yaml", Data: []byte(data)}})
	if err == nil || !strings.HasPrefix(err.Error(), "two.yaml:10: invalid YAML") {
		t.Fatalf("error %v, want it at two.yaml:10", err)
	}
}

// Whatever the plugin refuses is dropped and reported, never written: here
// a plain-http origin with credentials and a forbidden header.
func TestImportDropsWhatThePluginRefuses(t *testing.T) {
	data := `apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: r, namespace: web}
spec:
  rules:
    - filters:
        - type: CORS
          cors:
            allowOrigins: ["https://app.example.com", "http://app.example.com"]
            allowHeaders: [cookie, x-a]
            allowCredentials: true
`
	cfg, rep, err := Import([]Source{{Name: "r.yaml", Data: []byte(data)}})
	if err != nil {
		t.Fatal(err)
	}
	p := cfg.Policies[0]
	if !reflect.DeepEqual(p.AllowOrigins, []string{"https://app.example.com"}) || !reflect.DeepEqual(p.AllowHeaders, []string{"x-a"}) {
		t.Errorf("origins %q headers %q", p.AllowOrigins, p.AllowHeaders)
	}
	text := rep.String()
	for _, w := range []string{`allowOrigins[1]: dropped: "http://app.example.com": cors-wasm refuses it`, `allowHeaders[0]: dropped: "cookie": cors-wasm refuses it`} {
		if !strings.Contains(text, w) {
			t.Errorf("report lacks %q:\n%s", w, text)
		}
	}
	if !rep.Lossy() {
		t.Error("not reported as lossy")
	}
}

func read(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// golden compares got with the file, or rewrites it with -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	if *update {
		if err := os.WriteFile(name, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(name)
	if err != nil {
		t.Fatalf("%v (run go test ./internal/importer -update to create it)", err)
	}
	if string(got) != string(want) {
		t.Errorf("%s differs (go test ./internal/importer -update rewrites it after review):\n got:\n%s\nwant:\n%s", filepath.Base(name), got, want)
	}
}

// JSON input, as `kubectl get httproutes -o json` prints it (a List), imports
// like the same resources in YAML.
func TestImportJSONList(t *testing.T) {
	route := `{"apiVersion":"gateway.networking.k8s.io/v1","kind":"HTTPRoute","metadata":{"name":"api","namespace":"web"},
	 "spec":{"hostnames":["api.example.com"],"rules":[{"matches":[{"path":{"type":"PathPrefix","value":"/v1/"}}],
	 "filters":[{"type":"CORS","cors":{"allowOrigins":["https://app.example.com"],"allowMethods":["PUT"],"maxAge":600}}]}]}}`
	list := `{"apiVersion":"v1","kind":"List","items":[` + route + `]}`
	cfg, rep, err := Import([]Source{{Name: "routes.json", Data: []byte(list)}})
	if err != nil {
		t.Fatalf("%v\n%v", err, rep)
	}
	got := string(Marshal(cfg))
	for _, w := range []string{`"name": "api"`, `"api.example.com"`, `"/v1/"`, `"https://app.example.com"`, `"max_age": 600`} {
		if !strings.Contains(got, w) {
			t.Errorf("output lacks %s:\n%s", w, got)
		}
	}
	if rep.Lossy() {
		t.Errorf("lossy:\n%v", rep)
	}
}
