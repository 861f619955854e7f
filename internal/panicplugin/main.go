// Command panicplugin is a test plugin built on internal/abi whose stream
// callbacks panic when the request carries an x-panic header. It shows that
// the ABI layer recovers: the request continues untouched, one critical log
// line is written, and the VM keeps serving.
package main

import (
	"github.com/tetratelabs/proxy-wasm-go-sdk/proxywasm/types"

	"github.com/cors-wasm/cors-wasm/internal/abi"
)

func init() { abi.SetVMContext(&vm{host: abi.NewHost()}) }

func main() {}

type vm struct {
	types.DefaultVMContext
	host abi.Host
}

func (v *vm) NewPluginContext(uint32) types.PluginContext { return &plugin{host: v.host} }

type plugin struct {
	types.DefaultPluginContext
	host abi.Host
}

func (p *plugin) NewHttpContext(uint32) types.HttpContext { return &stream{host: p.host} }

type stream struct {
	types.DefaultHttpContext
	host     abi.Host
	panicked bool
}

func (s *stream) OnHttpRequestHeaders(int, bool) types.Action {
	if _, found, _ := s.host.RequestHeader("x-panic"); found {
		s.panicked = true
		var m map[string]int
		m["boom"] = 1 // a runtime error, not a deliberate panic(string)
	}
	return types.ActionPause
}

func (s *stream) OnHttpResponseHeaders(int, bool) types.Action {
	_ = s.host.AddResponseHeader("x-stream", "ok")
	return types.ActionContinue
}
