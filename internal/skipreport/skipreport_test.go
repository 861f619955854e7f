package skipreport

import (
	"os"
	"path/filepath"
	"testing"
)

// Each distinct line is written once, whatever the number of skips.
func TestRecordWritesEachLineOnce(t *testing.T) {
	path := filepath.Join(t.TempDir(), "skipped.txt")
	t.Setenv(Env, path)
	for _, l := range []string{"SKIP: a", "SKIP: b", "SKIP: a"} {
		if err := record(l); err != nil {
			t.Fatal(err)
		}
	}
	got, err := os.ReadFile(path)
	if err != nil || string(got) != "SKIP: a\nSKIP: b\n" {
		t.Fatalf("report %q (%v), want two lines", got, err)
	}
}

// Without the variable nothing is written anywhere.
func TestRecordWithoutEnv(t *testing.T) {
	t.Setenv(Env, "")
	if err := record("SKIP: c"); err != nil {
		t.Fatal(err)
	}
}
