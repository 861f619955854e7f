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

// deployUnits are the directories README tells users to apply, with the
// GatewayClasses their platform's quickstart installs.
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

func TestDeployUnits(t *testing.T) {
	for _, u := range deployUnits {
		t.Run(u.dir, func(t *testing.T) {
			for _, p := range unitProblems(readUnit(t, u.dir), u.classes) {
				t.Error(p)
			}
		})
	}
}

// TestDeployUnitsListed: every directory of manifests under envoy-gateway/
// and istio/ is a unit checked above.
func TestDeployUnitsListed(t *testing.T) {
	listed := map[string]bool{}
	for _, u := range deployUnits {
		listed[u.dir] = true
	}
	for _, top := range []string{"envoy-gateway", "istio"} {
		entries, err := os.ReadDir(top)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range entries {
			dir := path.Join(top, e.Name())
			if !e.IsDir() {
				t.Errorf("%s: a manifest outside a unit directory (apply -f on %s/ would miss or mix it)", dir, top)
				continue
			}
			yamls, _ := os.ReadDir(dir)
			hasYAML := slices.ContainsFunc(yamls, func(f os.DirEntry) bool { return strings.HasSuffix(f.Name(), ".yaml") })
			if hasYAML && !listed[dir] {
				t.Errorf("%s holds manifests but is not in deployUnits", dir)
			}
		}
	}
}

// TestDeployVariantsShareFiles: the variants of one platform differ only in
// their policy file, so fixing one cannot leave the other behind.
func TestDeployVariantsShareFiles(t *testing.T) {
	for _, pair := range [][3]string{
		{"envoy-gateway/oci", "envoy-gateway/http", "demo.yaml gateway.yaml httproute.yaml"},
		{"istio/sidecar", "istio/gateway", "demo.yaml"},
	} {
		for _, f := range strings.Fields(pair[2]) {
			a, b := readFile(t, path.Join(pair[0], f)), readFile(t, path.Join(pair[1], f))
			if string(a) != string(b) {
				t.Errorf("%s/%s and %s/%s differ", pair[0], f, pair[1], f)
			}
		}
	}
}

func TestDeployUnitChecksCatchMistakes(t *testing.T) {
	egOCI, egHTTP := "envoy-gateway/oci", "envoy-gateway/http"
	cases := []struct {
		name       string
		dir, file  string
		old, new   string
		extra      map[string]string // files added to the unit
		wantInProb string
	}{
		{name: "two policies with one target", dir: egOCI,
			extra:      map[string]string{"zz-http.yaml": strings.Replace(string(readFile(t, egHTTP+"/extensionpolicy.yaml")), "name: cors\n", "name: cors-http\n", 1)},
			wantInProb: "two policies with one target, HTTPRoute demo/demo-api"},
		{name: "class nothing defines", dir: egOCI, file: "gateway.yaml", old: "gatewayClassName: eg", new: "gatewayClassName: envoy-gateway",
			wantInProb: `gatewayClassName "envoy-gateway"`},
		{name: "namespace nothing defines", dir: egOCI, file: "httproute.yaml", old: "namespace: demo", new: "namespace: web",
			wantInProb: `namespace "web" is not defined`},
		{name: "namespace defined after use", dir: egOCI, extra: map[string]string{"00-first.yaml": "apiVersion: v1\nkind: Service\nmetadata: {name: x, namespace: demo}\nspec: {selector: {app: demo-api}, ports: [{port: 3000}]}\n"},
			wantInProb: `namespace "demo" is not defined before it`},
		{name: "backend reference to nothing", dir: egOCI, file: "httproute.yaml", old: "- name: demo-api", new: "- name: demo-app",
			wantInProb: "backendRef Service demo/demo-app: nothing"},
		{name: "backend port nothing serves", dir: egOCI, file: "httproute.yaml", old: "port: 8080", new: "port: 80",
			wantInProb: "port 80: the Service has no such port"},
		{name: "policy on a route nothing defines", dir: egOCI, file: "extensionpolicy.yaml", old: "name: demo-api", new: "name: api",
			wantInProb: "targetRef HTTPRoute demo/api: nothing"},
		{name: "parent nothing defines", dir: egOCI, file: "httproute.yaml", old: "- name: public", new: "- name: private",
			wantInProb: "parentRef Gateway demo/private"},
		{name: "service selects nothing", dir: egOCI, file: "demo.yaml", old: "  selector:\n    app: demo-api", new: "  selector:\n    app: api",
			wantInProb: "selects no Deployment"},
		{name: "Istio: plugin selects nothing", dir: "istio/sidecar", file: "wasmplugin.yaml", old: "app: demo-api", new: "app: web",
			wantInProb: "selects no Deployment"},
		{name: "Istio: no sidecar", dir: "istio/sidecar", file: "demo.yaml", old: "istio-injection: enabled", new: "team: demo",
			wantInProb: "no sidecar"},
		{name: "Istio: class nothing defines", dir: "istio/gateway", file: "gateway.yaml", old: "gatewayClassName: istio", new: "gatewayClassName: eg",
			wantInProb: `gatewayClassName "eg"`},
		{name: "Istio: two plugins on one Gateway", dir: "istio/gateway",
			extra:      map[string]string{"zz-second.yaml": strings.Replace(string(readFile(t, "istio/gateway/wasmplugin.yaml")), "name: cors-gateway", "name: cors-second", 1)},
			wantInProb: "two policies with one target, Gateway demo/public"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			files := readUnit(t, c.dir)
			if c.old != "" {
				name := path.Join(c.dir, c.file)
				if !strings.Contains(string(files[name]), c.old) {
					t.Fatalf("%s no longer contains %q: update this case", name, c.old)
				}
				files[name] = []byte(strings.Replace(string(files[name]), c.old, c.new, 1))
			}
			for n, content := range c.extra {
				files[path.Join(c.dir, n)] = []byte(content)
			}
			probs := unitProblems(files, deployUnitClasses(c.dir))
			for _, p := range probs {
				if strings.Contains(p, c.wantInProb) {
					return
				}
			}
			t.Errorf("no problem mentioning %q; got %q", c.wantInProb, probs)
		})
	}
}

func deployUnitClasses(dir string) map[string]string {
	for _, u := range deployUnits {
		if u.dir == dir {
			return u.classes
		}
	}
	return nil
}
