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

func (in *importer) readVirtualService(doc *document, h header, group int) []string {
	what := doc.where() + ": VirtualService " + resourceName(h)
	var res istioResource
	if err := decodeStrict(doc.json, &res); err != nil {
		return []string{what + ": " + err.Error()}
	}
	var vs networking.VirtualService
	if err := protojson.Unmarshal(protoDurations(res.Spec), &vs); err != nil {
		return []string{what + ": spec: " + protoError(err)}
	}
	in.pending = append(in.pending, func() { in.mapVirtualService(what, &res, &vs, group) })
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

// mapVirtualService makes one policy per http route with a corsPolicy, in
// the order Istio tries them, scoped by the VirtualService's hosts and the
// route's uri matches.
func (in *importer) mapVirtualService(where string, res *istioResource, vs *networking.VirtualService, group int) {
	found := false
	for ri, route := range vs.GetHttp() {
		cp := route.GetCorsPolicy()
		if cp == nil {
			continue
		}
		found = true
		field := "spec.http[" + strconv.Itoa(ri) + "].corsPolicy"
		name := res.Name
		if len(vs.GetHttp()) > 1 {
			name += "-" + strconv.Itoa(ri)
			if route.GetName() != "" {
				name = res.Name + "-" + route.GetName()
			}
		}
		d := &draft{name: name, where: where, field: field, group: group}
		istioHosts(d, in.rep, res.Namespace, vs.GetHosts())
		if !istioMatches(d, in.rep, ri, route.GetMatch()) {
			continue
		}
		mapIstioCORS(d, in.rep, field, cp)
		in.drafts = append(in.drafts, d)
	}
	if !found {
		in.rep.add(where, "", Ignored, "no corsPolicy")
	}
}

// istioHosts maps spec.hosts: "*" is every host; a short name is written
// both as is and as the service name Istio expands it to.
func istioHosts(d *draft, rep *Report, namespace string, hosts []string) {
	var out []item
	for i, h := range hosts {
		f := "spec.hosts[" + strconv.Itoa(i) + "]"
		switch {
		case h == "*":
			rep.add(d.where, f, Mapped, `"*" -> every host`)
			d.hosts = nil
			return
		case !strings.Contains(h, ".") && namespace != "":
			fqdn := h + "." + namespace + ".svc.cluster.local"
			out = append(out, item{value: h, field: f}, item{value: fqdn, field: f})
			rep.add(d.where, f, Changed, q(h)+" -> match.hosts "+q(h)+" and "+q(fqdn)+": Istio expands short names within the namespace")
		default:
			out = append(out, item{value: h, field: f})
			rep.add(d.where, f, Mapped, q(h)+" -> match.hosts")
		}
	}
	d.hosts = out
}

// istioMatches maps the uri of each match; it returns false when there are
// matches and none can be expressed.
func istioMatches(d *draft, rep *Report, ri int, matches []*networking.HTTPMatchRequest) bool {
	if len(matches) == 0 {
		return true
	}
	kept, everyPath := 0, false
	for mi, m := range matches {
		f := "spec.http[" + strconv.Itoa(ri) + "].match[" + strconv.Itoa(mi) + "]"
		if c := istioConditions(m); c != "" {
			rep.add(d.where, f, Dropped, c+" cannot be expressed: the policy also applies to requests without them")
		}
		if m.GetIgnoreUriCase() {
			rep.add(d.where, f+".ignoreUriCase", Dropped, "cors-wasm path prefixes are case-sensitive")
		}
		uri := m.GetUri()
		switch {
		case uri == nil:
			kept, everyPath = kept+1, true
		case uri.GetPrefix() != "":
			kept++
			everyPath = everyPath || uri.GetPrefix() == "/"
			d.prefixes = append(d.prefixes, item{value: uri.GetPrefix(), field: f + ".uri.prefix"})
			rep.add(d.where, f+".uri.prefix", Mapped, q(uri.GetPrefix())+" -> match.path_prefixes")
		case uri.GetExact() != "":
			kept++
			d.prefixes = append(d.prefixes, item{value: uri.GetExact(), field: f + ".uri.exact"})
			rep.add(d.where, f+".uri.exact", Changed, q(uri.GetExact())+" -> match.path_prefixes: cors-wasm matches prefixes, so it also covers longer paths")
		default:
			rep.add(d.where, f+".uri", Dropped, "regex "+q(uri.GetRegex())+": cannot be expressed (cors-wasm matches path prefixes)")
		}
	}
	if kept == 0 {
		rep.add(d.where, d.field, Dropped, "the whole policy: none of the route's uri matches can be expressed, and without them it would apply to every path")
		return false
	}
	if everyPath {
		d.prefixes = nil
	}
	return true
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

func mapIstioCORS(d *draft, rep *Report, field string, cp *networking.CorsPolicy) {
	for i, o := range cp.GetAllowOrigin() {
		// The deprecated allowOrigin list: exact strings, "*" = every origin.
		f := field + ".allowOrigin[" + strconv.Itoa(i) + "]"
		if o == "*" {
			d.origins = append(d.origins, item{value: "*", field: f})
			rep.add(d.where, f, Mapped, `"*" -> allow_origins`)
			continue
		}
		addOriginMatcher(d, rep, f, stringMatch{kind: "exact", exact: o})
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
		addOriginMatcher(d, rep, f, sm)
	}
	addMethods(d, rep, field+".allowMethods", cp.GetAllowMethods())
	addHeaders(d, rep, field+".allowHeaders", cp.GetAllowHeaders())
	addExpose(d, rep, field+".exposeHeaders", cp.GetExposeHeaders())
	if c := cp.GetAllowCredentials(); c != nil {
		setCredentials(d, rep, field+".allowCredentials", c.GetValue())
	}
	if ma := cp.GetMaxAge(); ma != nil {
		setMaxAge(d, rep, field+".maxAge", ma.GetSeconds())
	}
	switch cp.GetUnmatchedPreflights() {
	case networking.CorsPolicy_IGNORE:
		d.onRejected = "reject"
		rep.add(d.where, field+".unmatchedPreflights", Changed, "IGNORE -> on_rejected_preflight \"reject\": Istio answers such preflights itself with 200 and no CORS headers, cors-wasm with 403 and no CORS headers; both fail in the browser")
	default:
		d.onRejected = "forward"
		rep.add(d.where, field+".unmatchedPreflights", Mapped, "FORWARD (Istio's default) -> on_rejected_preflight \"forward\": rejected preflights reach the upstream")
	}
}
