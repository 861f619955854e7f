package main

import (
	"bytes"
	"os"
	"testing"
)

// policy/internal/origins/suffixes_gen.go is what the generator writes today from the x/net
// version go.mod requires: nobody edited it by hand, and `make suffixes` ran
// after the last change to x/net or to the generator.
func TestGeneratedTableIsCurrent(t *testing.T) {
	want, err := generate()
	if err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile("../../policy/internal/origins/suffixes_gen.go")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Fatal("policy/internal/origins/suffixes_gen.go differs from what internal/gensuffix generates: run make suffixes")
	}
}

// Each rule kind is stored so that the rules under a domain sort together.
func TestKey(t *testing.T) {
	for _, c := range []struct{ rule, want string }{
		{"com", "com"},
		{"co.uk", "uk.co"},
		{"*.kawasaki.jp", "jp.kawasaki.*"},
		{"!city.kawasaki.jp", "jp.kawasaki.city!"},
	} {
		t.Run(c.rule, func(t *testing.T) {
			if got := key(c.rule); got != c.want {
				t.Errorf("key(%q) = %q, want %q", c.rule, got, c.want)
			}
		})
	}
}
