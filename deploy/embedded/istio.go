package embedded

import "github.com/tidwall/gjson"

// istioConfig takes spec.pluginConfig of a WasmPlugin; Istio hands it to the
// plugin as JSON.
func istioConfig(root gjson.Result, prefix string) []Config {
	pc := root.Get("spec.pluginConfig")
	c := Config{Where: prefix + "spec.pluginConfig"}
	switch {
	case !pc.Exists():
		c.Problem = "missing: the plugin refuses to start without a configuration"
	case !pc.IsObject():
		c.Problem = "not an object: write the cors-wasm configuration as YAML under pluginConfig"
	default:
		c.JSON = []byte(pc.Raw)
	}
	if !isCORS(c, root.Get("metadata.name").String(), root.Get("spec.url").String(), root.Get("spec.pluginName").String()) {
		return nil
	}
	return []Config{c}
}
