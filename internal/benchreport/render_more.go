package main

import (
	"fmt"
	"strings"
)

// renderMore writes the figures behind the two tables: host calls,
// allocations and memory per stream, the decision alone, the native engine
// against rs/cors, per-VM memory, start-up, and the other targets.
func (r *results) renderMore(b *strings.Builder) {
	w := func(format string, args ...any) { fmt.Fprintf(b, format, args...) }
	w("## Per stream in wazero: host calls, allocations, memory\n\n")
	w("| case | host calls/stream | guest allocs/stream | linear memory |\n|---|---:|---:|---:|\n")
	for _, c := range streamCases {
		n := "BenchmarkWasmStream/" + c
		w("| %s | %s | %s | %s |\n", c, r.cell(n, "hostcalls/op", "%.0f", 1), r.cell(n, "guest-allocs/op", "%.2f", 1),
			r.cell(n, "linear-mem-bytes", "%.1f MiB", 1.0/(1<<20)))
	}
	w("\n## The decision alone, inside the guest\n\n")
	w("`Set.Decide` compiled to wasm and run in a loop in the guest (internal/decideplugin, BenchmarkWasmDecide, in\n")
	w("wazero), next to the same call natively: what Go's wasm code costs apart from the ABI.\n\n")
	w("| case | policy in wasm ns/decision | policy native ns/op | wasm ÷ native |\n|---|---:|---:|---:|\n")
	for _, c := range streamCases {
		wd, nd := "BenchmarkWasmDecide/"+c, "BenchmarkNativeDecide/"+c
		w("| %s | %s | %s | %s |\n", c, r.cell(wd, "ns/decision", "%.0f", 1), r.cell(nd, "ns/op", "%.1f", 1),
			r.unitRatio(wd, "ns/decision", nd, "ns/op"))
	}
	w("\n## The same decisions natively\n\n")
	w("`policy` is the engine alone (`Set.Decide`, request built from the same header lines); `rs/cors` is\n")
	w("github.com/rs/cors v1.11 as net/http middleware in front of an empty handler, configured as close to the same\n")
	w("policy as it can express.\n\n")
	w("| case | policy ns/op | policy allocs/op | rs/cors ns/op | rs/cors allocs/op | rs/cors ÷ policy |\n")
	w("|---|---:|---:|---:|---:|---:|\n")
	for _, c := range streamCases {
		p, rs := "BenchmarkNativeDecide/"+c, "BenchmarkRSCors/"+c
		w("| %s | %s | %s | %s | %s | %s |\n", c, r.cell(p, "ns/op", "%.1f", 1), r.cell(p, "allocs/op", "%.0f", 1),
			r.cell(rs, "ns/op", "%.1f", 1), r.cell(rs, "allocs/op", "%.0f", 1), r.ratio(rs, p, "ns/op"))
	}
	w("\n## Per-VM memory (Envoy runs one VM per worker thread)\n\n")
	w("Linear memory of one VM after instantiate, `_initialize` and configure; compiled code of the module (shared by\n")
	w("the VMs of one process in both engines: wazero's compiled module as its compilation cache stores it, V8's code\n")
	w("space grown by compiling the module).\n\n")
	w("| configuration | wazero linear memory | wazero compiled code | V8 linear memory | V8 compiled code |\n|---|---:|---:|---:|---:|\n")
	for _, n := range []string{"Origins10", "Origins10000"} {
		z, v := "BenchmarkVMMemory/"+n, "BenchmarkV8VMMemory/"+n
		w("| %s | %s | %s | %s | %s |\n", n, r.cell(z, "linear-mem-bytes", "%.1f MiB", 1.0/(1<<20)),
			r.cell(z, "code-bytes", "%.1f MiB", 1.0/(1<<20)), r.cell(v, "linear-mem-bytes", "%.1f MiB", 1.0/(1<<20)),
			r.cell(v, "code-bytes", "%.1f MiB", 1.0/(1<<20)))
	}
	w("\n## Start-up\n\n| what | median |\n|---|---:|\n")
	w("| module size (build/cors.wasm) | %s |\n", r.cell("BenchmarkCompile/Cold", "module-bytes", "%.0f bytes", 1))
	w("| compile, cold | %s |\n", r.cell("BenchmarkCompile/Cold", "ns/op", "%.0f ms", 1e-6))
	w("| compile, from the on-disk compilation cache | %s |\n", r.cell("BenchmarkCompile/Cached", "ns/op", "%.1f ms", 1e-6))
	for _, n := range []string{"10", "1000", "10000"} {
		w("| instantiate + _initialize + configure, %s origins | %s |\n", n,
			r.cell("BenchmarkInstantiateConfigure/Origins"+n, "ns/op", "%.1f ms", 1e-6))
	}
	w("| linear memory after 1,000,000 mixed streams on one VM | %s |\n",
		r.cell("BenchmarkWasmMemoryAfter1MStreams", "linear-mem-bytes", "%.1f MiB", 1.0/(1<<20)))
	w("\n## Targets\n\n| target | measured | met |\n|---|---|:---:|\n")
	for _, t := range targets {
		m, ok, known := t.check(r)
		mark := "no"
		if ok {
			mark = "yes"
		}
		if !known {
			mark = "not measured"
		}
		w("| %s | %s | %s |\n", t.what, m, mark)
	}
}

// target reports whether a median meets a bound.
type target struct {
	what  string
	check func(r *results) (string, bool, bool) // measured, met, known
}

func bound(name, unit string, max, scale float64, format string) func(*results) (string, bool, bool) {
	return func(r *results) (string, bool, bool) {
		v, ok := r.median(name, unit)
		if !ok {
			return "n/a", false, false
		}
		return fmt.Sprintf(format, v*scale), v <= max, true
	}
}

func worst(names []string, unit string, max float64, format string) func(*results) (string, bool, bool) {
	return func(r *results) (string, bool, bool) {
		worstV, worstN := -1.0, ""
		for _, n := range names {
			v, ok := r.median(n, unit)
			if !ok {
				return "n/a", false, false
			}
			if v > worstV {
				worstV, worstN = v, n
			}
		}
		return fmt.Sprintf(format, worstV) + " (" + worstN[strings.LastIndexByte(worstN, '/')+1:] + ")", worstV <= max, true
	}
}

func prefixed(prefix string, cases ...string) []string {
	var out []string
	for _, c := range cases {
		out = append(out, prefix+c)
	}
	return out
}

// maxModuleBytes is build/cors.wasm's size before the hot-path work: it may not grow.
const maxModuleBytes = 3370697

// goalTarget checks one engine's goals over every case.
func goalTarget(e engine) func(*results) (string, bool, bool) {
	return func(r *results) (string, bool, bool) {
		var missed []string
		for _, c := range streamCases {
			switch m := r.goalMark(e, c); {
			case m == "not measured":
				return "n/a", false, false
			case m != "yes":
				missed = append(missed, c+" ("+strings.TrimPrefix(m, "no: ")+")")
			}
		}
		if len(missed) == 0 {
			return "every case", true, true
		}
		return "missed: " + strings.Join(missed, "; "), false, true
	}
}

var targets = []target{
	{"wazero: every case's goals (table above)", goalTarget(engines[0])},
	{"V8: every case's goals (table above)", goalTarget(engines[1])},
	{"one host call in the V8 host <= 100 ns", func(r *results) (string, bool, bool) {
		v, ok := r.hostCall(engines[1])
		return fmt.Sprintf("%.0f ns", v), v <= 100, ok
	}},
	{"zero guest allocations in steady state (worst)", worst(prefixed("BenchmarkWasmStream/", streamCases...), "guest-allocs/op", 0, "%.2f")},
	{"10,000 origins cost what 10 cost (ratio of medians <= 1.25)", func(r *results) (string, bool, bool) {
		x, ok1 := r.median("BenchmarkWasmStream/Origins10000", "ns/op")
		y, ok2 := r.median("BenchmarkWasmStream/Origins10", "ns/op")
		if !ok1 || !ok2 {
			return "n/a", false, false
		}
		return fmt.Sprintf("%.2fx", x/y), x/y <= 1.25, true
	}},
	{"build/cors.wasm <= 3,370,697 bytes", bound("BenchmarkCompile/Cold", "module-bytes", maxModuleBytes, 1, "%.0f bytes")},
	{"instantiate + configure <= 20 ms (10 origins)", bound("BenchmarkInstantiateConfigure/Origins10", "ns/op", 20e6, 1e-6, "%.1f ms")},
	{"policy decision natively <= 100 ns, 0 allocs (worst)", worst(prefixed("BenchmarkNativeDecide/", streamCases...), "ns/op", 100, "%.1f ns")},
}
