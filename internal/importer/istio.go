package importer

import (
	"encoding/json"
	"strconv"
	"strings"
	"time"

	"google.golang.org/protobuf/encoding/protojson"
	networking "istio.io/api/networking/v1alpha3"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// istioResource is a VirtualService's envelope; its spec is decoded with
// protojson into Istio's own type (networking/v1 aliases v1alpha3).
type istioResource struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`
	Spec              json.RawMessage `json:"spec"`
	Status            json.RawMessage `json:"status,omitempty"`
}

func (in *importer) readVirtualService(doc *document, h header) []string {
	what := "VirtualService " + resourceName(h)
	var res istioResource
	if err := decodeStrict(doc.json, &res); err != nil {
		return []string{doc.where() + ": " + what + ": " + err.Error()}
	}
	var vs networking.VirtualService
	if err := protojson.Unmarshal(protoDurations(res.Spec), &vs); err != nil {
		return []string{doc.where() + ": " + what + ": spec: " + protoError(err)}
	}
	in.virtualServices = append(in.virtualServices, &vsDoc{src: &source{doc: doc, what: what}, res: &res, vs: &vs})
	in.domain("istio", in.istioGroups)
	return nil
}

// durationKeys are the VirtualService fields holding a Duration. Istio
// accepts Go-style durations there ("24h"); protojson only seconds ("86400s").
var durationKeys = map[string]bool{"maxAge": true, "timeout": true, "perTryTimeout": true, "fixedDelay": true}

// protoDurations rewrites Go-style durations under durationKeys as seconds,
// leaving everything else (and anything unparsable, for protojson to refuse)
// as it was.
func protoDurations(spec []byte) []byte {
	var v any
	if json.Unmarshal(spec, &v) != nil {
		return spec
	}
	var walk func(any)
	walk = func(v any) {
		switch t := v.(type) {
		case map[string]any:
			for k, child := range t {
				if s, ok := child.(string); ok && durationKeys[k] {
					if d, err := time.ParseDuration(s); err == nil {
						t[k] = strconv.FormatFloat(d.Seconds(), 'f', -1, 64) + "s"
					}
					continue
				}
				walk(child)
			}
		case []any:
			for _, child := range t {
				walk(child)
			}
		}
	}
	walk(v)
	out, err := json.Marshal(v)
	if err != nil {
		return spec
	}
	return out
}

// protoError drops protojson's position, which counts bytes in the JSON the
// YAML became, not lines of the file.
func protoError(err error) string {
	msg := strings.TrimLeft(strings.TrimPrefix(err.Error(), "proto:"), " \u00a0")
	msg = strings.TrimPrefix(msg, "syntax error ")
	if strings.HasPrefix(msg, "(line ") {
		if i := strings.Index(msg, "): "); i >= 0 {
			msg = msg[i+3:]
		}
	}
	return msg
}

// istioConditions names the parts of a match beyond the uri.
func istioConditions(m *networking.HTTPMatchRequest) string {
	var parts []string
	add := func(ok bool, name string) {
		if ok {
			parts = append(parts, name)
		}
	}
	add(m.GetScheme() != nil, "scheme")
	add(m.GetMethod() != nil, "method")
	add(m.GetAuthority() != nil, "authority")
	add(len(m.GetHeaders()) > 0, "headers")
	add(len(m.GetWithoutHeaders()) > 0, "withoutHeaders")
	add(len(m.GetQueryParams()) > 0, "queryParams")
	add(m.GetPort() != 0, "port")
	add(len(m.GetSourceLabels()) > 0, "sourceLabels")
	add(m.GetSourceNamespace() != "", "sourceNamespace")
	add(len(m.GetGateways()) > 0, "gateways")
	return strings.Join(parts, ", ")
}

// mapIstioCORS maps a corsPolicy as Istio hands it to Envoy
// (pilot/pkg/networking/core/route/route.go, TranslateCORSPolicy):
// allowOrigins when set, else the deprecated allowOrigin as exact
// matchers; the lists joined with ","; unmatchedPreflights IGNORE as
// forward_not_matching_preflights false.
func mapIstioCORS(g *grant, rep *Report, field string, cp *networking.CorsPolicy) {
	if cp.GetAllowOrigins() == nil {
		for i, o := range cp.GetAllowOrigin() {
			addOriginMatcher(g, rep, field+".allowOrigin["+strconv.Itoa(i)+"]", stringMatch{kind: "exact", exact: o})
		}
	} else if len(cp.GetAllowOrigin()) > 0 {
		rep.add(g.src, field+".allowOrigin", Ignored, "Istio reads allowOrigins when it is set and ignores the deprecated allowOrigin")
	}
	for i, m := range cp.GetAllowOrigins() {
		f := field + ".allowOrigins[" + strconv.Itoa(i) + "]"
		sm := stringMatch{exact: m.GetExact(), prefix: m.GetPrefix(), regex: m.GetRegex()}
		switch m.GetMatchType().(type) {
		case *networking.StringMatch_Exact:
			sm.kind = "exact"
		case *networking.StringMatch_Prefix:
			sm.kind = "prefix"
		case *networking.StringMatch_Regex:
			sm.kind = "regex"
		default:
			sm.other = "empty"
		}
		addOriginMatcher(g, rep, f, sm)
	}
	addMethods(g, rep, field+".allowMethods", cp.GetAllowMethods())
	addHeaders(g, rep, field+".allowHeaders", cp.GetAllowHeaders())
	addExpose(g, rep, field+".exposeHeaders", cp.GetExposeHeaders())
	if c := cp.GetAllowCredentials(); c != nil {
		setCredentials(g, rep, field+".allowCredentials", c.GetValue())
	}
	if ma := cp.GetMaxAge(); ma != nil {
		setMaxAge(g, rep, field+".maxAge", ma.GetSeconds())
	}
	literalStars(g, rep)
	switch cp.GetUnmatchedPreflights() {
	case networking.CorsPolicy_IGNORE:
		g.onRejected = "reject"
		rep.add(g.src, field+".unmatchedPreflights", Changed, "IGNORE -> on_rejected_preflight \"reject\": Istio answers such preflights itself with 200 and no CORS headers, cors-wasm with 403 and no CORS headers; both fail in the browser")
	default:
		g.onRejected = "forward"
		rep.add(g.src, field, Mapped, "unmatchedPreflights FORWARD (Istio's default) -> on_rejected_preflight \"forward\": rejected preflights reach the upstream")
	}
}
