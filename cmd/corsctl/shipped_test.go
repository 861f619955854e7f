package main

import (
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/tidwall/gjson"

	"github.com/cors-wasm/cors-wasm/internal/configfile"
)

// repoRoot is the repository, from this package's directory.
const repoRoot = "../.."

// corsctlPage is docs/corsctl.md, which shows corsctl's commands and output;
// userPages are all the pages that tell users how to run it.
const corsctlPage = repoRoot + "/docs/corsctl.md"

var userPages = []string{repoRoot + "/README.md", corsctlPage, repoRoot + "/docs/deploying.md"}

// shippedWithConfig are files known to carry a cors-wasm configuration; the
// walk below must find them, so it cannot pass by finding nothing.
var shippedWithConfig = []string{
	"examples/config.json",
	"envoy.yaml",
	"deploy/istio/sidecar/wasmplugin.yaml",
	"deploy/istio/gateway/wasmplugin.yaml",
	"deploy/envoy-gateway/oci/extensionpolicy.yaml",
	"deploy/envoy-gateway/http/extensionpolicy.yaml",
}

// shippedConfigFiles walks the repository for YAML and JSON files that carry
// a cors-wasm configuration: a JSON object with "policies", or a deployment
// file in which configfile finds one. Test data (testdata/, which holds
// refused configurations on purpose) and build outputs are not shipped.
func shippedConfigFiles(t *testing.T) []string {
	t.Helper()
	var files []string
	err := filepath.WalkDir(repoRoot, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			switch d.Name() {
			case ".git", "build", "testdata", "node_modules":
				return filepath.SkipDir
			}
			return nil
		}
		ext := filepath.Ext(path)
		if ext != ".json" && ext != ".yaml" && ext != ".yml" {
			return nil
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		kind, configs, err := configfile.Find(data)
		switch {
		case err != nil || len(configs) == 0:
			return nil
		case kind == configfile.KindConfig && !gjson.GetBytes(data, "policies").Exists():
			return nil // other JSON: a schema, an assertion table
		}
		rel, _ := filepath.Rel(repoRoot, path)
		files = append(files, filepath.ToSlash(rel))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

// TestCheckEveryShippedFile runs `corsctl check` on every file of the
// repository that carries a configuration: each must pass as shipped.
func TestCheckEveryShippedFile(t *testing.T) {
	files := shippedConfigFiles(t)
	for _, want := range shippedWithConfig {
		if !slices.Contains(files, want) {
			t.Errorf("%s carries a configuration but the walk did not find it (found %q)", want, files)
		}
	}
	for _, f := range files {
		t.Run(f, func(t *testing.T) {
			r := runCorsctl(t, "", "check", filepath.Join(repoRoot, f))
			if r.code != exitOK || !strings.Contains(r.stdout, "ok: ") {
				t.Errorf("corsctl check %s: exit %d\n%s%s", f, r.code, r.stdout, r.stderr)
			}
		})
	}
}

// TestDocCheckExample: docs/corsctl.md's example of a refused envoy.yaml is
// what check prints for envoy.yaml with that error, at the line it names.
func TestDocCheckExample(t *testing.T) {
	page, err := os.ReadFile(corsctlPage)
	if err != nil {
		t.Fatal(err)
	}
	var example string
	for _, l := range strings.Split(string(page), "\n") {
		if strings.HasPrefix(l, "envoy.yaml:") && strings.Contains(l, "policies[0].max_age: 600000:") {
			example = l
		}
	}
	if example == "" {
		t.Fatal("docs/corsctl.md shows no `envoy.yaml:N: policies[0].max_age: 600000: ...` example")
	}
	bad := edited(t, envoyFile, `"max_age": 600`, `"max_age": 600000`)
	r := runCorsctl(t, "", "check", bad)
	if got := strings.TrimSpace(strings.ReplaceAll(r.stdout, bad, "envoy.yaml")); got != example {
		t.Errorf("docs/corsctl.md example:\n%s\ncheck prints:\n%s", example, got)
	}
}

// TestDocExplainFixExample: docs/corsctl.md's fix example is what explain
// prints for envoy.yaml and a preflight asking for x-foo.
func TestDocExplainFixExample(t *testing.T) {
	page, err := os.ReadFile(corsctlPage)
	if err != nil {
		t.Fatal(err)
	}
	_, rest, ok := strings.Cut(string(page), "`fix: add x-foo to policies[0].allow_headers (envoy.yaml:")
	if !ok {
		t.Fatal("docs/corsctl.md shows no `fix: add x-foo to policies[0].allow_headers (envoy.yaml:N)` example")
	}
	line, _, _ := strings.Cut(rest, ")`")
	r := runCorsctl(t, "", "explain", "-config", envoyFile, "-origin", "http://localhost:3000", "-acrm", "PUT", "-acrh", "x-foo")
	want := "fix: add x-foo to policies[0].allow_headers (" + envoyFile + ":" + line + ")\n"
	if !strings.HasSuffix(r.stdout, want) {
		t.Errorf("docs/corsctl.md example line %s; explain prints:\n%s", line, r.stdout)
	}
}
