package digitalocean

import (
	"bytes"
	"encoding/json"
	"slices"
	"strconv"
	"strings"
)

// AppSpecChangeKind says how a value differs between two app specs.
type AppSpecChangeKind string

// The kinds of AppSpecChange.
const (
	// AppSpecChangeAdded is a value only the new spec has.
	AppSpecChangeAdded AppSpecChangeKind = "added"
	// AppSpecChangeRemoved is a value only the old spec has.
	AppSpecChangeRemoved AppSpecChangeKind = "removed"
	// AppSpecChangeModified is a value both have, different.
	AppSpecChangeModified AppSpecChangeKind = "modified"
)

// AppSpecChange is one semantic difference between two app specs, as
// DiffAppSpecs reports it.
type AppSpecChange struct {
	// Path locates the value; in the new spec for a component that moved to
	// another kind.
	Path AppSpecPath
	// OldPath is set only for a component that moved to another kind (a
	// worker that became a service, both named "api"): Path names it under
	// its new kind, OldPath under its old one. The change is then one
	// Modified change of the whole component.
	OldPath AppSpecPath
	Kind    AppSpecChangeKind
	// Old and New are the values as compact JSON, zero-valued members left
	// out and object keys sorted; nil for the side where the value is
	// absent (or zero, which the API does not tell apart).
	Old, New json.RawMessage
	// Sensitive marks values that hold a secret: a SECRET environment
	// variable's value, registry credentials, or a whole element that
	// contains one. Do not print them; String does not.
	Sensitive bool
	// Undecidable marks a value that cannot be compared: an EV[...]
	// ciphertext on one side and a plaintext on the other. The API
	// encrypts with a fresh nonce every time, so whether the plaintext is
	// what was encrypted cannot be known without the key. Kind is then
	// Modified. HasAppSpecChanges ignores these changes: re-sending the
	// plaintext would only produce another ciphertext.
	Undecidable bool
}

// String describes the change on one line, values included unless
// Sensitive: `~ services[name=api].http_port: 8080 -> 9090`.
func (c AppSpecChange) String() string {
	sign := map[AppSpecChangeKind]string{AppSpecChangeAdded: "+", AppSpecChangeRemoved: "-", AppSpecChangeModified: "~"}[c.Kind]
	var b strings.Builder
	b.WriteString(sign + " " + c.Path.String())
	if c.OldPath != nil {
		b.WriteString(" (was " + c.OldPath.String() + ")")
	}
	switch {
	case c.Undecidable:
		b.WriteString(": encrypted value and plaintext cannot be compared")
		return b.String()
	case c.Sensitive:
		b.WriteString(": (sensitive value)")
		return b.String()
	}
	show := func(v json.RawMessage) string {
		if v == nil {
			return "(absent)"
		}
		return string(v)
	}
	switch c.Kind {
	case AppSpecChangeAdded:
		b.WriteString(": " + show(c.New))
	case AppSpecChangeRemoved:
		b.WriteString(": " + show(c.Old))
	default:
		b.WriteString(": " + show(c.Old) + " -> " + show(c.New))
	}
	return b.String()
}

// HasAppSpecChanges reports whether changes holds a change that is not
// Undecidable: whether an update would change anything that can be known.
func HasAppSpecChanges(changes []AppSpecChange) bool {
	for _, c := range changes {
		if !c.Undecidable {
			return true
		}
	}
	return false
}

// DiffAppSpecs lists the semantic differences from old to new, sorted by
// path; none when the API would treat the two specs as the same. A nil
// spec is an empty one. For a provider's plan, compare the spec the API
// returns with the desired spec normalised:
//
//	changes := DiffAppSpecs(app.Spec, NormalizeAppSpec(desired))
//
// What is compared how (docs/providers.md has the full table):
//   - absent, null, zero, false, "" and empty lists and objects are equal,
//     and so is a value equal to the API's documented default or an enum's
//     "unset" value (env type GENERAL, http_port 8080, instance_count 1, …;
//     see appSpecDefaults), since the API omits zero values and fills
//     defaults;
//   - components are matched by name across services, static sites,
//     workers, jobs, functions and databases; one that changes kind is a
//     single change with OldPath set;
//   - envs are matched by key, domains by domain, alerts by rule and log
//     destinations by name, in any order; internal_ports and features are
//     sets; every other list, ingress rules included, is compared in order;
//   - a SECRET env value (or registry_credentials, or any string) that is an
//     EV[...] ciphertext on one side and plaintext on the other is an
//     Undecidable change; two ciphertexts or two plaintexts are compared;
//   - keys this package does not know are compared like known ones.
func DiffAppSpecs(old, new *AppSpec) []AppSpecChange {
	oldTree, errOld := appSpecTree(old)
	newTree, errNew := appSpecTree(new)
	if errOld != nil || errNew != nil {
		// Unreachable for specs built in Go or decoded: their unknown keys
		// hold valid JSON. Report that they cannot be told apart.
		return []AppSpecChange{{Kind: AppSpecChangeModified, Undecidable: true}}
	}
	d := &specDiff{}
	d.components(oldTree, newTree)
	for _, k := range unionKeys(oldTree, newTree) {
		if appComponentField(k) {
			continue
		}
		d.member(nil, k, oldTree[k], newTree[k])
	}
	slices.SortStableFunc(d.changes, func(a, b AppSpecChange) int { return compareAppSpecPaths(a.Path, b.Path) })
	return d.changes
}

// appComponentFields are the AppSpec lists whose elements are components,
// matched by name across all of them.
var appComponentFields = []string{"services", "static_sites", "workers", "jobs", "functions", "databases"}

func appComponentField(k string) bool { return slices.Contains(appComponentFields, k) }

// appSpecKeyedLists are the lists whose elements the API identifies by a
// member rather than by position, and that member.
var appSpecKeyedLists = map[string]string{
	"envs":             "key",
	"domains":          "domain",
	"alerts":           "rule",
	"log_destinations": "name",
}

// appSpecSets are the scalar lists whose order means nothing.
var appSpecSets = map[string]bool{"internal_ports": true, "features": true}

// defaultInstanceSize is the instance_size_slug the API fills in for a
// component that leaves it out.
const defaultInstanceSize = string(InstanceSizeSlugAppsS1VCPU0_5GB)

// appSpecDefaults lists, by the member holding the object (for list
// elements, the list), the values the API treats as absent: an enum's
// unset value, or the default the OpenAPI description declares (and, for
// http_port, the one the live API writes back: live-api-behaviour.md
// a.18). A value listed here compares equal to an absent one, so a spec
// with the default spelled out and one without do not differ.
var appSpecDefaults = map[string]map[string]any{
	"envs":         {"type": string(AppVariableTypeGeneral), "scope": []any{string(AppVariableScopeUnset), string(AppVariableScopeRunAndBuildTime)}},
	"services":     {"http_port": json.Number(strconv.Itoa(defaultHTTPPort)), "instance_count": json.Number("1"), "instance_size_slug": defaultInstanceSize},
	"workers":      {"instance_count": json.Number("1"), "instance_size_slug": defaultInstanceSize},
	"jobs":         {"instance_count": json.Number("1"), "instance_size_slug": defaultInstanceSize, "kind": string(AppJobSpecKindUnspecified)},
	"static_sites": {"index_document": "index.html", "error_document": "404.html"},
	"domains":      {"type": string(AppDomainSpecTypeUnspecified)},
	"image":        {"registry_type": string(AppImageSourceSpecRegistryTypeUnspecified), "tag": "latest"},
	"alerts":       {"rule": string(AppAlertSpecRuleUnspecifiedRule), "operator": string(AppAlertSpecOperatorUnspecifiedOperator), "window": string(AppAlertSpecWindowUnspecifiedWindow)},
	"databases":    {"engine": string(AppDatabaseSpecEngineUnset)},
	"egress":       {"type": string(AppEgressTypeAutoassign)},
	"cpu":          {"percent": json.Number("80")},
	"open_search":  {"index_name": "logs"},
}

// appSpecTree is the spec as plain JSON values (maps, slices, strings,
// json.Number, bools), unknown keys included, with zero and default
// values dropped.
func appSpecTree(spec *AppSpec) (map[string]any, error) {
	if spec == nil {
		return map[string]any{}, nil
	}
	v, err := spec.jsonValue()
	if err != nil {
		return nil, err
	}
	m, _ := prune(v, "").(map[string]any)
	if m == nil {
		m = map[string]any{}
	}
	return m, nil
}

// prune drops, recursively, the members of objects that are zero or a
// default (appSpecDefaults, looked up by owner: the member holding the
// object). List elements are kept, null ones as nil.
func prune(v any, owner string) any {
	switch v := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(v))
		for k, child := range v {
			child = prune(child, k)
			if isZeroJSON(child) || isDefault(owner, k, child) {
				continue
			}
			out[k] = child
		}
		return out
	case []any:
		out := make([]any, len(v))
		for i, e := range v {
			out[i] = prune(e, owner)
		}
		return out
	}
	return v
}

func isZeroJSON(v any) bool {
	switch v := v.(type) {
	case nil:
		return true
	case bool:
		return !v
	case string:
		return v == ""
	case json.Number:
		f, err := strconv.ParseFloat(string(v), 64)
		return err == nil && f == 0
	case map[string]any:
		return len(v) == 0
	case []any:
		return len(v) == 0
	}
	return false
}

func isDefault(owner, member string, v any) bool {
	def, ok := appSpecDefaults[owner][member]
	if !ok {
		return false
	}
	if alternatives, ok := def.([]any); ok {
		return slices.ContainsFunc(alternatives, func(d any) bool { return scalarEqual(d, v) })
	}
	return scalarEqual(def, v)
}

// scalarEqual compares two JSON scalars; numbers by value, so that 1 and
// 1.0 are equal.
func scalarEqual(a, b any) bool {
	if x, ok := a.(json.Number); ok {
		y, ok := b.(json.Number)
		if !ok {
			return false
		}
		if x == y {
			return true
		}
		fx, errX := strconv.ParseFloat(string(x), 64)
		fy, errY := strconv.ParseFloat(string(y), 64)
		return errX == nil && errY == nil && fx == fy
	}
	return a == b
}

// specDiff collects the changes of one DiffAppSpecs call.
type specDiff struct {
	changes []AppSpecChange
}

func (d *specDiff) add(c AppSpecChange) {
	switch {
	case c.Old == nil && c.New != nil:
		c.Kind = AppSpecChangeAdded
	case c.Old != nil && c.New == nil:
		c.Kind = AppSpecChangeRemoved
	default:
		c.Kind = AppSpecChangeModified
	}
	d.changes = append(d.changes, c)
}

// whole records a change of a whole value, owned by owner.
func (d *specDiff) whole(path AppSpecPath, owner string, old, new any) {
	d.add(AppSpecChange{Path: path, Old: rawJSON(old), New: rawJSON(new),
		Sensitive: holdsSecret(old, owner) || holdsSecret(new, owner)})
}

// member compares the values of the member name in two objects.
func (d *specDiff) member(path AppSpecPath, name string, old, new any) {
	path = path.member(name)
	if key, ok := appSpecKeyedLists[name]; ok {
		if d.keyedList(path, name, key, old, new) {
			return
		}
	}
	if appSpecSets[name] {
		if !sameSet(old, new) {
			d.whole(path, name, old, new)
		}
		return
	}
	if name == "registry_credentials" {
		d.secret(path, old, new)
		return
	}
	d.value(path, name, old, new)
}

// value compares two values held by the member owner.
func (d *specDiff) value(path AppSpecPath, owner string, old, new any) {
	switch {
	case old == nil && new == nil:
		return
	case old == nil || new == nil:
		d.whole(path, owner, old, new)
		return
	}
	switch o := old.(type) {
	case map[string]any:
		n, ok := new.(map[string]any)
		if !ok {
			d.whole(path, owner, old, new)
			return
		}
		for _, k := range unionKeys(o, n) {
			d.member(path, k, o[k], n[k])
		}
	case []any:
		n, ok := new.([]any)
		if !ok {
			d.whole(path, owner, old, new)
			return
		}
		d.orderedList(path, owner, o, n)
	case string:
		if n, ok := new.(string); ok && (isCiphertext(o) || isCiphertext(n)) {
			// A ciphertext outside the known secret fields: the API may
			// encrypt other credentials too (live-api-behaviour.md a.5).
			d.secret(path, old, new)
			return
		}
		if !scalarEqual(old, new) {
			d.whole(path, owner, old, new)
		}
	default:
		if !scalarEqual(old, new) {
			d.whole(path, owner, old, new)
		}
	}
}

// orderedList compares lists element by element. A list of scalars is one
// value: any difference is a change of the whole list.
func (d *specDiff) orderedList(path AppSpecPath, owner string, old, new []any) {
	if !allObjects(old) || !allObjects(new) {
		if !slices.EqualFunc(old, new, jsonEqual) {
			d.whole(path, owner, old, new)
		}
		return
	}
	parent, last := path[:len(path)-1], path[len(path)-1]
	for i := range max(len(old), len(new)) {
		var o, n any
		if i < len(old) {
			o = old[i]
		}
		if i < len(new) {
			n = new[i]
		}
		elem := last
		elem.Index = i
		p := parent.with(elem)
		if i >= len(old) || i >= len(new) {
			d.whole(p, owner, o, n) // a null element added is still an element
			continue
		}
		d.value(p, owner, o, n)
	}
}

// keyedList compares lists whose elements are identified by the member
// key, in any order. It reports false, doing nothing, for a list that is
// not made of objects (a spec the API would refuse), which is then
// compared in order.
func (d *specDiff) keyedList(path AppSpecPath, owner, key string, old, new any) bool {
	oldElems, ok1 := keyedElements(old, key)
	newElems, ok2 := keyedElements(new, key)
	if !ok1 || !ok2 {
		return false
	}
	parent, last := path[:len(path)-1], path[len(path)-1]
	for _, id := range unionIDs(oldElems, newElems) {
		o, n := oldElems[id], newElems[id]
		p := parent.with(AppSpecPathElement{Field: last.Field, Key: key, Value: id.value, Nth: id.nth, Index: -1})
		switch {
		case o == nil || n == nil:
			d.whole(p, owner, anyOrNil(o), anyOrNil(n))
		case owner == "envs":
			d.env(p, o, n)
		default:
			d.value(p, owner, o, n)
		}
	}
	return true
}

// env compares two environment variables with the same key. The value of
// a SECRET one (on either side) is compared as a secret; that of a GENERAL
// one as plain text, since the API does not encrypt those.
func (d *specDiff) env(path AppSpecPath, old, new map[string]any) {
	secret := old["type"] == string(AppVariableTypeSecret) || new["type"] == string(AppVariableTypeSecret)
	for _, k := range unionKeys(old, new) {
		switch {
		case k == "value" && secret:
			d.secret(path.member(k), old[k], new[k])
		case k == "value":
			if !jsonEqual(old[k], new[k]) {
				d.whole(path.member(k), "envs", old[k], new[k])
			}
		default:
			d.member(path, k, old[k], new[k])
		}
	}
}

// secret compares two secret values: equal, different (both plaintext or
// both ciphertext), or Undecidable (one of each). Either way the change
// is Sensitive.
func (d *specDiff) secret(path AppSpecPath, old, new any) {
	if jsonEqual(old, new) {
		return
	}
	o, oldIsString := old.(string)
	n, newIsString := new.(string)
	d.add(AppSpecChange{Path: path, Old: rawJSON(old), New: rawJSON(new), Sensitive: true,
		Undecidable: oldIsString && newIsString && isCiphertext(o) != isCiphertext(n)})
}

// isCiphertext reports an App Platform encrypted value, EV[1:…:…]; the
// inside is opaque (live-api-behaviour.md a.2).
func isCiphertext(s string) bool {
	return len(s) > 4 && strings.HasPrefix(s, "EV[") && strings.HasSuffix(s, "]")
}

// holdsSecret reports whether v, held by the member owner, is or contains
// a SECRET env value or registry credentials.
func holdsSecret(v any, owner string) bool {
	switch v := v.(type) {
	case map[string]any:
		if owner == "envs" && v["type"] == string(AppVariableTypeSecret) {
			return true
		}
		for k, child := range v {
			if k == "registry_credentials" || holdsSecret(child, k) {
				return true
			}
		}
	case []any:
		for _, e := range v {
			if holdsSecret(e, owner) {
				return true
			}
		}
	}
	return false
}

// components compares the components of two spec trees, matched by name
// whatever their kind.
func (d *specDiff) components(old, new map[string]any) {
	type located struct {
		kind string
		elem map[string]any
	}
	collect := func(tree map[string]any) map[elementID]located {
		out := map[elementID]located{}
		seen := map[string]int{}
		for _, kind := range appComponentFields {
			list, _ := tree[kind].([]any)
			for _, e := range list {
				m, ok := e.(map[string]any)
				if !ok {
					continue // a null entry, skipped as Components does
				}
				name := keyString(m["name"])
				out[elementID{name, seen[name]}] = located{kind, m}
				seen[name]++
			}
		}
		return out
	}
	oldComps, newComps := collect(old), collect(new)
	pathOf := func(kind string, id elementID) AppSpecPath {
		return AppSpecPath{{Field: kind, Key: "name", Value: id.value, Nth: id.nth, Index: -1}}
	}
	for _, id := range unionIDs(oldComps, newComps) {
		o, inOld := oldComps[id]
		n, inNew := newComps[id]
		switch {
		case !inNew:
			d.whole(pathOf(o.kind, id), o.kind, o.elem, nil)
		case !inOld:
			d.whole(pathOf(n.kind, id), n.kind, nil, n.elem)
		case o.kind != n.kind:
			d.add(AppSpecChange{Path: pathOf(n.kind, id), OldPath: pathOf(o.kind, id),
				Old: rawJSON(o.elem), New: rawJSON(n.elem),
				Sensitive: holdsSecret(o.elem, o.kind) || holdsSecret(n.elem, n.kind)})
		default:
			d.value(pathOf(n.kind, id), n.kind, o.elem, n.elem)
		}
	}
}

// elementID identifies an element of a keyed list: its key value and how
// many earlier elements share it.
type elementID struct {
	value string
	nth   int
}

// keyedElements indexes a list's elements by their key member; null
// elements are skipped. It reports false when an element is not an object.
func keyedElements(v any, key string) (map[elementID]map[string]any, bool) {
	list, ok := v.([]any)
	if v != nil && !ok {
		return nil, false
	}
	out := make(map[elementID]map[string]any, len(list))
	seen := map[string]int{}
	for _, e := range list {
		if e == nil {
			continue
		}
		m, ok := e.(map[string]any)
		if !ok {
			return nil, false
		}
		k := keyString(m[key])
		out[elementID{k, seen[k]}] = m
		seen[k]++
	}
	return out, true
}

// keyString renders a key member's value: a string as is, anything else
// (a number, say) as JSON.
func keyString(v any) string {
	if s, ok := v.(string); ok {
		return s
	}
	if v == nil {
		return ""
	}
	return string(rawJSON(v))
}

// compare orders elementIDs by key value, then by position.
func (x elementID) compare(y elementID) int {
	if c := strings.Compare(x.value, y.value); c != 0 {
		return c
	}
	return x.nth - y.nth
}

// unionIDs lists the IDs of a and b, each once, sorted.
func unionIDs[V any](a, b map[elementID]V) []elementID {
	return sortedUnion(a, b, elementID.compare)
}

func unionKeys(a, b map[string]any) []string {
	return sortedUnion(a, b, strings.Compare)
}

// sortedUnion lists the keys of a and b, each once, sorted by cmp.
func sortedUnion[K comparable, V any](a, b map[K]V, cmp func(K, K) int) []K {
	keys := make([]K, 0, len(a)+len(b))
	for k := range a {
		keys = append(keys, k)
	}
	for k := range b {
		if _, ok := a[k]; !ok {
			keys = append(keys, k)
		}
	}
	slices.SortFunc(keys, cmp)
	return keys
}

// anyOrNil turns a nil map into a nil interface.
func anyOrNil(m map[string]any) any {
	if m == nil {
		return nil
	}
	return m
}

func allObjects(list []any) bool {
	for _, e := range list {
		if _, ok := e.(map[string]any); !ok && e != nil {
			return false
		}
	}
	return true
}

// sameSet compares two scalar lists ignoring order (and repeats).
func sameSet(a, b any) bool {
	la, _ := a.([]any)
	lb, _ := b.([]any)
	contains := func(list []any, v any) bool {
		return slices.ContainsFunc(list, func(e any) bool { return jsonEqual(e, v) })
	}
	for _, v := range la {
		if !contains(lb, v) {
			return false
		}
	}
	for _, v := range lb {
		if !contains(la, v) {
			return false
		}
	}
	return true
}

// jsonEqual compares two pruned JSON values structurally, lists in order.
func jsonEqual(a, b any) bool {
	switch a := a.(type) {
	case map[string]any:
		m, ok := b.(map[string]any)
		if !ok || len(a) != len(m) {
			return false
		}
		for k, v := range a {
			w, ok := m[k]
			if !ok || !jsonEqual(v, w) {
				return false
			}
		}
		return true
	case []any:
		l, ok := b.([]any)
		return ok && slices.EqualFunc(a, l, jsonEqual)
	case nil:
		return b == nil
	}
	return scalarEqual(a, b)
}

// rawJSON encodes a pruned value compactly with sorted keys; nil for an
// absent value.
func rawJSON(v any) json.RawMessage {
	if v == nil {
		return nil
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil // plain JSON values always encode
	}
	return json.RawMessage(bytes.TrimSuffix(b.Bytes(), []byte("\n")))
}
