// Command corsctl checks cors-wasm configurations before they are deployed
// and explains what the plugin would do with a request:
//
//	corsctl check FILE|-
//	corsctl explain -config FILE -method M -origin O [-header "Name: value"]...
//	corsctl test [-config FILE] TESTFILE
//
// check reads a plugin configuration (JSON), or an Envoy bootstrap, Istio
// WasmPlugin or Envoy Gateway EnvoyExtensionPolicy (YAML or JSON) and every
// cors-wasm configuration embedded in it, and prints each error at its line
// with its JSON path. test runs a table of expected decisions against a
// configuration. Exit status: 0 ok, 1 configuration errors or failed
// assertions, 2 usage errors.
package main

import (
	"fmt"
	"io"
	"os"
)

// Exit statuses.
const (
	exitOK     = 0
	exitConfig = 1 // the configuration is refused, or none was found
	exitUsage  = 2 // bad arguments or an unreadable file
)

const usage = `usage:
  corsctl check FILE|-
      Validate a cors-wasm configuration (JSON), or every one embedded in an
      Envoy bootstrap, an Istio WasmPlugin or an Envoy Gateway
      EnvoyExtensionPolicy (YAML or JSON). Prints each error at its line with
      its JSON path, or "ok: N policies".
  corsctl explain -config FILE|- [-method M] [-origin O] [-host H] [-path P]
                  [-acrm M] [-acrh LIST] [-header "Name: value"]...
      Show which policy applies to a request, the decision, the exact
      response headers the plugin would send, and for a refusal the one edit
      that lets it through.
  corsctl test [-config FILE] TESTFILE
      Run a table of expected decisions (request -> allowed or refused,
      headers that must or must not appear) against a configuration; exit 1
      on any mismatch, with what differs.
  corsctl import [-o FILE] [-allow-lossy] FILE|-...
      Turn Gateway API HTTPRoutes, Envoy Gateway SecurityPolicies, Istio
      VirtualServices and Envoy route configurations into one cors-wasm
      configuration, with a report of every setting on standard error.
'corsctl COMMAND -h' shows a command's flags and examples.
Exit status: 0 ok, 1 configuration errors (or failed assertions), 2 usage errors.
`

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

// run is the whole command, for tests to call in-process.
func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return exitUsage
	}
	switch args[0] {
	case "check":
		return runCheck(args[1:], stdin, stdout, stderr)
	case "explain":
		return runExplain(args[1:], stdin, stdout, stderr)
	case "import":
		return runImport(args[1:], stdin, stdout, stderr)
	case "test":
		return runTest(args[1:], stdin, stdout, stderr)
	case "help", "-h", "-help", "--help":
		if len(args) > 1 { // corsctl help COMMAND = corsctl COMMAND -h
			return run([]string{args[1], "-h"}, stdin, stdout, stderr)
		}
		fmt.Fprint(stdout, usage)
		return exitOK
	}
	fmt.Fprintf(stderr, "corsctl: unknown command %q\n%s", args[0], usage)
	return exitUsage
}

// usageError prints a usage problem and returns exitUsage.
func usageError(stderr io.Writer, format string, args ...any) int {
	fmt.Fprintf(stderr, "corsctl: "+format+"\n", args...)
	fmt.Fprint(stderr, "run 'corsctl help' or 'corsctl COMMAND -h' for usage\n")
	return exitUsage
}
