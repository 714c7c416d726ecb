package digitaloceantest

import (
	"bytes"
	"cmp"
	"encoding/json"
	"fmt"
	"slices"

	do "github.com/oceankit/digitalocean"
)

// The fake's own model of what the live API does to an app spec it accepts
// (testdata/live-api-behaviour.md; numbers below are its facts). It works
// on the spec as JSON, the way the request carries it, and shares no code
// with the SDK's app-spec toolkit: a wrong rule in the SDK's normaliser
// shows up as a difference between the two instead of being copied here.

// specObject is an app spec as a decoded JSON object (numbers kept as
// json.Number).
type specObject = map[string]any

// liveRewrite is one change the live API makes to every spec it accepts.
type liveRewrite struct {
	facts string // fact numbers in testdata/live-api-behaviour.md
	apply func(specObject)
}

// liveRewrites run in order: the default rule needs the routes gone, and
// the default port needs to know which services are internal-only.
var liveRewrites = [...]liveRewrite{
	{"12, 13, 14", routesToRules},
	{"15, 16", addDefaultRule},
	{"18, 10", fillHTTPPort},
	{"9, 10", dropGeneralType},
	{"32", sortEnvsByKey},
}

// componentLists are the spec's component lists, in the order app_spec
// lists them in the OpenAPI description.
var componentLists = [...]string{"services", "static_sites", "jobs", "workers", "functions", "databases"}

// routedLists are the lists whose components take routes and cors and may
// be the target of ingress rules (the subset's schemas; fact 17).
var routedLists = [...]string{"services", "static_sites", "functions"}

// rewriteSpec applies every rewrite of the live API to spec, in place.
func rewriteSpec(spec specObject) {
	for _, r := range liveRewrites {
		r.apply(spec)
	}
}

// storeSpec is spec as the live API stores it on create and update:
// rewritten, with its secrets encrypted (facts 1–5).
func storeSpec(spec specObject) *do.AppSpec {
	rewriteSpec(spec)
	encryptSecrets(spec)
	return typedSpec(spec)
}

// proposedSpec is spec as propose answers it: rewritten, nothing encrypted
// (fact 6 leaves it open; nothing is stored).
func proposedSpec(spec specObject) *do.AppSpec {
	rewriteSpec(spec)
	return typedSpec(spec)
}

// requestSpec reads the spec of a create, update or propose body, which
// decodeStrict has already accepted.
func requestSpec(body []byte) (specObject, *reply) {
	var req struct {
		Spec specObject `json:"spec"`
	}
	if err := decodeNumbers(body, &req); err != nil || req.Spec == nil {
		r := badRequest("The request body needs a spec object.")
		return nil, &r
	}
	return req.Spec, nil
}

// typedSpec turns the JSON spec into the SDK's type, which the rest of the
// fake reads and renders (it keeps keys it has no field for).
func typedSpec(spec specObject) *do.AppSpec {
	out := new(do.AppSpec)
	if err := json.Unmarshal(mustJSON(spec), out); err != nil {
		// The request's spec was decoded into the same type before.
		panic(fmt.Sprintf("digitaloceantest: stored spec does not decode: %v", err))
	}
	return out
}

// objectOf is the JSON form of a typed spec.
func objectOf(spec *do.AppSpec) specObject {
	var out specObject
	if err := decodeNumbers(mustJSON(spec), &out); err != nil {
		panic(fmt.Sprintf("digitaloceantest: spec does not decode: %v", err))
	}
	return out
}

// cloneSpec deep-copies a spec, keeping its unknown keys.
func cloneSpec(spec *do.AppSpec) *do.AppSpec {
	if spec == nil {
		return nil
	}
	return typedSpec(objectOf(spec))
}

func decodeNumbers(raw []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	return dec.Decode(v)
}

func mustJSON(v any) []byte {
	raw, err := json.Marshal(v)
	if err != nil {
		panic(fmt.Sprintf("digitaloceantest: %v", err))
	}
	return raw
}

// object is o[key] when it is a JSON object, else nil.
func object(o specObject, key string) specObject {
	m, _ := o[key].(map[string]any)
	return m
}

// objects are the JSON objects of the list o[key]; other items are
// skipped.
func objects(o specObject, key string) []specObject {
	list, _ := o[key].([]any)
	out := make([]specObject, 0, len(list))
	for _, v := range list {
		if m, ok := v.(map[string]any); ok {
			out = append(out, m)
		}
	}
	return out
}

// isZero is a JSON value the API reads as unset: absent, null, 0, false or
// "" (fact 10).
func isZero(v any) bool {
	switch v := v.(type) {
	case nil:
		return true
	case json.Number:
		f, err := v.Float64()
		return err == nil && f == 0
	case float64:
		return v == 0
	case bool:
		return !v
	case string:
		return v == ""
	}
	return false
}

// internalOnly is a service reachable on internal ports only: no http_port
// and some internal_ports (fact 16's service). It gets neither a port nor a
// rule.
func internalOnly(service specObject) bool {
	ports, _ := service["internal_ports"].([]any)
	return isZero(service["http_port"]) && len(ports) > 0
}

// routesToRules turns each route of a component into a top-level ingress
// rule matching the route's path as a prefix and routing to the component,
// carrying the component's cors (facts 12, 13); routes and cors leave the
// component (fact 14). Rules are appended after the spec's own, in
// component order.
func routesToRules(spec specObject) {
	var rules []any
	for _, list := range routedLists {
		for _, c := range objects(spec, list) {
			routes, _ := c["routes"].([]any)
			delete(c, "routes")
			made := 0
			for _, r := range routes {
				route, ok := r.(map[string]any)
				if !ok {
					continue
				}
				path, _ := route["path"].(string)
				preserve, _ := route["preserve_path_prefix"].(bool)
				rules = append(rules, componentRule(c["name"], path, preserve, c["cors"]))
				made++
			}
			if made > 0 {
				delete(c, "cors")
			}
		}
	}
	appendRules(spec, rules)
}

// addDefaultRule routes "/" to the app's one service or static site when
// the spec routes nothing (fact 15). An internal-only service is no
// candidate, so fact 16's app keeps zero rules.
func addDefaultRule(spec specObject) {
	if rules, _ := object(spec, "ingress")["rules"].([]any); len(rules) > 0 {
		return
	}
	var only specObject
	var onlyList string
	n := 0
	for _, list := range routedLists {
		for _, c := range objects(spec, list) {
			if list == "services" && internalOnly(c) {
				continue
			}
			only, onlyList = c, list
			n++
		}
	}
	if n != 1 || onlyList == "functions" {
		return // several candidates, or functions: not established (fact 15)
	}
	appendRules(spec, []any{componentRule(only["name"], "/", false, only["cors"])})
	delete(only, "cors")
}

// componentRule is the rule the API makes of a route: fact 13's shape,
// preserve_path_prefix as the boolean the live API sends
// (live-api-fields.md) and omitted when false (fact 10).
func componentRule(name any, prefix string, preserve bool, cors any) map[string]any {
	target := map[string]any{"name": name}
	if preserve {
		target["preserve_path_prefix"] = true
	}
	rule := map[string]any{
		"match":     map[string]any{"path": map[string]any{"prefix": prefix}},
		"component": target,
	}
	if cors != nil {
		rule["cors"] = copyJSON(cors)
	}
	return rule
}

func appendRules(spec specObject, rules []any) {
	if len(rules) == 0 {
		return
	}
	ingress := object(spec, "ingress")
	if ingress == nil {
		ingress = map[string]any{}
		spec["ingress"] = ingress
	}
	existing, _ := ingress["rules"].([]any)
	ingress["rules"] = append(existing, rules...)
}

// copyJSON deep-copies a decoded JSON value, so that rules made from one
// component's cors do not share it.
func copyJSON(v any) any {
	switch v := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(v))
		for k, x := range v {
			out[k] = copyJSON(x)
		}
		return out
	case []any:
		out := make([]any, len(v))
		for i, x := range v {
			out[i] = copyJSON(x)
		}
		return out
	}
	return v
}

// fillHTTPPort writes the documented default port into services without
// one (fact 18), except internal-only ones, whose port reads back absent
// (fact 10, tf's makeServiceInternal).
func fillHTTPPort(spec specObject) {
	for _, c := range objects(spec, "services") {
		if isZero(c["http_port"]) && !internalOnly(c) {
			c["http_port"] = json.Number("8080")
		}
	}
}

// envLists are the app's env list and every component's, as the JSON
// lists themselves (sorting one sorts the spec's).
func envLists(spec specObject) [][]any {
	var out [][]any
	add := func(o specObject) {
		if list, ok := o["envs"].([]any); ok {
			out = append(out, list)
		}
	}
	add(spec)
	for _, list := range componentLists {
		for _, c := range objects(spec, list) {
			add(c)
		}
	}
	return out
}

// dropGeneralType reads env type GENERAL, the enum's default, back absent
// (facts 9, 10).
func dropGeneralType(spec specObject) {
	for _, list := range envLists(spec) {
		for _, e := range list {
			if env, ok := e.(map[string]any); ok && env["type"] == "GENERAL" {
				delete(env, "type")
			}
		}
	}
}

// sortEnvsByKey returns every env list sorted by key (stable, so repeated
// keys keep their order), not in the order sent (fact 32, uncertain: only
// "another order" is reported; sorting is the fake's deterministic choice,
// and it makes a client that compares envs by position fail here).
func sortEnvsByKey(spec specObject) {
	for _, list := range envLists(spec) {
		slices.SortStableFunc(list, func(a, b any) int { return cmp.Compare(envKey(a), envKey(b)) })
	}
}

func envKey(v any) string {
	env, _ := v.(map[string]any)
	key, _ := env["key"].(string)
	return key
}
