package main

import (
	"bufio"
	"net"
	"net/http"
	"os"
	"os/exec"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
)

// quickStep is one command of README's quick start and the answer README
// says it gets.
type quickStep struct {
	command string // as written, continuation lines joined by the shell
	status  int
	headers map[string]string // lowercase name -> exact value
	absent  []string          // headers that must not be there
}

// readmeQuickStart extracts the commands between the quickstart markers of
// README.md and the "# =>" line under each.
func readmeQuickStart(t *testing.T, readme string) []quickStep {
	t.Helper()
	_, rest, ok := strings.Cut(readme, "<!-- quickstart:start -->")
	block, _, ok2 := strings.Cut(rest, "<!-- quickstart:end -->")
	if !ok || !ok2 {
		t.Fatal("README.md has no <!-- quickstart:start --> ... <!-- quickstart:end --> block")
	}
	var steps []quickStep
	var cmd strings.Builder
	for _, line := range strings.Split(block, "\n") {
		switch {
		case strings.HasPrefix(line, "```") || strings.TrimSpace(line) == "":
			if cmd.Len() > 0 {
				t.Fatalf("README quick start: command without a \"# =>\" answer: %s", cmd.String())
			}
		case strings.HasPrefix(line, "# => "):
			if cmd.Len() == 0 {
				t.Fatalf("README quick start: answer without a command: %s", line)
			}
			steps = append(steps, parseAnswer(t, cmd.String(), strings.TrimPrefix(line, "# => ")))
			cmd.Reset()
		case strings.HasPrefix(line, "#"):
			t.Fatalf("README quick start: a comment the test does not understand: %s", line)
		default:
			cmd.WriteString(line + "\n")
		}
	}
	if len(steps) == 0 {
		t.Fatal("README quick start has no commands")
	}
	return steps
}

// parseAnswer reads "STATUS prose; name: value; no name; ...".
func parseAnswer(t *testing.T, command, answer string) quickStep {
	s := quickStep{command: command, headers: map[string]string{}}
	parts := strings.Split(answer, "; ")
	n, err := strconv.Atoi(strings.Fields(parts[0])[0])
	if err != nil {
		t.Fatalf("README quick start: answer %q does not start with a status", answer)
	}
	s.status = n
	for _, p := range parts[1:] {
		if name, ok := strings.CutPrefix(p, "no "); ok {
			s.absent = append(s.absent, strings.ToLower(name))
			continue
		}
		name, value, ok := strings.Cut(p, ": ")
		if !ok {
			t.Fatalf("README quick start: %q in %q is neither \"name: value\" nor \"no name\"", p, answer)
		}
		s.headers[strings.ToLower(name)] = value
	}
	return s
}

// lockedLines collects what make run prints, for the test to wait on.
type lockedLines struct {
	mu    sync.Mutex
	all   strings.Builder
	lines chan string
}

// README's quick start, run as written against `make run` (ports from the OS:
// PORT=0 and the others, README documents PORT, and the commands get the
// proxy's real port instead of 10000). Then make is killed with SIGKILL, and
// devproxy must stop on its own and free the port.
func TestReadmeQuickStartAgainstMakeRun(t *testing.T) {
	for _, tool := range []string{"make", "curl", "sh"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Fatalf("the README quick start needs %s: %v", tool, err)
		}
	}
	b, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	readme := string(b)
	steps := readmeQuickStart(t, readme)
	if !strings.Contains(readme, "make run PORT=") || !strings.Contains(readme, "instead of 10000") {
		t.Fatal("README no longer documents `make run PORT=...` and using that port instead of 10000")
	}

	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	mk := exec.Command("make", "--no-print-directory", "run", "PORT=0", "API_PORT=0", "PAGE_PORT=0")
	mk.Dir = "../.."
	mk.Stdout, mk.Stderr = w, w
	if err := mk.Start(); err != nil {
		t.Fatal(err)
	}
	w.Close()
	killed := false
	defer func() {
		if !killed {
			_ = mk.Process.Kill()
			_ = mk.Wait()
		}
	}()
	out := &lockedLines{lines: make(chan string, 1024)}
	eof := make(chan struct{})
	go func() {
		defer close(eof)
		sc := bufio.NewScanner(r)
		for sc.Scan() {
			out.mu.Lock()
			out.all.WriteString(sc.Text() + "\n")
			out.mu.Unlock()
			select {
			case out.lines <- sc.Text():
			default:
			}
		}
	}()
	listening := regexp.MustCompile(`listening on http://127\.0\.0\.1:(\d+) -> `)
	port := ""
	for port == "" {
		select {
		case l := <-out.lines:
			if m := listening.FindStringSubmatch(l); m != nil {
				port = m[1]
			}
		case <-eof:
			t.Fatalf("make run exited before listening:\n%s", out.all.String())
		}
	}

	for i, s := range steps {
		command := strings.ReplaceAll(s.command, "127.0.0.1:10000", "127.0.0.1:"+port)
		t.Run("command "+strconv.Itoa(i+1), func(t *testing.T) {
			got, err := exec.Command("sh", "-c", command).Output()
			if err != nil {
				t.Fatalf("%s: %v", command, err)
			}
			resp, err := http.ReadResponse(bufio.NewReader(strings.NewReader(string(got))), nil)
			if err != nil {
				t.Fatalf("%s: not an HTTP answer (%v):\n%s", command, err, got)
			}
			resp.Body.Close()
			if resp.StatusCode != s.status {
				t.Errorf("%s\nstatus %d, README says %d\n%s", command, resp.StatusCode, s.status, got)
			}
			for name, want := range s.headers {
				if v := strings.Join(resp.Header.Values(name), ", "); v != want {
					t.Errorf("%s\n%s: %q, README says %q", command, name, v, want)
				}
			}
			for _, name := range s.absent {
				if v := resp.Header.Values(name); len(v) > 0 {
					t.Errorf("%s\n%s: %q, README says it is not sent", command, name, v)
				}
			}
		})
	}

	// The access-log line README quotes.
	_, after, _ := strings.Cut(readme, "<!-- quickstart:end -->")
	quoted := regexp.MustCompile("The access log then reads[^`]*`([^`]+)`").FindStringSubmatch(after)
	if quoted == nil {
		t.Fatal("README no longer quotes the access-log line after the quick start")
	}
	pattern := accessLinePattern(quoted[1])
	if pattern == nil {
		t.Fatalf("README's access-log line %q lacks the time of day or the latency", quoted[1])
	}

	// SIGKILL cannot be forwarded by make: devproxy must notice on its own.
	killed = true
	if err := mk.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	_ = mk.Wait()
	<-eof // every writer of the pipe is gone: devproxy has exited
	out.mu.Lock()
	log := out.all.String()
	out.mu.Unlock()
	if !slices.ContainsFunc(strings.Split(log, "\n"), pattern.MatchString) {
		t.Errorf("access log lacks the line README quotes, %q (time of day and latency aside):\n%s", quoted[1], log)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:"+port)
	if err != nil {
		t.Fatalf("port %s still held after make was killed: %v", port, err)
	}
	ln.Close()
}

// README names the Go version go.mod requires, and no page a user reads
// names another.
func TestReadmeGoVersionMatchesGoMod(t *testing.T) {
	mod, err := os.ReadFile("../../go.mod")
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`(?m)^go (\d+\.\d+)(\.\d+)?$`).FindSubmatch(mod)
	if m == nil {
		t.Fatal("go.mod has no go directive")
	}
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	want := "Go " + string(m[1]) + " or newer (go.mod says `go " + string(m[1]) + string(m[2]) + "`)"
	if !strings.Contains(string(readme), want) {
		t.Errorf("README does not say %q", want)
	}
	for _, page := range []string{"../../README.md", "../../docs/deploying.md", "../../docs/corsctl.md"} {
		text, err := os.ReadFile(page)
		if err != nil {
			t.Fatal(err)
		}
		for _, v := range regexp.MustCompile(`\bGo \(?(1\.\d+)`).FindAllSubmatch(text, -1) {
			if string(v[1]) != string(m[1]) {
				t.Errorf("%s names Go %s; go.mod requires %s", page, v[1], m[1])
			}
		}
	}
}

// README quotes the line `make test` prints when the browser suite skips;
// e2e's TestBrowserSkipIsReportedAndFailsUnderCI checks the suite writes it.
func TestReadmeQuotesTheBrowserSkipLine(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	src, err := os.ReadFile("../../e2e/browser_test.go")
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`const browserSkip = "([^"]+)"`).FindSubmatch(src)
	if m == nil {
		t.Fatal("e2e/browser_test.go no longer defines browserSkip")
	}
	if !strings.Contains(string(readme), "\n"+string(m[1])+"\n") {
		t.Errorf("README does not quote the SKIP line on its own line: %s", m[1])
	}
	mk, err := os.ReadFile("../../Makefile")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(mk), "CORS_WASM_SKIP_REPORT=") {
		t.Error("make test no longer collects the skip report")
	}
}
