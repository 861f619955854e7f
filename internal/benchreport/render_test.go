package main

import (
	"strings"
	"testing"
)

// Each case's goals, in each engine, from raw benchmark lines.
func TestGoalMark(t *testing.T) {
	for _, c := range []struct {
		name, kase, cors, floor, calls string
		v8                             bool
		want                           string
	}{
		{"within every goal", "AllowedActual", "1400", "1000", "47", false, "yes"},
		{"ratio over 1.5x", "AllowedActual", "1600", "1000", "47", false, "no: ratio > 1.5x"},
		{"NoOrigin's tighter ratio", "NoOrigin", "1300", "1000", "23", false, "no: ratio > 1.25x"},
		{"calls risen", "AllowedPreflight", "1000", "1000", "47", false, "no: calls > 46"},
		{"V8 preflight guest over 400 ns", "AllowedPreflight", "1450", "1000", "40", true, "no: guest > 400 ns"},
		{"V8 actual: no guest bound", "AllowedActual", "1450", "1000", "40", true, "yes"},
		{"V8, several missed", "RejectedPreflightHeaders", "3000", "1000", "60", true, "no: ratio > 1.5x, calls > 50, guest > 400 ns"},
	} {
		t.Run(c.name, func(t *testing.T) {
			var in string
			if c.v8 {
				in = "BenchmarkV8Stream/" + c.kase + "-2 1 " + c.cors + " ns/op " + c.calls + " wasmcalls/op\n" +
					"BenchmarkV8FloorPluginStream/" + c.kase + "-2 1 " + c.floor + " ns/op 1 hostcalls/op\n"
			} else {
				in = "BenchmarkStream/" + c.kase + "/cors-2 1 " + c.cors + " ns/op " + c.calls + " wasmcalls/op\n" +
					"BenchmarkStream/" + c.kase + "/floor-2 1 " + c.floor + " ns/op 1 hostcalls/op\n"
			}
			r, err := parse(strings.NewReader(in))
			if err != nil {
				t.Fatal(err)
			}
			e := engines[0]
			if c.v8 {
				e = engines[1]
			}
			if got := r.goalMark(e, c.kase); got != c.want {
				t.Errorf("goalMark = %q, want %q", got, c.want)
			}
		})
	}
}

// The report opens with the two engine tables, states the host call's cost
// from the host-call plugin, and keeps benchstat's raw summary out.
func TestReportLayout(t *testing.T) {
	in := "# v8bench: host bench/v8host.mjs; 6 rounds\ncpu: Test CPU\n" +
		"BenchmarkV8HostCall/Lines1-2 1 100 ns/op 1 hostcalls/op\nBenchmarkV8HostCall/Lines9-2 1 420 ns/op 9 hostcalls/op\n" +
		"BenchmarkHostCall/Lines1-2 1 500 ns/op\nBenchmarkHostCall/Lines9-2 1 1700 ns/op\n"
	r, err := parse(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	out := render(r, method{benchtime: "300ms", v8Notes: r.v8Notes}, "build/benchstat.txt", "\nnotes\n")
	for _, want := range []string{
		"## wazero (wasmhost, compiler engine)\n\n| case | cors ns | floor ns | empty ns | cors ÷ floor | calls | goal met |",
		"## V8 (node --no-liftoff",
		"One host call costs 40 ns in this host (V8HostCall/Lines9 - Lines1, over 8).",
		"One host call costs 150 ns in this host (HostCall/Lines9 - Lines1, over 8).",
		"make bench BENCHCOUNT=1 BENCHTIME=300ms",
		"`v8bench: host bench/v8host.mjs; 6 rounds`",
		"<!-- notes:start -->\nnotes\n<!-- notes:end -->",
		"benchstat's summary in build/benchstat.txt",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("report lacks %q", want)
		}
	}
	if strings.Index(out, "## wazero") > strings.Index(out, "## Method") || strings.Contains(out, "```\ngoos:") {
		t.Error("the engine tables do not open the report, or benchstat's output is in it")
	}
}

// Ratios and guest costs pair each run's cors and floor batches: a slow
// round (the machine's load) moves both, not the ratio.
func TestPairedRatio(t *testing.T) {
	r, err := parse(strings.NewReader(
		"BenchmarkV8Stream/AllowedActual-2 1 1400 ns/op 47 wasmcalls/op\nBenchmarkV8FloorPluginStream/AllowedActual-2 1 1000 ns/op\n" +
			"BenchmarkV8Stream/AllowedActual-2 1 2800 ns/op 47 wasmcalls/op\nBenchmarkV8FloorPluginStream/AllowedActual-2 1 2000 ns/op\n" +
			"BenchmarkV8Stream/AllowedActual-2 1 1400 ns/op 47 wasmcalls/op\nBenchmarkV8FloorPluginStream/AllowedActual-2 1 1000 ns/op\n"))
	if err != nil {
		t.Fatal(err)
	}
	// Medians alone would give 1400 / 1000; pairs give 1.4 each, and 400, 800, 400.
	if got := r.pairedRatio(engines[1], "AllowedActual"); got != "1.40x" {
		t.Errorf("ratio %s, want 1.40x", got)
	}
	if got := r.guest(engines[1], "AllowedActual"); got != "400" {
		t.Errorf("guest %s, want 400", got)
	}
	r.samples["BenchmarkV8Stream/AllowedActual"]["ns/op"][1] = 4000 // one bad round of three
	if got := r.pairedRatio(engines[1], "AllowedActual"); got != "1.40x" {
		t.Errorf("ratio with one bad round %s, want 1.40x", got)
	}
}
