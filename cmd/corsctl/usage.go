package main

import (
	"bytes"
	"flag"
	"fmt"
	"io"
	"strings"
)

// exitStatuses ends every usage text: scripts and CI rely on them, and `go
// run` reports every non-zero status as 1, so README runs the built binary.
const exitStatuses = `Exit status: 0 ok, 1 configuration errors (or no cors-wasm configuration
found, or a test case that differs), 2 usage errors (bad flags or arguments,
unreadable file).
`

// subcommand describes one subcommand for its usage text.
type subcommand struct {
	name, synopsis, description string
	examples                    []string
}

var checkCommand = subcommand{
	name:     "check",
	synopsis: "corsctl check FILE|-",
	description: `Validate a cors-wasm configuration (JSON), or every one embedded in an Envoy
bootstrap, an Istio WasmPlugin or an Envoy Gateway EnvoyExtensionPolicy (YAML
or JSON), read as each platform hands it to the plugin. Prints each error at
its line in FILE with its JSON path, or "ok: N policies". - reads standard
input.`,
	examples: []string{
		"corsctl check examples/config.json",
		"corsctl check envoy.yaml",
		"corsctl check deploy/envoy-gateway/oci/extensionpolicy.yaml",
		"kubectl get wasmplugin cors -o yaml | corsctl check -",
	},
}

var explainCommand = subcommand{
	name: "explain",
	synopsis: `corsctl explain -config FILE|- [-method M] [-origin O] [-host H] [-path P]
                [-acrm M [-acrh LIST]] [-header "Name: value"]...`,
	description: `Show which policy applies to a request, the decision (allowed, or the reason
and the refused value), the counter it moves, and the exact response headers
the plugin would send, and for a refusal the one edit of the configuration
that lets the request through. With -acrm the request is a preflight (method OPTIONS
unless -method says otherwise); -acrh needs -acrm, as in a browser's preflight.`,
	examples: []string{
		"corsctl explain -config envoy.yaml -origin http://localhost:3000 -acrm PUT -acrh content-type",
		"corsctl explain -config examples/config.json -origin https://evil.example -path /api/items",
	},
}

// newFlagSet returns a flag set whose -h/-help prints the subcommand's usage
// (to stdout, as asked for) and whose errors come back to the caller.
func newFlagSet(c *subcommand) *flag.FlagSet {
	fs := flag.NewFlagSet(c.name, flag.ContinueOnError)
	fs.SetOutput(io.Discard) // parse errors are returned and printed by usageError
	return fs
}

// printUsage writes c's usage: synopsis, description, flags, examples and
// exit statuses.
func printUsage(w io.Writer, c *subcommand, fs *flag.FlagSet) {
	fmt.Fprintf(w, "usage: %s\n\n%s\n", c.synopsis, c.description)
	var flags bytes.Buffer
	fs.SetOutput(&flags)
	fs.PrintDefaults()
	fs.SetOutput(io.Discard)
	fmt.Fprintf(w, "\nFlags:\n%s  -h, -help\n    \tthis help\n", flags.String())
	fmt.Fprintf(w, "\nExamples:\n  %s\n\n%s", strings.Join(c.examples, "\n  "), exitStatuses)
}

// parseOrUsage parses args. -h and -help print the usage to stdout (exit 0);
// other errors print it to stderr (exit 2). ok is false when the caller must
// return code.
func parseOrUsage(c *subcommand, fs *flag.FlagSet, args []string, stdout, stderr io.Writer) (code int, ok bool) {
	err := fs.Parse(args)
	switch {
	case err == flag.ErrHelp:
		printUsage(stdout, c, fs)
		return exitOK, false
	case err != nil:
		fmt.Fprintf(stderr, "corsctl %s: %v\n\n", c.name, err)
		printUsage(stderr, c, fs)
		return exitUsage, false
	}
	return 0, true
}
