package deploy_test

import (
	"os"
	"path"
	"slices"
	"strings"
	"testing"
)

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
