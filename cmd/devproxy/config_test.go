package main

import (
	"context"
	"net/http"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/cors-wasm/cors-wasm/policy"
)

// -config takes every file that carries a configuration, as the platform
// would hand it to the plugin.
func TestReadConfigFromDeploymentFiles(t *testing.T) {
	cases := []struct {
		name, file string
		wantErr    string // fragment; empty = a configuration policy.Load accepts
	}{
		{"plain JSON", "../../examples/config.json", ""},
		{"Envoy bootstrap", "../../envoy.yaml", ""},
		{"Istio WasmPlugin", "../../deploy/istio/sidecar/wasmplugin.yaml", ""},
		{"Envoy Gateway EnvoyExtensionPolicy", "../../deploy/envoy-gateway/oci/extensionpolicy.yaml", ""},
		{"Docker Compose file", "../../docker-compose.yaml", "no cors-wasm configuration in this Docker Compose file"},
		{"manifests without the plugin", "../../deploy/istio/sidecar/demo.yaml", "no cors-wasm configuration in this Kubernetes manifest"},
		{"two configurations", writeFile(t, string(readTestFile(t, "../../deploy/istio/sidecar/wasmplugin.yaml"))+"\n---\n"+
			string(readTestFile(t, "../../deploy/envoy-gateway/oci/extensionpolicy.yaml"))), "holds 2 cors-wasm configurations"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			pc, err := readConfig(c.file, nil)
			if c.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), c.wantErr) {
					t.Fatalf("error %v, want %q", err, c.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if _, err := policy.Load(pc.JSON()); err != nil {
				t.Errorf("the configuration read is refused: %v", err)
			}
		})
	}
}

// A refused configuration in a deployment file is reported at the lines to edit.
func TestRefusedDeploymentFileNamesLines(t *testing.T) {
	good := string(readTestFile(t, "../../deploy/envoy-gateway/oci/extensionpolicy.yaml"))
	bad := writeFile(t, strings.Replace(good, "max_age: 600", "max_age: 600000", 1))
	line := 1 + strings.Count(good[:strings.Index(good, "max_age: 600")], "\n")
	var stdout, stderr syncBuffer
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	code := run(ctx, []string{"-wasm", pluginFile(t), "-config", bad, "-listen", "127.0.0.1:0"}, nil, &stdout, &stderr, nil)
	if code != 1 {
		t.Fatalf("exit code %d, want 1", code)
	}
	want := "devproxy: " + bad + ":" + strconv.Itoa(line) + ": policies[0].max_age: 600000: must be between"
	if !strings.Contains(stderr.String(), want) {
		t.Errorf("stderr lacks %q:\n%s", want, stderr.String())
	}
}

// devproxy -config envoy.yaml serves envoy.yaml's plugin configuration.
func TestServesEnvoyYAML(t *testing.T) {
	d := startDevproxy(t, "-config", "../../envoy.yaml")
	pre, _ := http.NewRequest("OPTIONS", d.base+"/api/items/1", nil)
	pre.Header.Set("Origin", "https://app.example.com")
	pre.Header.Set("Access-Control-Request-Method", "PATCH")
	resp, err := http.DefaultClient.Do(pre)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 || resp.Header.Get("Access-Control-Allow-Origin") != "https://app.example.com" {
		t.Errorf("preflight: %d %v", resp.StatusCode, resp.Header)
	}
	if code := d.stop(); code != 0 {
		t.Errorf("exit code after shutdown %d", code)
	}
}

func readTestFile(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
