package importer_test

import (
	"flag"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/cors-wasm/cors-wasm/internal/importer"
	"github.com/cors-wasm/cors-wasm/internal/importer/refeval"
	"github.com/cors-wasm/cors-wasm/policy"
)

var differentialN = flag.Int("differential", 300, "generated manifests TestImportDifferential checks")

// diffStats counts what the differential check saw.
type diffStats struct {
	manifests, imports, requests int
	granted, kept                int // requests the source grants in every world; of those, granted by the import
}

func (s diffStats) String() string {
	rate := 0.0
	if s.granted > 0 {
		rate = 100 * float64(s.kept) / float64(s.granted)
	}
	return strconv.Itoa(s.manifests) + " manifests (" + strconv.Itoa(s.imports) + " imported), " + strconv.Itoa(s.requests) +
		" requests: the import grants nothing the source does not; of the " + strconv.Itoa(s.granted) +
		" the source grants, the import grants " + strconv.Itoa(s.kept) + " (" + strconv.FormatFloat(rate, 'f', 1, 64) + "%)"
}

// checkNeverWidens imports text and runs reqs through the import (decided
// by policy/) and through the source's reference evaluator in every world
// its files allow. The import must never let a browser do what a world
// does not: send a request, read its response or one of its headers.
// strict: text comes from the generator, so it must parse and import.
func checkNeverWidens(t testing.TB, text string, reqs []refeval.Request, st *diffStats, strict bool) {
	t.Helper()
	m, err := refeval.Parse(text)
	if err != nil {
		if strict {
			t.Fatalf("the evaluator cannot read a generated manifest: %v\n%s", err, text)
		}
		return
	}
	worlds := refeval.Worlds(m)
	if len(worlds) == 0 {
		return
	}
	cfg, rep, err := importer.Import([]importer.Source{{Name: "input.yaml", Data: []byte(text)}})
	imported := refeval.Server(func(refeval.Request, bool) refeval.Response {
		return refeval.Response{Status: 200, Header: map[string]string{}} // nothing imported: no policy applies
	})
	switch {
	case err == nil:
		set, err := policy.Load(importer.Marshal(cfg))
		if err != nil {
			t.Fatalf("the plugin refuses the imported configuration: %v\n%s", err, importer.Marshal(cfg))
		}
		imported = refeval.CorsWasm(set)
		st.imports++
	case rep == nil && strict:
		t.Fatalf("import refuses a generated manifest: %v\n%s", err, text)
	case rep == nil:
		return // not an input corsctl import reads
	}
	st.manifests++
	for _, r := range reqs {
		st.requests++
		got := refeval.Browser(r, imported)
		all := true
		for i, w := range worlds {
			want := refeval.Browser(r, w)
			if got.Allowed && !want.Allowed || got.Allowed && !subset(got.Exposed, want.Exposed) {
				var out []byte
				if cfg != nil {
					out = importer.Marshal(cfg)
				}
				t.Fatalf("the import grants more than the source (world %d):\nrequest %+v\nimport %+v, source %+v\nmanifest:\n%s\nimported:\n%s\nreport:\n%v",
					i, r, got, want, text, out, rep)
			}
			all = all && want.Allowed
		}
		if all {
			st.granted++
			if got.Allowed && reflect.DeepEqual(got, refeval.Browser(r, worlds[0])) {
				st.kept++
			}
		}
	}
}

func subset(a, b []string) bool {
	for _, v := range a {
		found := false
		for _, w := range b {
			found = found || v == w
		}
		if !found {
			return false
		}
	}
	return true
}

// The differential test: generated manifests of every source, with
// overlapping hosts and paths, routes with and without CORS, conditions,
// delegates, disabled filters and wildcards, each checked on requests
// around what it names. A grant the source does not make fails the test;
// the share of the source's grants the import keeps is logged (-v).
func TestImportDifferential(t *testing.T) {
	var st diffStats
	for i := 0; i < *differentialN; i++ {
		g := refeval.Seeded(uint64(i) + 1)
		_, text := refeval.Manifest(g)
		checkNeverWidens(t, text, refeval.RequestsFor(text, g, 120), &st, true)
	}
	if st.imports < *differentialN/2 {
		t.Errorf("only %d of %d generated manifests imported: the generator no longer exercises the importer", st.imports, *differentialN)
	}
	t.Log(st)
}

// FuzzImportNeverWidens holds the importer to the reference evaluators on
// manifests: the seeds are every manifest of testdata/widen (where imports
// once granted what the source did not) and the other testdata inputs;
// the second argument, when set, generates a manifest instead. `go test`
// runs the seeds; `go test -fuzz FuzzImportNeverWidens` explores.
func FuzzImportNeverWidens(f *testing.F) {
	files, _ := filepath.Glob("testdata/widen/*.yaml")
	more, _ := filepath.Glob("testdata/*.yaml")
	for _, name := range append(files, more...) {
		data, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(string(data), []byte(nil))
	}
	for i := 0; i < 16; i++ {
		f.Add("", []byte("seed-"+strconv.Itoa(i)))
	}
	f.Fuzz(func(t *testing.T, text string, seed []byte) {
		var st diffStats
		if strings.TrimSpace(text) != "" {
			checkNeverWidens(t, text, refeval.RequestsFor(text, refeval.NewGen([]byte(text)), 60), &st, false)
		}
		if len(seed) > 0 {
			g := refeval.NewGen(seed)
			_, gen := refeval.Manifest(g)
			checkNeverWidens(t, gen, refeval.RequestsFor(gen, g, 60), &st, true)
		}
	})
}
