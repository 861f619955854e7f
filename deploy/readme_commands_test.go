package deploy_test

import (
	"net/http/httptest"
	"net/url"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/tidwall/gjson"

	"github.com/cors-wasm/cors-wasm/internal/configfile"
	"github.com/cors-wasm/cors-wasm/internal/demoapp"
	"github.com/cors-wasm/cors-wasm/policy"
)

// The commands of docs/deploying.md's Envoy, Istio and Envoy Gateway sections
// cannot run here (no Docker, Envoy or cluster), so each is checked against
// the files it names: make targets and variables against the Makefile,
// `kubectl apply` paths against the deployment units, `make push IMAGE=`
// against the image the applied manifests pull, and each curl against
// envoy.yaml's port and plugin configuration and the demo API's routes, with
// the answer its comment claims. A command of another kind fails the test
// until it gets a check.

// docCommand is one shell command of a section, continuation lines
// joined, with its trailing comment.
type docCommand struct {
	section, text, comment string
}

// deployingCommands returns the commands of the ```sh blocks under the given
// "## " headings of docs/deploying.md; a heading it lacks fails the test.
func deployingCommands(t *testing.T, sections ...string) []docCommand {
	t.Helper()
	var cmds []docCommand
	parts := strings.Split(deployingPage(t), "\n## ")
	for _, name := range sections {
		i := slices.IndexFunc(parts, func(p string) bool { return strings.HasPrefix(p, name+"\n") })
		if i < 0 {
			t.Fatalf("docs/deploying.md has no \"## %s\" section", name)
		}
		for _, block := range fencedBlocks(parts[i], "sh") {
			joined := strings.ReplaceAll(block, "\\\n", " ")
			for _, line := range strings.Split(joined, "\n") {
				text, comment, _ := strings.Cut(line, "#")
				if strings.TrimSpace(text) == "" {
					continue
				}
				cmds = append(cmds, docCommand{name, strings.Join(strings.Fields(text), " "), strings.TrimSpace(comment)})
			}
		}
	}
	return cmds
}

// shellWords splits a command line, honouring single quotes.
func shellWords(s string) []string {
	var words []string
	var w strings.Builder
	inWord, quoted := false, false
	for _, r := range s {
		switch {
		case r == '\'':
			quoted, inWord = !quoted, true
		case r == ' ' && !quoted:
			if inWord {
				words = append(words, w.String())
				w.Reset()
				inWord = false
			}
		default:
			w.WriteRune(r)
			inWord = true
		}
	}
	if inWord {
		words = append(words, w.String())
	}
	return words
}

func makeTargets(t *testing.T) []string {
	var targets []string
	for _, m := range regexp.MustCompile(`(?m)^([a-z][a-z-]*):`).FindAllStringSubmatch(string(readFile(t, "../Makefile")), -1) {
		targets = append(targets, m[1])
	}
	return targets
}

func TestDeployingCommands(t *testing.T) {
	cmds := deployingCommands(t, "Envoy", "Istio", "Envoy Gateway")
	if len(cmds) < 5 {
		t.Fatalf("found %d commands: %q", len(cmds), cmds)
	}
	for _, c := range cmds {
		t.Run(c.section+": "+c.text, func(t *testing.T) {
			for _, p := range commandProblems(t, c, cmds) {
				t.Error(p)
			}
		})
	}
}

// commandProblems checks one command; all holds the commands of every
// section (a `make push` is checked against the units applied next to it).
func commandProblems(t *testing.T, c docCommand, all []docCommand) []string {
	var ps problems
	for _, part := range strings.Split(c.text, " && ") {
		w := shellWords(part)
		switch {
		case w[0] == "make":
			checkMake(t, &ps, c, w[1:], all)
		case len(w) == 3 && w[0] == "docker" && w[1] == "compose" && w[2] == "up":
			if _, err := os.Stat(composeFile); err != nil {
				ps.add("docker compose up: %v", err)
			}
		case len(w) == 4 && w[0] == "kubectl" && w[1] == "apply" && w[2] == "-f":
			dir := strings.TrimSuffix(strings.TrimPrefix(w[3], "deploy/"), "/")
			if !slices.ContainsFunc(deployUnits, func(u deployUnit) bool { return u.dir == dir }) {
				ps.add("%s: not a deployment unit that unit_test.go checks", w[3])
			}
		case w[0] == "curl":
			checkCurl(t, &ps, c, w[1:])
		default:
			ps.add("%q: no check for this kind of command; add one to readme_commands_test.go", part)
		}
	}
	return ps
}

func checkMake(t *testing.T, ps *problems, c docCommand, args []string, all []docCommand) {
	for _, a := range args {
		name, value, isVar := strings.Cut(a, "=")
		switch {
		case !isVar:
			if !slices.Contains(makeTargets(t), name) {
				ps.add("make %s: no such target in the Makefile", name)
			}
		case name == "IMAGE":
			// The image pushed must be the one the manifests applied in the same section pull.
			for _, o := range all {
				w := shellWords(o.text)
				if o.section != c.section || len(w) != 4 || w[0] != "kubectl" {
					continue
				}
				if !unitPulls(t, strings.TrimPrefix(w[3], "deploy/"), value) {
					ps.add("make push IMAGE=%s: %s pulls another image", value, w[3])
				}
			}
		default:
			if !regexp.MustCompile(`\$\(` + name + `\)`).Match(readFile(t, "../Makefile")) {
				ps.add("make %s=...: the Makefile does not use %s", name, name)
			}
		}
	}
}

// unitPulls reports whether the unit's plugin manifests name image.
func unitPulls(t *testing.T, dir, image string) bool {
	found := false
	for _, data := range readUnit(t, strings.TrimSuffix(dir, "/")) {
		docs, err := yamlDocs(data)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range docs {
			switch gjson.GetBytes(d, "kind").String() {
			case "WasmPlugin":
				found = found || gjson.GetBytes(d, "spec.url").String() == "oci://"+image
			case "EnvoyExtensionPolicy":
				found = found || gjson.GetBytes(d, "spec.wasm.0.code.image.url").String() == image
			}
		}
	}
	return found
}

// curlClaim is the answer a curl command's comment promises: "200 from the
// plugin" (a local reply) or "200 from the API" (forwarded), then ", with H"
// or ", without H" for a response header.
var curlClaim = regexp.MustCompile(`^(\d{3}) from the (plugin|API)(?:, (with|without) ([a-z-]+))?$`)

func checkCurl(t *testing.T, ps *problems, c docCommand, args []string) {
	m := curlClaim.FindStringSubmatch(c.comment)
	if m == nil {
		ps.add("curl: comment %q does not say the answer (\"200 from the plugin\" or \"... from the API\")", c.comment)
		return
	}
	method, target := "GET", ""
	var headers [][2]string
	for i := 0; i < len(args); i++ {
		switch a := args[i]; {
		case a == "-si" || a == "-s" || a == "-i":
		case a == "-X" && i+1 < len(args):
			method, i = args[i+1], i+1
		case a == "-H" && i+1 < len(args):
			name, value, _ := strings.Cut(args[i+1], ":")
			headers, i = append(headers, [2]string{strings.ToLower(name), strings.TrimSpace(value)}), i+1
		case !strings.HasPrefix(a, "-") && target == "":
			target = a
		default:
			ps.add("curl: argument %q not understood by this check", a)
		}
	}
	u, err := url.Parse("http://" + target)
	if err != nil {
		ps.add("curl %s: %v", target, err)
		return
	}
	facts, err := readEnvoyFacts()
	if err != nil {
		ps.add("%v", err)
		return
	}
	if u.Hostname() != "localhost" || u.Port() != facts.listenerPort {
		ps.add("curl %s: Envoy listens on port %s (envoy.yaml), published by docker-compose.yaml on localhost", target, facts.listenerPort)
	}
	// The plugin decides with envoy.yaml's configuration.
	_, configs, err := configfile.Find(readFile(t, envoyFile))
	if err != nil || len(configs) != 1 {
		ps.add("envoy.yaml: %d configurations, %v", len(configs), err)
		return
	}
	set, err := policy.Load(configs[0].JSON)
	if err != nil {
		ps.add("envoy.yaml: %v", err)
		return
	}
	var r policy.Request
	r.Reset()
	r.AddHeader(":method", method)
	r.AddHeader(":path", u.RequestURI())
	r.AddHeader(":authority", u.Host)
	for _, h := range headers {
		r.AddHeader(h[0], h[1])
	}
	var d policy.Decision
	set.Decide(&r, &d)
	status, _ := strconv.Atoi(m[1])
	switch m[2] {
	case "plugin":
		if !d.Reply || d.Status != status {
			ps.add("curl: %s, but the plugin with envoy.yaml's configuration answers locally: %v (status %d)", c.comment, d.Reply, d.Status)
		}
	case "API":
		if d.Reply {
			ps.add("curl: %s, but the plugin answers it itself with %d", c.comment, d.Status)
		}
		// The demo API behind Envoy (envoy.yaml's cluster: cmd/demoapi serves internal/demoapp).
		req := httptest.NewRequest(method, u.RequestURI(), nil)
		rec := httptest.NewRecorder()
		demoapp.API().ServeHTTP(rec, req)
		if rec.Code != status {
			ps.add("curl: %s, but the demo API answers %s %s with %d", c.comment, method, u.Path, rec.Code)
		}
	}
	// A preflight is worth showing only for a request the demo API serves.
	for _, h := range headers {
		if h[0] == "access-control-request-method" && method == "OPTIONS" {
			rec := httptest.NewRecorder()
			demoapp.API().ServeHTTP(rec, httptest.NewRequest(h[1], u.RequestURI(), nil))
			if rec.Code == 404 || rec.Code == 405 {
				ps.add("curl: a preflight for %s %s, which the demo API does not serve (%d)", h[1], u.Path, rec.Code)
			}
		}
	}
	if m[3] != "" {
		has := slices.ContainsFunc(d.Fields(), func(f policy.Field) bool { return strings.EqualFold(f.Name, m[4]) })
		if has != (m[3] == "with") {
			ps.add("curl: %s, but the plugin's response has %s: %v", c.comment, m[4], has)
		}
	}
}

// TestReadmeCommandChecksCatchMistakes: each check can fail.
func TestReadmeCommandChecksCatchMistakes(t *testing.T) {
	all := []docCommand{{"Istio", "kubectl apply -f deploy/istio/sidecar/", ""}}
	cases := []struct {
		name string
		cmd  docCommand
		want string
	}{
		{"path the demo API does not serve", docCommand{"Envoy", "curl -si localhost:10000/items -H 'Origin: http://localhost:3000'", "200 from the API"},
			"the demo API answers GET /items with 405"},
		{"preflight for what the demo API does not serve", docCommand{"Envoy", "curl -si -X OPTIONS localhost:10000/items -H 'Origin: http://localhost:3000' -H 'Access-Control-Request-Method: PUT'", "200 from the plugin"},
			"a preflight for PUT /items, which the demo API does not serve (405)"},
		{"wrong port", docCommand{"Envoy", "curl -si localhost:8080/api/items", "200 from the API"}, "Envoy listens on port 10000"},
		{"a preflight the plugin refuses", docCommand{"Envoy", "curl -si -X OPTIONS localhost:10000/api/items/1 -H 'Origin: http://localhost:3000' -H 'Access-Control-Request-Method: TRACE'", "200 from the plugin"},
			"answers locally: true (status 403)"},
		{"a header the plugin does not write", docCommand{"Envoy", "curl -si localhost:10000/api/items -H 'Origin: https://evil.example'", "200 from the API, with access-control-allow-origin"},
			"has access-control-allow-origin: false"},
		{"unknown make target", docCommand{"Istio", "make publish", ""}, "no such target"},
		{"image nothing pulls", docCommand{"Istio", "make push IMAGE=registry.example.com/other:v1", ""}, "pulls another image"},
		{"directory that is no unit", docCommand{"Istio", "kubectl apply -f deploy/istio/", ""}, "not a deployment unit"},
		{"unchecked command", docCommand{"Istio", "helm install cors ./chart", ""}, "no check for this kind of command"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ps := commandProblems(t, c.cmd, append(all, c.cmd))
			if !slices.ContainsFunc(ps, func(p string) bool { return strings.Contains(p, c.want) }) {
				t.Errorf("no problem mentioning %q; got %q", c.want, ps)
			}
		})
	}
}

// TestDocsEnvoyImageIsCompose: docs/deploying.md names the Envoy image
// docker-compose.yaml runs, with the same release date and the same "as of"
// date, and no page names another.
func TestDocsEnvoyImageIsCompose(t *testing.T) {
	compose := string(readFile(t, composeFile))
	image := regexp.MustCompile(`envoyproxy/envoy:v\d+\.\d+\.\d+`)
	def := image.FindString(compose[strings.Index(compose, "image: ${ENVOY_IMAGE:-"):])
	for _, page := range []string{readmeFile, deployingFile, corsctlDocFile} {
		for _, m := range image.FindAllString(string(readFile(t, page)), -1) {
			if m != def {
				t.Errorf("%s names %s; docker-compose.yaml runs %s", page, m, def)
			}
		}
	}
	page := deployingPage(t)
	phrase := regexp.MustCompile(`v\d+\.\d+\.\d+, released \d{4}-\d\d-\d\d; the latest patch\s+(?:#\s+)?of a supported line on \d{4}-\d\d-\d\d`)
	c := phrase.FindString(compose)
	if c == "" {
		t.Fatal("docker-compose.yaml does not say \"vX.Y.Z, released DATE; the latest patch of a supported line on DATE\"")
	}
	c = strings.Join(strings.Fields(strings.ReplaceAll(c, "#", "")), " ")
	if !strings.Contains(page, c) || !strings.HasPrefix(c, strings.TrimPrefix(def, "envoyproxy/envoy:")) {
		t.Errorf("docs/deploying.md and docker-compose.yaml disagree on the image: compose says %q (default %s); docs/deploying.md must say the same", c, def)
	}
}
