package abi

import "runtime"

// yieldToGC lets a garbage collection that an allocation just started run
// to its end. A wasm reactor has no thread for the collector's background
// workers: they run only when the running goroutine yields, which a plugin
// never does. A cycle left running lasts for as long as the streams after it
// allocate nothing, and meanwhile every pointer write of every stream pays a
// write barrier and mark work (measured: 340 wasm calls per stream instead of
// 63 after configuring 10,000 origins). Called after the allocations of the
// slow paths (configure, a new stream context, a header callback whose host
// data outgrew the arena), never on the fast path. Not called inside
// proxy_on_memory_allocate, where the host waits in the middle of a call.
//
// On a host whose poll_oneoff answers ENOSYS it does nothing: yielding lets
// the runtime's background scavenger run, which parks on a timer; a timer
// starts the runtime's network poller, and from then on every collection's
// start-the-world calls poll_oneoff, which fails there and kills the VM
// ("fatal error: poll_oneoff failed", golang/go#78513, even with no os
// linked). RATIONALE.md, "No yielding to the GC on hosts without poll_oneoff".
func yieldToGC() { yield(8) }

// yield calls runtime.Gosched n times where the host's poll_oneoff works.
func yield(n int) {
	if !hostPollWorks() {
		return
	}
	for i := 0; i < n; i++ {
		runtime.Gosched()
	}
}

// YieldToGC is yieldToGC for plugins after configure-time allocation, with
// more yields: with one processor the collector's worker is a fractional one,
// which takes a share of the time since the cycle began, not of the yields,
// and a configuration of 10,000 origins leaves megabytes to mark.
func YieldToGC() { yield(4096) }
