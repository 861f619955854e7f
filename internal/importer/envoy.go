package importer

import (
	"encoding/json"
	"sort"
	"strconv"

	corev3 "github.com/envoyproxy/go-control-plane/envoy/config/core/v3"
	routev3 "github.com/envoyproxy/go-control-plane/envoy/config/route/v3"
	corsv3 "github.com/envoyproxy/go-control-plane/envoy/extensions/filters/http/cors/v3"
	matcherv3 "github.com/envoyproxy/go-control-plane/envoy/type/matcher/v3"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/reflect/protoregistry"
	"google.golang.org/protobuf/types/known/wrapperspb"
)

const (
	typeRouteConfiguration = "type.googleapis.com/envoy.config.route.v3.RouteConfiguration"
	typeHCM                = "type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager"
	typeCORSFilter         = "type.googleapis.com/envoy.extensions.filters.http.cors.v3.Cors"
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
func (in *importer) readEnvoy(doc *document) []string {
	var root map[string]any
	if err := json.Unmarshal(doc.json, &root); err != nil {
		return []string{doc.where() + ": " + err.Error()}
	}
	var errs []string
	readRC := func(path string, rc map[string]any, filter bool) {
		if e := in.readRouteConfiguration(doc, path, rc, filter); e != "" {
			errs = append(errs, e)
		}
	}
	switch {
	case root["static_resources"] != nil:
		found := false
		src := &source{doc: doc, what: "Envoy bootstrap"}
		walkHCMs(root, func(path string, hcm map[string]any) {
			found = true
			filter := hasCORSFilter(hcm)
			if !filter {
				in.rep.add(src, path+".http_filters", Ignored, "no envoy.filters.http.cors filter: the CORS settings of its routes do nothing")
			}
			if rc, ok := hcm["route_config"].(map[string]any); ok {
				readRC(path+".route_config", rc, filter)
				return
			}
			if hcm["rds"] != nil {
				in.rep.add(src, path+".rds", Dropped, "routes come from RDS: pass the RouteConfiguration itself")
			}
		})
		if !found {
			in.rep.add(src, "", Ignored, "no HTTP connection manager")
		}
	case root["virtual_hosts"] != nil || root["@type"] == typeRouteConfiguration:
		readRC("", root, true)
	case root["resources"] != nil:
		resources, _ := root["resources"].([]any)
		for i, r := range resources {
			if rc, ok := r.(map[string]any); ok && rc["@type"] == typeRouteConfiguration {
				readRC("resources["+strconv.Itoa(i)+"]", rc, true)
			}
		}
	default:
		return []string{doc.where() + ": no apiVersion and kind, and not an Envoy bootstrap (static_resources) or RouteConfiguration (virtual_hosts)"}
	}
	return errs
}

// hasCORSFilter reports whether an HTTP connection manager runs Envoy's
// CORS filter, without which the routes' CORS settings do nothing.
func hasCORSFilter(hcm map[string]any) bool {
	filters, _ := hcm["http_filters"].([]any)
	if filters == nil {
		filters, _ = hcm["httpFilters"].([]any)
	}
	for _, f := range filters {
		fm, _ := f.(map[string]any)
		tc, _ := fm["typed_config"].(map[string]any)
		if tc == nil {
			tc, _ = fm["typedConfig"].(map[string]any)
		}
		if tc["@type"] == typeCORSFilter || fm["name"] == "envoy.filters.http.cors" {
			return true
		}
	}
	return false
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

// rcDoc is a decoded RouteConfiguration.
type rcDoc struct {
	src    *source
	path   string // where it is in the document ("" for a document of its own)
	rc     *routev3.RouteConfiguration
	filter bool // the HTTP connection manager runs the CORS filter
}

// readRouteConfiguration decodes one RouteConfiguration strictly with
// go-control-plane's type. Per-filter configs of types this program does not
// know are reported and left out first, since protojson cannot decode them.
func (in *importer) readRouteConfiguration(doc *document, path string, rc map[string]any, filter bool) string {
	src := &source{doc: doc, what: "Envoy RouteConfiguration"}
	if name, _ := rc["name"].(string); name != "" {
		src.what += " " + name
	}
	delete(rc, "@type")
	pruneUnknownAnys(rc, path, func(field, typ string) {
		in.rep.add(src, field, Ignored, "per-filter config "+q(typ)+" is not CORS")
	})
	data, _ := json.Marshal(rc)
	var cfg routev3.RouteConfiguration
	if err := protojson.Unmarshal(data, &cfg); err != nil {
		return doc.where() + ": " + src.what + ": " + protoError(err)
	}
	d := &rcDoc{src: src, path: path, rc: &cfg, filter: filter}
	in.domain("envoy:"+doc.where()+path, func() []*group { return in.envoyGroups(d) })
	return ""
}

// pruneUnknownAnys removes typed_per_filter_config entries whose type is not
// linked into this program.
func pruneUnknownAnys(v any, path string, report func(field, typ string)) {
	switch t := v.(type) {
	case map[string]any:
		for _, k := range sortedKeys(t) {
			child := t[k]
			p := joinPath(path, k)
			if k == "typed_per_filter_config" || k == "typedPerFilterConfig" {
				if m, ok := child.(map[string]any); ok {
					for _, name := range sortedKeys(m) {
						typ, _ := m[name].(map[string]any)["@type"].(string)
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

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func joinPath(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}
