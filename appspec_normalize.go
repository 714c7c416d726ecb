package digitalocean

import (
	"encoding/json"
	"slices"
)

// NormalizeAppSpec returns a copy of spec with the changes applied that the
// live API makes to a spec it accepts on create or update, so that a desired
// spec and the spec the API returns compare equal when the API would change
// nothing. spec itself is not changed; Normalize(nil) is nil, and
// normalizing a normalized spec changes nothing.
//
// The rewrites, in order (numbers are the facts of section (a) of
// testdata/live-api-behaviour.md):
//
//   - a.12–a.14: each route of a service, static site or functions component
//     becomes a top-level ingress rule (match path prefix = the route's
//     path, component = the component and the route's preserve_path_prefix,
//     cors = the component's cors), appended after the ingress rules already
//     there, in component order; routes and cors leave the component. A
//     component's cors stays on it only when no rule was made for it.
//   - a.15, a.16: when no ingress rule and no route is left and exactly one
//     component can be routed to, one rule "/" → that component is added
//     (for a service or static site; a lone functions component gets none).
//     Internal-only services (no http_port, some internal_ports) cannot be
//     routed to. With several routable components no rule is made.
//   - a.18: a service without http_port gets 8080, unless it is internal-only.
//   - a.9, a.10: env type GENERAL reads back absent.
//
// Left as given, as the API does or as far as anyone knows: instance_count
// (a.19), instance_size_slug and region (a.20), legacy size slugs (a.21),
// features, domains and image.deploy_on_push (a.22), jobs[].kind (a.23).
// Values of SECRET env vars and image.registry_credentials are left
// untouched: the API encrypts them (a.1–a.5), which no client can do, so a
// plaintext and the API's EV[...] ciphertext of it still differ after
// normalizing both.
func NormalizeAppSpec(spec *AppSpec) *AppSpec {
	out := spec.Clone()
	if out == nil {
		return nil
	}
	for _, r := range appSpecRewrites {
		r.apply(out)
	}
	return out
}

// appSpecRewrite is one change the live API makes to every spec it stores.
// The fake API (digitaloceantest) applies the same table through
// NormalizeAppSpec, so the two cannot drift apart.
type appSpecRewrite struct {
	fact       string // in section (a) of testdata/live-api-behaviour.md
	confidence string // the facts file's word, or "choice" where it is silent
	apply      func(*AppSpec)
}

// appSpecRewrites run in order: the default rule needs the routes gone.
var appSpecRewrites = [...]appSpecRewrite{
	{"a.12-a.14", "confirmed; field mapping inferred", routesToIngressRules},
	{"a.15-a.16", "confirmed for one component; choice for several", addDefaultIngressRule},
	{"a.18", "confirmed", fillDefaultHTTPPort},
	{"a.9-a.10", "confirmed (provider suppresses the diff)", dropGeneralEnvType},
}

// routable is a component that ingress rules may route to (a.17).
type routable struct {
	name      string
	kind      AppComponentKind
	routes    *[]*AppRouteSpec
	cors      **AppCORSPolicy
	reachable bool // not an internal-only service
}

func routableComponents(spec *AppSpec) []routable {
	var out []routable
	for _, c := range spec.Services {
		if c != nil {
			out = append(out, routable{c.Name, AppComponentKindService, &c.Routes, &c.CORS, !internalOnly(c)})
		}
	}
	for _, c := range spec.StaticSites {
		if c != nil {
			out = append(out, routable{c.Name, AppComponentKindStaticSite, &c.Routes, &c.CORS, true})
		}
	}
	for _, c := range spec.Functions {
		if c != nil {
			out = append(out, routable{c.Name, AppComponentKindFunctions, &c.Routes, &c.CORS, true})
		}
	}
	return out
}

// internalOnly reports a service that listens on internal ports only
// (a.16: http_port unset, internal_ports given).
func internalOnly(c *AppServiceSpec) bool {
	return c.HTTPPort == 0 && len(c.InternalPorts) > 0
}

// routesToIngressRules moves component routes and cors into ingress rules
// (a.12–a.14).
func routesToIngressRules(spec *AppSpec) {
	var rules []*AppIngressSpecRule
	for _, c := range routableComponents(spec) {
		made := false
		for _, r := range *c.routes {
			if r != nil {
				rules = append(rules, componentRule(c.name, r.Path, r.PreservePathPrefix, copyCORS(*c.cors)))
				made = true
			}
		}
		*c.routes = nil
		if made {
			*c.cors = nil
		}
	}
	if len(rules) > 0 {
		if spec.Ingress == nil {
			spec.Ingress = &AppIngressSpec{}
		}
		spec.Ingress.Rules = append(spec.Ingress.Rules, rules...)
	}
}

// addDefaultIngressRule routes "/" to the app's one routable component when
// nothing else routes anywhere (a.15). An explicit ingress without rules
// gets it too: a.16's empty ingress stays empty because its only service is
// internal-only, which is not routable.
func addDefaultIngressRule(spec *AppSpec) {
	if spec.Ingress != nil && len(spec.Ingress.Rules) > 0 {
		return
	}
	var only *routable
	n := 0
	for _, c := range routableComponents(spec) {
		if c.reachable {
			n++
			only = &c
		}
	}
	if n != 1 || only.kind == AppComponentKindFunctions {
		return // several candidates, or a function: not established, no guess
	}
	if spec.Ingress == nil {
		spec.Ingress = &AppIngressSpec{}
	}
	spec.Ingress.Rules = append(spec.Ingress.Rules, componentRule(only.name, "/", false, *only.cors))
	*only.cors = nil
}

func componentRule(name, prefix string, preserve bool, cors *AppCORSPolicy) *AppIngressSpecRule {
	return &AppIngressSpecRule{
		Match:     &AppIngressSpecRuleMatch{Path: &AppIngressSpecRuleStringMatch{Prefix: &prefix}},
		Component: &AppIngressSpecRuleRoutingComponent{Name: name, PreservePathPrefix: FlexBool(preserve)},
		CORS:      cors,
	}
}

// copyCORS copies a cors policy, so that the rules made from one component's
// routes do not share it.
func copyCORS(p *AppCORSPolicy) *AppCORSPolicy {
	if p == nil {
		return nil
	}
	out := *p
	out.AllowOrigins = make([]*AppStringMatch, len(p.AllowOrigins))
	for i, o := range p.AllowOrigins {
		if o != nil {
			m := *o
			m.Exact, m.Prefix = copyString(o.Exact), copyString(o.Prefix)
			out.AllowOrigins[i] = &m
		}
	}
	if p.AllowOrigins == nil {
		out.AllowOrigins = nil
	}
	out.AllowMethods = slices.Clone(p.AllowMethods)
	out.AllowHeaders = slices.Clone(p.AllowHeaders)
	out.ExposeHeaders = slices.Clone(p.ExposeHeaders)
	return &out
}

func copyString(p *string) *string {
	if p == nil {
		return nil
	}
	s := *p
	return &s
}

// fillDefaultHTTPPort fills in the documented default port (a.18).
func fillDefaultHTTPPort(spec *AppSpec) {
	for _, c := range spec.Services {
		if c != nil && c.HTTPPort == 0 && !internalOnly(c) {
			c.HTTPPort = 8080
		}
	}
}

// dropGeneralEnvType writes GENERAL, the type's default, as absent (a.9).
func dropGeneralEnvType(spec *AppSpec) {
	for _, envs := range appSpecEnvLists(spec) {
		for _, e := range envs {
			if e != nil && e.Type == AppVariableTypeGeneral {
				e.Type = ""
			}
		}
	}
}

// appSpecEnvLists returns the app's env list and each component's.
func appSpecEnvLists(spec *AppSpec) [][]*AppVariableDefinition {
	lists := [][]*AppVariableDefinition{spec.Envs}
	for c := range spec.Components() {
		lists = append(lists, c.Envs())
	}
	return lists
}

// Clone returns a deep copy of the spec, including the JSON keys it keeps
// because their types do not know them; nil for a nil spec. Empty lists
// come back nil: the API makes no difference between the two.
func (a *AppSpec) Clone() *AppSpec {
	if a == nil {
		return nil
	}
	// A JSON round trip: MarshalJSON writes the unknown keys back and
	// UnmarshalJSON keeps them, at every level.
	raw, err := json.Marshal(a)
	if err != nil {
		// Only invalid JSON planted in unknown keys can get here, and
		// decoding never keeps any.
		panic("digitalocean: AppSpec.Clone: " + err.Error())
	}
	out := new(AppSpec)
	if err := json.Unmarshal(raw, out); err != nil {
		panic("digitalocean: AppSpec.Clone: " + err.Error())
	}
	return out
}
