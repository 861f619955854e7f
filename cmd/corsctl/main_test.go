package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Repository files the commands are tried on.
const (
	envoyFile   = "../../envoy.yaml"
	istioFile   = "../../deploy/istio/sidecar/wasmplugin.yaml"
	egFile      = "../../deploy/envoy-gateway/oci/extensionpolicy.yaml"
	composeFile = "../../docker-compose.yaml"
)

// result is what one in-process run printed and returned.
type result struct {
	code           int
	stdout, stderr string
}

func runCorsctl(t *testing.T, stdin string, args ...string) result {
	t.Helper()
	var stdout, stderr bytes.Buffer
	code := run(args, strings.NewReader(stdin), &stdout, &stderr)
	return result{code, stdout.String(), stderr.String()}
}

// writeTemp writes content to a file in a fresh directory and returns its path.
func writeTemp(t *testing.T, name, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// edited returns a temporary copy of a repository file with one edit.
func edited(t *testing.T, path, old, new string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(b, []byte(old)) {
		t.Fatalf("%s no longer contains %q: update the test", path, old)
	}
	return writeTemp(t, filepath.Base(path), strings.Replace(string(b), old, new, 1))
}

// expect checks a result: exit code, and fragments each output must contain.
func expect(t *testing.T, r result, code int, stdout, stderr []string) {
	t.Helper()
	if r.code != code {
		t.Errorf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", r.code, code, r.stdout, r.stderr)
	}
	for _, s := range stdout {
		if !strings.Contains(r.stdout, s) {
			t.Errorf("stdout lacks %q:\n%s", s, r.stdout)
		}
	}
	for _, s := range stderr {
		if !strings.Contains(r.stderr, s) {
			t.Errorf("stderr lacks %q:\n%s", s, r.stderr)
		}
	}
}

func TestCommands(t *testing.T) {
	cases := []struct {
		name   string
		args   []string
		code   int
		stdout []string
		stderr []string
	}{
		{"no arguments", nil, exitUsage, nil, []string{"usage:"}},
		{"help", []string{"help"}, exitOK, []string{"corsctl check FILE|-", "corsctl explain"}, nil},
		{"unknown command", []string{"lint", "x.json"}, exitUsage, nil, []string{`unknown command "lint"`, "usage:"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			expect(t, runCorsctl(t, "", c.args...), c.code, c.stdout, c.stderr)
		})
	}
}
