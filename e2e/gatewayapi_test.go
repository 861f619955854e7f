package e2e

import (
	"net/http"
	"testing"

	"github.com/cors-wasm/cors-wasm/policy/policytest"
)

// Gateway API's CORS contract (HTTPCORSFilter field docs, conformance test
// httproute-cors) through build/cors.wasm in wasmhost over HTTP.
func TestGatewayAPIContractOverHTTP(t *testing.T) {
	for _, profile := range profiles {
		t.Run(profile.String(), func(t *testing.T) {
			runContractOn(t, newProxyFor(t, profile, policytest.GatewayAPIConfig), policytest.GatewayAPICases)
		})
	}
}

// runContract runs contract cases against config through the module. The
// import round trip (importer_test.go) runs the same table on an imported
// configuration.
func runContract(t *testing.T, config string, cases []policytest.ContractCase) {
	t.Helper()
	runContractOn(t, newProxy(t, config), cases)
}

// runContractOn runs contract cases through a proxy.
func runContractOn(t *testing.T, p *proxy, cases []policytest.ContractCase) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.Name, func(t *testing.T) {
			p.up.answer(c.Case().UpstreamHeaders())
			before := p.up.calls.Load()
			resp, err := http.DefaultClient.Do(request(t, p.URL, c.Case()))
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if called := p.up.calls.Load() > before; called != c.Upstream {
				t.Errorf("upstream called %v, want %v", called, c.Upstream)
			}
			var lines [][2]string
			for k, vs := range resp.Header {
				for _, v := range vs {
					lines = append(lines, [2]string{k, v})
				}
			}
			for _, problem := range c.Problems(resp.StatusCode, lines) {
				t.Error(problem)
			}
		})
	}
}
