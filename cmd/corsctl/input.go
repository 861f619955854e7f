package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/cors-wasm/cors-wasm/deploy/embedded"
	"github.com/cors-wasm/cors-wasm/policy"
	"sigs.k8s.io/yaml"
)

// maxInput bounds what corsctl reads: the plugin refuses configurations over
// 4 MiB, and a deployment file holding one is not much larger.
const maxInput = 16 << 20

// readInput reads FILE, or standard input for "-".
func readInput(name string, stdin io.Reader) ([]byte, error) {
	var r io.Reader = stdin
	if name != "-" {
		f, err := os.Open(name)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		r = f
	}
	data, err := io.ReadAll(io.LimitReader(r, maxInput+1))
	if err != nil {
		return nil, err
	}
	if len(data) > maxInput {
		return nil, fmt.Errorf("%s: larger than %d MiB", name, maxInput>>20)
	}
	return data, nil
}

// findConfigs returns the configurations in data, or a message saying why
// there are none (a deployment file without a cors-wasm filter).
func findConfigs(data []byte) ([]embedded.Config, error) {
	kind, configs, err := embedded.Find(data)
	if err != nil {
		return nil, err
	}
	if len(configs) == 0 {
		return nil, fmt.Errorf("no cors-wasm configuration in this %s (looked for Wasm plugins whose "+
			"configuration has \"policies\" or whose name, root ID or code location mentions \"cors\")", kind)
	}
	if kind == embedded.KindConfig && len(configs) == 1 {
		if hint := yamlHint(data); hint != "" {
			configs[0] = embedded.Config{Problem: hint}
		}
	}
	return configs, nil
}

// maxHintJSON bounds the JSON a YAML hint repeats.
const maxHintJSON = 2000

// yamlHint explains a plugin configuration written in YAML: the plugin reads
// JSON only (Envoy and Istio pass the configuration string as is), and the
// decoder would otherwise stop at the first letter with "invalid JSON". The
// hint shows the same configuration as JSON when it is short.
func yamlHint(data []byte) string {
	trimmed := bytes.TrimLeft(data, " \t\r\n")
	if len(trimmed) == 0 || trimmed[0] == '{' || trimmed[0] == '[' || json.Valid(data) {
		return ""
	}
	j, err := yaml.YAMLToJSON(data)
	if err != nil || !bytes.HasPrefix(j, []byte("{")) {
		return ""
	}
	hint := "(root): this is YAML, but the plugin configuration is JSON (Envoy and Istio hand it to the plugin as is); convert it"
	if len(j) <= maxHintJSON {
		hint += ". As JSON it reads: " + string(j)
	}
	return hint
}

// printLoadErrors prints each configuration error on its own line after prefix.
func printLoadErrors(w io.Writer, prefix string, err error) {
	var errs policy.Errors
	if !errors.As(err, &errs) {
		fmt.Fprintf(w, "%s%v\n", prefix, err)
		return
	}
	for _, e := range errs {
		fmt.Fprintf(w, "%s%s\n", prefix, e.Error())
	}
}

// wherePrefix labels lines about an embedded configuration.
func wherePrefix(c embedded.Config) string {
	if c.Where == "" {
		return ""
	}
	return c.Where + ": "
}
