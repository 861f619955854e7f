package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/cors-wasm/cors-wasm/policy"
)

// An edit is a one-field change to a configuration: values added to a list
// of policies[i], a boolean set, or one list element replaced.
type edit struct {
	policy int
	field  string
	add    []string // values to append to the list
	set    *bool    // value to give the field
	index  int      // with replace: the element to replace
	with   string   // replacement value, when replace is set
	repl   bool
}

// path is the JSON path of the field the edit changes.
func (e edit) path() string {
	p := "policies[" + strconv.Itoa(e.policy) + "]." + e.field
	if e.repl {
		p += "[" + strconv.Itoa(e.index) + "]"
	}
	return p
}

// String says the edit the way a user makes it.
func (e edit) String() string {
	switch {
	case e.set != nil:
		return fmt.Sprintf("set %s to %t", e.path(), *e.set)
	case e.repl:
		return fmt.Sprintf("write %s as %q", e.path(), e.with)
	}
	return fmt.Sprintf("add %s to %s", strings.Join(e.add, ", "), e.path())
}

// apply returns config (JSON) with the edit made, or an error when the
// configuration does not have the shape the edit needs.
func (e edit) apply(config []byte) ([]byte, error) {
	var root map[string]any
	dec := json.NewDecoder(bytes.NewReader(config))
	dec.UseNumber()
	if err := dec.Decode(&root); err != nil {
		return nil, err
	}
	policies, _ := root["policies"].([]any)
	if e.policy >= len(policies) {
		return nil, fmt.Errorf("no policies[%d]", e.policy)
	}
	p, ok := policies[e.policy].(map[string]any)
	if !ok {
		return nil, fmt.Errorf("policies[%d] is not an object", e.policy)
	}
	switch {
	case e.set != nil:
		p[e.field] = *e.set
	case e.repl:
		list, _ := p[e.field].([]any)
		if e.index >= len(list) {
			return nil, fmt.Errorf("no %s", e.path())
		}
		list[e.index] = e.with
	default:
		list, _ := p[e.field].([]any)
		for _, v := range e.add {
			list = append(list, v)
		}
		p[e.field] = list
	}
	return json.Marshal(root)
}

// requestFix finds the one edit of the configuration that lets a refused
// request through, and checks it: the edited configuration must load and
// allow the request. It returns the edit, or why there is none.
func requestFix(config []byte, d *policy.Decision, er *explainRequest) (edit, string) {
	e := edit{policy: d.Policy}
	switch d.Reason {
	case policy.ReasonOrigin:
		if d.Detail != policy.DetailOriginNotAllowed || er.origin == "" {
			return e, "none: the request itself is malformed (" + d.Detail.String() + ")"
		}
		e.field, e.add = "allow_origins", []string{er.origin}
	case policy.ReasonMethod:
		if d.Detail != policy.DetailMethodNotAllowed {
			return e, "none: the requested method cannot be allowed (" + d.Detail.String() + ")"
		}
		e.field, e.add = "allow_methods", []string{er.acrm}
	case policy.ReasonHeaders:
		if d.Detail != policy.DetailHeaderNotAllowed && d.Detail != policy.DetailAuthorizationNotNamed {
			return e, "none: the requested headers cannot be allowed (" + d.Detail.String() + ")"
		}
		e.field, e.add = "allow_headers", missingHeaders(config, d.Policy, er.acrh)
		if len(e.add) == 0 {
			return e, "none found"
		}
	case policy.ReasonPrivateNetwork:
		yes := true
		e.field, e.set = "allow_private_network", &yes
	default:
		return e, "none: the request is over a limit no configuration raises (" + d.Detail.String() + ")"
	}
	edited, err := e.apply(config)
	if err != nil {
		return e, "none: " + err.Error()
	}
	set, err := policy.Load(edited)
	if err != nil {
		return e, fmt.Sprintf("none: the configuration with this edit (%s) is refused: %v", e, firstLine(err))
	}
	var r policy.Request
	r.Reset()
	for _, l := range er.lines() {
		r.AddHeader(l[0], l[1])
	}
	var after policy.Decision
	set.Decide(&r, &after)
	if !after.Allowed || after.WouldReject {
		return e, fmt.Sprintf("none: even after the edit (%s) the request is refused: %s", e, after.Detail)
	}
	return e, ""
}

// missingHeaders are the names requested in acrh that the policy does not
// list, lowercased, in request order.
func missingHeaders(config []byte, policyIndex int, acrh string) []string {
	cfg, err := policy.ParseConfig(config)
	if err != nil || policyIndex >= len(cfg.Policies) {
		return nil
	}
	listed := cfg.Policies[policyIndex].AllowHeaders
	var missing []string
	for _, h := range strings.Split(acrh, ",") {
		h = strings.ToLower(strings.TrimSpace(h))
		if h == "" || slices.Contains(missing, h) || slices.ContainsFunc(listed, func(l string) bool { return strings.EqualFold(l, h) }) {
			continue
		}
		missing = append(missing, h)
	}
	return missing
}

func firstLine(err error) string {
	s, _, _ := strings.Cut(err.Error(), "\n")
	return s
}

// originFix returns the corrected spelling of a refused allowed origin (a
// trailing slash, uppercase, a default port), checked: with it in place,
// the configuration has no error at that path any more. "" when there is no
// such fix.
func originFix(config []byte, e *policy.Error) string {
	if e.Policy < 0 || e.Field != "allow_origins" || e.Elem < 0 || e.Rest != "" || !e.HasValue {
		return ""
	}
	fixed := canonicalOrigin(e.Value)
	if fixed == "" || fixed == e.Value {
		return ""
	}
	edited, err := edit{policy: e.Policy, field: "allow_origins", index: e.Elem, with: fixed, repl: true}.apply(config)
	if err != nil {
		return ""
	}
	if _, err := policy.Load(edited); err != nil {
		var errs policy.Errors
		if !errors.As(err, &errs) {
			return ""
		}
		for _, after := range errs {
			if after.Policy == e.Policy && after.Field == e.Field && after.Elem == e.Elem && after.Rest == e.Rest {
				return ""
			}
		}
	}
	return fixed
}

// canonicalOrigin spells scheme://host[:port] as browsers serialize it:
// scheme and host lowercased, no default port, no trailing slash. It returns
// "" for anything else (a path, a query, userinfo), which has no one-edit fix.
func canonicalOrigin(s string) string {
	scheme, rest, ok := strings.Cut(s, "://")
	if !ok {
		return ""
	}
	scheme = strings.ToLower(scheme)
	rest = strings.TrimSuffix(rest, "/")
	if rest == "" || strings.ContainsAny(rest, "/?#@") {
		return ""
	}
	rest = strings.ToLower(rest)
	switch {
	case scheme == "https" && strings.HasSuffix(rest, ":443"):
		rest = strings.TrimSuffix(rest, ":443")
	case scheme == "http" && strings.HasSuffix(rest, ":80"):
		rest = strings.TrimSuffix(rest, ":80")
	}
	return scheme + "://" + rest
}
