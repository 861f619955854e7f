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
	configs, err := findConfigs(data)
	if err != nil {
		fmt.Fprintln(stdout, err)
		return exitConfig
	}
	status := exitOK
	for _, c := range configs {
		prefix := wherePrefix(c)
		if c.Problem != "" {
			fmt.Fprintf(stdout, "%s%s\n", prefix, c.Problem)
			status = exitConfig
			continue
		}
		set, err := policy.Load(c.JSON)
		if err != nil {
			printLoadErrors(stdout, prefix, err)
			status = exitConfig
			continue
		}
		fmt.Fprintf(stdout, "%sok: %s\n", prefix, countPolicies(set.Len()))
	}
	return status
}

func countPolicies(n int) string {
	if n == 1 {
		return "1 policy"
	}
	return fmt.Sprintf("%d policies", n)
}
