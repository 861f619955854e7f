package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"github.com/cors-wasm/cors-wasm/internal/configfile"
	"github.com/cors-wasm/cors-wasm/policy"
	"github.com/tidwall/gjson"
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
func findConfigs(data []byte) ([]configfile.Config, error) {
	kind, configs, err := configfile.Find(data)
	if err != nil {
		return nil, err
	}
	if kind == configfile.KindCompose {
		where := "the Envoy bootstrap it mounts"
		if files := configfile.ComposeMounts(data); len(files) > 0 {
			where = strings.Join(files, ", ")
		}
		return nil, fmt.Errorf("no cors-wasm configuration in this Docker Compose file: it mounts the files that hold "+
			"one; check %s", where)
	}
	if len(configs) == 0 {
		return nil, fmt.Errorf("no cors-wasm configuration in this %s (looked for Envoy Wasm HTTP filters, Istio "+
			"WasmPlugins' spec.pluginConfig and Envoy Gateway EnvoyExtensionPolicies' spec.wasm[].config, whose "+
			"configuration has \"policies\" or whose name, root ID or code location mentions \"cors\")", kind)
	}
	if kind == configfile.KindConfig && len(configs) == 1 {
		if hint := yamlHint(data); hint != "" {
			configs[0].JSON, configs[0].Problem = nil, hint
		}
	}
	return configs, nil
}

// maxHintJSON bounds the JSON a YAML hint repeats.
const maxHintJSON = 2000

// yamlHint explains a plugin configuration written in YAML on its own: Envoy
// hands the configuration string to the plugin as is, so a configuration
// file is JSON; YAML is converted only inside a WasmPlugin or an
// EnvoyExtensionPolicy. Without the hint the decoder would stop at the first
// letter with "invalid JSON". It shows the same configuration as JSON when
// it is short.
func yamlHint(data []byte) string {
	trimmed := bytes.TrimLeft(data, " \t\r\n")
	if len(trimmed) == 0 || trimmed[0] == '{' || trimmed[0] == '[' || json.Valid(data) {
		return ""
	}
	j, err := yaml.YAMLToJSON(data)
	if err != nil || !bytes.HasPrefix(j, []byte("{")) {
		return ""
	}
	if !gjson.GetBytes(j, "policies").Exists() {
		return "(root): this YAML file holds no cors-wasm configuration: corsctl reads plugin configurations (JSON), " +
			"Envoy bootstraps, Istio WasmPlugins and Envoy Gateway EnvoyExtensionPolicies"
	}
	hint := "(root): this is YAML, but a plugin configuration file is JSON (Envoy hands the configuration " +
		"string to the plugin as is; only Istio's WasmPlugin pluginConfig and Envoy Gateway's " +
		"EnvoyExtensionPolicy wasm config are written in YAML and converted); convert it"
	if len(j) <= maxHintJSON {
		hint += ". As JSON it reads: " + string(j)
	}
	return hint
}

// displayName names the input in messages: the file as given, or "stdin".
func displayName(name string) string {
	if name == "-" {
		return "stdin"
	}
	return name
}

// at is the "FILE:LINE: " prefix of a message about line of file.
func at(file string, line int) string {
	if line <= 0 {
		return file + ": "
	}
	return file + ":" + strconv.Itoa(line) + ": "
}

// printProblem prints why no configuration could be taken from c.
func printProblem(w io.Writer, file string, c configfile.Config) {
	fmt.Fprintf(w, "%s%s%s\n", at(file, c.Line), wherePrefix(c), c.Problem)
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

// printLocatedErrors prints each configuration error on its own line, at the
// line of the setting it is about.
func printLocatedErrors(w io.Writer, file string, c configfile.Config, err error) {
	var errs policy.Errors
	if !errors.As(err, &errs) {
		fmt.Fprintf(w, "%s%v\n", at(file, c.Line), err)
		return
	}
	for _, e := range errs {
		fix := ""
		if o := originFix(c.JSON, e); o != "" {
			fix = " (fix: write " + strconv.Quote(o) + ")"
		}
		fmt.Fprintf(w, "%s%s%s\n", at(file, c.LineOfError(e)), e.Error(), fix)
	}
}

// wherePrefix labels lines about an embedded configuration.
func wherePrefix(c configfile.Config) string {
	if c.Where == "" {
		return ""
	}
	return c.Where + ": "
}
