package strictjson

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzDecodeJSON checks our strict decoder against encoding/json: whatever
// we accept, encoding/json accepts with the same tree; whatever encoding/json
// refuses, we refuse; and whatever only we refuse shows one of our documented
// strictness reasons, checked independently here.
func FuzzDecodeJSON(f *testing.F) {
	for _, s := range []string{
		`{"policies":[{"name":"api","allow_origins":["https://app.example.com"],"max_age":600}]}`,
		`{"a":1,"a":2}`, `{"a":1,"\u0061":2}`, `"\ud83d\ude00"`, `"\ud800"`, `[1e5,-0,0.25]`,
		"{\"a\":\"\xff\"}", `{} x`, `[01]`, `[1.]`, `{"a":{"b":[null,true,false]}}`,
		strings.Repeat("[", 33) + strings.Repeat("]", 33), `"\u0000\n\t\\"`, `{"":""}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		ours, ourErr := Decode(data) // must never panic
		theirsValid := json.Valid(data)
		if ourErr == nil {
			if !theirsValid {
				t.Fatalf("we accept %q, encoding/json refuses it", data)
			}
			dec := json.NewDecoder(bytes.NewReader(data))
			dec.UseNumber()
			var theirs any
			if err := dec.Decode(&theirs); err != nil {
				t.Fatalf("we accept %q, encoding/json cannot decode it: %v", data, err)
			}
			if got, want := tree(ours), fromStdlib(theirs); !reflect.DeepEqual(got, want) {
				t.Fatalf("%q decodes differently:\n ours %#v\n std  %#v", data, got, want)
			}
			return
		}
		if !theirsValid {
			return // both refuse
		}
		// encoding/json accepts, we refuse: it must be one of our strict rules.
		switch {
		case len(data) > MaxBytes, !utf8.Valid(data), hasLoneSurrogate(data), maxDepth(data) > MaxDepth, hasDuplicateKey(data):
		default:
			t.Fatalf("we refuse %q (%v), which encoding/json accepts, for no documented reason", data, ourErr)
		}
	})
}

// fromStdlib converts encoding/json's tree into tree()'s shape.
func fromStdlib(v any) any {
	switch v := v.(type) {
	case json.Number:
		return numLit(v)
	case []any:
		out := []any{}
		for _, e := range v {
			out = append(out, fromStdlib(e))
		}
		return out
	case map[string]any:
		out := map[string]any{}
		for k, e := range v {
			out[k] = fromStdlib(e)
		}
		return out
	}
	return v
}

// hasLoneSurrogate scans string literals for a \uD800-\uDFFF escape that is
// not a high surrogate followed by a low one.
func hasLoneSurrogate(data []byte) bool {
	hex := func(b []byte) (rune, bool) {
		if len(b) < 4 {
			return 0, false
		}
		var r rune
		for _, c := range b[:4] {
			switch {
			case c >= '0' && c <= '9':
				r = r<<4 | rune(c-'0')
			case c >= 'a' && c <= 'f':
				r = r<<4 | rune(c-'a'+10)
			case c >= 'A' && c <= 'F':
				r = r<<4 | rune(c-'A'+10)
			default:
				return 0, false
			}
		}
		return r, true
	}
	inString := false
	for i := 0; i < len(data); i++ {
		c := data[i]
		if !inString {
			inString = c == '"'
			continue
		}
		switch c {
		case '"':
			inString = false
		case '\\':
			if i+1 < len(data) && data[i+1] == 'u' {
				r, ok := hex(data[i+2:])
				if ok && r >= 0xD800 && r <= 0xDBFF {
					if i+7 < len(data) && data[i+6] == '\\' && data[i+7] == 'u' {
						if lo, ok := hex(data[i+8:]); ok && lo >= 0xDC00 && lo <= 0xDFFF {
							i += 11
							continue
						}
					}
					return true
				}
				if ok && r >= 0xDC00 && r <= 0xDFFF {
					return true
				}
			}
			i++ // skip the escaped byte
		}
	}
	return false
}

// maxDepth and hasDuplicateKey walk encoding/json's tokens.
func maxDepth(data []byte) int {
	dec := json.NewDecoder(bytes.NewReader(data))
	depth, deepest := 0, 0
	for {
		tok, err := dec.Token()
		if err != nil {
			return deepest
		}
		switch tok {
		case json.Delim('['), json.Delim('{'):
			depth++
			deepest = max(deepest, depth)
		case json.Delim(']'), json.Delim('}'):
			depth--
		}
	}
}

func hasDuplicateKey(data []byte) bool {
	dec := json.NewDecoder(bytes.NewReader(data))
	type frame struct {
		object  bool
		keys    map[string]bool
		wantKey bool
	}
	var stack []*frame
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) || err != nil {
			return false
		}
		var top *frame
		if len(stack) > 0 {
			top = stack[len(stack)-1]
		}
		isKey := top != nil && top.object && top.wantKey
		switch tok {
		case json.Delim('{'), json.Delim('['):
			if top != nil && top.object {
				top.wantKey = true // this value ends a member
			}
			stack = append(stack, &frame{object: tok == json.Delim('{'), keys: map[string]bool{}, wantKey: true})
			continue
		case json.Delim('}'), json.Delim(']'):
			stack = stack[:len(stack)-1]
			continue
		}
		if isKey {
			k := tok.(string)
			if top.keys[k] {
				return true
			}
			top.keys[k] = true
			top.wantKey = false
		} else if top != nil && top.object {
			top.wantKey = true
		}
	}
}
