// Package testwasm builds wasm modules for tests from the current sources,
// so tests never run a stale build/cors.wasm.
package testwasm

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// Plugin and the test plugins are the main packages tests build.
const (
	Plugin      = "github.com/cors-wasm/cors-wasm/cmd/cors-wasm"
	EmptyPlugin = "github.com/cors-wasm/cors-wasm/internal/emptyplugin"
	TrapPlugin  = "github.com/cors-wasm/cors-wasm/internal/trapplugin"
	PanicPlugin = "github.com/cors-wasm/cors-wasm/internal/panicplugin"
	// HostCallPlugin makes one host call per request header line and nothing else.
	HostCallPlugin = "github.com/cors-wasm/cors-wasm/internal/hostcallplugin"
	// DecidePlugin runs policy decisions in a loop inside the guest.
	DecidePlugin = "github.com/cors-wasm/cors-wasm/internal/decideplugin"
	// ProbePlugin logs its callbacks and probes host behaviour on request.
	ProbePlugin = "github.com/cors-wasm/cors-wasm/internal/probeplugin"
	// FloorPlugin makes the host calls its configuration script lists, and nothing else.
	FloorPlugin = "github.com/cors-wasm/cors-wasm/internal/floorplugin"
)

var (
	mu    sync.Mutex
	built = map[string]string{}
	dir   string
)

// Build compiles pkg for wasip1 as a reactor (once per test process) and
// returns the module's bytes.
func Build(tb testing.TB, pkg string) []byte {
	tb.Helper()
	mu.Lock()
	defer mu.Unlock()
	path, ok := built[pkg]
	if !ok {
		if dir == "" {
			d, err := os.MkdirTemp("", "testwasm")
			if err != nil {
				tb.Fatal(err)
			}
			dir = d
		}
		path = filepath.Join(dir, strings.ReplaceAll(pkg, "/", "_")+".wasm")
		cmd := exec.Command("go", "build", "-buildmode=c-shared", "-trimpath", "-ldflags=-s -w", "-o", path, pkg)
		cmd.Env = append(os.Environ(), "GOOS=wasip1", "GOARCH=wasm")
		if out, err := cmd.CombinedOutput(); err != nil {
			tb.Fatalf("building %s: %v\n%s", pkg, err, out)
		}
		built[pkg] = path
	}
	b, err := os.ReadFile(path)
	if err != nil {
		tb.Fatal(err)
	}
	return b
}
