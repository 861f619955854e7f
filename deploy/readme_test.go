package deploy_test

import (
	"strings"
	"testing"

	"github.com/cors-wasm/cors-wasm/policy"
)

// deploySection is the README between the deploy markers.
func deploySection(t *testing.T) string {
	t.Helper()
	readme := string(readFile(t, readmeFile))
	const start, end = "<!-- deploy:start -->", "<!-- deploy:end -->"
	i, j := strings.Index(readme, start), strings.Index(readme, end)
	if i < 0 || j < i {
		t.Fatalf("README.md lacks %s ... %s", start, end)
	}
	return readme[i+len(start) : j]
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

// TestReadmeYAMLIsTested: every ```yaml block of the deploy section appears
// verbatim in a file the other tests check, so the README cannot show a
// configuration nobody validated.
func TestReadmeYAMLIsTested(t *testing.T) {
	files := map[string]string{}
	for _, f := range []string{envoyFile, composeFile, istioFile, istioGatewayFile, egGatewayFile, egRouteFile, egExtensionFile, egExtensionHTTP} {
		files[f] = string(readFile(t, f))
	}
	shown := map[string]bool{}
	blocks := fencedBlocks(deploySection(t), "yaml")
	for i, b := range blocks {
		found := false
		for name, content := range files {
			if strings.Contains(content, b+"\n") {
				found, shown[name] = true, true
			}
		}
		if !found {
			t.Errorf("README deploy section, yaml block %d is not verbatim in any checked deployment file:\n%s", i+1, b)
		}
	}
	for _, f := range []string{envoyFile, istioFile, istioGatewayFile, egGatewayFile, egExtensionFile} {
		if !shown[f] {
			t.Errorf("the README deploy section shows no snippet of %s", f)
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

// TestReadmeListsCounters: the metric names the README documents are the
// plugin's.
func TestReadmeListsCounters(t *testing.T) {
	section := deploySection(t)
	for c := policy.Counter(0); c < policy.NumCounters; c++ {
		if !strings.Contains(section, "`"+c.String()+"`") {
			t.Errorf("counter %s (%s) is not in the README deploy section", c, policy.CounterName("<policy>", c))
		}
	}
	// Envoy prefixes a plugin's metrics with "wasmcustom.".
	prefix := strings.TrimSuffix(policy.CounterName("<policy>", policy.CounterNoOrigin), policy.CounterNoOrigin.String())
	if want := "wasmcustom." + prefix + "<counter>"; !strings.Contains(section, want) {
		t.Errorf("the README deploy section does not name the metrics %s", want)
	}
}
