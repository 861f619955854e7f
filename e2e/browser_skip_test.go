package e2e

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cors-wasm/cors-wasm/internal/skipreport"
)

// Without a browser the suite skips and reports the README's SKIP line to
// the file `make test` prints; with CI set it fails instead. The test binary
// runs itself with an empty PATH, so no chromium can be found.
func TestBrowserSkipIsReportedAndFailsUnderCI(t *testing.T) {
	for _, c := range []struct {
		name     string
		ci       bool
		wantFail bool
		want     string // in the report file (skip) or the output (failure)
	}{
		{"outside CI: skip, reported", false, false, browserSkip},
		{"under CI: failure", true, true, "CI is set but no chromium is installed"},
	} {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			report := filepath.Join(dir, "skipped.txt")
			cmd := exec.Command(os.Args[0], "-test.run", "^TestBrowserAvailable$", "-test.count", "1")
			for _, kv := range os.Environ() {
				if !strings.HasPrefix(kv, "CI=") && !strings.HasPrefix(kv, "PATH=") && !strings.HasPrefix(kv, skipreport.Env+"=") {
					cmd.Env = append(cmd.Env, kv)
				}
			}
			cmd.Env = append(cmd.Env, "PATH="+dir, skipreport.Env+"="+report)
			if c.ci {
				cmd.Env = append(cmd.Env, "CI=true")
			}
			out, err := cmd.CombinedOutput()
			if failed := err != nil; failed != c.wantFail {
				t.Fatalf("failed = %v (%v), want %v:\n%s", failed, err, c.wantFail, out)
			}
			got, _ := os.ReadFile(report)
			if c.wantFail {
				if !strings.Contains(string(out), c.want) {
					t.Errorf("output lacks %q:\n%s", c.want, out)
				}
				if len(got) != 0 {
					t.Errorf("a failure was reported as a skip: %q", got)
				}
				return
			}
			if string(got) != c.want+"\n" {
				t.Errorf("report file %q, want the line %q", got, c.want)
			}
		})
	}
}
