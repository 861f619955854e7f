package importer

import (
	"encoding/json"
	"strconv"
	"strings"

	corev3 "github.com/envoyproxy/go-control-plane/envoy/config/core/v3"
	routev3 "github.com/envoyproxy/go-control-plane/envoy/config/route/v3"
	corsv3 "github.com/envoyproxy/go-control-plane/envoy/extensions/filters/http/cors/v3"
	matcherv3 "github.com/envoyproxy/go-control-plane/envoy/type/matcher/v3"
	typev3 "github.com/envoyproxy/go-control-plane/envoy/type/v3"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/reflect/protoregistry"
	"google.golang.org/protobuf/types/known/anypb"
	"google.golang.org/protobuf/types/known/wrapperspb"
)

const (
	typeRouteConfiguration = "type.googleapis.com/envoy.config.route.v3.RouteConfiguration"
	typeHCM                = "type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager"
)

// envoyCORS is what route.v3.CorsPolicy (a virtual host's or route's
// deprecated cors field) and the cors filter's per-route
// extensions.filters.http.cors.v3.CorsPolicy have in common.
type envoyCORS interface {
	GetAllowOriginStringMatch() []*matcherv3.StringMatcher
	GetAllowMethods() string
	GetAllowHeaders() string
	GetExposeHeaders() string
	GetMaxAge() string
	GetAllowCredentials() *wrapperspb.BoolValue
	GetFilterEnabled() *corev3.RuntimeFractionalPercent
	GetShadowEnabled() *corev3.RuntimeFractionalPercent
	GetAllowPrivateNetworkAccess() *wrapperspb.BoolValue
	GetForwardNotMatchingPreflights() *wrapperspb.BoolValue
}

var (
	_ envoyCORS = (*routev3.CorsPolicy)(nil)
	_ envoyCORS = (*corsv3.CorsPolicy)(nil)
)

// readEnvoy reads an Envoy bootstrap (its inline route_configs), a
// RouteConfiguration, or a discovery response holding RouteConfigurations.
func (in *importer) readEnvoy(doc *document, group int) []string {
	var root map[string]any
	if err := json.Unmarshal(doc.json, &root); err != nil {
		return []string{doc.where() + ": " + err.Error()}
	}
	var errs []string
	readRC := func(path string, rc map[string]any) {
		if e := in.readRouteConfiguration(doc, path, rc, group); e != "" {
			errs = append(errs, e)
		}
	}
	switch {
	case root["static_resources"] != nil:
		found := false
		walkHCMs(root, func(path string, hcm map[string]any) {
			found = true
			if rc, ok := hcm["route_config"].(map[string]any); ok {
				readRC(path+".route_config", rc)
				return
			}
			if hcm["rds"] != nil {
				in.rep.add(doc.where()+": Envoy bootstrap", path+".rds", Dropped, "routes come from RDS: pass the RouteConfiguration itself")
			}
		})
		if !found {
			in.rep.add(doc.where()+": Envoy bootstrap", "", Ignored, "no HTTP connection manager")
		}
	case root["virtual_hosts"] != nil || root["@type"] == typeRouteConfiguration:
		readRC("", root)
	case root["resources"] != nil:
		resources, _ := root["resources"].([]any)
		for i, r := range resources {
			if rc, ok := r.(map[string]any); ok && rc["@type"] == typeRouteConfiguration {
				readRC("resources["+strconv.Itoa(i)+"]", rc)
			}
		}
	default:
		return []string{doc.where() + ": no apiVersion and kind, and not an Envoy bootstrap (static_resources) or RouteConfiguration (virtual_hosts)"}
	}
	return errs
}

// walkHCMs calls f for each HTTP connection manager under static_resources.listeners.
func walkHCMs(root map[string]any, f func(path string, hcm map[string]any)) {
	sr, _ := root["static_resources"].(map[string]any)
	listeners, _ := sr["listeners"].([]any)
	for li, l := range listeners {
		lm, _ := l.(map[string]any)
		lpath := "static_resources.listeners[" + strconv.Itoa(li) + "]"
		var chains []any
		if fcs, ok := lm["filter_chains"].([]any); ok {
			chains = fcs
		}
		for ci, c := range chains {
			cm, _ := c.(map[string]any)
			filters, _ := cm["filters"].([]any)
			for fi, fl := range filters {
				fm, _ := fl.(map[string]any)
				tc, _ := fm["typed_config"].(map[string]any)
				if tc["@type"] == typeHCM {
					f(lpath+".filter_chains["+strconv.Itoa(ci)+"].filters["+strconv.Itoa(fi)+"].typed_config", tc)
				}
			}
		}
	}
}

// readRouteConfiguration decodes one RouteConfiguration strictly with
// go-control-plane's type. Per-filter configs of types this program does not
// know are reported and left out first, since protojson cannot decode them.
func (in *importer) readRouteConfiguration(doc *document, path string, rc map[string]any, group int) string {
	where := doc.where() + ": Envoy RouteConfiguration"
	if name, _ := rc["name"].(string); name != "" {
		where += " " + name
	}
	delete(rc, "@type")
	pruneUnknownAnys(rc, path, func(field, typ string) {
		in.rep.add(where, field, Ignored, "per-filter config "+q(typ)+" is not CORS")
	})
	data, _ := json.Marshal(rc)
	var cfg routev3.RouteConfiguration
	if err := protojson.Unmarshal(data, &cfg); err != nil {
		return where + ": " + protoError(err)
	}
	in.pending = append(in.pending, func() { in.mapRouteConfiguration(where, path, &cfg, group) })
	return ""
}

// pruneUnknownAnys removes typed_per_filter_config entries whose type is not
// linked into this program.
func pruneUnknownAnys(v any, path string, report func(field, typ string)) {
	switch t := v.(type) {
	case map[string]any:
		for k, child := range t {
			p := joinPath(path, k)
			if k == "typed_per_filter_config" {
				if m, ok := child.(map[string]any); ok {
					for name, cfg := range m {
						typ, _ := cfg.(map[string]any)["@type"].(string)
						if _, err := protoregistry.GlobalTypes.FindMessageByURL(typ); err != nil {
							report(p+"."+name, typ)
							delete(m, name)
						}
					}
				}
				continue
			}
			pruneUnknownAnys(child, p, report)
		}
	case []any:
		for i, child := range t {
			pruneUnknownAnys(child, path+"["+strconv.Itoa(i)+"]", report)
		}
	}
}

func joinPath(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

// mapRouteConfiguration: per virtual host, one policy per route with its own
// CORS settings (most specific wins in Envoy), then one for the virtual
// host's settings.
func (in *importer) mapRouteConfiguration(where, path string, cfg *routev3.RouteConfiguration, group int) {
	found := false
	for vi, vh := range cfg.GetVirtualHosts() {
		vpath := joinPath(path, "virtual_hosts["+strconv.Itoa(vi)+"]")
		vhName := vh.GetName()
		if vhName == "" {
			vhName = "vhost-" + strconv.Itoa(vi)
		}
		for ri, r := range vh.GetRoutes() {
			rpath := vpath + ".routes[" + strconv.Itoa(ri) + "]"
			cors, cfield, disabled := routeCORS(r.GetTypedPerFilterConfig(), r.GetRoute().GetCors(), rpath, ".route.cors")
			if disabled {
				found = true
				in.rep.add(where, cfield, Dropped, "CORS turned off for one route cannot be expressed: the virtual host's policy, if any, applies there too")
				continue
			}
			if cors == nil {
				continue
			}
			found = true
			name := vhName + "-" + r.GetName()
			if r.GetName() == "" {
				name = vhName + "-route-" + strconv.Itoa(ri)
			}
			d := &draft{name: name, where: where, field: cfield, group: group}
			if !envoyDomains(d, in.rep, vpath, vh.GetDomains()) || !envoyRouteMatch(d, in.rep, rpath+".match", r.GetMatch()) {
				continue
			}
			if mapEnvoyCORS(d, in.rep, cfield, cors) {
				in.drafts = append(in.drafts, d)
			}
		}
		cors, cfield, disabled := routeCORS(vh.GetTypedPerFilterConfig(), vh.GetCors(), vpath, ".cors")
		if cors == nil || disabled {
			continue
		}
		found = true
		d := &draft{name: vhName, where: where, field: cfield, group: group}
		if !envoyDomains(d, in.rep, vpath, vh.GetDomains()) {
			continue
		}
		if mapEnvoyCORS(d, in.rep, cfield, cors) {
			in.drafts = append(in.drafts, d)
		}
	}
	if !found {
		in.rep.add(where, path, Ignored, "no CORS policy")
	}
}

// routeCORS finds the CORS settings of a route or virtual host: the cors
// filter's typed per-filter config (a CorsPolicy, or a FilterConfig wrapping
// one or turning the filter off), else the deprecated cors field.
func routeCORS(typed map[string]*anypb.Any, deprecated *routev3.CorsPolicy, path, deprecatedField string) (envoyCORS, string, bool) {
	for name, a := range typed {
		field := path + ".typed_per_filter_config." + name
		msg, err := a.UnmarshalNew()
		if err != nil {
			continue
		}
		switch m := msg.(type) {
		case *corsv3.CorsPolicy:
			return m, field, false
		case *routev3.FilterConfig:
			inner, err := m.GetConfig().UnmarshalNew()
			if cp, ok := inner.(*corsv3.CorsPolicy); ok && err == nil {
				if m.GetDisabled() {
					return nil, field, true
				}
				return cp, field + ".config", false
			}
			if m.GetDisabled() && strings.Contains(name, "cors") {
				return nil, field, true
			}
		}
	}
	if deprecated != nil {
		return deprecated, path + deprecatedField, false
	}
	return nil, "", false
}

// envoyDomains maps a virtual host's domains; false when none can be kept.
func envoyDomains(d *draft, rep *Report, vpath string, domains []string) bool {
	var out []item
	for i, dom := range domains {
		f := vpath + ".domains[" + strconv.Itoa(i) + "]"
		host := dom
		if h, port, ok := strings.Cut(dom, ":"); ok && !strings.HasPrefix(dom, "[") {
			host = h
			rep.add(d.where, f, Changed, q(dom)+" -> match.hosts "+q(h)+": cors-wasm ignores the port of :authority ("+port+" dropped)")
		}
		switch {
		case host == "*":
			rep.add(d.where, f, Mapped, `"*" -> every host`)
			return true
		case strings.HasPrefix(host, "*") && !strings.HasPrefix(host, "*."), strings.HasSuffix(host, "*"):
			rep.add(d.where, f, Dropped, q(dom)+": cors-wasm host patterns are exact or *.suffix")
			continue
		}
		if !hasValue(out, host) {
			out = append(out, item{value: host, field: f})
		}
		if host == dom {
			rep.add(d.where, f, Mapped, q(dom)+" -> match.hosts")
		}
	}
	if len(domains) > 0 && len(out) == 0 {
		rep.add(d.where, d.field, Dropped, "the whole policy: none of the virtual host's domains can be expressed, and without them it would apply to every host")
		return false
	}
	d.hosts = out
	return true
}

// envoyRouteMatch maps a route's path match; false when it cannot be kept.
func envoyRouteMatch(d *draft, rep *Report, f string, m *routev3.RouteMatch) bool {
	var conditions []string
	if len(m.GetHeaders()) > 0 {
		conditions = append(conditions, "header matches")
	}
	if len(m.GetQueryParameters()) > 0 {
		conditions = append(conditions, "query parameter matches")
	}
	if m.GetRuntimeFraction() != nil {
		conditions = append(conditions, "runtime_fraction")
	}
	if m.GetGrpc() != nil || m.GetTlsContext() != nil || len(m.GetDynamicMetadata()) > 0 || len(m.GetFilterState()) > 0 {
		conditions = append(conditions, "grpc, tls_context or metadata matches")
	}
	if len(conditions) > 0 {
		rep.add(d.where, f, Dropped, strings.Join(conditions, ", ")+" cannot be expressed: the policy also applies to requests without them")
	}
	if cs := m.GetCaseSensitive(); cs != nil && !cs.GetValue() {
		rep.add(d.where, f+".case_sensitive", Dropped, "cors-wasm path prefixes are case-sensitive")
	}
	switch ps := m.GetPathSpecifier().(type) {
	case *routev3.RouteMatch_Prefix:
		if ps.Prefix != "/" && ps.Prefix != "" {
			d.prefixes = append(d.prefixes, item{value: ps.Prefix, field: f + ".prefix"})
		}
		rep.add(d.where, f+".prefix", Mapped, q(ps.Prefix)+" -> match.path_prefixes")
		return true
	case *routev3.RouteMatch_Path:
		d.prefixes = append(d.prefixes, item{value: ps.Path, field: f + ".path"})
		rep.add(d.where, f+".path", Changed, q(ps.Path)+" -> match.path_prefixes: cors-wasm matches prefixes, so it also covers longer paths")
		return true
	case *routev3.RouteMatch_PathSeparatedPrefix:
		d.prefixes = append(d.prefixes, item{value: ps.PathSeparatedPrefix, field: f + ".path_separated_prefix"})
		rep.add(d.where, f+".path_separated_prefix", Changed, q(ps.PathSeparatedPrefix)+" -> match.path_prefixes: a byte prefix, so it also covers "+q(ps.PathSeparatedPrefix+"x"))
		return true
	}
	rep.add(d.where, f, Dropped, "the whole policy: its route's path match (regex or other) cannot be expressed, and without it the policy would apply to every path")
	return false
}

// mapEnvoyCORS maps a CorsPolicy; false when it is turned off and nothing
// should be written.
func mapEnvoyCORS(d *draft, rep *Report, field string, c envoyCORS) bool {
	if !enabled(d, rep, field, c) {
		return false
	}
	for i, m := range c.GetAllowOriginStringMatch() {
		f := field + ".allow_origin_string_match[" + strconv.Itoa(i) + "]"
		sm := stringMatch{exact: m.GetExact(), prefix: m.GetPrefix(), suffix: m.GetSuffix(), contains: m.GetContains(),
			regex: m.GetSafeRegex().GetRegex(), ignoreCase: m.GetIgnoreCase()}
		switch m.GetMatchPattern().(type) {
		case *matcherv3.StringMatcher_Exact:
			sm.kind = "exact"
		case *matcherv3.StringMatcher_Prefix:
			sm.kind = "prefix"
		case *matcherv3.StringMatcher_Suffix:
			sm.kind = "suffix"
		case *matcherv3.StringMatcher_Contains:
			sm.kind = "contains"
		case *matcherv3.StringMatcher_SafeRegex:
			sm.kind = "regex"
		default:
			sm.other = "custom"
		}
		addOriginMatcher(d, rep, f, sm)
	}
	addMethods(d, rep, field+".allow_methods", splitList(c.GetAllowMethods()))
	addHeaders(d, rep, field+".allow_headers", splitList(c.GetAllowHeaders()))
	addExpose(d, rep, field+".expose_headers", splitList(c.GetExposeHeaders()))
	if c.GetAllowCredentials() != nil {
		setCredentials(d, rep, field+".allow_credentials", c.GetAllowCredentials().GetValue())
	}
	if ma := c.GetMaxAge(); ma != "" {
		n, err := strconv.ParseInt(ma, 10, 64)
		if err != nil {
			rep.add(d.where, field+".max_age", Dropped, q(ma)+": not a number of seconds")
		} else {
			setMaxAge(d, rep, field+".max_age", n)
		}
	}
	if p := c.GetAllowPrivateNetworkAccess(); p != nil {
		d.privateNet = p.GetValue()
		rep.add(d.where, field+".allow_private_network_access", Mapped, strconv.FormatBool(p.GetValue())+" -> allow_private_network")
	}
	if f := c.GetForwardNotMatchingPreflights(); f != nil && !f.GetValue() {
		d.onRejected = "reject"
		rep.add(d.where, field+".forward_not_matching_preflights", Changed, "false -> on_rejected_preflight \"reject\": Envoy answers such preflights with 200 and no CORS headers, cors-wasm with 403 and no CORS headers; both fail in the browser")
	} else {
		d.onRejected = "forward"
		rep.add(d.where, field+".forward_not_matching_preflights", Mapped, "true (Envoy's default) -> on_rejected_preflight \"forward\": preflights from origins not allowed reach the upstream")
	}
	return true
}

// enabled reads filter_enabled and shadow_enabled: 100% enforces, 0% with
// shadow at 100% is shadow mode, 0% without shadow writes nothing; partial
// percentages and runtime keys cannot be expressed.
func enabled(d *draft, rep *Report, field string, c envoyCORS) bool {
	fe := percent(c.GetFilterEnabled())
	if k := c.GetFilterEnabled().GetRuntimeKey(); k != "" {
		rep.add(d.where, field+".filter_enabled.runtime_key", Dropped, q(k)+": runtime overrides cannot be read; the default value is used")
	}
	switch {
	case fe >= 100:
		if c.GetShadowEnabled() != nil {
			rep.add(d.where, field+".shadow_enabled", Ignored, "filter_enabled takes precedence")
		}
		return true
	case fe > 0:
		rep.add(d.where, field+".filter_enabled", Dropped, "partial filter_enabled ("+strconv.FormatFloat(fe, 'g', -1, 64)+"%): a cors-wasm policy applies to every matching request; written as enabled for all")
		return true
	}
	if percent(c.GetShadowEnabled()) >= 100 && c.GetShadowEnabled() != nil {
		d.mode = "shadow"
		rep.add(d.where, field+".shadow_enabled", Mapped, "filter_enabled 0% with shadow_enabled 100% -> mode \"shadow\"")
		return true
	}
	rep.add(d.where, field+".filter_enabled", Ignored, "0%: CORS is off here; no policy written")
	return false
}

// percent is a RuntimeFractionalPercent's default value in percent; 100
// when the field is absent (Envoy enables the filter then).
func percent(p *corev3.RuntimeFractionalPercent) float64 {
	if p == nil {
		return 100
	}
	v := p.GetDefaultValue()
	n := float64(v.GetNumerator())
	switch v.GetDenominator() {
	case typev3.FractionalPercent_TEN_THOUSAND:
		return n / 100
	case typev3.FractionalPercent_MILLION:
		return n / 10000
	}
	return n
}

func hasValue(items []item, v string) bool {
	for _, it := range items {
		if it.value == v {
			return true
		}
	}
	return false
}
