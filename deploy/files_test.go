// Package deploy_test checks the deployment files (envoy.yaml,
// docker-compose.yaml, deploy/istio, deploy/envoy-gateway), the snippets of
// docs/deploying.md that show them, and config.schema.json, against Envoy's
// and Istio's own API types and against package policy. No Envoy or
// Kubernetes is needed.
package deploy_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"sigs.k8s.io/yaml"
)

// Paths from this package's directory.
const (
	envoyFile   = "../envoy.yaml"
	composeFile = "../docker-compose.yaml"
	istioFile   = "istio/sidecar/wasmplugin.yaml"
	// istioGatewayFile attaches the plugin to a Gateway by targetRefs.
	istioGatewayFile = "istio/gateway/wasmplugin.yaml"
	schemaFile       = "../config.schema.json"
	builtWasm        = "build/cors.wasm" // as the Makefile names it, from the repository root

	// deployingFile shows the files above and the commands that use them;
	// readmeFile and corsctlDocFile are the other pages a user reads.
	deployingFile  = "../docs/deploying.md"
	readmeFile     = "../README.md"
	corsctlDocFile = "../docs/corsctl.md"
)

func readFile(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.FromSlash(path))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func yamlToJSON(t *testing.T, data []byte) []byte {
	t.Helper()
	j, err := yaml.YAMLToJSON(data)
	if err != nil {
		t.Fatal(err)
	}
	return j
}

// mutation is an edit of a good file that one check must catch, so that each
// check is shown to be able to fail.
type mutation struct {
	name     string
	old, new string
	want     string // a fragment of the expected problem
}

// runMutations applies each mutation to good and requires check to report a
// problem containing want.
func runMutations(t *testing.T, good []byte, muts []mutation, check func([]byte) []string) {
	t.Helper()
	for _, m := range muts {
		t.Run(m.name, func(t *testing.T) {
			if !strings.Contains(string(good), m.old) {
				t.Fatalf("the file no longer contains %q: update this mutation", m.old)
			}
			bad := strings.Replace(string(good), m.old, m.new, 1)
			problems := check([]byte(bad))
			for _, p := range problems {
				if strings.Contains(p, m.want) {
					return
				}
			}
			t.Errorf("no problem mentioning %q; got %q", m.want, problems)
		})
	}
}
