package importer

import (
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
)

// Verb says what became of one source setting.
type Verb uint8

// What the importer did with a setting.
const (
	Mapped  Verb = iota // written to the output with the same meaning
	Changed             // written with a different value or meaning, for safety or because cors-wasm says it differently
	Dropped             // not written: cors-wasm cannot express it, or refuses it
	Ignored             // a document or object without CORS settings
)

var verbNames = [...]string{"mapped", "changed", "dropped", "ignored"}

// String is the verb as the report prints it.
func (v Verb) String() string { return verbNames[v] }

// Entry is one line of the report.
type Entry struct {
	src    *source
	site   string // the importer's source line that wrote it, for the test that holds every site to an input
	Field  string // the setting in the source, e.g. `spec.rules[0].filters[0].cors.allowOrigins[1]`
	Verb   Verb
	Detail string // what it became, or why it was changed or dropped
}

// Where is the file, the line of the setting and the resource, e.g.
// `routes.yaml:12: HTTPRoute demo/api`.
func (e Entry) Where() string { return e.src.at(e.Field) }

// String renders "where: field: verb: detail".
func (e Entry) String() string {
	var b strings.Builder
	b.WriteString(e.Where())
	b.WriteString(": ")
	if e.Field != "" {
		b.WriteString(e.Field)
		b.WriteString(": ")
	}
	b.WriteString(e.Verb.String())
	if e.Detail != "" {
		b.WriteString(": ")
		b.WriteString(e.Detail)
	}
	return b.String()
}

// Report is every entry of one import, in the order the sources were read.
type Report struct {
	Entries []Entry
}

// Lossy reports whether any setting was dropped.
func (r *Report) Lossy() bool {
	for _, e := range r.Entries {
		if e.Verb == Dropped {
			return true
		}
	}
	return false
}

// Count returns how many entries have verb v.
func (r *Report) Count(v Verb) int {
	n := 0
	for _, e := range r.Entries {
		if e.Verb == v {
			n++
		}
	}
	return n
}

// String is the report, one entry a line, and a summary line.
func (r *Report) String() string {
	var b strings.Builder
	for _, e := range r.Entries {
		b.WriteString(e.String())
		b.WriteByte('\n')
	}
	b.WriteString("summary: " + strconv.Itoa(r.Count(Mapped)) + " mapped, " + strconv.Itoa(r.Count(Changed)) +
		" changed, " + strconv.Itoa(r.Count(Dropped)) + " dropped, " + strconv.Itoa(r.Count(Ignored)) + " ignored\n")
	return b.String()
}

// source is one resource of the input: the document it is in and what it
// is ("HTTPRoute shop/api"), so that report lines name the file, the line
// of the setting and the resource.
type source struct {
	doc  *document
	what string
}

// at is "file:line: resource" for the setting at field.
func (s *source) at(field string) string {
	return s.doc.file + ":" + strconv.Itoa(s.doc.lineOf(field)) + ": " + s.what
}

// add appends an entry, unless the same line is already there (a route
// written for several hosts is reported once).
func (r *Report) add(s *source, field string, v Verb, detail string) {
	r.addAt(caller(), s, field, v, detail)
}

func (r *Report) addAt(site string, s *source, field string, v Verb, detail string) {
	e := Entry{src: s, site: site, Field: field, Verb: v, Detail: detail}
	for _, old := range r.Entries {
		if old.src.doc == s.doc && old.src.what == s.what && old.Field == field && old.Verb == v && old.Detail == detail {
			return
		}
	}
	r.Entries = append(r.Entries, e)
}

// override replaces what an earlier entry said about the same setting (a
// value first mapped, then dropped when the configuration is checked), so
// each setting has one final line, in its original place.
func (r *Report) override(s *source, field string, v Verb, detail string) {
	for i := range r.Entries {
		if e := &r.Entries[i]; e.src.doc == s.doc && e.src.what == s.what && e.Field == field && e.Verb == Mapped {
			e.Verb, e.Detail, e.site = v, detail, caller()
			return
		}
	}
	r.addAt(caller(), s, field, v, detail)
}

// caller is "file.go:line" of the call to add or override.
func caller() string {
	_, file, line, _ := runtime.Caller(2)
	return filepath.Base(file) + ":" + strconv.Itoa(line)
}

// q quotes a source value for the report (escaped, bounded).
func q(s string) string {
	if len(s) > 120 {
		return strconv.Quote(s[:120]) + "..."
	}
	return strconv.Quote(s)
}
