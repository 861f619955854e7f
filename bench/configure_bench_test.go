package bench

import (
	"context"
	"encoding/json"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/cors-wasm/cors-wasm/internal/testwasm"
	"github.com/cors-wasm/cors-wasm/policy"
	"github.com/cors-wasm/cors-wasm/wasmhost"
)

// worstFamily is a kind of configuration that loads one kind of configure
// work, grown (n) until the work budget refuses it: the largest accepted one
// is the worst configuration of its kind within budget.
type worstFamily struct {
	name string
	gen  func(n int) string
	max  int // a limit of its own (0: none): at it, it is the worst
}

// regexCopies is n copies of expr, at most policy.MaxRegexes per policy.
func regexCopies(expr string) func(int) string {
	return func(n int) string {
		var ps []string
		for i := 0; i < n; i += policy.MaxRegexes {
			var rs []string
			for j := i; j < min(i+policy.MaxRegexes, n); j++ {
				rs = append(rs, expr)
			}
			q, _ := json.Marshal(rs)
			ps = append(ps, `{"name":"p`+strconv.Itoa(i)+`","match":{"path_prefixes":["/p`+strconv.Itoa(i)+`/"]},"allow_origin_regexes":`+string(q)+`}`)
		}
		return `{"policies":[` + strings.Join(ps, ",") + `]}`
	}
}

// The families whose work units took the most time each in build/cors.wasm
// (RATIONALE.md, "Configure work is counted"): the public-suffix searches
// under a domain with hundreds of rules below it, long alternations, compiling
// big and many regexes, and many list entries.
var worstFamilies = []worstFamily{
	{"SuffixSearch", regexCopies(`^https://[a-z0-9]+(-[a-z0-9]+)*\.(ab|cd)(ab|cd)(ab|cd)(ab|cd)\.amazonaws\.com$`), 0},
	{"SuffixTrials", regexCopies(`^https://(ab|cd)(ab|cd)(ab|cd)(ab|cd)[a-z]+\.amazonaws\.com$`), 0},
	{"ManyCases", regexCopies(`^https://[a-z]+\.` + strings.Repeat("(ab|cd)", 9) + `\.x0\.amazonaws\.com$`), 0},
	{"Alternations", regexCopies(`^https?://(` + hostAlternation(30) + `)\.example\.com$`), 0},
	{"LongRegexes", regexCopies(`^https://` + strings.Repeat("a", 960) + `\.example\.com$`), 0},
	{"BigPrograms", regexCopies(`^https://[a-z]{1,400}\.example\.com$`), 0},
	{"Origins", func(n int) string {
		os := make([]string, min(n, policy.MaxOrigins))
		for i := range os {
			os[i] = "https://o" + strconv.Itoa(i) + ".example.com"
		}
		q, _ := json.Marshal(os)
		return `{"policies":[{"name":"o","allow_origins":` + string(q) + `}]}`
	}, policy.MaxOrigins},
	{"Lists", func(n int) string {
		var names, methods []string
		for i := 0; i < policy.MaxListedNames; i++ {
			names = append(names, "x-h"+strconv.Itoa(i))
			methods = append(methods, "M"+strconv.Itoa(i))
		}
		hq, _ := json.Marshal(names)
		mq, _ := json.Marshal(methods)
		var ps []string
		for i := 0; i < min(n, policy.MaxPolicies); i++ {
			ps = append(ps, `{"name":"p`+strconv.Itoa(i)+`","match":{"path_prefixes":["/p`+strconv.Itoa(i)+`/"]},"allow_origins":["https://a.example.com"],`+
				`"allow_headers":`+string(hq)+`,"expose_headers":`+string(hq)+`,"allow_methods":`+string(mq)+`}`)
		}
		return `{"policies":[` + strings.Join(ps, ",") + `]}`
	}, policy.MaxPolicies},
}

func hostAlternation(n int) string {
	var hs []string
	for i := 0; i < n; i++ {
		hs = append(hs, "app"+strconv.Itoa(i))
	}
	return strings.Join(hs, "|")
}

var (
	worstMu   sync.Mutex
	worstSeen = map[string]worstConfig{}
)

type worstConfig struct {
	n      int
	config []byte
}

// worst returns the largest configuration of the family that policy.Load
// accepts (policy is the same code the .wasm runs): doubling, then bisecting.
func worst(tb testing.TB, f worstFamily) worstConfig {
	worstMu.Lock()
	defer worstMu.Unlock()
	if w, ok := worstSeen[f.name]; ok {
		return w
	}
	accepted := func(n int) bool {
		_, err := policy.Load([]byte(f.gen(n)))
		return err == nil
	}
	if !accepted(1) {
		tb.Fatalf("%s: one is refused: %.300v", f.name, func() error { _, err := policy.Load([]byte(f.gen(1))); return err }())
	}
	lo, hi := 1, 2
	for accepted(hi) {
		if f.max > 0 && hi >= f.max {
			hi = f.max + 1 // its own limit binds before the budget
			break
		}
		if lo, hi = hi, 2*hi; hi > 1<<20 {
			tb.Fatalf("%s: never refused: the work budget does not bound it", f.name)
		}
	}
	if f.max > 0 {
		hi = min(hi, f.max+1)
	}
	for hi-lo > 1 {
		if mid := (lo + hi) / 2; accepted(mid) {
			lo = mid
		} else {
			hi = mid
		}
	}
	w := worstConfig{lo, []byte(f.gen(lo))}
	worstSeen[f.name] = w
	return w
}

// BenchmarkConfigureWorst is a new VM (instantiate, _initialize, vm_start,
// configure) with the worst configuration of each family within the work
// budget: the configure-time bound. cpu-ns/op is the benchmark thread's CPU
// time (on Linux), which the other loads of a shared machine disturb less
// than ns/op.
func BenchmarkConfigureWorst(b *testing.B) {
	m := module(b, testwasm.Plugin)
	for _, f := range worstFamilies {
		w := worst(b, f)
		b.Run(f.name, func(b *testing.B) {
			runtime.LockOSThread()
			defer runtime.UnlockOSThread()
			var cpu int64
			for i := 0; i < b.N; i++ {
				start := threadCPU()
				vm, err := m.NewVM(context.Background(), wasmhost.VMConfig{PluginConfig: w.config})
				cpu += threadCPU() - start
				if err != nil {
					b.Fatalf("the plugin refused what policy.Load accepts: %.300v", err)
				}
				b.StopTimer()
				vm.Close()
				b.StartTimer()
			}
			b.ReportMetric(float64(cpu)/float64(b.N), "cpu-ns/op")
			b.ReportMetric(float64(w.n), "n")
			b.ReportMetric(float64(len(w.config)), "config-bytes")
		})
	}
}
