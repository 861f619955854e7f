package deploy_test

import (
	"encoding/json"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/tidwall/gjson"
	"sigs.k8s.io/yaml"
)

func TestDockerCompose(t *testing.T) {
	for _, p := range composeProblems(readFile(t, composeFile)) {
		t.Error(p)
	}
}

func TestComposeChecksCatchMistakes(t *testing.T) {
	runMutations(t, readFile(t, composeFile), []mutation{
		{"Envoy too old", "envoyproxy/envoy:v1.39.3", "envoyproxy/envoy:v1.32.0", "1.33"},
		{"Envoy line out of support", "envoyproxy/envoy:v1.39.3", "envoyproxy/envoy:v1.36.2", "supported"},
		{"image not overridable", "${ENVOY_IMAGE:-envoyproxy/envoy:v1.39.3}", "envoyproxy/envoy:v1.39.3", "ENVOY_IMAGE"},
		{"plugin writable", "./build/cors.wasm:/etc/envoy/cors.wasm:ro", "./build/cors.wasm:/etc/envoy/cors.wasm", "cors.wasm"},
		{"plugin elsewhere", "./build/cors.wasm:/etc/envoy/cors.wasm:ro", "./build/cors.wasm:/plugin/cors.wasm:ro", "cors.wasm"},
		{"port not published", `"10000:10000"`, `"8000:8000"`, "10000"},
		{"backend port", `"-listen", ":8080"`, `"-listen", ":9090"`, "8080"},
	}, composeProblems)
}

// oldestSupportedEnvoyMinor: on 2026-11-30 Envoy supports 1.37 (until
// 2027-01-13), 1.38, 1.39 and 1.40 (envoyproxy/envoy RELEASES.md; 1.36 ended
// 2026-10-14). Raise it when the pinned line's support ends.
const oldestSupportedEnvoyMinor = 37

// envoyImage is the envoy service's image: overridable, with a default tag.
var envoyImage = regexp.MustCompile(`^\$\{ENVOY_IMAGE:-envoyproxy/envoy:v(\d+)\.(\d+)\.(\d+)\}$`)

// composeProblems checks docker-compose.yaml against envoy.yaml: the mounts
// land where envoy.yaml looks, the published port is the listener's, and the
// demo API is the service, port and address of envoy.yaml's cluster.
func composeProblems(data []byte) []string {
	var ps problems
	j, err := yaml.YAMLToJSON(data)
	if err != nil {
		return ps.add("yaml: %v", err)
	}
	type service struct {
		Image      string   `json:"image"`
		Command    []string `json:"command"`
		WorkingDir string   `json:"working_dir"`
		Volumes    []string `json:"volumes"`
		Ports      []string `json:"ports"`
	}
	var c struct {
		Services map[string]service `json:"services"`
	}
	if err := json.Unmarshal(j, &c); err != nil {
		return ps.add("compose file: %v", err)
	}
	envoy, api := c.Services["envoy"], c.Services["demo-api"]
	want, err := readEnvoyFacts()
	if err != nil {
		return ps.add("%v", err)
	}

	if m := envoyImage.FindStringSubmatch(envoy.Image); m == nil {
		ps.add("envoy image %q: want ${ENVOY_IMAGE:-envoyproxy/envoy:vX.Y.Z}", envoy.Image)
	} else if major, minor := atoi(m[1]), atoi(m[2]); major < 1 || (major == 1 && minor < 33) {
		ps.add("envoy image %q: Go-built plugins need Envoy >= 1.33", envoy.Image)
	} else if major == 1 && minor < oldestSupportedEnvoyMinor {
		ps.add("envoy image %q: the default must be a supported Envoy line (1.%d or newer on 2026-11-30; RELEASES.md gives each line 12 months)", envoy.Image, oldestSupportedEnvoyMinor)
	}
	for _, mount := range []string{
		"./envoy.yaml:/etc/envoy/envoy.yaml:ro", // the image's default -c path
		"./" + builtWasm + ":" + want.wasmPath + ":ro",
	} {
		if !slices.Contains(envoy.Volumes, mount) {
			ps.add("envoy volumes %q: want %q (envoy.yaml's vm_config.code.local.filename)", envoy.Volumes, mount)
		}
	}
	if port := want.listenerPort; !slices.Contains(envoy.Ports, port+":"+port) {
		ps.add("envoy ports %q: want %s:%s (envoy.yaml's listener)", envoy.Ports, port, port)
	}
	if _, ok := c.Services[want.backendHost]; !ok {
		ps.add("no service %q, the address of envoy.yaml's demo_api cluster", want.backendHost)
	}
	if api.Image != "golang:1.26" || !slices.Contains(api.Volumes, ".:"+api.WorkingDir+":ro") {
		ps.add("demo-api: want image golang:1.26 with the repository mounted read-only at its working_dir")
	}
	wantCmd := "go run ./cmd/demoapi -listen :" + want.backendPort
	if cmd := strings.Join(api.Command, " "); cmd != wantCmd {
		ps.add("demo-api command %q: want %q (envoy.yaml's cluster endpoint port)", cmd, wantCmd)
	}
	return ps
}

// envoyFacts are what docker-compose.yaml must agree with in envoy.yaml.
type envoyFacts struct {
	wasmPath, listenerPort, backendHost, backendPort string
}

func readEnvoyFacts() (envoyFacts, error) {
	data, err := os.ReadFile(envoyFile)
	if err != nil {
		return envoyFacts{}, err
	}
	j, err := yaml.YAMLToJSON(data)
	if err != nil {
		return envoyFacts{}, err
	}
	get := func(path string) string { return gjson.GetBytes(j, path).String() }
	const listener = "static_resources.listeners.0."
	const backend = `static_resources.clusters.#(name=="demo_api").load_assignment.endpoints.0.lb_endpoints.0.endpoint.address.socket_address.`
	return envoyFacts{
		wasmPath:     get(listener + `filter_chains.0.filters.0.typed_config.http_filters.#(name=="envoy.filters.http.wasm").typed_config.config.vm_config.code.local.filename`),
		listenerPort: get(listener + "address.socket_address.port_value"),
		backendHost:  get(backend + "address"),
		backendPort:  get(backend + "port_value"),
	}, nil
}

func atoi(s string) int {
	n, _ := strconv.Atoi(s)
	return n
}
