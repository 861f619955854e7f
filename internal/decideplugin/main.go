// Command decideplugin measures the policy engine inside wasm. It is a
// proxy-wasm plugin built on internal/abi that compiles its configuration
// like cors-wasm, and on request headers reads every header line once, then
// runs policy.Set.Decide as many times as the x-repeat header says, and
// continues. Benchmarks divide a stream's time by a large repeat count to
// get the cost of one decision in the guest, next to the native figure.
package main

import (
	"strconv"

	"github.com/tetratelabs/proxy-wasm-go-sdk/proxywasm/types"

	"github.com/cors-wasm/cors-wasm/internal/abi"
	"github.com/cors-wasm/cors-wasm/policy"
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
	set  *policy.Set
	s    stream // one stream at a time in benchmarks; reused
}

func (p *plugin) OnPluginStart(int) types.OnPluginStartStatus {
	data, err := p.host.PluginConfig()
	if err != nil {
		return types.OnPluginStartStatusFailed
	}
	if p.set, err = policy.Load(data); err != nil {
		p.host.Log(abi.LogCritical, "decideplugin: "+err.Error())
		return types.OnPluginStartStatusFailed
	}
	return types.OnPluginStartStatusOK
}

func (p *plugin) NewHttpContext(uint32) types.HttpContext {
	p.s.plugin = p
	return &p.s
}

type stream struct {
	types.DefaultHttpContext
	plugin *plugin
	req    policy.Request
	d      policy.Decision
}

func (s *stream) OnHttpRequestHeaders(int, bool) types.Action {
	pairs, err := s.plugin.host.RequestHeaders(nil)
	if err != nil {
		return types.ActionContinue
	}
	s.req.Reset()
	repeat := 0
	for _, h := range pairs {
		if h.Name == "x-repeat" {
			repeat, _ = strconv.Atoi(h.Value)
			continue
		}
		s.req.AddHeader(h.Name, h.Value)
	}
	for i := 0; i < repeat; i++ {
		s.plugin.set.Decide(&s.req, &s.d)
	}
	s.req.Reset()
	return types.ActionContinue
}
