package e2e

import (
	"context"
	"slices"
	"testing"

	"github.com/cors-wasm/cors-wasm/policy/policytest"
	"github.com/cors-wasm/cors-wasm/wasmhost"
)

// Envoy runs the plugin's own proxy_on_response_headers on the local replies
// it sends (wasmhost does too, see wasmhost/stream.go encodeLocalReply). The
// filter must leave its preflight answers and 403s exactly as it sent them:
// same status, the same Access-Control-* lines, one Vary line.
func TestLocalRepliesLeaveTheResponseCallbackUnchanged(t *testing.T) {
	vms := map[string]*wasmhost.VM{}
	replies := 0
	for _, c := range policytest.Cases {
		if c.Want.Upstream {
			continue
		}
		t.Run(c.Name, func(t *testing.T) {
			vm := vms[c.Config]
			if vm == nil {
				var err error
				vm, err = pluginModule(t).NewVM(context.Background(), wasmhost.VMConfig{PluginConfig: []byte(policytest.Configs[c.Config])})
				if err != nil {
					t.Fatal(err)
				}
				vms[c.Config] = vm
			}
			s := vm.NewStream()
			defer s.Close()
			if _, err := s.RequestHeaders(c.RequestHeaders(), true); err != nil {
				t.Fatal(err)
			}
			r, ok := s.Local()
			if !ok {
				t.Fatal("no local reply")
			}
			replies++
			if int(r.Status) != c.Want.Status {
				t.Errorf("status %d after the response callback, want %d", r.Status, c.Want.Status)
			}
			if !slices.Equal(r.Headers, r.Sent) {
				t.Errorf("the response callback changed the reply:\n sent %q\n got  %q", r.Sent, r.Headers)
			}
			vary := 0
			for _, l := range r.Headers {
				if l[0] == "vary" {
					vary++
				}
			}
			if vary > 1 {
				t.Errorf("%d Vary lines, want one: %q", vary, r.Headers)
			}
		})
	}
	for _, vm := range vms {
		vm.Close()
	}
	if replies == 0 {
		t.Fatal("the tables hold no local reply")
	}
}
