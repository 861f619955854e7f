package wasmhost

import (
	"context"

	"github.com/tetratelabs/wazero/api"
)

// The metric host calls (abi.go has the table of every env function).

// proxyDefineMetric gives ids as Envoy does (source/extensions/common/wasm/
// wasm.h nextCounterMetricId etc.): per VM, the type in the low two bits and
// a step of 4 per definition, so the first counter is 4, the first gauge 5.
// Defining a name again gives a new id for the same metric.
func proxyDefineMetric(ctx context.Context, _ api.Module, stack []uint64) {
	vm := enter(ctx, "proxy_define_metric")
	t := metricType(stack[0])
	name, ok := vm.readString(stack[1], stack[2])
	if !ok {
		stack[0] = statusInvalidMemory
		return
	}
	if t > metricHistogram {
		stack[0] = statusBadArgument
		return
	}
	vm.ids[t] = append(vm.ids[t], vm.metrics.define(name, t))
	id := uint32(len(vm.ids[t]))<<2 | uint32(t)
	if !vm.mem.WriteUint32Le(uint32(stack[3]), id) {
		stack[0] = statusInvalidMemory
		return
	}
	stack[0] = statusOK
}

// metric finds an id's metric from the type in its low bits.
func (vm *VM) metric(id uint64) (*metric, metricType) {
	t := metricType(id & 3)
	if t > metricHistogram {
		return nil, t
	}
	i := id >> 2
	if i == 0 || i > uint64(len(vm.ids[t])) {
		return nil, t
	}
	return vm.ids[t][i-1], t
}

// proxyIncrementMetric: counters take only increments > 0 (BAD_ARGUMENT
// otherwise), gauges any; histograms cannot be incremented.
func proxyIncrementMetric(ctx context.Context, _ api.Module, stack []uint64) {
	vm := enter(ctx, "proxy_increment_metric")
	m, t := vm.metric(stack[0])
	delta := int64(stack[1])
	switch {
	case t == metricHistogram || t > metricHistogram:
		stack[0] = statusBadArgument
	case m == nil:
		stack[0] = statusNotFound
	case t == metricCounter && delta <= 0:
		stack[0] = statusBadArgument
	default:
		m.value.Add(delta)
		if vm.cur != nil && t == metricCounter {
			vm.cur.counted = append(vm.cur.counted, m)
		}
		stack[0] = statusOK
	}
}

// proxyRecordMetric: on a counter Envoy adds the value; a gauge is set; a
// histogram records it.
func proxyRecordMetric(ctx context.Context, _ api.Module, stack []uint64) {
	vm := enter(ctx, "proxy_record_metric")
	m, t := vm.metric(stack[0])
	switch {
	case m == nil:
		stack[0] = statusNotFound
		return
	case t == metricCounter:
		m.value.Add(int64(stack[1]))
	case t == metricGauge:
		m.value.Store(int64(stack[1]))
	default:
		m.value.Add(int64(stack[1]))
		m.count.Add(1)
	}
	stack[0] = statusOK
}

// proxyGetMetric reads a counter or gauge; a histogram is BAD_ARGUMENT.
func proxyGetMetric(ctx context.Context, _ api.Module, stack []uint64) {
	vm := enter(ctx, "proxy_get_metric")
	m, t := vm.metric(stack[0])
	switch {
	case t >= metricHistogram:
		stack[0] = statusBadArgument
		return
	case m == nil:
		stack[0] = statusNotFound
		return
	}
	if !vm.mem.WriteUint64Le(uint32(stack[1]), uint64(m.value.Load())) {
		stack[0] = statusInvalidMemory
		return
	}
	stack[0] = statusOK
}
