package e2e

import (
	"os"
	"testing"

	"github.com/cors-wasm/cors-wasm/internal/importer"
	"github.com/cors-wasm/cors-wasm/policy/policytest"
)

// Round trip: the Gateway API HTTPRoutes of the conformance setup, imported
// by `corsctl import`, loaded into build/cors.wasm, answer the Gateway API
// contract table.
func TestImportedGatewayAPIRoutesMeetTheContract(t *testing.T) {
	name := "../internal/importer/testdata/gatewayapi-conformance.yaml"
	data, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	cfg, rep, err := importer.Import([]importer.Source{{Name: name, Data: data}})
	if err != nil {
		t.Fatalf("import: %v\n%v", err, rep)
	}
	if rep.Lossy() {
		t.Fatalf("the conformance routes import with losses:\n%v", rep)
	}
	runContract(t, string(importer.Marshal(cfg)), policytest.GatewayAPICases)
}
