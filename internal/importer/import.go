package importer

import (
	"encoding/json"
	"errors"
	"strconv"
	"strings"

	"github.com/cors-wasm/cors-wasm/policy"
	networking "istio.io/api/networking/v1alpha3"
)

// Import reads every source and returns one cors-wasm configuration that
// passes policy.Compile, and the report of what became of each setting.
//
// Input errors (invalid YAML or JSON, a kind it does not read, an unknown or
// mistyped field) are all returned together, each with its file and line,
// and no configuration: a half-read input is never imported.
func Import(srcs []Source) (*policy.Config, *Report, error) {
	in := &importer{rep: &Report{}, routes: map[string]*routeDoc{}, istioGrants: map[*networking.CorsPolicy]*grant{},
		envoyGrants: map[string]*grant{}}
	var errs []string
	for _, src := range srcs {
		docs, err := documents(src)
		if err != nil {
			errs = append(errs, err.Error())
			continue
		}
		for i := range docs {
			errs = append(errs, in.read(&docs[i])...)
		}
	}
	if len(errs) > 0 {
		return nil, nil, errors.New(strings.Join(errs, "\n"))
	}
	var ds []*draft
	for _, d := range in.domains {
		ds = append(ds, emit(d.groups(), in.rep)...)
	}
	if in.settings == 0 {
		return nil, in.rep, errors.New("no CORS settings found in the input (see the report)")
	}
	cfg, err := finalize(ds, in.rep)
	return cfg, in.rep, err
}

// importer holds the decoded documents between reading and mapping: a
// SecurityPolicy may target an HTTPRoute that comes later in the input, a
// VirtualService may delegate to one that comes later.
type importer struct {
	rep              *Report
	routes           map[string]*routeDoc // HTTPRoutes by namespace/name
	routeOrder       []*routeDoc
	securityPolicies []*securityPolicyDoc
	virtualServices  []*vsDoc
	domains          []domain
	settings         int // CORS settings found (policies of the sources)
	istioGrants      map[*networking.CorsPolicy]*grant
	envoyGrants      map[string]*grant
}

// domain is a set of routes one proxy chooses among: the Gateway API and
// Envoy Gateway resources together, the VirtualServices together, each
// Envoy RouteConfiguration. Their policies are written one domain after
// the other, in the order the domains first appear in the input.
type domain struct {
	key    string
	groups func() []*group
}

// domain registers a domain at its first document.
func (in *importer) domain(key string, groups func() []*group) {
	for _, d := range in.domains {
		if d.key == key {
			return
		}
	}
	in.domains = append(in.domains, domain{key: key, groups: groups})
}

// Groups whose other kinds are skipped, not refused: they sit in the same
// manifests as the kinds we read.
var knownGroups = []string{"gateway.networking.k8s.io", "gateway.envoyproxy.io", "networking.istio.io",
	"security.istio.io", "extensions.istio.io", "telemetry.istio.io"}

// read decodes one document and queues its mapping; it returns the input
// errors it found.
func (in *importer) read(doc *document) []string {
	var items []json.RawMessage
	if json.Unmarshal(doc.json, &items) == nil {
		return in.readItems(doc, items) // a JSON array or YAML sequence of resources
	}
	var h header
	if err := json.Unmarshal(doc.json, &h); err != nil {
		var obj map[string]json.RawMessage
		if json.Unmarshal(doc.json, &obj) != nil {
			return []string{doc.where() + ": not a resource (a YAML mapping or JSON object)"}
		}
		return []string{doc.where() + ": apiVersion, kind or metadata: " + strings.TrimPrefix(err.Error(), "json: ")}
	}
	group, _, _ := strings.Cut(h.APIVersion, "/")
	if !strings.Contains(h.APIVersion, "/") {
		group = ""
	}
	switch {
	case h.Kind == "List" && h.APIVersion == "v1":
		var list struct {
			Items []json.RawMessage `json:"items"`
		}
		if err := json.Unmarshal(doc.json, &list); err != nil {
			return []string{doc.where() + ": List: " + err.Error()}
		}
		return in.readItems(doc, list.Items)
	case group == "gateway.networking.k8s.io" && h.Kind == "HTTPRoute":
		return in.readHTTPRoute(doc, h)
	case group == "gateway.envoyproxy.io" && h.Kind == "SecurityPolicy":
		return in.readSecurityPolicy(doc, h)
	case group == "networking.istio.io" && h.Kind == "VirtualService":
		return in.readVirtualService(doc, h)
	case h.APIVersion == "" && h.Kind == "":
		return in.readEnvoy(doc)
	case contains(knownGroups, group):
		in.rep.add(&source{doc: doc, what: h.Kind + " " + resourceName(h)}, "", Ignored, "no CORS settings in this kind")
		return nil
	}
	return []string{doc.where() + ": " + resourceName(h) + ": kind " + quoteKind(h) + " is not one corsctl import reads: " +
		"HTTPRoute (gateway.networking.k8s.io), SecurityPolicy (gateway.envoyproxy.io), VirtualService (networking.istio.io), " +
		"or an Envoy bootstrap or RouteConfiguration"}
}

func (in *importer) readItems(doc *document, items []json.RawMessage) []string {
	var errs []string
	for i, it := range items {
		sub := document{file: doc.file, line: doc.line, json: it, lines: doc.lines.item(i)}
		errs = append(errs, in.read(&sub)...)
	}
	return errs
}

func resourceName(h header) string {
	if h.Metadata.Namespace != "" {
		return h.Metadata.Namespace + "/" + h.Metadata.Name
	}
	if h.Metadata.Name != "" {
		return h.Metadata.Name
	}
	return "(unnamed)"
}

func quoteKind(h header) string {
	if h.APIVersion == "" {
		return q(h.Kind)
	}
	return q(h.Kind) + " (" + h.APIVersion + ")"
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

func itoa(i int) string { return strconv.Itoa(i) }
