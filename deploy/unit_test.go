package deploy_test

import (
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"path"
	"slices"
	"strings"
	"testing"
)

// A deployment unit is a directory applied whole with `kubectl apply -f DIR/`
// on a cluster set up by the platform's own quickstart. Its documents are
// decoded together and must hold together: every namespace, class, parent,
// backend and policy target they name is defined in the unit (or is what the
// quickstart installs), and no target gets two policies.

// deployUnit is a directory and the GatewayClasses its platform's quickstart
// installs (name -> who installs it).
type deployUnit struct {
	dir     string
	classes map[string]string
}

// deployUnits are the directories docs/deploying.md tells users to apply,
// with the GatewayClasses their platform's quickstart installs.
var deployUnits = []deployUnit{
	{"envoy-gateway/oci", egQuickstartClasses},
	{"envoy-gateway/http", egQuickstartClasses},
	{"istio/sidecar", istioClasses},
	{"istio/gateway", istioClasses},
}

var (
	// Envoy Gateway's quickstart (https://gateway.envoyproxy.io/docs/tasks/quickstart/)
	// installs GatewayClass eg with quickstart.yaml.
	egQuickstartClasses = map[string]string{"eg": "Envoy Gateway's quickstart (quickstart.yaml)"}
	// Istio creates GatewayClass istio when it is installed
	// (https://istio.io/latest/docs/tasks/traffic-management/ingress/gateway-api/).
	istioClasses = map[string]string{"istio": "Istio's installation"}
)

// unitDoc is one document of a unit, with the fields the unit checks read.
// Unknown fields are allowed here: the API-type tests decode strictly.
type unitDoc struct {
	file  string
	index int

	APIVersion string `json:"apiVersion"`
	Kind       string `json:"kind"`
	Metadata   struct {
		Name      string            `json:"name"`
		Namespace string            `json:"namespace"`
		Labels    map[string]string `json:"labels"`
	} `json:"metadata"`
	Spec struct {
		// Deployment
		Selector *struct {
			MatchLabels map[string]string `json:"matchLabels"`
		} `json:"selector"`
		Template struct {
			Metadata struct {
				Labels      map[string]string `json:"labels"`
				Annotations map[string]string `json:"annotations"`
			} `json:"metadata"`
			Spec struct {
				Containers []struct {
					Ports []struct {
						ContainerPort int `json:"containerPort"`
					} `json:"ports"`
				} `json:"containers"`
			} `json:"spec"`
		} `json:"template"`
		// Service (spec.selector is a plain map there: see serviceSpec)
		Ports []unitPort `json:"ports"`
		// Gateway
		GatewayClassName string `json:"gatewayClassName"`
		Infrastructure   *struct {
			ParametersRef *unitRef `json:"parametersRef"`
		} `json:"infrastructure"`
		// HTTPRoute
		ParentRefs []unitRef `json:"parentRefs"`
		Rules      []struct {
			BackendRefs []unitRef `json:"backendRefs"`
		} `json:"rules"`
		// EnvoyExtensionPolicy, WasmPlugin
		TargetRefs []unitRef `json:"targetRefs"`
	} `json:"spec"`
	serviceSelector map[string]string
}

// unitPort is a Service port.
type unitPort struct {
	Port       int             `json:"port"`
	TargetPort json.RawMessage `json:"targetPort"`
}

// unitRef is a Gateway API style object reference.
type unitRef struct {
	Group     *string `json:"group"`
	Kind      string  `json:"kind"`
	Name      string  `json:"name"`
	Namespace string  `json:"namespace"`
	Port      int     `json:"port"`
}

func (d *unitDoc) String() string {
	return fmt.Sprintf("%s: %s %s/%s", d.file, d.Kind, d.Metadata.Namespace, d.Metadata.Name)
}

func (d *unitDoc) key() string { return d.Kind + " " + d.Metadata.Namespace + "/" + d.Metadata.Name }

// clusterScoped kinds have no namespace.
var clusterScoped = map[string]bool{"Namespace": true, "GatewayClass": true}

// unitKinds are the kinds a unit may hold.
var unitKinds = map[string]bool{"Namespace": true, "Deployment": true, "Service": true, "Gateway": true,
	"HTTPRoute": true, "EnvoyProxy": true, "EnvoyExtensionPolicy": true, "WasmPlugin": true, "GatewayClass": true}

// readUnit reads every .yaml file of dir, as kubectl does: in name order.
func readUnit(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	files := map[string][]byte{}
	for _, e := range entries {
		if !e.IsDir() && (strings.HasSuffix(e.Name(), ".yaml") || strings.HasSuffix(e.Name(), ".yml") || strings.HasSuffix(e.Name(), ".json")) {
			files[path.Join(dir, e.Name())] = readFile(t, path.Join(dir, e.Name()))
		}
	}
	if len(files) == 0 {
		t.Fatalf("%s: no manifests", dir)
	}
	return files
}

// decodeUnit returns the documents of files in the order kubectl applies them.
func decodeUnit(ps *problems, files map[string][]byte) []*unitDoc {
	var docs []*unitDoc
	for _, name := range slices.Sorted(maps.Keys(files)) {
		jsons, err := yamlDocs(files[name])
		if err != nil {
			ps.add("%s: yaml: %v", name, err)
			continue
		}
		for i, j := range jsons {
			d := &unitDoc{file: name, index: i}
			if err := json.Unmarshal(j, d); err != nil && d.Kind != "Service" {
				ps.add("%s document %d: %v", name, i+1, err)
				continue
			}
			if d.Kind == "Service" {
				var s struct {
					Spec struct {
						Selector map[string]string `json:"selector"`
					} `json:"spec"`
				}
				if err := json.Unmarshal(j, &s); err != nil {
					ps.add("%s document %d: %v", name, i+1, err)
					continue
				}
				d.serviceSelector = s.Spec.Selector
				d.Spec.Selector = nil
			}
			docs = append(docs, d)
		}
	}
	return docs
}

// unitProblems returns everything that keeps files from applying cleanly as
// one unit on a cluster that has the given GatewayClasses.
func unitProblems(files map[string][]byte, classes map[string]string) []string {
	var ps problems
	docs := decodeUnit(&ps, files)
	byKey := map[string]*unitDoc{}
	namespaces := map[string]*unitDoc{}
	for _, d := range docs {
		if !unitKinds[d.Kind] {
			ps.add("%s document %d: kind %q is not checked by this test", d.file, d.index+1, d.Kind)
		}
		if d.Metadata.Name == "" {
			ps.add("%s document %d: no metadata.name", d.file, d.index+1)
		}
		if prev, ok := byKey[d.key()]; ok {
			ps.add("%s and %s define the same object", prev, d)
		}
		byKey[d.key()] = d
		switch {
		case d.Kind == "Namespace":
			namespaces[d.Metadata.Name] = d
		case clusterScoped[d.Kind]:
		case d.Metadata.Namespace == "":
			// Without it, kubectl puts the object in the current context's namespace.
			ps.add("%s: no metadata.namespace", d)
		case namespaces[d.Metadata.Namespace] == nil:
			// Defined later (kubectl would fail: namespace not found) or nowhere.
			ps.add("%s: namespace %q is not defined before it in this directory (a Namespace document in an earlier file, or earlier in this one)", d, d.Metadata.Namespace)
		}
	}
	targets := map[string][]*unitDoc{} // policy target -> the policies on it
	for _, d := range docs {
		switch d.Kind {
		case "Deployment":
			checkDeployment(&ps, d)
		case "Service":
			checkService(&ps, d, docs)
		case "Gateway":
			checkGateway(&ps, d, byKey, classes)
		case "HTTPRoute":
			checkRoute(&ps, d, byKey)
		case "EnvoyExtensionPolicy":
			for _, r := range d.Spec.TargetRefs {
				key := refKey(r, d.Metadata.Namespace)
				if r.group() != "gateway.networking.k8s.io" || byKey[key] == nil {
					ps.add("%s: targetRef %s: nothing in this directory defines it", d, key)
					continue
				}
				targets[key] = append(targets[key], d)
			}
		case "WasmPlugin":
			checkWasmPlugin(&ps, d, docs, byKey, namespaces, targets)
		}
	}
	for _, key := range slices.Sorted(maps.Keys(targets)) {
		if on := targets[key]; len(on) > 1 {
			names := make([]string, len(on))
			for i, p := range on {
				names[i] = p.String()
			}
			ps.add("two policies with one target, %s: %s (the platform applies only one)", key, strings.Join(names, "; "))
		}
	}
	return ps
}

func (r unitRef) group() string {
	if r.Group == nil {
		return "gateway.networking.k8s.io"
	}
	return *r.Group
}

// refKey is the object a reference names, its namespace defaulting to the
// referrer's.
func refKey(r unitRef, ns string) string {
	if r.Namespace != "" {
		ns = r.Namespace
	}
	return r.Kind + " " + ns + "/" + r.Name
}

func selects(selector, labels map[string]string) bool {
	if len(selector) == 0 {
		return false
	}
	for k, v := range selector {
		if labels[k] != v {
			return false
		}
	}
	return true
}

func checkDeployment(ps *problems, d *unitDoc) {
	if d.Spec.Selector == nil || !selects(d.Spec.Selector.MatchLabels, d.Spec.Template.Metadata.Labels) {
		ps.add("%s: spec.selector.matchLabels must select the pod template's labels", d)
	}
}

func checkService(ps *problems, d *unitDoc, docs []*unitDoc) {
	var pods []*unitDoc
	for _, o := range docs {
		if o.Kind == "Deployment" && o.Metadata.Namespace == d.Metadata.Namespace && selects(d.serviceSelector, o.Spec.Template.Metadata.Labels) {
			pods = append(pods, o)
		}
	}
	if len(pods) == 0 {
		ps.add("%s: spec.selector %v selects no Deployment's pods in this directory", d, d.serviceSelector)
		return
	}
	for _, p := range d.Spec.Ports {
		target := p.Port
		if len(p.TargetPort) > 0 {
			if err := json.Unmarshal(p.TargetPort, &target); err != nil {
				ps.add("%s: targetPort %s: want a number", d, p.TargetPort)
				continue
			}
		}
		found := false
		for _, c := range pods[0].Spec.Template.Spec.Containers {
			for _, cp := range c.Ports {
				found = found || cp.ContainerPort == target
			}
		}
		if !found {
			ps.add("%s: port %d sends to %d, which no container of %s declares", d, p.Port, target, pods[0])
		}
	}
}

func checkGateway(ps *problems, d *unitDoc, byKey map[string]*unitDoc, classes map[string]string) {
	c := d.Spec.GatewayClassName
	if byKey["GatewayClass /"+c] == nil && classes[c] == "" {
		ps.add("%s: gatewayClassName %q: no GatewayClass of that name in this directory, and the quickstart installs only %v",
			d, c, slices.Sorted(maps.Keys(classes)))
	}
	if inf := d.Spec.Infrastructure; inf != nil && inf.ParametersRef != nil {
		if key := refKey(*inf.ParametersRef, d.Metadata.Namespace); byKey[key] == nil {
			ps.add("%s: spec.infrastructure.parametersRef %s: nothing in this directory defines it", d, key)
		}
	}
}

func checkRoute(ps *problems, d *unitDoc, byKey map[string]*unitDoc) {
	if len(d.Spec.ParentRefs) == 0 {
		ps.add("%s: no parentRefs", d)
	}
	for _, r := range d.Spec.ParentRefs {
		if r.Kind == "" {
			r.Kind = "Gateway"
		}
		if key := refKey(r, d.Metadata.Namespace); byKey[key] == nil {
			ps.add("%s: parentRef %s: nothing in this directory defines it", d, key)
		}
	}
	for _, rule := range d.Spec.Rules {
		for _, b := range rule.BackendRefs {
			if b.Kind == "" {
				b.Kind = "Service"
			}
			key := refKey(b, d.Metadata.Namespace)
			svc := byKey[key]
			if svc == nil || (b.Group != nil && *b.Group != "") {
				ps.add("%s: backendRef %s: nothing in this directory defines it", d, key)
				continue
			}
			if !slices.ContainsFunc(svc.Spec.Ports, func(p unitPort) bool { return p.Port == b.Port }) {
				ps.add("%s: backendRef %s port %d: the Service has no such port", d, key, b.Port)
			}
		}
	}
}

// checkWasmPlugin resolves an Istio WasmPlugin's targets: Gateways by
// targetRefs, or the workloads its selector picks, which need a sidecar.
func checkWasmPlugin(ps *problems, d *unitDoc, docs []*unitDoc, byKey, namespaces map[string]*unitDoc, targets map[string][]*unitDoc) {
	for _, r := range d.Spec.TargetRefs {
		key := refKey(r, d.Metadata.Namespace)
		if byKey[key] == nil {
			ps.add("%s: targetRef %s: nothing in this directory defines it", d, key)
			continue
		}
		targets[key] = append(targets[key], d)
	}
	if d.Spec.Selector == nil {
		return
	}
	found := false
	for _, o := range docs {
		if o.Kind != "Deployment" || o.Metadata.Namespace != d.Metadata.Namespace || !selects(d.Spec.Selector.MatchLabels, o.Spec.Template.Metadata.Labels) {
			continue
		}
		found = true
		targets[o.key()] = append(targets[o.key()], d)
		ns := namespaces[o.Metadata.Namespace]
		injected := o.Spec.Template.Metadata.Labels["sidecar.istio.io/inject"] == "true" ||
			(ns != nil && ns.Metadata.Labels["istio-injection"] == "enabled")
		if !injected {
			ps.add("%s: selects %s, whose pods get no sidecar to run the plugin (label the namespace istio-injection: enabled)", d, o)
		}
	}
	if !found {
		ps.add("%s: spec.selector %v selects no Deployment's pods in this directory", d, d.Spec.Selector.MatchLabels)
	}
}
