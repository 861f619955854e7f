package main

import (
	"fmt"
	"io"
	"os"

	"github.com/cors-wasm/cors-wasm/internal/importer"
	"github.com/cors-wasm/cors-wasm/policy"
)

var importCommand = subcommand{
	name:     "import",
	synopsis: "corsctl import [-o FILE] [-allow-lossy] FILE|-...",
	description: `Read Gateway API HTTPRoutes, Envoy Gateway SecurityPolicies, Istio
VirtualServices and Envoy bootstraps or RouteConfigurations (YAML or JSON,
several documents per file) and write one cors-wasm configuration to standard
output (or -o FILE). Routes keep the order each source picks them in, and
routes without CORS become no_cors policies, so the configuration never grants
what the source does not. The report on standard error lists every setting at
its line: mapped, changed (and why), dropped (cannot be expressed, or refused by
the plugin), ignored. When anything is dropped nothing is written and the exit
status is 1, unless -allow-lossy (what was dropped then grants nothing).
- reads standard input.`,
	examples: []string{
		"corsctl import internal/importer/testdata/gatewayapi-conformance.yaml",
		"corsctl import -allow-lossy internal/importer/testdata/istio.yaml",
	},
}

// runImport is `corsctl import`.
func runImport(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := newFlagSet(&importCommand)
	out := fs.String("o", "", "write the configuration to `FILE` instead of standard output")
	lossy := fs.Bool("allow-lossy", false, "write the configuration even when settings were dropped (they grant nothing)")
	if code, ok := parseOrUsage(&importCommand, fs, args, stdout, stderr); !ok {
		return code
	}
	files := fs.Args()
	if len(files) == 0 {
		return usageError(stderr, "import: no input files")
	}
	var srcs []importer.Source
	for _, name := range files {
		data, err := readInput(name, stdin)
		if err != nil {
			fmt.Fprintf(stderr, "corsctl: %v\n", err)
			return exitUsage
		}
		srcs = append(srcs, importer.Source{Name: name, Data: data})
	}
	cfg, rep, err := importer.Import(srcs)
	if rep != nil {
		fmt.Fprint(stderr, rep.String())
	}
	if err != nil {
		fmt.Fprintf(stderr, "%v\n", err)
		return exitConfig
	}
	data := importer.Marshal(cfg)
	if _, err := policy.Load(data); err != nil {
		// Import promises a configuration the plugin accepts; say so loudly if not.
		printLoadErrors(stderr, "corsctl import: bug: the written configuration is refused: ", err)
		return exitConfig
	}
	if rep.Lossy() && !*lossy {
		fmt.Fprintln(stderr, "not written: settings were dropped (see above); rerun with -allow-lossy to write the configuration anyway")
		return exitConfig
	}
	if *out == "" {
		_, err = stdout.Write(data)
	} else {
		err = os.WriteFile(*out, data, 0o644)
	}
	if err != nil {
		fmt.Fprintf(stderr, "corsctl: %v\n", err)
		return exitUsage
	}
	return exitOK
}
