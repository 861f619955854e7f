package configfile

import (
	"bytes"
	"encoding/json"

	"github.com/tidwall/gjson"
	yaml3 "go.yaml.in/yaml/v3"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/types/known/structpb"
)

// kubernetesConfigs takes the configurations of an Istio WasmPlugin or an
// Envoy Gateway EnvoyExtensionPolicy; other kinds hold none.
func kubernetesConfigs(d document) []Config {
	d.prefix = d.json.Get("kind").String() + " " + objectName(d.json) + ": "
	switch d.json.Get("kind").String() {
	case "WasmPlugin":
		return istioConfig(d)
	case "EnvoyExtensionPolicy":
		return envoyGatewayConfigs(d)
	}
	return nil
}

func objectName(root gjson.Result) string {
	name := root.Get("metadata.name").String()
	if ns := root.Get("metadata.namespace").String(); ns != "" {
		return ns + "/" + name
	}
	return name
}

// istioConfig takes spec.pluginConfig of a WasmPlugin as Istio hands it to
// the plugin: Istio reads it into a google.protobuf.Struct and passes the
// Struct's JSON (protojson) as the configuration string, or passes nothing
// when it is empty (pilot/pkg/model/extensions.go, buildPluginConfig). A
// Struct holds every number as a double, so the plugin sees 600 for 600 and
// 1e+21 for a longer integer.
func istioConfig(d document) []Config {
	pc := d.json.Get("spec.pluginConfig")
	c := d.config("spec.pluginConfig")
	switch {
	case !pc.Exists():
		c = d.config("spec")
		c.Problem = "no spec.pluginConfig: Istio then passes the plugin no configuration, and the plugin refuses to start"
	case !pc.IsObject():
		c.Problem = "not an object: write the cors-wasm configuration as YAML under pluginConfig"
	default:
		var s structpb.Struct
		var j bytes.Buffer
		err := protojson.Unmarshal([]byte(pc.Raw), &s)
		if err == nil {
			var out []byte
			// protojson varies its spacing on purpose; compact it so the
			// text is stable (spacing means nothing to the plugin).
			if out, err = protojson.Marshal(&s); err == nil {
				err = json.Compact(&j, out)
			}
		}
		switch {
		case err != nil:
			c.Problem = "Istio cannot read it as a google.protobuf.Struct: " + err.Error()
		case len(s.GetFields()) == 0:
			c.Problem = "empty: Istio then passes the plugin no configuration, and the plugin refuses to start"
		default:
			c.JSON = j.Bytes()
		}
	}
	if !isCORS(c, d.json.Get("metadata.name").String(), d.json.Get("spec.url").String(), d.json.Get("spec.pluginName").String()) {
		return nil
	}
	return []Config{c}
}

// envoyGatewayConfigs takes spec.wasm[].config of an EnvoyExtensionPolicy:
// Envoy Gateway passes the field's JSON, as stored, as a StringValue
// (internal/xds/translator/wasm.go, wasmConfig), and an empty string when
// there is none.
func envoyGatewayConfigs(d document) []Config {
	var out []Config
	each(d.json, "spec.wasm", "spec.wasm", func(w gjson.Result, wpath string) {
		conf := w.Get("config")
		c := d.config(wpath + ".config")
		switch {
		case !conf.Exists():
			c = d.config(wpath)
			c.Problem = "no config: Envoy Gateway then passes the plugin an empty configuration, and the plugin refuses to start"
		default:
			c.JSON = []byte(conf.Raw)
		}
		if isCORS(c, w.Get("name").String(), w.Get("rootID").String(),
			w.Get("code.image.url").String(), w.Get("code.http.url").String()) {
			out = append(out, c)
		}
	})
	return out
}

// config is a configuration found at path in the document, with its line.
func (d document) config(path string) Config {
	c := Config{Where: d.prefix + path, Line: d.firstLine}
	var n yaml3.Node
	if yaml3.Unmarshal(d.text, &n) != nil {
		return c
	}
	c.loc = locator{node: &n, lineBase: d.firstLine - 1, at: path}
	if _, line := resolve(&n, parsePath(path)); line > 0 {
		c.Line = line + c.loc.lineBase
	}
	return c
}
