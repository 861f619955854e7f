package main

import (
	"fmt"
	"io"
	"strings"

	"github.com/cors-wasm/cors-wasm/policy"
)

// runCheck: corsctl check FILE|-
func runCheck(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := newFlagSet(&checkCommand)
	if code, ok := parseOrUsage(&checkCommand, fs, args, stdout, stderr); !ok {
		return code
	}
	if fs.NArg() != 1 {
		return usageError(stderr, "check takes one FILE (or - for standard input)")
	}
	data, err := readInput(fs.Arg(0), stdin)
	if err != nil {
		return usageError(stderr, "%v", err)
	}
	file := displayName(fs.Arg(0))
	configs, err := findConfigs(data)
	if err != nil {
		fmt.Fprintf(stdout, "%s: %v\n", file, err)
		return exitConfig
	}
	status := exitOK
	for _, c := range configs {
		if c.Problem != "" {
			printProblem(stdout, file, c)
			status = exitConfig
			continue
		}
		set, err := policy.Load(c.JSON)
		if err != nil {
			printLocatedErrors(stdout, file, c, err)
			status = exitConfig
			continue
		}
		if c.Where == "" {
			fmt.Fprintf(stdout, "%s: ok: %s%s\n", file, countPolicies(set.Len()), metricsNote(set))
		} else {
			fmt.Fprintf(stdout, "%s%sok: %s%s\n", at(file, c.Line), wherePrefix(c), countPolicies(set.Len()), metricsNote(set))
		}
	}
	return status
}

// maxMetricPolicies bounds the policies check names metrics for.
const maxMetricPolicies = 5

// metricsNote names the metrics the policies get, as Envoy's /stats shows them.
func metricsNote(set *policy.Set) string {
	var names []string
	for i := 0; i < set.Len() && i < maxMetricPolicies; i++ {
		first := policy.CounterName(set.PolicyName(i), 0)
		names = append(names, "wasmcustom."+strings.TrimSuffix(first, policy.Counter(0).String())+"*")
	}
	if set.Len() > maxMetricPolicies {
		names = append(names, fmt.Sprintf("and %d more", set.Len()-maxMetricPolicies))
	}
	return "; Envoy metrics " + strings.Join(names, ", ")
}

func countPolicies(n int) string {
	if n == 1 {
		return "1 policy"
	}
	return fmt.Sprintf("%d policies", n)
}
