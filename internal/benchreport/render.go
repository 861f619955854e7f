package main

import (
	"fmt"
	"strings"
)

var streamCases = []string{"NoOrigin", "AllowedActual", "AllowedPreflight", "RejectedPreflightOrigin",
	"RejectedPreflightHeaders", "AdversarialACRH1MiB", "Origins10", "Origins10000"}

// Goals per stream, in both engines: cors-wasm within ratio x its floor
// plugin, no more wasm calls than callBudget (the counts before the V8-host
// work: they may not rise), and in V8 a preflight's own cost (cors - floor)
// within maxPreflightGuestNs.
const (
	noOriginRatio, otherRatio = 1.25, 1.5
	maxPreflightGuestNs       = 400
)

var callBudget = map[string]float64{"NoOrigin": 23, "AllowedActual": 50, "AllowedPreflight": 46,
	"RejectedPreflightOrigin": 48, "RejectedPreflightHeaders": 50, "AdversarialACRH1MiB": 47, "Origins10": 47,
	"Origins10000": 47}

// preflightCases are the preflights whose guest cost the V8 goal bounds (the
// 1 MiB one is bounded by its limits instead: the host copies a mebibyte).
var preflightCases = map[string]bool{"AllowedPreflight": true, "RejectedPreflightOrigin": true, "RejectedPreflightHeaders": true}

func maxRatio(c string) float64 {
	if c == "NoOrigin" {
		return noOriginRatio
	}
	return otherRatio
}

// engine is one Wasm engine's benchmark names.
type engine struct {
	title, cors, floor, empty, hostCall string
	v8                                  bool
}

var engines = []engine{
	{"wazero (wasmhost, compiler engine)", "BenchmarkWasmStream/", "BenchmarkFloorPluginStream/", "BenchmarkEmptyPluginStream/", "BenchmarkHostCall/", false},
	{"V8 (node --no-liftoff: TurboFan only, as Envoy runs it)", "BenchmarkV8Stream/", "BenchmarkV8FloorPluginStream/", "BenchmarkV8EmptyPluginStream/", "BenchmarkV8HostCall/", true},
}

// cell formats a median, or "n/a" when it was not measured.
func (r *results) cell(name, unit, format string, scale float64) string {
	v, ok := r.median(name, unit)
	if !ok {
		return "n/a"
	}
	return fmt.Sprintf(format, v*scale)
}

// hostCall is what one host call costs in an engine's host: the difference
// between streams that make 9 and 1 of them, over 8.
func (r *results) hostCall(e engine) (float64, bool) {
	x, ok1 := r.median(e.hostCall+"Lines9", "ns/op")
	y, ok2 := r.median(e.hostCall+"Lines1", "ns/op")
	return (x - y) / 8, ok1 && ok2
}

// unitRatio is a's median in unit ua over b's in ub.
func (r *results) unitRatio(a, ua, b, ub string) string {
	x, ok1 := r.median(a, ua)
	y, ok2 := r.median(b, ub)
	if !ok1 || !ok2 || y == 0 {
		return "n/a"
	}
	return fmt.Sprintf("%.2fx", x/y)
}

// ratio is a's median over b's, both in unit.
func (r *results) ratio(a, b, unit string) string { return r.unitRatio(a, unit, b, unit) }

// paired is the median, over the runs, of f applied to a's and b's n-th
// samples in unit: the benchmarks run a case's plugins back to back in every
// round, so run n of the two saw the same load of the shared machine. With
// unequal sample counts it falls back to f of the two medians.
func (r *results) paired(a, b, unit string, f func(x, y float64) float64) (float64, bool) {
	xs, ys := r.samples[a][unit], r.samples[b][unit]
	if len(xs) == 0 || len(ys) == 0 {
		return 0, false
	}
	if len(xs) != len(ys) {
		x, _ := r.median(a, unit)
		y, _ := r.median(b, unit)
		return f(x, y), true
	}
	v := make([]float64, len(xs))
	for i := range xs {
		v[i] = f(xs[i], ys[i])
	}
	return medianOf(v), true
}

var (
	ratioOf = func(x, y float64) float64 { return x / y }
	diffOf  = func(x, y float64) float64 { return x - y }
)

// goalMark says whether a case meets its goals in an engine, naming those missed.
func (r *results) goalMark(e engine, c string) string {
	calls, ok1 := r.median(e.cors+c, "wasmcalls/op")
	ratio, ok2 := r.paired(e.cors+c, e.floor+c, "ns/op", ratioOf)
	guest, ok3 := r.paired(e.cors+c, e.floor+c, "ns/op", diffOf)
	if !ok1 || !ok2 || !ok3 {
		return "not measured"
	}
	var miss []string
	if ratio > maxRatio(c) {
		miss = append(miss, fmt.Sprintf("ratio > %gx", maxRatio(c)))
	}
	if calls > callBudget[c] {
		miss = append(miss, fmt.Sprintf("calls > %.0f", callBudget[c]))
	}
	if e.v8 && preflightCases[c] && guest > maxPreflightGuestNs {
		miss = append(miss, fmt.Sprintf("guest > %d ns", maxPreflightGuestNs))
	}
	if len(miss) == 0 {
		return "yes"
	}
	return "no: " + strings.Join(miss, ", ")
}

// guest is cors minus floor, paired run by run: what the plugin's own code costs.
func (r *results) guest(e engine, c string) string {
	v, ok := r.paired(e.cors+c, e.floor+c, "ns/op", diffOf)
	if !ok {
		return "n/a"
	}
	return fmt.Sprintf("%.0f", v)
}

// pairedRatio formats cors ÷ floor, paired run by run.
func (r *results) pairedRatio(e engine, c string) string {
	v, ok := r.paired(e.cors+c, e.floor+c, "ns/op", ratioOf)
	if !ok {
		return "n/a"
	}
	return fmt.Sprintf("%.2fx", v)
}

func render(r *results, m method, statPath, notes string) string {
	var b strings.Builder
	w := func(format string, args ...any) { fmt.Fprintf(&b, format, args...) }
	w("# Benchmarks\n\n")
	w("What a request costs cors-wasm, per whole stream, in the two Wasm engines that matter: V8, as Envoy runs plugins,\n")
	w("and wazero, in which the repository's own host (wasmhost) runs them. Each case runs through cors-wasm, a *floor*\n")
	w("plugin that makes exactly cors-wasm's host calls for that case with constant data and no CORS logic\n")
	w("(internal/floorplugin; bench/TestFloorMatchesFilter holds the two equal), and an *empty* plugin whose exports\n")
	w("return at once. cors ÷ floor is what cors-wasm's own code adds; *calls* are wasm function calls per stream\n")
	w("(guest functions plus host functions called, counted in wazero with a function listener: they do not move with\n")
	w("the machine's load, and the guest code is the same in both engines). Goals: cors ÷ floor <= %.2fx without\n", noOriginRatio)
	w("Origin and <= %.1fx in every other case; calls no more than before this work; in V8 a preflight's own cost\n", otherRatio)
	w("(cors - floor) <= %d ns.\n\n", maxPreflightGuestNs)
	for _, e := range engines {
		r.engineTable(&b, e)
	}
	r.renderMethod(&b, m, statPath)
	r.renderMore(&b)
	w("\n## Analysis\n\n%s%s%s\n", notesStart, notes, notesEnd)
	return b.String()
}

// engineTable is one engine's table: per case the three plugins, the ratio,
// the calls and whether the goals are met.
func (r *results) engineTable(b *strings.Builder, e engine) {
	w := func(format string, args ...any) { fmt.Fprintf(b, format, args...) }
	w("## %s\n\n", e.title)
	if e.v8 {
		w("| case | cors ns | floor ns | empty ns | guest ns (cors - floor) | cors ÷ floor | calls | goal met |\n")
		w("|---|---:|---:|---:|---:|---:|---:|---|\n")
	} else {
		w("| case | cors ns | floor ns | empty ns | cors ÷ floor | calls | goal met |\n")
		w("|---|---:|---:|---:|---:|---:|---|\n")
	}
	for _, c := range streamCases {
		cors, floor := e.cors+c, e.floor+c
		w("| %s | %s | %s | %s |", c, r.cell(cors, "ns/op", "%.0f", 1), r.cell(floor, "ns/op", "%.0f", 1),
			r.cell(e.empty+c, "ns/op", "%.0f", 1))
		if e.v8 {
			w(" %s |", r.guest(e, c))
		}
		w(" %s | %s | %s |\n", r.pairedRatio(e, c), r.cell(cors, "wasmcalls/op", "%.0f", 1), r.goalMark(e, c))
	}
	if hc, ok := r.hostCall(e); ok {
		w("\nOne host call costs %.0f ns in this host (%sLines9 - Lines1, over 8).\n", hc, strings.TrimPrefix(e.hostCall, "Benchmark"))
	}
	w("\n")
}

// method is how the figures were made: the -benchtime the run used (the run
// count is the samples') and the V8 run's notes.
type method struct {
	benchtime string
	v8Notes   []string // the "# v8bench:" lines of the run
}

func (r *results) renderMethod(b *strings.Builder, m method, statPath string) {
	w := func(format string, args ...any) { fmt.Fprintf(b, format, args...) }
	w("## Method and how to reproduce\n\n")
	w("```sh\nmake bench BENCHCOUNT=%d BENCHTIME=%s   # results and this report in build/\nmake benchmarks-md                        # copies the report here, keeping the analysis below\n```\n\n", r.count, m.benchtime)
	w("- **wazero**: `BENCH_ROUNDS=%d go test -bench '^BenchmarkStream$' -count 1 -benchtime %s ./bench` runs each\n", r.count, m.benchtime)
	w("  case's cors, floor and empty plugin back to back, so that the load of the shared machine falls on the three\n")
	w("  alike, and repeats the whole rotation %d times; the other benchmarks run with `-count %d`. The host is\n", r.count, r.count)
	w("  wasmhost: Go host functions on wazero's compiler engine.\n")
	w("- **V8**: `node --no-liftoff bench/v8bench.mjs` after it has checked that every case gives, in its host, the local\n")
	w("  reply or response headers and the host calls that wasmhost gave. Its host (bench/v8host.mjs) keeps header\n")
	w("  maps as offsets into bytes encoded once, compares names in the guest's memory and copies what the guest adds\n")
	w("  into a store it reuses, so that a host call costs about what V8's call into JavaScript costs, as Envoy's C++\n")
	w("  host functions do. From the run:\n")
	for _, n := range m.v8Notes {
		w("  `%s`\n", strings.TrimPrefix(n, "# "))
	}
	w("- Every figure is the median of the runs (%d here); cors ÷ floor and guest ns are the medians of the ratios and\n", r.count)
	w("  differences of each run's cors and floor batches, which ran back to back. Times come from a shared 2-core\n")
	w("  machine and move by tens of percent between runs: read them as ratios within a run; the call counts are exact.\n\n")
	for _, env := range r.env {
		w("    %s\n", env)
	}
	w("\nThe raw results are in build/bench-all.txt after `make bench`, with benchstat's summary in %s.\n\n", statPath)
}
