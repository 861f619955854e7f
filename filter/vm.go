package filter

import (
	"github.com/tetratelabs/proxy-wasm-go-sdk/proxywasm/types"

	"github.com/cors-wasm/cors-wasm/internal/abi"
)

// vmContext is the VM-wide context; it only makes plugin contexts.
type vmContext struct {
	types.DefaultVMContext
	host *abi.Host
}

// NewVMContext returns the plugin's VM context, talking to the proxy through host.
func NewVMContext(host *abi.Host) types.VMContext {
	return &vmContext{host: host}
}

// NewPluginContext is called once per plugin configuration (per listener).
func (vm *vmContext) NewPluginContext(contextID uint32) types.PluginContext {
	return &pluginContext{host: vm.host}
}

var _ types.VMContext = (*vmContext)(nil)
