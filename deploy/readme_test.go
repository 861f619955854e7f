package deploy_test

import (
	"os"
	"path"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/cors-wasm/cors-wasm/policy"
)

// deployingPage is docs/deploying.md, the page that shows the deployment
// files and the commands that use them.
func deployingPage(t *testing.T) string {
	t.Helper()
	return string(readFile(t, deployingFile))
}

// fencedBlocks returns the bodies of the ```lang blocks in md.
func fencedBlocks(md, lang string) []string {
	var blocks []string
	lines := strings.Split(md, "\n")
	for i := 0; i < len(lines); i++ {
		if strings.TrimSpace(lines[i]) != "```"+lang {
			continue
		}
		var body []string
		for i++; i < len(lines) && strings.TrimSpace(lines[i]) != "```"; i++ {
			body = append(body, lines[i])
		}
		blocks = append(blocks, strings.Join(body, "\n"))
	}
	return blocks
}

// TestDeployingYAMLIsTested: every ```yaml block of docs/deploying.md appears
// verbatim in a file the other tests check, so the page cannot show a
// configuration nobody validated.
func TestDeployingYAMLIsTested(t *testing.T) {
	files := map[string]string{}
	for _, f := range []string{envoyFile, composeFile, istioFile, istioGatewayFile, egGatewayFile, egRouteFile, egExtensionFile, egExtensionHTTP} {
		files[f] = string(readFile(t, f))
	}
	shown := map[string]bool{}
	blocks := fencedBlocks(deployingPage(t), "yaml")
	for i, b := range blocks {
		found := false
		for name, content := range files {
			if strings.Contains(content, b+"\n") {
				found, shown[name] = true, true
			}
		}
		if !found {
			t.Errorf("docs/deploying.md, yaml block %d is not verbatim in any checked deployment file:\n%s", i+1, b)
		}
	}
	for _, f := range []string{envoyFile, istioFile, istioGatewayFile, egGatewayFile, egExtensionFile} {
		if !shown[f] {
			t.Errorf("docs/deploying.md shows no snippet of %s", f)
		}
	}
}

func TestFencedBlocks(t *testing.T) {
	md := "x\n```yaml\na: 1\n  b: 2\n```\n```sh\nls\n```\n```yaml\nc: 3\n```\n"
	got := fencedBlocks(md, "yaml")
	if len(got) != 2 || got[0] != "a: 1\n  b: 2" || got[1] != "c: 3" {
		t.Errorf("got %q", got)
	}
}

// TestDeployingListsCounters: the metric names docs/deploying.md documents
// are the plugin's.
func TestDeployingListsCounters(t *testing.T) {
	section := deployingPage(t)
	for c := policy.Counter(0); c < policy.NumCounters; c++ {
		if !strings.Contains(section, "`"+c.String()+"`") {
			t.Errorf("counter %s (%s) is not in docs/deploying.md", c, policy.CounterName("<policy>", c))
		}
	}
	// Envoy prefixes a plugin's metrics with "wasmcustom.".
	prefix := strings.TrimSuffix(policy.CounterName("<policy>", policy.CounterNoOrigin), policy.CounterNoOrigin.String())
	if want := "wasmcustom." + prefix + "<counter>"; !strings.Contains(section, want) {
		t.Errorf("docs/deploying.md does not name the metrics %s", want)
	}
}

// headingAnchor is the fragment GitHub gives a markdown heading: lowercase,
// punctuation dropped, spaces turned into hyphens.
func headingAnchor(heading string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(heading) {
		switch {
		case r == ' ':
			b.WriteByte('-')
		case r == '-' || r == '_' || r >= 'a' && r <= 'z' || r >= '0' && r <= '9':
			b.WriteRune(r)
		}
	}
	return b.String()
}

// linkProblems lists the relative links of the page at from (a path from
// the repository root) whose file, or whose #heading, read cannot find.
func linkProblems(from, text string, read func(string) (string, bool)) []string {
	var ps []string
	for _, m := range regexp.MustCompile(`\]\(([^)\s]+)\)`).FindAllStringSubmatch(text, -1) {
		target := m[1]
		if strings.Contains(target, "://") || strings.HasPrefix(target, "mailto:") {
			continue
		}
		file, anchor, _ := strings.Cut(target, "#")
		dest, body := from, text
		if file != "" {
			dest = path.Join(path.Dir(from), file)
			var ok bool
			if body, ok = read(dest); !ok {
				ps = append(ps, from+": link to "+target+": no file "+dest)
				continue
			}
		}
		if anchor == "" {
			continue
		}
		found := false
		for _, h := range regexp.MustCompile(`(?m)^#+ (.+)$`).FindAllStringSubmatch(body, -1) {
			found = found || headingAnchor(h[1]) == anchor
		}
		if !found {
			ps = append(ps, from+": link to "+target+": "+dest+" has no such heading")
		}
	}
	return ps
}

// TestDocLinksResolve: the relative links of README.md and docs/ lead to a
// file of the repository and, with a #fragment, to a heading in it.
func TestDocLinksResolve(t *testing.T) {
	read := func(p string) (string, bool) {
		b, err := os.ReadFile(filepath.FromSlash("../" + p))
		return string(b), err == nil
	}
	docs, err := filepath.Glob("../docs/*.md")
	if err != nil || len(docs) == 0 {
		t.Fatalf("no docs/*.md: %v", err)
	}
	pages := []string{"README.md"}
	for _, d := range docs {
		pages = append(pages, strings.TrimPrefix(filepath.ToSlash(d), "../"))
	}
	for _, p := range pages {
		text, _ := read(p)
		for _, problem := range linkProblems(p, text, read) {
			t.Error(problem)
		}
	}
}

func TestLinkProblems(t *testing.T) {
	files := map[string]string{"docs/b.md": "# B page\n## Two words: here\n"}
	read := func(p string) (string, bool) { s, ok := files[p]; return s, ok }
	for _, c := range []struct {
		name, text string
		problems   int
	}{
		{"file and heading", "[x](docs/b.md#two-words-here)", 0},
		{"own heading", "# Top\n[x](#top)", 0},
		{"web link", "[x](https://example.com/a#b)", 0},
		{"missing file", "[x](docs/c.md)", 1},
		{"missing heading", "[x](docs/b.md#three-words)", 1},
		{"own heading missing", "# Top\n[x](#bottom)", 1},
	} {
		t.Run(c.name, func(t *testing.T) {
			if ps := linkProblems("README.md", c.text, read); len(ps) != c.problems {
				t.Errorf("%d problems, want %d: %q", len(ps), c.problems, ps)
			}
		})
	}
}
