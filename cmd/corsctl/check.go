package main

import (
	"fmt"
	"io"

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
			fmt.Fprintf(stdout, "%s: ok: %s\n", file, countPolicies(set.Len()))
		} else {
			fmt.Fprintf(stdout, "%s%sok: %s\n", at(file, c.Line), wherePrefix(c), countPolicies(set.Len()))
		}
	}
	return status
}

func countPolicies(n int) string {
	if n == 1 {
		return "1 policy"
	}
	return fmt.Sprintf("%d policies", n)
}
