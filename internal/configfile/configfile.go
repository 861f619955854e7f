// Package configfile reads the cors-wasm configurations out of the files users
// deploy: a plugin configuration (JSON) on its own, an Envoy bootstrap (the
// Wasm HTTP filters' plugin configuration), an Istio WasmPlugin
// (spec.pluginConfig) or an Envoy Gateway EnvoyExtensionPolicy
// (spec.wasm[].config), in YAML or JSON, one or several documents. Each
// configuration comes as the plugin receives it, converted the way Envoy,
// Istio and Envoy Gateway convert it, and each setting in it can be traced
// back to its line in the file.
//
// It locates configurations; it does not judge them: policy.Load does.
package configfile

import (
	"bytes"
	"slices"
	"strconv"
	"strings"

	"github.com/tidwall/gjson"
	"sigs.k8s.io/yaml"
)

// Kind is what a file turned out to be.
type Kind int

// File kinds.
const (
	KindConfig     Kind = iota // a plugin configuration (JSON), checked as is
	KindEnvoy                  // an Envoy bootstrap: static_resources at the top level
	KindKubernetes             // Kubernetes manifests: Istio WasmPlugins, Envoy Gateway EnvoyExtensionPolicies, others
	KindCompose                // a Docker Compose file: it holds no configuration, it mounts the files that do
)

var kindNames = [...]string{"cors-wasm configuration", "Envoy bootstrap", "Kubernetes manifest", "Docker Compose file"}

// String names the kind in messages.
func (k Kind) String() string { return kindNames[k] }

// Config is one plugin configuration found in a file.
type Config struct {
	// Where is the JSON path of the configuration inside its document, e.g.
	// `spec.pluginConfig`, after the document's kind and name in a Kubernetes
	// manifest and after "document N: " in a multi-document file; empty when
	// the file is the configuration itself.
	Where string
	// Line is the line of the file where the configuration starts (1-based).
	Line int
	// JSON is the configuration as the plugin receives it.
	JSON []byte
	// Problem, when not empty, says why no configuration could be taken from
	// this place (JSON is then nil), e.g. an unsupported Any type.
	Problem string

	loc locator
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
		j, err := yaml.YAMLToJSON(doc.text)
		if err != nil {
			yamlErr = err
			continue
		}
		root := gjson.ParseBytes(j)
		d := document{json: root, firstLine: doc.firstLine, text: doc.text}
		if len(docs) > 1 {
			d.prefix = "document " + strconv.Itoa(i+1) + ": "
		}
		switch {
		case root.Get("static_resources").Exists():
			kind, found = KindEnvoy, append(found, envoyConfigs(d)...)
		case root.Get("kind").Exists() && root.Get("apiVersion").Exists():
			kind, found = KindKubernetes, append(found, kubernetesConfigs(d)...)
		case root.Get("services").IsObject():
			kind = KindCompose
		}
	}
	if kind != KindConfig {
		return kind, found, nil
	}
	if yamlErr != nil && !looksLikeJSON(data) {
		return kind, nil, yamlError{yamlErr}
	}
	return KindConfig, []Config{{JSON: data, Line: 1, loc: locator{json: data, jsonLine: 1}}}, nil
}

// document is one YAML document of a file, converted to JSON as kubectl
// converts it (sigs.k8s.io/yaml: YAML 1.1 scalars, so yes/no are booleans).
type document struct {
	json      gjson.Result
	text      []byte
	firstLine int    // line of the file where text starts
	prefix    string // "document N: " in a multi-document file
}

type yamlError struct{ err error }

func (e yamlError) Error() string { return "neither JSON nor YAML: " + e.err.Error() }

// looksLikeJSON: a plugin configuration is a JSON object; whatever its
// defects, policy.Load explains them better than a YAML parser would.
func looksLikeJSON(data []byte) bool {
	t := bytes.TrimLeft(data, " \t\r\n\ufeff")
	return len(t) > 0 && t[0] == '{'
}

// rawDocument is a document's text and the line it starts on.
type rawDocument struct {
	text      []byte
	firstLine int
}

// splitDocuments splits a YAML stream at its `---` lines, dropping empty
// documents (before a leading or after a trailing `---`), as kubectl does.
func splitDocuments(data []byte) []rawDocument {
	var docs []rawDocument
	start, startLine, line := 0, 1, 1
	for off := 0; off < len(data); line++ {
		end := bytes.IndexByte(data[off:], '\n')
		if end < 0 {
			end = len(data)
		} else {
			end += off
		}
		text := bytes.TrimRight(data[off:end], " \t\r")
		if bytes.Equal(text, []byte("---")) || bytes.HasPrefix(text, []byte("--- ")) {
			docs = appendDocument(docs, rawDocument{data[start:off], startLine})
			start, startLine = min(end+1, len(data)), line+1
		}
		off = end + 1
	}
	docs = appendDocument(docs, rawDocument{data[start:], startLine})
	if len(docs) == 0 {
		return []rawDocument{{data, 1}}
	}
	return docs
}

func appendDocument(docs []rawDocument, doc rawDocument) []rawDocument {
	if len(bytes.TrimSpace(doc.text)) == 0 {
		return docs
	}
	return append(docs, doc)
}

// ComposeMounts returns the host files a Docker Compose file mounts into its
// services that can hold a configuration (YAML or JSON): where to look
// instead.
func ComposeMounts(data []byte) []string {
	j, err := yaml.YAMLToJSON(data)
	if err != nil {
		return nil
	}
	var files []string
	gjson.GetBytes(j, "services.@values.#.volumes|@flatten").ForEach(func(_, v gjson.Result) bool {
		src, _, _ := strings.Cut(v.String(), ":")
		if (strings.HasSuffix(src, ".yaml") || strings.HasSuffix(src, ".yml") || strings.HasSuffix(src, ".json")) &&
			!slices.Contains(files, src) {
			files = append(files, src)
		}
		return true
	})
	return files
}
