package importer

import (
	"bytes"
	"encoding/json"
	"errors"
	"regexp"
	"strconv"
	"strings"

	"sigs.k8s.io/yaml"
)

// Source is one input file.
type Source struct {
	Name string // as given on the command line ("-" for standard input)
	Data []byte
}

// document is one YAML or JSON document of a source (or one resource of a
// list in it), converted to JSON.
type document struct {
	file  string
	line  int // line of the document's first line in the file, from 1
	json  []byte
	lines *lineIndex // nil when the text has no node tree
}

// where is "file:line" of the document (of the resource in a list) for
// input errors.
func (d *document) where() string { return d.file + ":" + strconv.Itoa(d.lineOf("")) }

// lineOf is the file line of the setting at field (see lineIndex.line),
// the document's first line when it cannot be found.
func (d *document) lineOf(field string) int {
	if l := d.lines.line(field); l > 0 {
		return l
	}
	return d.line
}

// header is what every Kubernetes resource starts with.
type header struct {
	APIVersion string `json:"apiVersion"`
	Kind       string `json:"kind"`
	Metadata   struct {
		Name      string `json:"name"`
		Namespace string `json:"namespace"`
	} `json:"metadata"`
}

// documents splits a source into its documents: a JSON value, or a YAML
// stream separated by "---" lines. Empty documents are skipped. A YAML error
// names the file and the line in the file.
func documents(src Source) ([]document, error) {
	trimmed := bytes.TrimSpace(src.Data)
	if len(trimmed) == 0 {
		return nil, errors.New(src.Name + ": empty")
	}
	if trimmed[0] == '{' || trimmed[0] == '[' {
		if !json.Valid(trimmed) {
			return nil, errors.New(src.Name + ": " + jsonError(trimmed))
		}
		first := 1 + bytes.Count(src.Data[:bytes.Index(src.Data, trimmed[:1])], []byte("\n"))
		return []document{{file: src.Name, line: first, json: trimmed, lines: parseLines(string(trimmed), first)}}, nil
	}
	var out []document
	lines := strings.SplitAfter(string(src.Data), "\n")
	start := 0
	flush := func(end int) error {
		text := strings.Join(lines[start:end], "")
		if isBlankYAML(text) {
			return nil
		}
		j, err := yaml.YAMLToJSON([]byte(text))
		if err != nil {
			return errors.New(yamlError(src.Name, start+1, err))
		}
		out = append(out, document{file: src.Name, line: start + 1, json: j, lines: parseLines(text, start+1)})
		return nil
	}
	for i, l := range lines {
		if isSeparator(l) {
			if err := flush(i); err != nil {
				return nil, err
			}
			start = i + 1
		}
	}
	if err := flush(len(lines)); err != nil {
		return nil, err
	}
	return out, nil
}

// isSeparator reports whether a line starts a new YAML document.
func isSeparator(l string) bool {
	l = strings.TrimRight(l, "\r\n")
	return l == "---" || strings.HasPrefix(l, "--- ") || strings.HasPrefix(l, "---\t") || l == "..."
}

// isBlankYAML reports whether a document holds only blank lines and comments.
func isBlankYAML(text string) bool {
	for _, l := range strings.Split(text, "\n") {
		l = strings.TrimSpace(l)
		if l != "" && !strings.HasPrefix(l, "#") {
			return false
		}
	}
	return true
}

var yamlLine = regexp.MustCompile(`line (\d+)`)

// yamlError rewrites a YAML parser error so its line is the line in the file.
func yamlError(file string, first int, err error) string {
	msg := strings.TrimPrefix(err.Error(), "error converting YAML to JSON: ")
	msg = strings.TrimPrefix(msg, "yaml: ")
	line := first
	if m := yamlLine.FindStringSubmatchIndex(msg); m != nil {
		n, _ := strconv.Atoi(msg[m[2]:m[3]])
		line = first + n - 1
		msg = strings.TrimSpace(strings.TrimPrefix(msg[:m[0]]+msg[m[1]:], ":"))
		msg = strings.TrimSpace(strings.TrimPrefix(msg, ":"))
	}
	return file + ":" + strconv.Itoa(line) + ": invalid YAML: " + msg
}

// jsonError describes why data is not valid JSON, with the line.
func jsonError(data []byte) string {
	var v any
	err := json.Unmarshal(data, &v)
	var se *json.SyntaxError
	if errors.As(err, &se) {
		line := 1 + bytes.Count(data[:se.Offset], []byte("\n"))
		return "line " + strconv.Itoa(line) + ": invalid JSON: " + se.Error()
	}
	return "invalid JSON: " + err.Error()
}

// decodeStrict decodes JSON into v, refusing unknown fields and trailing data.
func decodeStrict(data []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return errors.New(strings.TrimPrefix(err.Error(), "json: "))
	}
	if dec.More() {
		return errors.New("trailing data after the document")
	}
	return nil
}
