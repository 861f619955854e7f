package main

import (
	"os"
	"strings"
	"testing"
)

// recipe returns the recipe lines of a Makefile target.
func recipe(makefile, target string) ([]string, bool) {
	var lines []string
	in := false
	for _, l := range strings.Split(makefile, "\n") {
		switch {
		case strings.HasPrefix(l, target+":"):
			in = true
		case in && strings.HasPrefix(l, "\t"):
			lines = append(lines, l)
		case in:
			return lines, true
		}
	}
	return lines, in
}

// `make bench` writes its results under build/ and never
// the tracked BENCHMARKS.md; only `make benchmarks-md` does.
func TestMakeBenchLeavesBenchmarksMd(t *testing.T) {
	b, err := os.ReadFile("../../Makefile")
	if err != nil {
		t.Fatal(err)
	}
	mk := string(b)
	bench, ok := recipe(mk, "bench")
	if !ok {
		t.Fatal("no bench target")
	}
	wrote := false
	for _, l := range bench {
		if strings.Contains(l, "benchreport") {
			if !strings.Contains(l, "-out build/") {
				t.Errorf("make bench writes its report outside build/: %s", strings.TrimSpace(l))
			}
			wrote = true
		}
		if strings.Contains(l, "> BENCHMARKS.md") || strings.Contains(l, "-out BENCHMARKS.md") {
			t.Errorf("make bench writes BENCHMARKS.md: %s", strings.TrimSpace(l))
		}
	}
	if !wrote {
		t.Error("make bench does not run benchreport")
	}
	md, ok := recipe(mk, "benchmarks-md")
	if !ok || !strings.Contains(strings.Join(md, "\n"), "-out BENCHMARKS.md") {
		t.Errorf("no benchmarks-md target writing BENCHMARKS.md: %q", md)
	}
}

func TestStreamName(t *testing.T) {
	for in, want := range map[string]string{
		"BenchmarkStream/NoOrigin/cors":       "BenchmarkWasmStream/NoOrigin",
		"BenchmarkStream/Origins10/floor":     "BenchmarkFloorPluginStream/Origins10",
		"BenchmarkStream/AllowedActual/empty": "BenchmarkEmptyPluginStream/AllowedActual",
		"BenchmarkStream/NoOrigin/other":      "BenchmarkStream/NoOrigin/other",
		"BenchmarkV8Stream/NoOrigin":          "BenchmarkV8Stream/NoOrigin",
	} {
		if got := streamName(in); got != want {
			t.Errorf("streamName(%q) = %q, want %q", in, got, want)
		}
	}
}

// Later rounds of BenchmarkStream (BENCH_ROUNDS) are the same benchmark.
func TestParseRounds(t *testing.T) {
	r, err := parse(strings.NewReader("BenchmarkStream/NoOrigin/cors-2 1 300 ns/op\n" +
		"BenchmarkStream/NoOrigin/cors#01-2 1 100 ns/op\nBenchmarkStream/NoOrigin/cors#02-2 1 200 ns/op\n"))
	if err != nil {
		t.Fatal(err)
	}
	if v, ok := r.median("BenchmarkWasmStream/NoOrigin", "ns/op"); !ok || v != 200 || r.count != 3 {
		t.Fatalf("median %v (%v) of %d runs, want 200 of 3", v, ok, r.count)
	}
}
