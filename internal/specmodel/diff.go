// Package specmodel compares and normalises app specs as plain JSON trees
// (maps, slices, strings, json.Number, bools, as apischema.Decode makes
// them), unknown keys included. It imports nothing from the SDK's root
// package, so that the root (deciding whether a live spec already is the
// requested one) and package appspec (the typed Normalize and Diff) share
// one implementation.
package specmodel

import (
	"bytes"
	"encoding/json"
	"slices"
	"strconv"
	"strings"

	"github.com/oceankit/digitalocean/internal/apischema"
)

// ChangeKind says how a value differs between two app specs.
type ChangeKind string

// The kinds of Change.
const (
	// Added is a value only the new spec has.
	Added ChangeKind = "added"
	// Removed is a value only the old spec has.
	Removed ChangeKind = "removed"
	// Modified is a value both have, different.
	Modified ChangeKind = "modified"
)

// Change is one semantic difference between two app specs, as
// Diff reports it.
type Change struct {
	// Path locates the value; in the new spec for a component that moved to
	// another kind.
	Path Path
	// OldPath is set only for a component that moved to another kind (a
	// worker that became a service, both named "api"): Path names it under
	// its new kind, OldPath under its old one. The change is then one
	// Modified change of the whole component.
	OldPath Path
	Kind    ChangeKind
	// Old and New are the values as compact JSON, zero-valued members left
	// out and object keys sorted; nil for the side where the value is
	// absent (or zero, which the API does not tell apart).
	Old, New json.RawMessage
	// Sensitive marks values that hold a secret: a SECRET environment
	// variable's value, registry credentials, an EV[...] ciphertext, or a
	// whole element that contains one. Old and New then hold the values
	// with each secret replaced by Masked (a new component with one SECRET
	// env shows all its other fields); Reveal returns them unmasked.
	Sensitive bool
	// Undecidable marks a value that cannot be compared: an EV[...]
	// ciphertext on one side and a plaintext on the other. The API
	// encrypts with a fresh nonce every time, so whether the plaintext is
	// what was encrypted cannot be known without the key. Kind is then
	// Modified. HasChanges ignores these changes: re-sending the
	// plaintext would only produce another ciphertext.
	Undecidable bool

	revealed *revealed // what Old and New mask; nil unless Sensitive
}

// String describes the change on one line, values included, secrets
// masked: `~ services[name=api].http_port: 8080 -> 9090`.
func (c Change) String() string {
	sign := map[ChangeKind]string{Added: "+", Removed: "-", Modified: "~"}[c.Kind]
	var b strings.Builder
	b.WriteString(sign + " " + c.Path.String())
	if c.OldPath != nil {
		b.WriteString(" (was " + c.OldPath.String() + ")")
	}
	switch {
	case c.Undecidable:
		b.WriteString(": encrypted value and plaintext cannot be compared")
		return b.String()
	case c.Rotated():
		b.WriteString(": (sensitive value, rotated)")
		return b.String()
	case c.revealed != nil && c.revealed.leaf:
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
	case Added:
		b.WriteString(": " + show(c.New))
	case Removed:
		b.WriteString(": " + show(c.Old))
	default:
		b.WriteString(": " + show(c.Old) + " -> " + show(c.New))
	}
	return b.String()
}

// HasChanges reports whether changes holds a change that is not
// Undecidable: whether an update would change anything that can be known.
func HasChanges(changes []Change) bool {
	for _, c := range changes {
		if !c.Undecidable {
			return true
		}
	}
	return false
}

// Diff lists the semantic differences from the spec tree old to new,
// sorted by path; none when the API would treat the two specs as the same. A nil
// tree is an empty spec. The trees are not changed.
//
// What is compared how (docs/providers.md has the full table):
//   - absent, null, zero, false, "" and empty lists and objects are equal,
//     and so is a value equal to the API's documented default or an enum's
//     "unset" value (env type GENERAL, http_port 8080, instance_count 1, …;
//     see Defaults), since the API omits zero values and fills
//     defaults;
//   - components are matched by name across services, static sites,
//     workers, jobs, functions and databases; one that changes kind is a
//     single change with OldPath set;
//   - envs are matched by key, domains by domain, alerts by rule and log
//     destinations by name, in any order; internal_ports and features are
//     sets; every other list, ingress rules included, is compared in order;
//   - a SECRET env value (or a credential, see IsCredential, or any string) that is an
//     EV[...] ciphertext on one side and plaintext on the other is an
//     Undecidable change; two ciphertexts or two plaintexts are compared;
//   - keys this package does not know are compared like known ones.
func Diff(old, new map[string]any) []Change {
	return DiffWith(old, new, Options{})
}

// DiffWith is Diff, tuned by opts.
func DiffWith(old, new map[string]any, opts Options) []Change {
	oldTree, newTree := Prune(old), Prune(new)
	d := &specDiff{opts: opts}
	d.components(oldTree, newTree)
	for _, k := range unionKeys(oldTree, newTree) {
		if componentList(k) {
			continue
		}
		d.member(nil, k, oldTree[k], newTree[k])
	}
	slices.SortStableFunc(d.changes, func(a, b Change) int { return comparePaths(a.Path, b.Path) })
	return d.changes
}

// ComponentLists are the AppSpec lists whose elements are components,
// matched by name across all of them.
var ComponentLists = []string{"services", "static_sites", "workers", "jobs", "functions", "databases"}

func componentList(k string) bool { return slices.Contains(ComponentLists, k) }

// KeyedLists are the lists whose elements the API identifies by a
// member rather than by position, and that member.
var KeyedLists = map[string]string{
	"envs":             "key",
	"domains":          "domain",
	"alerts":           "rule",
	"log_destinations": "name",
}

// Sets are the scalar lists whose order means nothing.
var Sets = map[string]bool{"internal_ports": true, "features": true}

// The enum values and defaults the rules below name. The SDK's types
// define them (this package cannot import the root); a test checks that
// the two agree.
const (
	// DefaultInstanceSize is the instance_size_slug the API fills in for a
	// component that leaves it out (InstanceSizeSlugAppsS1VCPU0_5GB).
	DefaultInstanceSize = "apps-s-1vcpu-0.5gb"
	// DefaultHTTPPort is a service's http_port when the spec leaves it out
	// (a.18).
	DefaultHTTPPort = 8080
	// EnvTypeGeneral and EnvTypeSecret are AppVariableType's values.
	EnvTypeGeneral = "GENERAL"
	EnvTypeSecret  = "SECRET"
)

// Defaults lists, by the member holding the object (for list
// elements, the list), the values the API treats as absent: an enum's
// unset value, or the default the OpenAPI description declares (and, for
// http_port, the one the live API writes back: live-api-behaviour.md
// a.18). A value listed here compares equal to an absent one, so a spec
// with the default spelled out and one without do not differ.
var Defaults = map[string]map[string]any{
	"envs":         {"type": EnvTypeGeneral, "scope": []any{"UNSET", "RUN_AND_BUILD_TIME"}},
	"services":     {"http_port": json.Number(strconv.Itoa(DefaultHTTPPort)), "instance_count": json.Number("1"), "instance_size_slug": DefaultInstanceSize},
	"workers":      {"instance_count": json.Number("1"), "instance_size_slug": DefaultInstanceSize},
	"jobs":         {"instance_count": json.Number("1"), "instance_size_slug": DefaultInstanceSize, "kind": "UNSPECIFIED"},
	"static_sites": {"index_document": "index.html", "error_document": "404.html"},
	"domains":      {"type": "UNSPECIFIED"},
	"image":        {"registry_type": "UNSPECIFIED", "tag": "latest"},
	"alerts":       {"rule": "UNSPECIFIED_RULE", "operator": "UNSPECIFIED_OPERATOR", "window": "UNSPECIFIED_WINDOW"},
	"databases":    {"engine": "UNSET"},
	"egress":       {"type": "AUTOASSIGN"},
	"cpu":          {"percent": json.Number("80")},
	"open_search":  {"index_name": "logs"},
}

// TreeOf is spec (an *AppSpec) as it would be sent, as a tree: plain JSON
// values (maps, slices, strings, json.Number, bools), unknown keys
// included. A nil spec is an empty tree.
func TreeOf(spec any) (map[string]any, error) {
	raw, err := json.Marshal(spec)
	if err != nil {
		return nil, err
	}
	v, err := apischema.Decode(raw)
	if err != nil {
		return nil, err
	}
	m, _ := v.(map[string]any)
	if m == nil {
		m = map[string]any{}
	}
	return m, nil
}

// Prune is tree with zero and default values dropped.
func Prune(tree map[string]any) map[string]any {
	m, _ := prune(tree, "").(map[string]any)
	if m == nil {
		m = map[string]any{}
	}
	return m
}

// prune drops, recursively, the members of objects that are zero or a
// default (Defaults, looked up by owner: the member holding the
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

// IsDefault reports whether v, a member of an object held by owner (for
// list elements, the list), is a value Defaults lists: one the diff takes
// for absent.
func IsDefault(owner, member string, v any) bool { return isDefault(owner, member, v) }

func isDefault(owner, member string, v any) bool {
	def, ok := Defaults[owner][member]
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

// specDiff collects the changes of one Diff call.
type specDiff struct {
	opts    Options
	changes []Change
}

func (d *specDiff) add(c Change) {
	switch {
	case c.Old == nil && c.New != nil:
		c.Kind = Added
	case c.Old != nil && c.New == nil:
		c.Kind = Removed
	default:
		c.Kind = Modified
	}
	d.changes = append(d.changes, c)
}

// whole records a change of a whole value, owned by owner.
func (d *specDiff) whole(path Path, owner string, old, new any) {
	d.add(sensitive(Change{Path: path}, owner, owner, old, new))
}

// member compares the values of the member name in two objects.
func (d *specDiff) member(path Path, name string, old, new any) {
	owner := ""
	if len(path) > 0 {
		owner = path[len(path)-1].Field
	}
	path = path.member(name)
	if key, ok := KeyedLists[name]; ok {
		if d.keyedList(path, name, key, old, new) {
			return
		}
	}
	if Sets[name] {
		if !sameSet(old, new) {
			d.whole(path, name, old, new)
		}
		return
	}
	if IsCredential(owner, name) {
		d.secret(path, old, new)
		return
	}
	d.value(path, name, old, new)
}

// value compares two values held by the member owner.
func (d *specDiff) value(path Path, owner string, old, new any) {
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
func (d *specDiff) orderedList(path Path, owner string, old, new []any) {
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
func (d *specDiff) keyedList(path Path, owner, key string, old, new any) bool {
	oldElems, ok1 := keyedElements(old, key)
	newElems, ok2 := keyedElements(new, key)
	if !ok1 || !ok2 {
		return false
	}
	parent, last := path[:len(path)-1], path[len(path)-1]
	for _, id := range unionIDs(oldElems, newElems) {
		o, n := oldElems[id], newElems[id]
		p := parent.with(PathElement{Field: last.Field, Key: key, Value: id.value, Nth: id.nth, Index: -1})
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
func (d *specDiff) env(path Path, old, new map[string]any) {
	secret := old["type"] == EnvTypeSecret || new["type"] == EnvTypeSecret
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
func (d *specDiff) secret(path Path, old, new any) {
	if jsonEqual(old, new) {
		return
	}
	o, oldIsString := old.(string)
	n, newIsString := new.(string)
	undecidable := oldIsString && newIsString && isCiphertext(o) != isCiphertext(n)
	rotated := false
	if undecidable && d.opts.Secret != nil {
		plaintext := n
		if isCiphertext(n) {
			plaintext = o
		}
		switch known, unchanged := d.opts.Secret(path.String(), plaintext); {
		case known && unchanged:
			return // the plaintext the ciphertext was made from
		case known:
			undecidable, rotated = false, true
		}
	}
	d.add(Change{Path: path, Old: maskedLeaf(old), New: maskedLeaf(new), Sensitive: true, Undecidable: undecidable,
		revealed: &revealed{old: RawJSON(old), new: RawJSON(new), leaf: true, rotated: rotated}})
}

// IsCredential reports whether the member name of an object held by the
// member owner is a credential other than a SECRET env value: image
// registry_credentials, which the API encrypts as it encrypts SECRET envs
// (live-api-behaviour.md a.5), and the credentials whose encryption is not
// established there — a Datadog log destination's api_key, a Logtail
// token, OpenSearch basic_auth's password and an ingress secure_header's
// value. All of them are compared as secrets: masked in every output,
// fingerprinted, Undecidable between a ciphertext and a plaintext.
func IsCredential(owner, name string) bool {
	switch name {
	case "registry_credentials":
		return true
	case "api_key":
		return owner == "datadog"
	case "token":
		return owner == "logtail"
	case "password":
		return owner == "basic_auth"
	case "value":
		return owner == "secure_header"
	}
	return false
}

// isCiphertext reports an App Platform encrypted value, EV[1:…:…]; the
// inside is opaque (live-api-behaviour.md a.2).
func isCiphertext(s string) bool {
	return len(s) > 4 && strings.HasPrefix(s, "EV[") && strings.HasSuffix(s, "]")
}

// holdsSecret reports whether v, held by the member owner, is or contains
// a SECRET env value or a credential (IsCredential).
func holdsSecret(v any, owner string) bool {
	switch v := v.(type) {
	case map[string]any:
		if owner == "envs" && v["type"] == EnvTypeSecret {
			return true
		}
		for k, child := range v {
			if IsCredential(owner, k) || holdsSecret(child, k) {
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
		for _, kind := range ComponentLists {
			list, _ := tree[kind].([]any)
			for _, e := range list {
				m, ok := e.(map[string]any)
				if !ok {
					continue // a null entry, skipped as Components does
				}
				name := KeyString(m["name"])
				out[elementID{name, seen[name]}] = located{kind, m}
				seen[name]++
			}
		}
		return out
	}
	oldComps, newComps := collect(old), collect(new)
	pathOf := func(kind string, id elementID) Path {
		return Path{{Field: kind, Key: "name", Value: id.value, Nth: id.nth, Index: -1}}
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
			d.add(sensitive(Change{Path: pathOf(n.kind, id), OldPath: pathOf(o.kind, id)}, o.kind, n.kind, o.elem, n.elem))
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
		k := KeyString(m[key])
		out[elementID{k, seen[k]}] = m
		seen[k]++
	}
	return out, true
}

// KeyString renders a key member's value: a string as is, anything else
// (a number, say) as JSON.
func KeyString(v any) string {
	if s, ok := v.(string); ok {
		return s
	}
	if v == nil {
		return ""
	}
	return string(RawJSON(v))
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

// RawJSON encodes a pruned value compactly with sorted keys; nil for an
// absent value.
func RawJSON(v any) json.RawMessage {
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
