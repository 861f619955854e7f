package wasmhost

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
)

// Pool is a set of VMs with the same configuration, one per worker as in
// Envoy. A VM runs one callback at a time; streams interleave on it.
type Pool struct {
	module  *Module
	cfgMu   sync.Mutex // guards cfg.PluginConfig (Reconfigure)
	cfg     VMConfig
	workers []*worker
	next    atomic.Uint32
	// Replaced counts VMs replaced after a trap.
	Replaced atomic.Int64
}

type worker struct {
	mu sync.Mutex
	vm *VM
}

// NewPool starts n VMs. If the plugin refuses its configuration the error is
// a *ConfigError and nothing is left running.
func (m *Module) NewPool(ctx context.Context, n int, cfg VMConfig) (*Pool, error) {
	if n < 1 {
		return nil, errors.New("wasmhost: a pool needs at least one VM")
	}
	if cfg.Metrics == nil {
		cfg.Metrics = NewMetrics()
	}
	if cfg.Logs == nil {
		cfg.Logs = NewLogs(LevelInfo)
	}
	p := &Pool{module: m, cfg: cfg}
	for i := 0; i < n; i++ {
		vm, err := m.NewVM(ctx, cfg)
		if err != nil {
			p.Close()
			return nil, err
		}
		p.workers = append(p.workers, &worker{vm: vm})
	}
	return p, nil
}

// Metrics is the pool's shared stats store.
func (p *Pool) Metrics() *Metrics { return p.cfg.Metrics }

// Logs is the pool's shared log.
func (p *Pool) Logs() *Logs { return p.cfg.Logs }

// Close releases every VM.
func (p *Pool) Close() {
	for _, w := range p.workers {
		w.mu.Lock()
		if w.vm != nil {
			w.vm.Close()
			w.vm = nil
		}
		w.mu.Unlock()
	}
}

// pick returns a worker, round robin.
func (p *Pool) pick() *worker {
	return p.workers[int(p.next.Add(1))%len(p.workers)]
}

// with runs fn on the worker's VM under its lock; a trapped VM is replaced
// afterwards (Envoy would fail the stream and keep serving).
func (p *Pool) with(w *worker, fn func(vm *VM)) {
	w.mu.Lock()
	defer w.mu.Unlock()
	fn(w.vm)
	if err := w.vm.Trapped(); err != nil {
		p.cfg.Logs.add(LevelCritical, "wasmhost: the plugin trapped; the stream failed and the VM is replaced: "+err.Error())
		old := w.vm
		p.cfgMu.Lock()
		cfg := p.cfg
		p.cfgMu.Unlock()
		if vm, err := p.module.NewVM(context.Background(), cfg); err == nil {
			w.vm = vm
			p.Replaced.Add(1)
			old.Close()
		} else {
			p.cfg.Logs.add(LevelCritical, "wasmhost: cannot replace a trapped VM: "+err.Error())
		}
	}
}
