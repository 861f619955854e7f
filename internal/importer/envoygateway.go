package importer

import (
	"encoding/json"
	"strconv"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	gwv1 "sigs.k8s.io/gateway-api/apis/v1"
)

// SecurityPolicy is the part of Envoy Gateway's SecurityPolicy
// (gateway.envoyproxy.io/v1alpha1) that the importer reads. It is a local
// copy rather than github.com/envoyproxy/gateway's type, whose module pulls
// about 300 modules into go.mod (RATIONALE.md); the authentication sections
// are accepted by name and not read. deploy/envoy-gateway/apicheck (a module
// of its own) checks every field here against the real type, and decodes the
// test manifests into it.
type SecurityPolicy struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`
	Spec              SecurityPolicySpec `json:"spec"`
	Status            json.RawMessage    `json:"status,omitempty"`
}

// SecurityPolicySpec is spec of a SecurityPolicy.
type SecurityPolicySpec struct {
	TargetRef       *gwv1.LocalPolicyTargetReferenceWithSectionName  `json:"targetRef,omitempty"`
	TargetRefs      []gwv1.LocalPolicyTargetReferenceWithSectionName `json:"targetRefs,omitempty"`
	TargetSelectors json.RawMessage                                  `json:"targetSelectors,omitempty"`
	MergeType       json.RawMessage                                  `json:"mergeType,omitempty"`
	CORS            *SecurityPolicyCORS                              `json:"cors,omitempty"`
	APIKeyAuth      json.RawMessage                                  `json:"apiKeyAuth,omitempty"`
	CSRF            json.RawMessage                                  `json:"csrf,omitempty"`
	BasicAuth       json.RawMessage                                  `json:"basicAuth,omitempty"`
	JWT             json.RawMessage                                  `json:"jwt,omitempty"`
	OIDC            json.RawMessage                                  `json:"oidc,omitempty"`
	ExtAuth         json.RawMessage                                  `json:"extAuth,omitempty"`
	Authorization   json.RawMessage                                  `json:"authorization,omitempty"`
}

// SecurityPolicyCORS is spec.cors of a SecurityPolicy.
type SecurityPolicyCORS struct {
	AllowOrigins     []string       `json:"allowOrigins,omitempty"`
	AllowMethods     []string       `json:"allowMethods,omitempty"`
	AllowHeaders     []string       `json:"allowHeaders,omitempty"`
	ExposeHeaders    []string       `json:"exposeHeaders,omitempty"`
	MaxAge           *gwv1.Duration `json:"maxAge,omitempty"`
	AllowCredentials *bool          `json:"allowCredentials,omitempty"`
}

func (in *importer) readSecurityPolicy(doc *document, h header, group int) []string {
	var sp SecurityPolicy
	if err := decodeStrict(doc.json, &sp); err != nil {
		return []string{doc.where() + ": SecurityPolicy " + resourceName(h) + ": " + err.Error()}
	}
	where := doc.where() + ": SecurityPolicy " + resourceName(h)
	in.pending = append(in.pending, func() { in.mapSecurityPolicy(where, &sp, group) })
	return nil
}

// mapSecurityPolicy makes one policy per target: for an HTTPRoute in the
// input, scoped by its hostnames and path matches; for anything else,
// unscoped and reported.
func (in *importer) mapSecurityPolicy(where string, sp *SecurityPolicy, group int) {
	if sp.Spec.CORS == nil {
		in.rep.add(where, "", Ignored, "no spec.cors")
		return
	}
	targets := sp.Spec.TargetRefs
	field := "spec.targetRefs"
	if sp.Spec.TargetRef != nil {
		targets, field = append(targets, *sp.Spec.TargetRef), "spec.targetRef"
	}
	if len(sp.Spec.TargetSelectors) > 0 {
		in.rep.add(where, "spec.targetSelectors", Dropped, "label selectors cannot be resolved from files: list the routes in targetRefs")
	}
	if len(targets) == 0 {
		in.rep.add(where, "spec", Dropped, "no targetRefs: nothing says which routes the policy applies to")
		return
	}
	for ti, t := range targets {
		tfield := field
		if field == "spec.targetRefs" {
			tfield += "[" + strconv.Itoa(ti) + "]"
		}
		d := &draft{name: sp.Name, where: where, field: "spec.cors", gatewayOrder: true, group: group}
		if len(targets) > 1 {
			d.name = sp.Name + "-" + string(t.Name)
		}
		if !in.scopeTarget(d, tfield, sp.Namespace, t) {
			continue
		}
		mapSecurityPolicyCORS(d, in.rep, sp.Spec.CORS)
		in.drafts = append(in.drafts, d)
	}
}

// scopeTarget sets the draft's match from the target. It returns false when
// the target cannot be scoped and the policy must not be written.
func (in *importer) scopeTarget(d *draft, field, namespace string, t gwv1.LocalPolicyTargetReferenceWithSectionName) bool {
	switch t.Kind {
	case "HTTPRoute":
		rd := in.routes[namespace+"/"+string(t.Name)]
		if rd == nil {
			in.rep.add(d.where, field, Dropped, "HTTPRoute "+q(string(t.Name))+" is not in the input, so its hostnames and paths are unknown; "+
				"pass the HTTPRoute too (the policy is not written rather than applied to every request)")
			return false
		}
		rules := []int{}
		for ri, rule := range rd.route.Spec.Rules {
			if t.SectionName == nil || rule.Name != nil && *rule.Name == *t.SectionName {
				rules = append(rules, ri)
			}
		}
		if len(rules) == 0 {
			in.rep.add(d.where, field, Dropped, "HTTPRoute "+q(string(t.Name))+" has no rule named "+q(string(*t.SectionName)))
			return false
		}
		in.rep.add(d.where, field, Mapped, "HTTPRoute "+q(string(t.Name))+" -> match (its hostnames and path matches, from "+rd.where+")")
		return routeScope(d, in.rep, rd.route, rules)
	case "Gateway":
		in.rep.add(d.where, field, Changed, "Gateway "+q(string(t.Name))+" -> no match: the policy applies to every request this plugin sees; "+
			"load the plugin on that Gateway only (deploy/envoy-gateway)")
		return true
	}
	in.rep.add(d.where, field, Dropped, "target kind "+q(string(t.Kind))+" cannot be expressed")
	return false
}

func mapSecurityPolicyCORS(d *draft, rep *Report, c *SecurityPolicyCORS) {
	for i, o := range c.AllowOrigins {
		addOriginPattern(d, rep, "spec.cors.allowOrigins["+strconv.Itoa(i)+"]", o)
	}
	addMethods(d, rep, "spec.cors.allowMethods", c.AllowMethods)
	addHeaders(d, rep, "spec.cors.allowHeaders", c.AllowHeaders)
	addExpose(d, rep, "spec.cors.exposeHeaders", c.ExposeHeaders)
	if c.AllowCredentials != nil {
		setCredentials(d, rep, "spec.cors.allowCredentials", *c.AllowCredentials)
	}
	if c.MaxAge != nil {
		dur, err := time.ParseDuration(string(*c.MaxAge))
		if err != nil {
			rep.add(d.where, "spec.cors.maxAge", Dropped, q(string(*c.MaxAge))+": not a duration")
			return
		}
		setMaxAge(d, rep, "spec.cors.maxAge", int64(dur/time.Second))
	}
}
