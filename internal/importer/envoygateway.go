package importer

import (
	"encoding/json"
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

func (in *importer) readSecurityPolicy(doc *document, h header) []string {
	var sp SecurityPolicy
	if err := decodeStrict(doc.json, &sp); err != nil {
		return []string{doc.where() + ": SecurityPolicy " + resourceName(h) + ": " + err.Error()}
	}
	in.securityPolicies = append(in.securityPolicies, &securityPolicyDoc{src: &source{doc: doc, what: "SecurityPolicy " + resourceName(h)}, sp: &sp})
	in.domain("gateway", in.gatewayGroups)
	return nil
}

// securityPolicyDoc is a decoded SecurityPolicy.
type securityPolicyDoc struct {
	src *source
	sp  *SecurityPolicy
}

// attachSecurityPolicies attaches the CORS settings of every
// SecurityPolicy to the HTTPRoute rules it targets: a rule section, a
// whole HTTPRoute, or every HTTPRoute of the input whose parentRefs name a
// targeted Gateway (Envoy Gateway applies a Gateway's policy to its routes,
// a more specific policy first).
func (in *importer) attachSecurityPolicies() {
	for _, d := range in.securityPolicies {
		sp := d.sp
		if sp.Spec.CORS == nil {
			in.rep.add(d.src, "", Ignored, "no spec.cors")
			continue
		}
		in.settings++
		g := &grant{src: d.src, field: "spec.cors"}
		mapSecurityPolicyCORS(g, in.rep, sp.Spec.CORS)
		targets := sp.Spec.TargetRefs
		field := "spec.targetRefs"
		if sp.Spec.TargetRef != nil {
			targets, field = append(targets, *sp.Spec.TargetRef), "spec.targetRef"
		}
		if len(sp.Spec.TargetSelectors) > 0 {
			in.rep.add(d.src, "spec.targetSelectors", Dropped, "label selectors cannot be resolved from files: list the routes in targetRefs")
		}
		if len(targets) == 0 {
			in.rep.add(d.src, "spec", Dropped, "no targetRefs: nothing says which routes the policy applies to")
			continue
		}
		for ti, t := range targets {
			tfield := field
			if field == "spec.targetRefs" {
				tfield += "[" + itoa(ti) + "]"
			}
			in.attach(d, g, tfield, t.Kind, string(t.Name), t.SectionName)
		}
	}
}

// attach attaches one target's grant, reporting a target it cannot find.
func (in *importer) attach(d *securityPolicyDoc, g *grant, field string, kind gwv1.Kind, name string, section *gwv1.SectionName) {
	ns := d.sp.Namespace
	switch kind {
	case "HTTPRoute":
		rd := in.routes[ns+"/"+name]
		if rd == nil {
			in.rep.add(d.src, field, Dropped, "HTTPRoute "+q(name)+" is not in the input, so its hostnames and paths are unknown; "+
				"pass the HTTPRoute too (the policy is not written rather than applied to every request)")
			return
		}
		if section == nil {
			rd.policies[-1] = append(rd.policies[-1], g)
			in.rep.add(d.src, field, Mapped, "HTTPRoute "+q(name)+" -> its rules (hostnames and path matches, from "+rd.src.doc.file+")")
			return
		}
		for ri, rule := range rd.route.Spec.Rules {
			if rule.Name != nil && *rule.Name == *section {
				rd.policies[ri] = append(rd.policies[ri], g)
				in.rep.add(d.src, field, Mapped, "HTTPRoute "+q(name)+" rule "+q(string(*section))+" -> its path matches")
				return
			}
		}
		in.rep.add(d.src, field, Dropped, "HTTPRoute "+q(name)+" has no rule named "+q(string(*section)))
	case "Gateway":
		found := false
		for _, rd := range in.routeOrder {
			for _, p := range rd.route.Spec.ParentRefs {
				pns := rd.route.Namespace
				if p.Namespace != nil {
					pns = string(*p.Namespace)
				}
				if string(p.Name) == name && pns == ns && (p.Kind == nil || *p.Kind == "Gateway") {
					rd.policies[-2] = append(rd.policies[-2], g)
					found = true
					break
				}
			}
		}
		if !found {
			in.rep.add(d.src, field, Dropped, "Gateway "+q(name)+": no HTTPRoute of the input is attached to it, so the paths it serves are unknown; "+
				"pass its HTTPRoutes too (the policy applies to their rules)")
			return
		}
		in.rep.add(d.src, field, Mapped, "Gateway "+q(name)+" -> the rules of its HTTPRoutes in the input that no more specific policy covers")
	default:
		in.rep.add(d.src, field, Dropped, "target kind "+q(string(kind))+" cannot be expressed")
	}
}

func mapSecurityPolicyCORS(g *grant, rep *Report, c *SecurityPolicyCORS) {
	for i, o := range c.AllowOrigins {
		addOriginPattern(g, rep, "spec.cors.allowOrigins["+itoa(i)+"]", o)
	}
	addMethods(g, rep, "spec.cors.allowMethods", c.AllowMethods)
	addHeaders(g, rep, "spec.cors.allowHeaders", c.AllowHeaders)
	addExpose(g, rep, "spec.cors.exposeHeaders", c.ExposeHeaders)
	if c.AllowCredentials != nil {
		setCredentials(g, rep, "spec.cors.allowCredentials", *c.AllowCredentials)
	}
	if c.MaxAge != nil {
		dur, err := time.ParseDuration(string(*c.MaxAge))
		if err != nil {
			rep.add(g.src, "spec.cors.maxAge", Dropped, q(string(*c.MaxAge))+": not a duration")
			return
		}
		setMaxAge(g, rep, "spec.cors.maxAge", int64(dur/time.Second))
	}
}
