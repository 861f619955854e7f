package deploy_test

import (
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/cors-wasm/cors-wasm/policy"
)

// schemaNode is one JSON Schema object.
type schemaNode = map[string]any

func loadSchema(t *testing.T) schemaNode {
	t.Helper()
	var s schemaNode
	if err := json.Unmarshal(readFile(t, schemaFile), &s); err != nil {
		t.Fatal(err)
	}
	return s
}

// resolve follows a local "$ref": "#/$defs/name".
func resolve(t *testing.T, root, n schemaNode) schemaNode {
	t.Helper()
	ref, ok := n["$ref"].(string)
	if !ok {
		return n
	}
	def, ok := root["$defs"].(schemaNode)[strings.TrimPrefix(ref, "#/$defs/")].(schemaNode)
	if !ok {
		t.Fatalf("unresolvable $ref %q", ref)
	}
	return def
}

// TestSchemaMatchesConfigStructs walks policy.Config's json tags and requires
// the schema to have exactly those properties at each level, with matching
// types, a description each, and a default unless the key is required or
// its absence means something no value can say.
func TestSchemaMatchesConfigStructs(t *testing.T) {
	root := loadSchema(t)
	if root["$schema"] != "https://json-schema.org/draft/2020-12/schema" {
		t.Errorf("$schema %v: want draft 2020-12", root["$schema"])
	}
	checkObject(t, root, root, reflect.TypeFor[policy.Config](), "(root)")
}

func checkObject(t *testing.T, root, n schemaNode, typ reflect.Type, path string) {
	t.Helper()
	n = resolve(t, root, n)
	if n["type"] != "object" || n["additionalProperties"] != false {
		t.Errorf("%s: want type object with additionalProperties false", path)
	}
	props, _ := n["properties"].(schemaNode)
	var want, got []string
	for i := 0; i < typ.NumField(); i++ {
		want = append(want, strings.Split(typ.Field(i).Tag.Get("json"), ",")[0])
	}
	for k := range props {
		got = append(got, k)
	}
	sort.Strings(want)
	sort.Strings(got)
	if !slices.Equal(want, got) {
		t.Errorf("%s: schema properties %v, Go json tags %v", path, got, want)
	}
	required := stringsOf(n["required"])
	for i := 0; i < typ.NumField(); i++ {
		f := typ.Field(i)
		key := strings.Split(f.Tag.Get("json"), ",")[0]
		p, ok := props[key].(schemaNode)
		if !ok {
			continue
		}
		checkProperty(t, root, resolve(t, root, p), f.Type, path+"."+key, slices.Contains(required, key))
	}
}

func checkProperty(t *testing.T, root, p schemaNode, typ reflect.Type, path string, required bool) {
	t.Helper()
	if d, _ := p["description"].(string); d == "" {
		t.Errorf("%s: no description", path)
	}
	wantType := jsonType(typ)
	if p["type"] != wantType {
		t.Errorf("%s: schema type %v, Go type %v wants %q", path, p["type"], typ, wantType)
	}
	def, hasDefault := p["default"]
	minItems, _ := p["minItems"].(float64)
	switch {
	case hasDefault && jsonTypeOf(def) != wantType:
		t.Errorf("%s: default %v is not of type %s", path, def, wantType)
	case !hasDefault && !required && wantType != "object" && minItems < 1:
		t.Errorf("%s: no default", path)
	}
	switch elem := typ; {
	case elem.Kind() == reflect.Pointer:
		checkObject(t, root, p, elem.Elem(), path)
	case elem.Kind() == reflect.Slice && elem.Elem().Kind() == reflect.Struct:
		items, _ := p["items"].(schemaNode)
		checkObject(t, root, items, elem.Elem(), path+"[]")
	case elem.Kind() == reflect.Slice:
		items, _ := p["items"].(schemaNode)
		if items["type"] != jsonType(elem.Elem()) {
			t.Errorf("%s: items type %v, want %s", path, items["type"], jsonType(elem.Elem()))
		}
	}
}

// jsonType is the JSON Schema type of a Go config field.
func jsonType(t reflect.Type) string {
	switch t.Kind() {
	case reflect.String:
		return "string"
	case reflect.Bool:
		return "boolean"
	case reflect.Int:
		return "integer"
	case reflect.Slice:
		return "array"
	case reflect.Pointer, reflect.Struct:
		return "object"
	}
	panic(fmt.Sprintf("config field of kind %v: teach jsonType about it", t.Kind()))
}

// jsonTypeOf is the JSON Schema type of a decoded JSON value.
func jsonTypeOf(v any) string {
	switch v := v.(type) {
	case string:
		return "string"
	case bool:
		return "boolean"
	case float64:
		if v == float64(int64(v)) {
			return "integer"
		}
		return "number"
	case []any:
		return "array"
	case map[string]any:
		return "object"
	}
	return "null"
}

func stringsOf(v any) []string {
	var out []string
	list, _ := v.([]any)
	for _, e := range list {
		if s, ok := e.(string); ok {
			out = append(out, s)
		}
	}
	return out
}

// property returns the schema of a property by its path of keys, e.g.
// "policy", "match", "hosts" ("policy" and "match" are $defs).
func property(t *testing.T, root schemaNode, def, key string) schemaNode {
	t.Helper()
	n := root
	if def != "" {
		n = root["$defs"].(schemaNode)[def].(schemaNode)
	}
	p, ok := n["properties"].(schemaNode)[key].(schemaNode)
	if !ok {
		t.Fatalf("no property %s.%s", def, key)
	}
	return p
}

// TestSchemaLimitsMatchPolicy keeps the schema's list limits equal to the
// engine's constants.
func TestSchemaLimitsMatchPolicy(t *testing.T) {
	root := loadSchema(t)
	cases := []struct {
		def, key, keyword string
		items             bool // the keyword applies to the items
		want              int
	}{
		{"", "policies", "maxItems", false, policy.MaxPolicies},
		{"policy", "allow_origins", "maxItems", false, policy.MaxOrigins},
		{"policy", "allow_origin_regexes", "maxItems", false, policy.MaxRegexes},
		{"policy", "allow_origin_regexes", "maxLength", true, policy.MaxRegexBytes},
		{"policy", "allow_methods", "maxItems", false, policy.MaxListedNames},
		{"policy", "allow_headers", "maxItems", false, policy.MaxListedNames},
		{"policy", "expose_headers", "maxItems", false, policy.MaxListedNames},
		{"match", "hosts", "maxItems", false, policy.MaxListedNames},
		{"match", "path_prefixes", "maxItems", false, policy.MaxListedNames},
	}
	for _, c := range cases {
		t.Run(c.def+"."+c.key+"."+c.keyword, func(t *testing.T) {
			n := property(t, root, c.def, c.key)
			if c.items {
				n = n["items"].(schemaNode)
			}
			if got, _ := n[c.keyword].(float64); int(got) != c.want {
				t.Errorf("%s = %v, policy says %d", c.keyword, n[c.keyword], c.want)
			}
		})
	}
}
