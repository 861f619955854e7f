package main

import (
	"net/http"
	"os"
	"regexp"
	"strings"
	"testing"
)

// readmeAccessLine is README's example access-log line, in backquotes after
// "The access log then reads".
func readmeAccessLine(t *testing.T) string {
	t.Helper()
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, rest, ok := strings.Cut(string(readme), "The access log then reads")
	if !ok {
		t.Fatal("README has no \"The access log then reads\" example")
	}
	_, rest, _ = strings.Cut(rest, "`")
	line, _, _ := strings.Cut(rest, "`")
	return line
}

// accessLinePattern turns an example line into a pattern a real line
// matches: its time of day and latency vary, the rest is exact. An example
// without them is no real line and gives nil.
func accessLinePattern(example string) *regexp.Regexp {
	clock := regexp.MustCompile(`^\d\d:\d\d:\d\d\.\d{3} `)
	latency := regexp.MustCompile(` [0-9.]+(ns|µs|ms|s)$`)
	if !clock.MatchString(example) || !latency.MatchString(example) {
		return nil
	}
	middle := latency.ReplaceAllString(clock.ReplaceAllString(example, ""), "")
	return regexp.MustCompile(`^\d\d:\d\d:\d\d\.\d{3} ` + regexp.QuoteMeta(middle) + ` [0-9.]+(ns|µs|ms|s)$`)
}

// TestReadmeAccessLogLineIsReal: README's example is a line devproxy prints
// for the quick start's last request, time of day and latency aside.
func TestReadmeAccessLogLineIsReal(t *testing.T) {
	example := readmeAccessLine(t)
	pattern := accessLinePattern(example)
	if pattern == nil {
		t.Fatalf("README's access-log example %q lacks the time of day or the latency every real line has", example)
	}
	d := startDevproxy(t, "-config", "../../examples/config.json")
	req, _ := http.NewRequest("OPTIONS", d.base+"/api/items/1", nil)
	req.Header.Set("Origin", "http://localhost:3000")
	req.Header.Set("Access-Control-Request-Method", "PATCH")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	d.stop()
	var lines []string
	for _, l := range strings.Split(d.stdout.String(), "\n") {
		if strings.Contains(l, " cors=") {
			lines = append(lines, l)
		}
	}
	if len(lines) != 1 || !pattern.MatchString(lines[0]) {
		t.Errorf("README's example %q does not match what devproxy printed:\n%s", example, strings.Join(lines, "\n"))
	}
}

func TestAccessLinePattern(t *testing.T) {
	for _, c := range []struct {
		example, real string
		match         bool
	}{
		{`14:02:07.513 GET "/" origin=- status=200 cors=no_origin 127µs`, `09:00:00.001 GET "/" origin=- status=200 cors=no_origin 1.2ms`, true},
		{`14:02:07.513 GET "/" origin=- status=200 cors=no_origin 127µs`, `09:00:00.001 GET "/" origin=- status=403 cors=no_origin 1ms`, false},
		{`GET "/" origin=- status=200 cors=no_origin`, "", false}, // no time, no latency: no pattern
	} {
		p := accessLinePattern(c.example)
		if got := p != nil && p.MatchString(c.real); got != c.match {
			t.Errorf("%q vs %q: match %v, want %v", c.example, c.real, got, c.match)
		}
	}
}
