package deploy_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/tidwall/gjson"
	"google.golang.org/protobuf/encoding/protojson"
	extensionsv1alpha1 "istio.io/api/extensions/v1alpha1"
	typev1beta1 "istio.io/api/type/v1beta1"
	"sigs.k8s.io/yaml"

	"github.com/cors-wasm/cors-wasm/internal/configfile"
	"github.com/cors-wasm/cors-wasm/policy"
)

func TestIstioWasmPlugin(t *testing.T) {
	for _, p := range istioProblems(readFile(t, istioFile)) {
		t.Error(p)
	}
}

func TestIstioWasmPluginOnAGateway(t *testing.T) {
	for _, p := range istioProblems(readFile(t, istioGatewayFile)) {
		t.Error(p)
	}
	runMutations(t, readFile(t, istioGatewayFile), []mutation{
		{"selector and targetRefs", "  targetRefs:", "  selector: {matchLabels: {app: x}}\n  targetRefs:", "one or the other"},
		{"not a Gateway", "kind: Gateway", "kind: HTTPRoute", "targetRefs"},
		{"no priority", "priority: 1000", "", "spec.priority"},
	}, istioProblems)
}

func TestIstioChecksCatchMistakes(t *testing.T) {
	runMutations(t, readFile(t, istioFile), []mutation{
		{"unknown field", "imagePullPolicy:", "pullPolicy:", "unknown field"},
		{"wrong kind", "kind: WasmPlugin", "kind: EnvoyFilter", "kind"},
		{"implicit fail strategy", "failStrategy: FAIL_CLOSE", "", "failStrategy"},
		{"fail open", "failStrategy: FAIL_CLOSE", "failStrategy: FAIL_OPEN", "failStrategy"},
		{"after authentication", "phase: AUTHN", "phase: AUTHZ", "phase"},
		{"not an image", "url: oci://", "url: https://", "oci://"},
		{"no selector", "app: demo-api", "{}", "selector"},
		{"no priority", "priority: 1000", "", "spec.priority"},
		{"low priority", "priority: 1000", "priority: 10", "spec.priority"},
		{"bad plugin configuration", "max_age: 600", "max_age: 600000", "policies[0].max_age"},
	}, istioProblems)
}

// istioProblems parses a WasmPlugin resource, its spec into Istio's API type,
// and returns everything wrong with it as a deployment of this plugin.
func istioProblems(data []byte) []string {
	var ps problems
	j, err := yaml.YAMLToJSON(data)
	if err != nil {
		return ps.add("yaml: %v", err)
	}
	var res struct {
		APIVersion string `json:"apiVersion"`
		Kind       string `json:"kind"`
		Metadata   struct {
			Name      string `json:"name"`
			Namespace string `json:"namespace"`
		} `json:"metadata"`
		Spec json.RawMessage `json:"spec"`
	}
	if err := json.Unmarshal(j, &res); err != nil {
		return ps.add("resource: %v", err)
	}
	if res.APIVersion != "extensions.istio.io/v1alpha1" || res.Kind != "WasmPlugin" {
		ps.add("apiVersion/kind %s/%s, want extensions.istio.io/v1alpha1 WasmPlugin", res.APIVersion, res.Kind)
	}
	if res.Metadata.Name == "" || res.Metadata.Namespace == "" {
		ps.add("metadata.name and metadata.namespace must be set")
	}
	var wp extensionsv1alpha1.WasmPlugin
	if err := protojson.Unmarshal(res.Spec, &wp); err != nil {
		return ps.add("spec: %v", err)
	}
	switch refs := wp.GetTargetRefs(); {
	case len(refs) > 0 && wp.GetSelector() != nil:
		ps.add("spec.selector and spec.targetRefs: use one or the other")
	case len(refs) > 0:
		for _, r := range refs {
			if r.GetKind() != "Gateway" || r.GetGroup() != "gateway.networking.k8s.io" || r.GetName() == "" {
				ps.add("spec.targetRefs %v: want a Gateway API Gateway by name", r)
			}
		}
	case len(wp.GetSelector().GetMatchLabels()) == 0:
		ps.add("spec.selector.matchLabels (or spec.targetRefs) must select the workloads (an empty selector means every workload in the namespace)")
	}
	if p := wp.GetPriority(); p == nil || p.GetValue() < 1000 {
		ps.add("spec.priority must be set, at least 1000, so no other AUTHN plugin answers preflights first")
	}
	if !strings.HasPrefix(wp.GetUrl(), "oci://") {
		ps.add("spec.url %q: want an oci:// image made by `make oci`", wp.GetUrl())
	}
	if wp.GetPhase() != extensionsv1alpha1.PluginPhase_AUTHN {
		ps.add("spec.phase %v: want AUTHN, so preflights are answered before authentication", wp.GetPhase())
	}
	// FAIL_CLOSE is the enum's zero value: only the raw document shows whether it was written.
	if !gjson.GetBytes(res.Spec, "failStrategy").Exists() || wp.GetFailStrategy() != extensionsv1alpha1.FailStrategy_FAIL_CLOSE {
		ps.add("spec.failStrategy must be set explicitly to FAIL_CLOSE")
	}
	if wp.GetType() != extensionsv1alpha1.PluginType_HTTP {
		ps.add("spec.type %v: want HTTP", wp.GetType())
	}
	for _, m := range wp.GetMatch() {
		if m.GetMode() != typev1beta1.WorkloadMode_SERVER {
			ps.add("spec.match mode %v: want SERVER (inbound traffic of the sidecar)", m.GetMode())
		}
	}
	// Istio hands pluginConfig to the plugin as the Struct's JSON.
	cfg, err := protojson.Marshal(wp.GetPluginConfig())
	if err != nil {
		return ps.add("spec.pluginConfig: %v", err)
	}
	if _, err := policy.Load(cfg); err != nil {
		ps.add("spec.pluginConfig refused by policy.Load:\n%v", err)
	}
	kind, found, err := configfile.Find(data)
	if err != nil || kind != configfile.KindKubernetes || len(found) != 1 || !strings.HasSuffix(found[0].Where, ": spec.pluginConfig") {
		ps.add("configfile.Find: kind %v, %v, error %v; want spec.pluginConfig of a WasmPlugin", kind, found, err)
	}
	return ps
}
