package main

import (
	"os"
	"os/exec"
	"regexp"
	"strings"
	"testing"
)

// subcommandNames are the commands the top-level usage lists.
func subcommandNames(t *testing.T) []string {
	t.Helper()
	var names []string
	for _, m := range regexp.MustCompile(`(?m)^  corsctl ([a-z]+) `).FindAllStringSubmatch(usage, -1) {
		names = append(names, m[1])
	}
	if len(names) < 2 {
		t.Fatalf("usage lists %v", names)
	}
	return names
}

// Every subcommand answers -h, -help, --help and `corsctl help NAME` with its
// usage, flags, an example and the exit statuses, on stdout with status 0
// (not "flag: help requested").
func TestEverySubcommandHasUsage(t *testing.T) {
	for _, name := range subcommandNames(t) {
		for _, args := range [][]string{{name, "-h"}, {name, "-help"}, {name, "--help"}, {"help", name}} {
			t.Run(strings.Join(args, " "), func(t *testing.T) {
				r := runCorsctl(t, "", args...)
				expect(t, r, exitOK, []string{"usage: corsctl " + name, "Flags:", "Examples:\n  corsctl " + name + " ", "Exit status: 0 ok, 1 "}, nil)
				if strings.Contains(r.stdout+r.stderr, "help requested") {
					t.Errorf("prints the flag package's \"help requested\":\n%s%s", r.stdout, r.stderr)
				}
			})
		}
	}
	// explain lists each of its flags.
	r := runCorsctl(t, "", "explain", "-h")
	for _, f := range []string{"-acrh", "-acrm", "-config", "-header", "-host", "-method", "-origin", "-path"} {
		if !strings.Contains(r.stdout, "\n  "+f+" ") {
			t.Errorf("explain -h does not list %s:\n%s", f, r.stdout)
		}
	}
}

// A bad flag is a usage error (2) with the command's usage on stderr.
func TestBadFlagPrintsUsage(t *testing.T) {
	for _, name := range []string{"check", "explain"} {
		r := runCorsctl(t, "", name, "-no-such-flag")
		expect(t, r, exitUsage, nil, []string{"flag provided but not defined: -no-such-flag", "usage: corsctl " + name})
	}
}

// The examples in the usage texts run, from the repository root, and succeed.
func TestUsageExamplesRun(t *testing.T) {
	for _, c := range []*subcommand{&checkCommand, &explainCommand, &importCommand} {
		for _, ex := range c.examples {
			if strings.Contains(ex, "|") {
				continue // reads from kubectl
			}
			t.Run(ex, func(t *testing.T) {
				args := strings.Fields(ex)[1:]
				for i, a := range args {
					if _, err := os.Stat("../../" + a); err == nil && !strings.HasPrefix(a, "-") {
						args[i] = "../../" + a
					}
				}
				r := runCorsctl(t, "", args...)
				if r.code != exitOK {
					t.Errorf("exit %d\nstdout:\n%s\nstderr:\n%s", r.code, r.stdout, r.stderr)
				}
			})
		}
	}
}

// -acrh describes a preflight header; without -acrm the request would be an
// actual request that ignores it, so explain refuses rather than explain a
// different request.
func TestExplainRefusesACRHWithoutACRM(t *testing.T) {
	cfg := writeTemp(t, "c.json", `{"policies":[{"name":"p","allow_origins":["https://app.example.com"]}]}`)
	r := runCorsctl(t, "", "explain", "-config", cfg, "-origin", "https://app.example.com", "-acrh", "x-a")
	expect(t, r, exitUsage, nil, []string{"-acrh without -acrm", "add -acrm METHOD"})
	if r.stdout != "" {
		t.Errorf("explained anyway:\n%s", r.stdout)
	}
	// With -acrm it is a preflight.
	r = runCorsctl(t, "", "explain", "-config", cfg, "-origin", "https://app.example.com", "-acrm", "GET", "-acrh", "x-a")
	expect(t, r, exitOK, []string{"kind: preflight", `detail: headers: a requested header is not allowed: "x-a"`}, nil)
}

// The built binary's exit status is run's (2 for usage errors, 1 for a
// refused configuration), which `go run` would flatten to 1; the docs tell
// users to run build/corsctl and never `go run ./cmd/corsctl`.
func TestBuiltBinaryExitStatuses(t *testing.T) {
	bin := t.TempDir() + "/corsctl"
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	bad := writeTemp(t, "bad.json", `{"policies":[{"name":"p","allow_origins":["*"],"allow_credentials":true}]}`)
	for _, c := range []struct {
		args []string
		want int
	}{
		{[]string{"check", "../../examples/config.json"}, exitOK},
		{[]string{"check", bad}, exitConfig},
		{[]string{"check", "-no-such-flag"}, exitUsage},
		{[]string{"explain", "-config", bad, "-acrh", "x"}, exitUsage},
	} {
		err := exec.Command(bin, c.args...).Run()
		code := 0
		if ee, ok := err.(*exec.ExitError); ok {
			code = ee.ExitCode()
		} else if err != nil {
			t.Fatal(err)
		}
		if code != c.want {
			t.Errorf("corsctl %s: exit %d, want %d", strings.Join(c.args, " "), code, c.want)
		}
	}
	for _, page := range userPages {
		text, err := os.ReadFile(page)
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(string(text), "go run ./cmd/corsctl") {
			t.Errorf("%s runs corsctl with `go run`, which turns exit status 2 into 1", page)
		}
		if strings.Contains(string(text), "build/corsctl") && !strings.Contains(string(text), "make corsctl") {
			t.Errorf("%s runs build/corsctl but does not say how to build it (make corsctl)", page)
		}
	}
	if page := readString(t, corsctlPage); !strings.Contains(page, "build/corsctl") {
		t.Errorf("%s does not run the built binary, build/corsctl", corsctlPage)
	}
}
