package deploy_test

import (
	"fmt"
	"path"
	"path/filepath"
	"slices"
	"testing"

	bootstrapv3 "github.com/envoyproxy/go-control-plane/envoy/config/bootstrap/v3"
	routev3 "github.com/envoyproxy/go-control-plane/envoy/config/route/v3"
	routerv3 "github.com/envoyproxy/go-control-plane/envoy/extensions/filters/http/router/v3"
	wasmfilterv3 "github.com/envoyproxy/go-control-plane/envoy/extensions/filters/http/wasm/v3"
	hcmv3 "github.com/envoyproxy/go-control-plane/envoy/extensions/filters/network/http_connection_manager/v3"
	wasmv3 "github.com/envoyproxy/go-control-plane/envoy/extensions/wasm/v3"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/wrapperspb"
	"sigs.k8s.io/yaml"

	"github.com/cors-wasm/cors-wasm/internal/configfile"
	"github.com/cors-wasm/cors-wasm/policy"
)

// The Any types envoy.yaml uses must resolve through the global registry,
// which these imports fill.
var _ = []proto.Message{
	(*hcmv3.HttpConnectionManager)(nil), (*wasmfilterv3.Wasm)(nil), (*routerv3.Router)(nil),
	(*routev3.FilterConfig)(nil), (*wrapperspb.StringValue)(nil),
}

func TestEnvoyYAML(t *testing.T) {
	for _, p := range envoyProblems(readFile(t, envoyFile)) {
		t.Error(p)
	}
}

func TestEnvoyChecksCatchMistakes(t *testing.T) {
	runMutations(t, readFile(t, envoyFile), []mutation{
		{"unknown field", "stat_prefix: ingress", "stat_prefx: ingress", "unknown field"},
		{"bootstrap constraint", "port_value: 10000", "port_value: 70000", "PortValue"},
		{"constraint inside an Any", "stat_prefix: ingress", `stat_prefix: ""`, "StatPrefix"},
		{"implicit failure policy", "failure_policy: FAIL_CLOSED", "", "failure_policy"},
		{"fail open", "failure_policy: FAIL_CLOSED", "failure_policy: FAIL_OPEN", "failure_policy"},
		{"wrong module", "filename: /etc/envoy/cors.wasm", "filename: /etc/envoy/plugin.wasm", "cors.wasm"},
		{"bad plugin configuration", `"max_age": 600`, `"max_age": 600000`, "policies[0].max_age"},
		{"per-route not disabled", "disabled: true", "disabled: false", "disabled"},
		{"per-route key is not the filter", "envoy.filters.http.wasm:\n", "cors:\n", "disabled"},
		{"router before the plugin", "name: envoy.filters.http.router", "name: envoy.filters.http.router2", "router"},
		{"admin published", "address: 127.0.0.1, port_value: 9901", "address: 0.0.0.0, port_value: 9901", "admin"},
		{"backend renamed", "address: demo-api, port_value: 8080", "address: demo, port_value: 8080", "demo-api"},
	}, envoyProblems)
}

// envoyProblems parses an Envoy bootstrap into Envoy's API types and returns
// everything wrong with it, as a deployment of this plugin.
func envoyProblems(data []byte) []string {
	var ps problems
	j, err := yaml.YAMLToJSON(data)
	if err != nil {
		return ps.add("yaml: %v", err)
	}
	var bs bootstrapv3.Bootstrap
	if err := protojson.Unmarshal(j, &bs); err != nil {
		return ps.add("envoy bootstrap: %v", err)
	}
	if err := bs.ValidateAll(); err != nil {
		ps.add("bootstrap validation: %v", err)
	}
	for _, u := range unpackAll(bs.ProtoReflect(), "bootstrap") {
		if u.err != nil {
			ps.add("%s: %v", u.where, u.err)
		}
	}
	ps.checkAdmin(&bs)
	ps.checkListener(&bs)
	ps.checkCluster(&bs)
	ps.checkEmbeddedFinder(data)
	return ps
}

type problems []string

func (ps *problems) add(format string, args ...any) []string {
	*ps = append(*ps, fmt.Sprintf(format, args...))
	return *ps
}

func (ps *problems) checkAdmin(bs *bootstrapv3.Bootstrap) {
	sa := bs.GetAdmin().GetAddress().GetSocketAddress()
	if sa.GetAddress() != "127.0.0.1" || sa.GetPortValue() != 9901 {
		ps.add("admin must listen on 127.0.0.1:9901 only, not %s:%d", sa.GetAddress(), sa.GetPortValue())
	}
}

func (ps *problems) checkListener(bs *bootstrapv3.Bootstrap) {
	ls := bs.GetStaticResources().GetListeners()
	if len(ls) != 1 {
		ps.add("want one listener, got %d", len(ls))
		return
	}
	sa := ls[0].GetAddress().GetSocketAddress()
	if sa.GetAddress() != "0.0.0.0" || sa.GetPortValue() != 10000 {
		ps.add("listener on %s:%d, want 0.0.0.0:10000", sa.GetAddress(), sa.GetPortValue())
	}
	var hcms []*hcmv3.HttpConnectionManager
	for _, fc := range ls[0].GetFilterChains() {
		for _, f := range fc.GetFilters() {
			var hcm hcmv3.HttpConnectionManager
			if f.GetTypedConfig().MessageIs(&hcm) && f.GetTypedConfig().UnmarshalTo(&hcm) == nil {
				hcms = append(hcms, &hcm)
			}
		}
	}
	if len(hcms) != 1 {
		ps.add("want one http_connection_manager, got %d", len(hcms))
		return
	}
	filterName := ps.checkHTTPFilters(hcms[0].GetHttpFilters())
	ps.checkRoutes(hcms[0].GetRouteConfig(), filterName)
}

// checkHTTPFilters checks the filter chain and the plugin's configuration and
// returns the Wasm filter's name.
func (ps *problems) checkHTTPFilters(filters []*hcmv3.HttpFilter) string {
	wasmAt, routerAt := -1, -1
	var wasm wasmfilterv3.Wasm
	for i, f := range filters {
		switch {
		case f.GetTypedConfig().MessageIs(&wasm):
			if wasmAt >= 0 {
				ps.add("http_filters[%d]: a second Wasm filter", i)
				continue
			}
			wasmAt = i
			if err := f.GetTypedConfig().UnmarshalTo(&wasm); err != nil {
				ps.add("http_filters[%d]: %v", i, err)
			}
		case f.GetTypedConfig().MessageIs(&routerv3.Router{}):
			routerAt = i
		}
	}
	if wasmAt < 0 {
		ps.add("no envoy.filters.http.wasm filter")
		return ""
	}
	if f := filters[wasmAt]; f.GetName() != "envoy.filters.http.wasm" {
		ps.add("http_filters[%d]: name %q, want envoy.filters.http.wasm", wasmAt, f.GetName())
	}
	if routerAt != len(filters)-1 || filters[routerAt].GetName() != "envoy.filters.http.router" || wasmAt > routerAt {
		ps.add("envoy.filters.http.router must be the last filter, after the Wasm filter")
	}
	ps.checkPlugin(wasm.GetConfig())
	return filters[wasmAt].GetName()
}

func (ps *problems) checkPlugin(c *wasmv3.PluginConfig) {
	if c.GetName() == "" || c.GetRootId() == "" {
		ps.add("wasm config: name and root_id must be set")
	}
	if c.GetFailurePolicy() != wasmv3.FailurePolicy_FAIL_CLOSED || c.GetFailOpen() {
		ps.add("wasm config: failure_policy must be set explicitly to FAIL_CLOSED, got %v", c.GetFailurePolicy())
	}
	vm := c.GetVmConfig()
	if vm.GetRuntime() != "envoy.wasm.runtime.v8" {
		ps.add("vm_config.runtime %q, want envoy.wasm.runtime.v8", vm.GetRuntime())
	}
	file := vm.GetCode().GetLocal().GetFilename()
	if path.Base(file) != filepath.Base(builtWasm) {
		ps.add("vm_config.code.local.filename %q is not the built plugin (%s)", file, filepath.Base(builtWasm))
	}
	var sv wrapperspb.StringValue
	if !c.GetConfiguration().MessageIs(&sv) || c.GetConfiguration().UnmarshalTo(&sv) != nil {
		ps.add("configuration must be a google.protobuf.StringValue")
		return
	}
	if _, err := policy.Load([]byte(sv.GetValue())); err != nil {
		ps.add("plugin configuration refused by policy.Load:\n%v", err)
	}
}

// checkRoutes wants a route that disables the plugin by its filter name, and a
// route to the demo_api cluster.
func (ps *problems) checkRoutes(rc *routev3.RouteConfiguration, filterName string) {
	disabled, toDemo := false, false
	for _, vh := range rc.GetVirtualHosts() {
		for _, r := range vh.GetRoutes() {
			if r.GetRoute().GetCluster() == "demo_api" {
				toDemo = true
			}
			var fc routev3.FilterConfig
			if a := r.GetTypedPerFilterConfig()[filterName]; a != nil && a.UnmarshalTo(&fc) == nil && fc.GetDisabled() {
				disabled = true
			}
		}
	}
	if !disabled {
		ps.add("no route disables %q with an envoy.config.route.v3.FilterConfig {disabled: true}", filterName)
	}
	if !toDemo {
		ps.add("no route to the demo_api cluster")
	}
}

func (ps *problems) checkCluster(bs *bootstrapv3.Bootstrap) {
	for _, c := range bs.GetStaticResources().GetClusters() {
		if c.GetName() != "demo_api" {
			continue
		}
		for _, e := range c.GetLoadAssignment().GetEndpoints() {
			for _, lb := range e.GetLbEndpoints() {
				sa := lb.GetEndpoint().GetAddress().GetSocketAddress()
				if sa.GetAddress() == "demo-api" && sa.GetPortValue() == 8080 {
					return
				}
			}
		}
	}
	ps.add("no cluster demo_api with the endpoint demo-api:8080 (the docker-compose service)")
}

// checkEmbeddedFinder: corsctl's gjson walk must find exactly the
// configuration the typed walk found.
func (ps *problems) checkEmbeddedFinder(data []byte) {
	kind, found, err := configfile.Find(data)
	if err != nil || kind != configfile.KindEnvoy || len(found) != 1 {
		ps.add("configfile.Find: kind %v, %d configurations, error %v; want one in an Envoy bootstrap", kind, len(found), err)
		return
	}
	if _, err := policy.Load(found[0].JSON); err != nil {
		ps.add("configfile.Find's configuration at %s refused:\n%v", found[0].Where, err)
	}
}

func TestUnpackAllSeesEveryAny(t *testing.T) {
	var bs bootstrapv3.Bootstrap
	if err := protojson.Unmarshal(yamlToJSON(t, readFile(t, envoyFile)), &bs); err != nil {
		t.Fatal(err)
	}
	var types []string
	for _, u := range unpackAll(bs.ProtoReflect(), "bootstrap") {
		types = append(types, string(proto.MessageName(u.msg)))
	}
	for _, want := range []string{
		"envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager",
		"envoy.extensions.filters.http.wasm.v3.Wasm",
		"envoy.extensions.filters.http.router.v3.Router",
		"envoy.config.route.v3.FilterConfig",
		"google.protobuf.StringValue",
	} {
		if !slices.Contains(types, want) {
			t.Errorf("%s not unpacked; unpacked: %v", want, types)
		}
	}
}
