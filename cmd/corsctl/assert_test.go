package main

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
)

const exampleTests = "../../examples/config.test.json"

// assertionsFor writes an assertion file with one case and no "config".
func assertionsFor(t *testing.T, request, expect string) string {
	t.Helper()
	return writeTemp(t, "cases.json", `{"cases": [{"name": "the case", "request": `+request+`, "expect": `+expect+`}]}`)
}

func TestAssertionsExample(t *testing.T) {
	r := runCorsctl(t, "", "test", exampleTests)
	expect(t, r, exitOK, []string{"ok   the demo page may PUT JSON\n", "corsctl test: all 9 cases as expected\n"}, nil)
	if strings.Contains(r.stdout, "FAIL") {
		t.Errorf("a case of the example fails:\n%s", r.stdout)
	}
}

// TestAssertionsReportWhatDiffers: every kind of expectation can fail, and
// says what was got and what was wanted.
func TestAssertionsReportWhatDiffers(t *testing.T) {
	cfg := "../../examples/config.json"
	const preflight = `{"origin": "http://localhost:3000", "acrm": "PUT", "acrh": "content-type"}`
	const actual = `{"origin": "http://localhost:3000"}`
	const evil = `{"origin": "https://evil.example"}`
	cases := []struct {
		name, request, expect string
		want                  []string
	}{
		{"allowed", evil, `{"allowed": true}`,
			[]string{`allowed: got no (origin: origin not allowed: "https://evil.example"), want yes`}},
		{"refused", actual, `{"allowed": false}`, []string{"allowed: got yes, want no"}},
		{"reason", `{"origin": "http://localhost:3000", "acrm": "PATCH"}`, `{"allowed": false, "reason": "headers"}`,
			[]string{"reason: got method, want headers"}},
		{"policy", actual, `{"allowed": true, "policy": "other"}`, []string{"policy: got demo_api, want other"}},
		{"no policy", actual, `{"allowed": true, "policy": ""}`, []string{"policy: got demo_api, want none"}},
		{"status", preflight, `{"allowed": true, "status": 204}`, []string{"status: got 200, want 204 from the proxy"}},
		{"status of a forwarded request", actual, `{"allowed": true, "status": 200}`,
			[]string{"status: got no local reply (forwarded), want 200 from the proxy"}},
		{"forwarded", preflight, `{"allowed": true, "forwarded": true}`, []string{"forwarded: got no, want yes"}},
		{"header value", preflight, `{"allowed": true, "headers": {"Access-Control-Allow-Methods": "PUT, DELETE"}}`,
			[]string{`header access-control-allow-methods: got "PUT", want "PUT, DELETE"`}},
		{"header missing", evil, `{"allowed": false, "headers": {"access-control-allow-origin": "https://evil.example"}}`,
			[]string{`header access-control-allow-origin: got absent, want "https://evil.example"`}},
		{"header present", actual, `{"allowed": true, "absent": ["access-control-allow-credentials"]}`,
			[]string{`header access-control-allow-credentials: got "true", want absent`}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			file := assertionsFor(t, c.request, c.expect)
			r := runCorsctl(t, "", "test", "-config", cfg, file)
			want := append([]string{"FAIL the case (" + file + ":1)\n", "corsctl test: 1 of 1 cases differ from " + cfg + "\n"}, c.want...)
			expect(t, r, exitConfig, want, nil)
		})
	}
}

func TestAssertionFileProblems(t *testing.T) {
	cases := []struct {
		name, file string
		code       int
		stdout     []string
		stderr     []string
	}{
		{"unknown key", `{"config": "c.json", "cases": [{"name": "a", "expect": {"allowd": true}}]}`, exitConfig,
			[]string{`(root): unknown field "allowd"`}, nil},
		{"syntax error at its line", "{\"cases\": [\n}", exitConfig, []string{"stdin:2: (root): invalid character"}, nil},
		{"no cases", `{"config": "c.json", "cases": []}`, exitConfig, []string{"cases: no cases"}, nil},
		{"allowed missing", `{"cases": [{"name": "a", "expect": {}}]}`, exitConfig, []string{"cases[0].expect.allowed: missing"}, nil},
		{"duplicate name", `{"cases": [{"name": "a", "expect": {"allowed": true}}, {"name": "a", "expect": {"allowed": true}}]}`, exitConfig,
			[]string{`cases[1].name: "a": another case has this name`}, nil},
		{"unknown reason", `{"cases": [{"name": "a", "expect": {"allowed": false, "reason": "cors"}}]}`, exitConfig,
			[]string{`cases[0].expect.reason: "cors": want one of origin, method, headers, private_network, limits`}, nil},
		{"reason of an allowed request", `{"cases": [{"name": "a", "expect": {"allowed": true, "reason": "origin"}}]}`, exitConfig,
			[]string{"cases[0].expect.reason: an allowed request has no reason"}, nil},
		{"acrh without acrm", `{"cases": [{"name": "a", "request": {"acrh": "x"}, "expect": {"allowed": true}}]}`, exitConfig,
			[]string{"cases[0].request.acrh: needs acrm"}, nil},
		{"malformed header", `{"cases": [{"name": "a", "request": {"headers": ["x"]}, "expect": {"allowed": true}}]}`, exitConfig,
			[]string{`cases[0].request.headers[0]: "x": want "Name: value"`}, nil},
		{"status and forwarded", `{"cases": [{"name": "a", "expect": {"allowed": true, "status": 200, "forwarded": true}}]}`, exitConfig,
			[]string{"cases[0].expect.status: a forwarded request"}, nil},
		{"no config", `{"cases": [{"name": "a", "expect": {"allowed": true}}]}`, exitUsage, nil,
			[]string{`has no "config"; name the configuration with -config FILE`}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			expect(t, runCorsctl(t, c.file, "test", "-"), c.code, c.stdout, c.stderr)
		})
	}
}

func TestAssertionsUsage(t *testing.T) {
	expect(t, runCorsctl(t, "", "test"), exitUsage, nil, []string{"test takes one TESTFILE"})
	expect(t, runCorsctl(t, "", "test", "/nonexistent.json"), exitUsage, nil, []string{"no such file"})
	// A refused configuration is reported as check reports it.
	bad := writeTemp(t, "bad.json", badConfig)
	expect(t, runCorsctl(t, "", "test", "-config", bad, exampleTests), exitConfig, []string{bad + ":2: policies[0].max_age: 100000"}, nil)
	// Any file check reads can be the configuration.
	file := assertionsFor(t, `{"path": "/api/items/1", "origin": "https://app.example.com", "acrm": "PATCH"}`,
		`{"allowed": true, "policy": "demo", "status": 200}`)
	expect(t, runCorsctl(t, "", "test", "-config", envoyFile, file), exitOK, []string{"ok   the case\n"}, nil)
}

// TestDocShowsAnExampleCase: the case docs/corsctl.md shows is one of
// examples/config.test.json, so it passes as shown.
func TestDocShowsAnExampleCase(t *testing.T) {
	page := readString(t, corsctlPage)
	_, rest, ok := strings.Cut(page, "# a case: ")
	if !ok {
		t.Fatal("docs/corsctl.md shows no `# a case: {...}`")
	}
	var shown strings.Builder
	for i, l := range strings.Split(rest, "\n") {
		if i > 0 && !strings.HasPrefix(l, "#          ") {
			break
		}
		shown.WriteString(strings.TrimPrefix(l, "#"))
	}
	var shownCase assertionCase
	if err := json.Unmarshal([]byte(shown.String()), &shownCase); err != nil {
		t.Fatalf("docs/corsctl.md's case is not JSON: %v\n%s", err, shown.String())
	}
	af, _, problems := parseAssertions([]byte(readString(t, exampleTests)))
	if len(problems) > 0 {
		t.Fatal(problems)
	}
	for _, c := range af.Cases {
		if c.Name == shownCase.Name {
			if !reflect.DeepEqual(c, shownCase) {
				t.Errorf("docs/corsctl.md's case %q differs from the example's:\n%+v\n%+v", c.Name, shownCase, c)
			}
			return
		}
	}
	t.Errorf("docs/corsctl.md's case %q is not in %s", shownCase.Name, exampleTests)
}
