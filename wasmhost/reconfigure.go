package wasmhost

import "errors"

// Reconfiguration as Envoy does it. A new plugin configuration for the same
// module and VM configuration reuses the VM (proxy-wasm-cpp-host src/wasm.cc
// getOrCreateThreadLocalPlugin keys VMs by vm_key): it gets a new root
// context (WasmBase::start -> ContextBase::onStart: proxy_on_context_create
// with parent 0, proxy_on_vm_start; then WasmBase::configure ->
// proxy_on_configure). Streams already running keep the root they were
// created under; when the old configuration is drained its root context is
// shut down (WasmBase::startShutdown: proxy_on_done, then proxy_on_delete).
// A configuration the plugin refuses is rejected (Envoy NACKs the update) and
// the old one keeps serving.

// rootState is one root (plugin) context of a VM.
type rootState struct {
	streams int  // live streams created under it
	retired bool // a newer configuration replaced it
}

// startRoot creates a root context and applies config to it. A refused
// configuration returns a *ConfigError with the plugin's log lines and
// leaves no root behind (the refused root gets proxy_on_done and
// proxy_on_delete at once; Envoy keeps it until the refused plugin's handle
// goes away).
func (vm *VM) startRoot(config []byte) (uint32, error) {
	id := vm.allocID()
	vm.roots[id] = &rootState{}
	vm.setCurrent(id, nil)
	if _, err := vm.call(vm.exports.contextCreate, uint64(id), 0); err != nil {
		return 0, err
	}
	start := vm.logs.Len()
	vm.phase = phaseVMStart
	ok, err := vm.callBool(vm.exports.vmStart, uint64(id), 0)
	if err == nil && ok {
		vm.phase, vm.config = phaseConfigure, config
		ok, err = vm.callBool(vm.exports.configure, uint64(id), uint64(len(config)))
	}
	vm.phase = phaseCallback
	if err != nil {
		return 0, err
	}
	if !ok {
		refused := &ConfigError{Logs: vm.logs.Since(start)}
		if err := vm.finishRoot(id); err != nil {
			return 0, err
		}
		return 0, refused
	}
	return id, nil
}

// activate makes root the one new streams are created under and retires
// the previous one, which is shut down once its last stream has finished.
func (vm *VM) activate(root uint32) error {
	old := vm.root
	vm.root = root
	if r := vm.roots[old]; r != nil {
		r.retired = true
		if r.streams == 0 {
			return vm.finishRoot(old)
		}
	}
	return nil
}

// Reconfigure applies a new plugin configuration to this VM: a new root
// context, while streams in flight finish under the old one. A refused
// configuration returns a *ConfigError and the old configuration keeps
// serving.
func (vm *VM) Reconfigure(config []byte) error {
	root, err := vm.startRoot(config)
	if err != nil {
		return err
	}
	return vm.activate(root)
}

// finishRoot shuts a root context down: proxy_on_done, proxy_on_delete.
func (vm *VM) finishRoot(id uint32) error {
	delete(vm.roots, id)
	vm.setCurrent(id, nil)
	_, err := vm.call(vm.exports.onDone, uint64(id))
	if err == nil {
		_, err = vm.call(vm.exports.onDelete, uint64(id))
	}
	vm.setCurrent(vm.root, nil)
	return err
}

// releaseRoot is called when a stream created under root has finished.
func (vm *VM) releaseRoot(root uint32) error {
	r := vm.roots[root]
	if r == nil {
		return nil
	}
	r.streams--
	if r.retired && r.streams == 0 {
		return vm.finishRoot(root)
	}
	return nil
}

// Roots is the number of root contexts alive in the VM (the active one and
// retired ones with streams still running).
func (vm *VM) Roots() int { return len(vm.roots) }

// allocID returns the next context id; roots and streams share the space, as
// in Envoy (WasmBase::allocContextId).
func (vm *VM) allocID() uint32 {
	for {
		id := vm.nextID
		vm.nextID++
		if vm.nextID == 0 {
			vm.nextID = 1
		}
		if _, live := vm.streams[id]; !live && vm.roots[id] == nil && id != 0 {
			return id
		}
	}
}

// Reconfigure applies config to every VM of the pool. Each VM first starts a
// root with it; only if every VM accepted is it activated everywhere, so a
// refused configuration (a *ConfigError) changes nothing: the previous one
// keeps serving, as when Envoy rejects a configuration update.
func (p *Pool) Reconfigure(config []byte) error {
	started := make([]uint32, len(p.workers))
	var failure error
	for i, w := range p.workers {
		w.mu.Lock()
		if w.vm != nil {
			started[i], failure = w.vm.startRoot(config)
		}
		w.mu.Unlock()
		if failure != nil {
			break
		}
	}
	for i, w := range p.workers {
		if started[i] == 0 {
			continue
		}
		p.with(w, func(vm *VM) {
			if failure != nil {
				_ = vm.finishRoot(started[i])
			} else {
				_ = vm.activate(started[i])
			}
		})
	}
	if failure != nil {
		var ce *ConfigError
		if !errors.As(failure, &ce) {
			return errors.New("wasmhost: reconfiguring: " + failure.Error())
		}
		return failure
	}
	p.cfgMu.Lock()
	p.cfg.PluginConfig = config
	p.cfgMu.Unlock()
	return nil
}
