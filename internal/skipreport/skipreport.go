// Package skipreport makes a skipped test suite visible in `make test`.
//
// go test prints nothing but "ok" for a package whose tests pass, and a
// skipped test passes: its t.Skip message is shown only with -v. A suite that
// skips for lack of a tool (a browser, node) calls Skip, which also appends
// its line to the file named by $CORS_WASM_SKIP_REPORT; `make test` sets that
// variable and prints the file's lines after the tests.
package skipreport

import (
	"fmt"
	"os"
	"sync"
	"testing"
)

// Env names the file Skip appends to; unset, Skip only skips.
const Env = "CORS_WASM_SKIP_REPORT"

var (
	mu       sync.Mutex
	reported = map[string]bool{} // one line per suite, however many tests skip
)

// Skip records line in the report file (once per process) and skips t with it.
func Skip(t testing.TB, line string) {
	t.Helper()
	if err := record(line); err != nil {
		t.Logf("%s: %v", Env, err)
	}
	t.Skip(line)
}

func record(line string) error {
	path := os.Getenv(Env)
	if path == "" {
		return nil
	}
	mu.Lock()
	defer mu.Unlock()
	if reported[line] {
		return nil
	}
	reported[line] = true
	f, err := os.OpenFile(path, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		return err
	}
	if _, err := fmt.Fprintln(f, line); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
