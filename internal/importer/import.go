package importer

import (
	"encoding/json"
	"errors"
	"strings"

	"github.com/cors-wasm/cors-wasm/policy"
)

// Import reads every source and returns one cors-wasm configuration that
// passes policy.Compile, and the report of what became of each setting.
//
// Input errors (invalid YAML or JSON, a kind it does not read, an unknown or
// mistyped field) are all returned together, each with its file and line,
// and no configuration: a half-read input is never imported.
func Import(srcs []Source) (*policy.Config, *Report, error) {
	in := &importer{rep: &Report{}, routes: map[string]*routeDoc{}}
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
	in.mapAll()
	if len(in.drafts) == 0 {
		return nil, in.rep, errors.New("no CORS settings found in the input (see the report)")
	}
	cfg, err := finalize(in.drafts, in.rep)
	return cfg, in.rep, err
}

// importer holds the decoded documents between reading and mapping, since a
// SecurityPolicy may target an HTTPRoute that comes later in the input.
type importer struct {
	rep      *Report
	routes   map[string]*routeDoc // HTTPRoutes by namespace/name
	pending  []func()             // mappings to run once every document is read
	drafts   []*draft
	docCount int
	// gatewayGroup is the group of every Gateway API and Envoy Gateway
	// draft: they are ranked together, by Gateway API precedence, at the
	// place of the first such document.
	gatewayGroup int
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
	in.docCount++
	n := in.docCount
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
		return in.readHTTPRoute(doc, h, in.gateway(n))
	case group == "gateway.envoyproxy.io" && h.Kind == "SecurityPolicy":
		return in.readSecurityPolicy(doc, h, in.gateway(n))
	case group == "networking.istio.io" && h.Kind == "VirtualService":
		return in.readVirtualService(doc, h, n)
	case h.APIVersion == "" && h.Kind == "":
		return in.readEnvoy(doc, n)
	case contains(knownGroups, group):
		in.rep.add(doc.where()+": "+h.Kind+" "+resourceName(h), "", Ignored, "no CORS settings in this kind")
		return nil
	}
	return []string{doc.where() + ": " + resourceName(h) + ": kind " + quoteKind(h) + " is not one corsctl import reads: " +
		"HTTPRoute (gateway.networking.k8s.io), SecurityPolicy (gateway.envoyproxy.io), VirtualService (networking.istio.io), " +
		"or an Envoy bootstrap or RouteConfiguration"}
}

func (in *importer) readItems(doc *document, items []json.RawMessage) []string {
	var errs []string
	for _, it := range items {
		sub := document{file: doc.file, line: doc.line, json: it}
		errs = append(errs, in.read(&sub)...)
	}
	return errs
}

// gateway returns the shared group of Gateway API documents, fixing it at n
// on the first.
func (in *importer) gateway(n int) int {
	if in.gatewayGroup == 0 {
		in.gatewayGroup = n
	}
	return in.gatewayGroup
}

// mapAll runs the queued mappings in input order.
func (in *importer) mapAll() {
	for _, f := range in.pending {
		f()
	}
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
