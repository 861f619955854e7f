// Package embedded finds the cors-wasm configurations held in a file: the
// file itself when it is a plugin configuration, or the configurations
// embedded in deployment files, an Envoy bootstrap (the Wasm HTTP filters'
// plugin configuration) or an Istio WasmPlugin (spec.pluginConfig), in YAML
// or JSON, one or several documents.
//
// It locates configurations; it does not judge them: policy.Load does.
package embedded

import (
	"bytes"
	"strconv"

	"github.com/tidwall/gjson"
	"sigs.k8s.io/yaml"
)

// Kind is what a file turned out to be.
type Kind int

// File kinds.
const (
	KindConfig Kind = iota // a plugin configuration (JSON), checked as is
	KindEnvoy              // an Envoy bootstrap: static_resources at the top level
	KindIstio              // an Istio WasmPlugin resource (kind: WasmPlugin)
)

var kindNames = [...]string{"cors-wasm configuration", "Envoy bootstrap", "Istio WasmPlugin"}

// String names the kind in messages.
func (k Kind) String() string { return kindNames[k] }

// Config is one plugin configuration found in a file.
type Config struct {
	// Where is the JSON path of the configuration inside its document, e.g.
	// `spec.pluginConfig`, prefixed with "document N: " in a multi-document
	// file; empty when the file is the configuration itself.
	Where string
	// JSON is the configuration as the plugin receives it.
	JSON []byte
	// Problem, when not empty, says why no configuration could be taken from
	// this place (JSON is then nil), e.g. an unsupported Any type.
	Problem string
}

// Find returns what data is and the configurations it holds. A deployment file
// may hold none (the caller decides whether that is an error). Data that is
// neither a recognised deployment file nor readable YAML is returned whole as
// a plugin configuration, so that policy.Load reports exactly what is wrong
// with it; only text that cannot be JSON nor YAML is an error here.
func Find(data []byte) (Kind, []Config, error) {
	docs := splitDocuments(data)
	kind, found := KindConfig, []Config(nil)
	var yamlErr error
	for i, doc := range docs {
		j, err := yaml.YAMLToJSON(doc)
		if err != nil {
			yamlErr = err
			continue
		}
		root := gjson.ParseBytes(j)
		prefix := ""
		if len(docs) > 1 {
			prefix = "document " + strconv.Itoa(i+1) + ": "
		}
		switch {
		case root.Get("static_resources").Exists():
			kind, found = KindEnvoy, append(found, envoyConfigs(root, prefix)...)
		case root.Get("kind").String() == "WasmPlugin":
			kind, found = KindIstio, append(found, istioConfig(root, prefix)...)
		}
	}
	if kind != KindConfig {
		return kind, found, nil
	}
	if yamlErr != nil && !looksLikeJSON(data) {
		return kind, nil, yamlError{yamlErr}
	}
	return KindConfig, []Config{{JSON: data}}, nil
}

type yamlError struct{ err error }

func (e yamlError) Error() string { return "neither JSON nor YAML: " + e.err.Error() }

// looksLikeJSON: a plugin configuration is a JSON object; whatever its
// defects, policy.Load explains them better than a YAML parser would.
func looksLikeJSON(data []byte) bool {
	t := bytes.TrimLeft(data, " \t\r\n\ufeff")
	return len(t) > 0 && t[0] == '{'
}

// splitDocuments splits a YAML stream at its `---` lines, dropping empty
// documents (before a leading or after a trailing `---`), as kubectl does.
func splitDocuments(data []byte) [][]byte {
	var docs [][]byte
	start := 0
	for off := 0; off < len(data); {
		end := bytes.IndexByte(data[off:], '\n')
		if end < 0 {
			end = len(data)
		} else {
			end += off
		}
		line := bytes.TrimRight(data[off:end], " \t\r")
		if bytes.Equal(line, []byte("---")) || bytes.HasPrefix(line, []byte("--- ")) {
			docs = appendDocument(docs, data[start:off])
			start = min(end+1, len(data))
		}
		off = end + 1
	}
	docs = appendDocument(docs, data[start:])
	if len(docs) == 0 {
		return [][]byte{data}
	}
	return docs
}

func appendDocument(docs [][]byte, doc []byte) [][]byte {
	if len(bytes.TrimSpace(doc)) == 0 {
		return docs
	}
	return append(docs, doc)
}
