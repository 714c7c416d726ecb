package specmodel

import (
	"encoding/json"
	"maps"
	"strconv"
)

// Normalize rewrites tree, the JSON tree of an app spec (see TreeOf), in
// place with the changes the live API makes to a spec it accepts on
// create or update; appspec.Normalize documents them. Normalizing a
// normalized tree changes nothing.
func Normalize(tree map[string]any) {
	for _, r := range rewrites {
		r.apply(tree)
	}
}

// rewrite is one change the live API makes to every spec it stores.
type rewrite struct {
	fact       string // in section (a) of testdata/live-api-behaviour.md
	confidence string // the facts file's word, or "choice" where it is silent
	apply      func(map[string]any)
}

// rewrites run in order: the default rule needs the routes gone.
var rewrites = [...]rewrite{
	{"a.12-a.14", "confirmed; field mapping inferred", routesToIngressRules},
	{"a.15-a.16", "confirmed for one component; choice for several", addDefaultIngressRule},
	{"a.18", "confirmed", fillDefaultHTTPPort},
	{"a.9-a.10", "confirmed (provider suppresses the diff)", dropGeneralEnvType},
}

// routable is a component that ingress rules may route to (a.17): a
// service, static site or functions component, as its JSON object.
type routable struct {
	list      string // "services", "static_sites" or "functions"
	spec      map[string]any
	reachable bool // not an internal-only service
}

func (c routable) name() string { s, _ := c.spec["name"].(string); return s }

// objects lists the non-null objects of the list under key in m.
func objects(m map[string]any, key string) []map[string]any {
	list, _ := m[key].([]any)
	var out []map[string]any
	for _, e := range list {
		if o, ok := e.(map[string]any); ok {
			out = append(out, o)
		}
	}
	return out
}

func routableComponents(tree map[string]any) []routable {
	var out []routable
	for _, list := range []string{"services", "static_sites", "functions"} {
		for _, c := range objects(tree, list) {
			out = append(out, routable{list, c, list != "services" || !internalOnly(c)})
		}
	}
	return out
}

// internalOnly reports a service that listens on internal ports only
// (a.16: http_port unset, internal_ports given).
func internalOnly(service map[string]any) bool {
	ports, _ := service["internal_ports"].([]any)
	return isZeroJSON(service["http_port"]) && len(ports) > 0
}

// routesToIngressRules moves component routes and cors into ingress rules
// (a.12–a.14).
func routesToIngressRules(tree map[string]any) {
	var rules []any
	for _, c := range routableComponents(tree) {
		made := false
		for _, r := range objects(c.spec, "routes") {
			path, _ := r["path"].(string)
			preserve, _ := r["preserve_path_prefix"].(bool)
			rules = append(rules, componentRule(c.name(), path, preserve, deepCopy(c.spec["cors"])))
			made = true
		}
		delete(c.spec, "routes")
		if made {
			delete(c.spec, "cors")
		}
	}
	if len(rules) > 0 {
		ingress := ingressOf(tree)
		existing, _ := ingress["rules"].([]any)
		ingress["rules"] = append(existing, rules...)
	}
}

// ingressOf returns the tree's ingress object, adding an empty one when
// there is none.
func ingressOf(tree map[string]any) map[string]any {
	ingress, ok := tree["ingress"].(map[string]any)
	if !ok {
		ingress = map[string]any{}
		tree["ingress"] = ingress
	}
	return ingress
}

// addDefaultIngressRule routes "/" to the app's one routable component when
// nothing else routes anywhere (a.15). An explicit ingress without rules
// gets it too: a.16's empty ingress stays empty because its only service is
// internal-only, which is not routable.
func addDefaultIngressRule(tree map[string]any) {
	if ingress, ok := tree["ingress"].(map[string]any); ok {
		if rules, _ := ingress["rules"].([]any); len(rules) > 0 {
			return
		}
	}
	var only routable
	n := 0
	for _, c := range routableComponents(tree) {
		if c.reachable {
			n++
			only = c
		}
	}
	if n != 1 || only.list == "functions" {
		return // several candidates, or a function: not established, no guess
	}
	ingress := ingressOf(tree)
	existing, _ := ingress["rules"].([]any)
	ingress["rules"] = append(existing, componentRule(only.name(), "/", false, only.spec["cors"]))
	delete(only.spec, "cors")
}

// componentRule is an ingress rule routing the path prefix to the
// component name, with the cors policy when there is one.
func componentRule(name, prefix string, preserve bool, cors any) map[string]any {
	rule := map[string]any{
		"match":     map[string]any{"path": map[string]any{"prefix": prefix}},
		"component": map[string]any{"name": name, "preserve_path_prefix": preserve},
	}
	if cors != nil {
		rule["cors"] = cors
	}
	return rule
}

// deepCopy copies a JSON value, so that the rules made from one
// component's routes do not share its cors policy.
func deepCopy(v any) any {
	switch v := v.(type) {
	case map[string]any:
		out := maps.Clone(v)
		for k, child := range out {
			out[k] = deepCopy(child)
		}
		return out
	case []any:
		out := make([]any, len(v))
		for i, e := range v {
			out[i] = deepCopy(e)
		}
		return out
	}
	return v
}

// fillDefaultHTTPPort fills in the documented default port (a.18).
func fillDefaultHTTPPort(tree map[string]any) {
	for _, c := range objects(tree, "services") {
		if isZeroJSON(c["http_port"]) && !internalOnly(c) {
			c["http_port"] = json.Number(strconv.Itoa(DefaultHTTPPort))
		}
	}
}

// dropGeneralEnvType writes GENERAL, the type's default, as absent (a.9),
// in the app's envs and every component's.
func dropGeneralEnvType(tree map[string]any) {
	owners := []map[string]any{tree}
	for _, list := range ComponentLists {
		owners = append(owners, objects(tree, list)...)
	}
	for _, owner := range owners {
		for _, e := range objects(owner, "envs") {
			if e["type"] == EnvTypeGeneral {
				delete(e, "type")
			}
		}
	}
}
