// Command panicplugin is a test plugin built on internal/abi whose stream
// callbacks panic on demand: in proxy_on_request_headers when the request
// carries x-panic, in proxy_on_response_headers when it carries
// x-panic-response. It shows what the ABI layer does with a recovered panic:
// one critical log line, a local 500 without CORS headers (the request never
// reaches the upstream), and a VM that keeps serving.
package main

import (
	"github.com/tetratelabs/proxy-wasm-go-sdk/proxywasm/types"

	"github.com/cors-wasm/cors-wasm/internal/abi"
)

func init() { abi.SetVMContext(&vm{host: abi.NewHost()}) }

func main() {}

type vm struct {
	types.DefaultVMContext
	host *abi.Host
}

func (v *vm) NewPluginContext(uint32) types.PluginContext { return &plugin{host: v.host} }

type plugin struct {
	types.DefaultPluginContext
	host *abi.Host
}

func (p *plugin) NewHttpContext(uint32) types.HttpContext { return &stream{host: p.host} }

type stream struct {
	types.DefaultHttpContext
	host          *abi.Host
	panicResponse bool
}

func (s *stream) OnHttpRequestHeaders(int, bool) types.Action {
	if _, found, _ := s.host.RequestHeader("x-panic"); found {
		var m map[string]int
		m["boom"] = 1 // a runtime error, not a deliberate panic(string)
	}
	_, s.panicResponse, _ = s.host.RequestHeader("x-panic-response")
	return types.ActionContinue
}

func (s *stream) OnHttpResponseHeaders(int, bool) types.Action {
	if s.panicResponse {
		s.host.AddResponseHeader("access-control-allow-origin", "https://half-done.test")
		panic("response boom")
	}
	s.host.AddResponseHeader("x-stream", "ok")
	return types.ActionContinue
}
