// Command benchreport turns the raw output of `make bench` (wazero and V8)
// into a report: one table per engine (each case through cors-wasm, its floor
// and the empty plugin, the ratio, the wasm calls and the goals met), the
// method as it was run (runs, time per run, each engine's host and what one
// host call costs there), then the figures behind them. The hand-written
// analysis between <!-- notes:start --> and <!-- notes:end --> is taken from
// -notes; benchstat's raw summary stays in its own file.
// `make bench` writes build/BENCHMARKS.md; only `make benchmarks-md` writes
// the tracked BENCHMARKS.md.
//
//	go run ./internal/benchreport -in build/bench-all.txt -benchstat build/benchstat.txt -notes BENCHMARKS.md -out build/BENCHMARKS.md
package main

import (
	"bufio"
	"flag"
	"fmt"
	"io"
	"os"
	"sort"
	"strconv"
	"strings"
)

// results holds every sample: name -> unit -> values.
type results struct {
	samples   map[string]map[string][]float64
	env       []string // goos, goarch, cpu lines
	v8Notes   []string // the V8 run's "# v8bench:" lines
	benchtime string   // from make bench's "# bench: benchtime T" line
	count     int
}

func parse(r io.Reader) (*results, error) {
	res := &results{samples: map[string]map[string][]float64{}}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		for _, p := range []string{"goos:", "goarch:", "cpu:"} {
			if strings.HasPrefix(line, p) && !contains(res.env, line) {
				res.env = append(res.env, line)
			}
		}
		if t, ok := strings.CutPrefix(line, "# bench: benchtime "); ok {
			res.benchtime = strings.TrimSpace(t)
		}
		if strings.HasPrefix(line, "# v8bench:") && !contains(res.v8Notes, line) {
			res.v8Notes = append(res.v8Notes, line)
		}
		f := strings.Fields(line)
		if len(f) < 4 || !strings.HasPrefix(f[0], "Benchmark") {
			continue
		}
		name := f[0]
		if i := strings.LastIndex(name, "-"); i > 0 {
			name = name[:i] // drop the GOMAXPROCS suffix
		}
		if i := strings.LastIndex(name, "#"); i > 0 {
			name = name[:i] // a later round of the same benchmark (BenchmarkStream's BENCH_ROUNDS)
		}
		name = streamName(name)
		m := res.samples[name]
		if m == nil {
			m = map[string][]float64{}
			res.samples[name] = m
		}
		for i := 2; i+1 < len(f); i += 2 {
			v, err := strconv.ParseFloat(f[i], 64)
			if err != nil {
				return nil, fmt.Errorf("%q: value %q: %v", line, f[i], err)
			}
			m[f[i+1]] = append(m[f[i+1]], v)
		}
		res.count = max(res.count, len(m["ns/op"]))
	}
	return res, sc.Err()
}

// streamName maps bench's interleaved BenchmarkStream/<case>/<plugin> to the
// per-plugin names the report uses.
func streamName(name string) string {
	rest, ok := strings.CutPrefix(name, "BenchmarkStream/")
	if !ok {
		return name
	}
	i := strings.LastIndexByte(rest, '/')
	if i < 0 {
		return name
	}
	prefix := map[string]string{"cors": "BenchmarkWasmStream/", "floor": "BenchmarkFloorPluginStream/",
		"empty": "BenchmarkEmptyPluginStream/"}[rest[i+1:]]
	if prefix == "" {
		return name
	}
	return prefix + rest[:i]
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// median returns the median of name's unit, and whether it was measured.
func (r *results) median(name, unit string) (float64, bool) {
	v := r.samples[name][unit]
	if len(v) == 0 {
		return 0, false
	}
	return medianOf(v), true
}

// medianOf is the median of v (not empty), which it leaves as it is.
func medianOf(v []float64) float64 {
	v = append([]float64(nil), v...)
	sort.Float64s(v)
	if len(v)%2 == 1 {
		return v[len(v)/2]
	}
	return (v[len(v)/2-1] + v[len(v)/2]) / 2
}

func main() {
	in := flag.String("in", "build/bench-all.txt", "raw `go test -bench` output (bench/v8bench.mjs prints the same format)")
	stat := flag.String("benchstat", "build/benchstat.txt", "benchstat's summary of the same file (named in the report, not copied)")
	out := flag.String("out", "build/BENCHMARKS.md", "report to write")
	notesFrom := flag.String("notes", "BENCHMARKS.md", "file whose hand-written analysis the report keeps")
	flag.Parse()
	f, err := os.Open(*in)
	if err != nil {
		fail(err)
	}
	res, err := parse(f)
	f.Close()
	if err != nil {
		fail(err)
	}
	if len(res.samples) == 0 {
		fail(fmt.Errorf("%s holds no benchmark results", *in))
	}
	notes := defaultNotes
	if old, err := os.ReadFile(*notesFrom); err == nil {
		if n, ok := between(string(old), notesStart, notesEnd); ok {
			notes = n
		}
	}
	benchtime := res.benchtime
	if benchtime == "" {
		benchtime = "go test's default"
	}
	report := render(res, method{benchtime: benchtime, v8Notes: res.v8Notes}, *stat, notes)
	if err := os.WriteFile(*out, []byte(report), 0o644); err != nil {
		fail(err)
	}
	fmt.Printf("wrote %s from %d benchmarks x %d runs\n", *out, len(res.samples), res.count)
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "benchreport:", err)
	os.Exit(1)
}

const (
	notesStart = "<!-- notes:start -->"
	notesEnd   = "<!-- notes:end -->"
)

func between(s, start, end string) (string, bool) {
	i := strings.Index(s, start)
	j := strings.Index(s, end)
	if i < 0 || j < i {
		return "", false
	}
	return s[i+len(start) : j], true
}

const defaultNotes = "\n(Write the analysis here; `make bench` keeps this part.)\n"
