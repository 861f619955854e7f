package configfile

import (
	"encoding/base64"
	"strconv"
	"strings"

	"github.com/tidwall/gjson"
)

// Type URLs of the Envoy messages on the way to a plugin configuration.
const (
	typeHCM         = "type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager"
	typeWasm        = "type.googleapis.com/envoy.extensions.filters.http.wasm.v3.Wasm"
	typeStringValue = "type.googleapis.com/google.protobuf.StringValue"
	typeBytesValue  = "type.googleapis.com/google.protobuf.BytesValue"
	typeStruct      = "type.googleapis.com/google.protobuf.Struct"
)

// envoyConfigs walks listeners -> filter chains -> HTTP connection managers
// -> Wasm HTTP filters, and takes the configuration of each filter that is a
// cors-wasm filter (see isCORS).
func envoyConfigs(d document) []Config {
	var out []Config
	each(d.json, "static_resources.listeners", "static_resources.listeners", func(l gjson.Result, lpath string) {
		each(l, "filter_chains", lpath+".filter_chains", func(fc gjson.Result, fcpath string) {
			out = append(out, chainConfigs(d, fc, fcpath)...)
		})
		if dfc := l.Get("default_filter_chain"); dfc.Exists() {
			out = append(out, chainConfigs(d, dfc, lpath+".default_filter_chain")...)
		}
	})
	return out
}

func chainConfigs(d document, chain gjson.Result, path string) []Config {
	var out []Config
	each(chain, "filters", path+".filters", func(f gjson.Result, fpath string) {
		if f.Get(`typed_config.\@type`).String() != typeHCM {
			return
		}
		each(f, "typed_config.http_filters", fpath+".typed_config.http_filters", func(hf gjson.Result, hpath string) {
			if hf.Get(`typed_config.\@type`).String() != typeWasm {
				return
			}
			plugin := hf.Get("typed_config.config")
			if c, ok := pluginConfiguration(d, plugin, hpath+".typed_config.config"); ok {
				out = append(out, c)
			}
		})
	})
	return out
}

// pluginConfiguration reads an envoy.extensions.wasm.v3.PluginConfig's
// configuration the way Envoy hands it to the plugin: a StringValue or
// BytesValue bare, a Struct as JSON.
func pluginConfiguration(d document, plugin gjson.Result, path string) (Config, bool) {
	conf := plugin.Get("configuration")
	value := conf.Get("value")
	c := d.config(path + ".configuration.value")
	switch typ := conf.Get(`\@type`).String(); {
	case !conf.Exists():
		c = d.config(path)
		c.Problem = "no configuration: the plugin refuses to start without one"
	case typ == typeStringValue && value.Type == gjson.String:
		c.JSON, c.loc.inString = []byte(value.String()), true
	case typ == typeStruct && value.IsObject():
		c.JSON = []byte(value.Raw)
	case typ == typeBytesValue && value.Type == gjson.String:
		if b, err := base64.StdEncoding.DecodeString(value.String()); err != nil {
			c.Problem = "not base64: " + err.Error()
		} else {
			c.JSON = b
		}
	default:
		c = d.config(path + ".configuration")
		c.Problem = "unsupported configuration " + strconv.Quote(typ) + ": use " + typeStringValue + " holding the JSON"
	}
	if !isCORS(c, plugin.Get("name").String(), plugin.Get("root_id").String(),
		plugin.Get("vm_config.code.local.filename").String(), plugin.Get("vm_config.code.remote.http_uri.uri").String()) {
		return Config{}, false
	}
	return c, true
}

// isCORS tells a cors-wasm filter from other Wasm plugins in the same file:
// its configuration has a top-level "policies", or its name, root ID or code
// location mentions "cors". A cors-wasm filter misnamed and misconfigured at
// once is missed; the alternative, judging every Wasm plugin by our rules,
// would make the check useless next to any other plugin.
func isCORS(c Config, names ...string) bool {
	if c.JSON != nil && gjson.GetBytes(c.JSON, "policies").Exists() {
		return true
	}
	for _, n := range names {
		if strings.Contains(strings.ToLower(n), "cors") {
			return true
		}
	}
	return false
}

// each calls fn for every element of the array at path under r, with the
// element's JSON path (at[i]).
func each(r gjson.Result, path, at string, fn func(e gjson.Result, epath string)) {
	r.Get(path).ForEach(func(i, e gjson.Result) bool {
		fn(e, at+"["+strconv.FormatInt(i.Int(), 10)+"]")
		return true
	})
}
