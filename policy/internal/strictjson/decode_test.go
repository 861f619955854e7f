package strictjson

import (
	"reflect"
	"strings"
	"testing"
)

// tree turns a decoded value into plain Go values (map[string]any, []any,
// string, bool, nil; numbers as numLit holding their literal text).
type numLit string

func tree(v Value) any {
	switch v.Kind {
	case Null:
		return nil
	case Bool:
		return v.Bool
	case Number:
		return numLit(v.Str)
	case String:
		return v.Str
	case Array:
		out := []any{}
		for _, e := range v.Elems {
			out = append(out, tree(e))
		}
		return out
	}
	out := map[string]any{}
	for _, m := range v.Members {
		out[m.Key] = tree(m.Value)
	}
	return out
}

func TestDecodeJSONAccepts(t *testing.T) {
	for _, c := range []struct {
		name, in string
		want     any
	}{
		{"object", `{"a":1,"b":[true,false,null],"c":"x"}`,
			map[string]any{"a": numLit("1"), "b": []any{true, false, nil}, "c": "x"}},
		{"whitespace everywhere", " \t\r\n{ \"a\" : [ 1 , 2 ] }\n ", map[string]any{"a": []any{numLit("1"), numLit("2")}}},
		{"numbers keep their text", `[-0,1e5,1.5E-3,0.25,-12]`,
			[]any{numLit("-0"), numLit("1e5"), numLit("1.5E-3"), numLit("0.25"), numLit("-12")}},
		{"escapes", `"\"\\\/\b\f\n\r\t\u0041\u00e9"`, "\"\\/\b\f\n\r\tAé"},
		{"surrogate pair", `"\ud83d\ude00"`, "😀"},
		{"raw UTF-8", `"héllo, 世界"`, "héllo, 世界"},
		{"empty containers", `{"a":{},"b":[]}`, map[string]any{"a": map[string]any{}, "b": []any{}}},
		{"scalar top level", `true`, true},
		{"depth 32", strings.Repeat("[", 32) + strings.Repeat("]", 32), nest(32)},
	} {
		t.Run(c.name, func(t *testing.T) {
			v, err := Decode([]byte(c.in))
			if err != nil {
				t.Fatalf("Decode(%q): %v", c.in, err)
			}
			if got := tree(v); !reflect.DeepEqual(got, c.want) {
				t.Fatalf("Decode(%q) = %#v, want %#v", c.in, got, c.want)
			}
		})
	}
}

func nest(n int) any {
	var v any = []any{}
	for i := 1; i < n; i++ {
		v = []any{v}
	}
	return v
}

func TestDecodeJSONRefuses(t *testing.T) {
	for _, c := range []struct{ name, in, want string }{
		{"empty", ``, "empty configuration"},
		{"whitespace only", "  \n", "expected a value"},
		{"trailing garbage", `{} x`, "after the top-level value"},
		{"two values", `{}{}`, "after the top-level value"},
		{"duplicate key", `{"a":1,"a":2}`, `a: duplicate key`},
		{"nested duplicate key", `{"policies":[{"name":"x","name":"y"}]}`, `policies[0].name: duplicate key`},
		{"duplicate after unescaping", `{"a":1,"\u0061":2}`, "duplicate key"},
		{"invalid UTF-8 in a string", "{\"a\":\"\xff\"}", "invalid UTF-8 at line 1, column 7 (byte 6)"},
		{"invalid UTF-8 outside strings", "{\"a\":1}\xc3", "invalid UTF-8"},
		{"lone high surrogate", `"\ud800"`, "unpaired UTF-16 surrogate"},
		{"lone low surrogate", `"\udc00"`, "unpaired UTF-16 surrogate"},
		{"high surrogate then non-surrogate", `"\ud800\u0041"`, "unpaired UTF-16 surrogate"},
		{"arrays deeper than 32", strings.Repeat("[", 33) + strings.Repeat("]", 33), "nested deeper than 32"},
		{"objects deeper than 32", strings.Repeat(`{"a":`, 33) + "1" + strings.Repeat("}", 33), "nested deeper than 32"},
		{"leading zero", `[01]`, "invalid JSON at line 1, column 3 (byte 2)"},
		{"plus sign", `[+1]`, "expected a value"},
		{"leading dot", `[.5]`, "expected a value"},
		{"trailing dot", `[1.]`, "a digit after '.'"},
		{"empty exponent", `[1e]`, "a digit in the exponent"},
		{"NaN", `[NaN]`, "expected a value"},
		{"unquoted key", `{a:1}`, "expected a string key"},
		{"single quotes", `{'a':1}`, "expected a string key"},
		{"trailing comma in array", `[1,]`, "expected a value"},
		{"trailing comma in object", `{"a":1,}`, "expected a string key"},
		{"control character", "[\"a\tb\"]", "control character"},
		{"bad escape", `["\x41"]`, "a valid escape"},
		{"short unicode escape", `["\u12"]`, "four hex digits"},
		{"truncated literal", `[tru]`, `"true"`},
		{"truncated null", `[nul`, `"null"`},
		{"unterminated string", `["abc`, `'"' to end the string`},
		{"missing colon", `{"a" 1}`, "':' after an object key"},
		// R24: where an editor shows it, and what it is.
		{"line and column after newlines", "{\n  \"a\": [1,\n    2,,\n  ]\n}", "invalid JSON at line 3, column 7 (byte 19): character ',', expected a value"},
		{"column counts characters, not bytes", "[\"é\" x]", "invalid JSON at line 1, column 6 (byte 6): character 'x'"},
		{"a multi-byte character is named whole", "[é]", "character 'é', expected a value"},
		{"UTF-8 byte order mark", "\xef\xbb\xbf{}", "starts with a UTF-8 byte order mark (BOM)"},
		{"UTF-16 byte order mark", "\xff\xfe{\x00}\x00", "starts with a UTF-16 byte order mark (BOM)"},
		{"garbage after the value", "{}\n}", "unexpected character '}' at line 2, column 1 (byte 3) after the top-level value"},
		{"control character position", "[\"a\n\"]", "control character '\\n' in a string at line 1, column 4 (byte 3)"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := Decode([]byte(c.in))
			if err == nil {
				t.Fatalf("Decode(%q) accepted", c.in)
			}
			if !strings.Contains(err.Error(), c.want) {
				t.Fatalf("Decode(%q) error %q does not say %q", c.in, err, c.want)
			}
		})
	}
}

func TestDecodeJSONSizeLimit(t *testing.T) {
	big := make([]byte, MaxBytes+1)
	for i := range big {
		big[i] = ' '
	}
	big[0] = '1'
	_, err := Decode(big)
	if err == nil || !strings.Contains(err.Error(), "larger than") {
		t.Fatalf("input over the limit: %v", err)
	}
}
