package specfile

import (
	"encoding"
	"encoding/json"
	"fmt"
	"math"
	"reflect"
	"regexp"
	"strconv"
	"strings"

	"github.com/oceankit/digitalocean/internal/jsonfields"
	"go.yaml.in/yaml/v3"
)

// BaseNodes bounds the YAML nodes visited while loading, aliases
// and merges expanded, so that a small file of nested aliases cannot make
// loading run for ever; large files get two more nodes per byte.
const BaseNodes = 1 << 17

// MaxDepth bounds nesting, for the same reason.
const MaxDepth = 100

// Decode checks node against the type out points to (an *AppSpec), then
// decodes it into out. path prefixes the paths of problems ("spec" for a
// wrapped document); budget is the number of nodes the walk may visit
// (BaseNodes, plus two per byte for a file). Every problem found is
// reported, as an Errors.
func Decode(node *yaml.Node, path string, budget int, out any) error {
	d := DecodeDocument(node, path, budget, out)
	if d.Problems != nil {
		return d.Problems
	}
	return nil
}

// specWalker walks a YAML tree alongside a Go type, checking keys and
// scalar types against the type's json tags, and writes the tree as JSON
// with every scalar converted to what the Go field needs. It goes on after
// a problem, so that one pass finds them all; the JSON is then unused.
type specWalker struct {
	out      []byte
	budget   int // nodes left to visit
	problems Problems
	stopped  bool // out of budget or too deep: the rest is not walked
	root     reflect.Type
	// positions maps each path walked to where its value is written.
	positions map[string]Pos
}

var (
	specJSONUnmarshalerType = reflect.TypeFor[json.Unmarshaler]()
	specTextUnmarshalerType = reflect.TypeFor[encoding.TextUnmarshaler]()
	specRawMessageType      = reflect.TypeFor[json.RawMessage]()
)

// report records a problem and writes null in place of the bad value.
func (w *specWalker) report(e *Error) {
	w.problems.Add(e)
	w.out = append(w.out, "null"...)
}

// enter counts one node against the budget and checks the depth; false
// means the walk stops here.
func (w *specWalker) enter(n *yaml.Node, path string, depth int) bool {
	if w.stopped {
		return false
	}
	msg := ""
	if w.budget--; w.budget < 0 {
		msg = "too many nodes once aliases are expanded"
	} else if depth > MaxDepth {
		msg = "nested too deeply"
	}
	if msg != "" {
		w.report(NodeError(n, path, msg))
		w.stopped = true
		return false
	}
	return true
}

func (w *specWalker) walk(n *yaml.Node, t reflect.Type, path string, depth int) {
	if !w.enter(n, path, depth) {
		return
	}
	w.place(path, n)
	if n.Kind == yaml.AliasNode {
		w.walk(n.Alias, t, path, depth+1)
		return
	}
	if n.Kind == yaml.ScalarNode && n.ShortTag() == "!!null" {
		w.out = append(w.out, "null"...)
		return
	}
	switch {
	case t == specRawMessageType || t.Kind() == reflect.Interface:
		w.natural(n, path, depth)
		return
	case DecodesItself(t):
		start, before := len(w.out), w.problems.Count()
		w.natural(n, path, depth)
		if w.problems.Count() > before || w.stopped {
			return
		}
		if err := json.Unmarshal(w.out[start:], reflect.New(t).Interface()); err != nil {
			w.out = w.out[:start]
			w.report(NodeError(n, path, "invalid value: "+strings.TrimPrefix(err.Error(), "digitalocean: ")))
		}
		return
	}
	switch t.Kind() {
	case reflect.Pointer:
		w.walk(n, t.Elem(), path, depth)
	case reflect.Struct:
		w.object(n, t, path, depth)
	case reflect.Slice, reflect.Array:
		if n.Kind != yaml.SequenceNode {
			w.report(specKindError(n, path, "a list"))
			return
		}
		w.list(n, path, func(item *yaml.Node, at string) {
			w.walk(item, t.Elem(), at, depth+1)
		})
	case reflect.Map:
		if n.Kind != yaml.MappingNode {
			w.report(specKindError(n, path, "a mapping"))
			return
		}
		w.mapping(n, path, depth, func(value *yaml.Node, at string) {
			w.walk(value, t.Elem(), at, depth+1)
		})
	default:
		w.scalar(n, t, path)
	}
}

// list writes a sequence as a JSON array, each item through visit.
func (w *specWalker) list(n *yaml.Node, path string, visit func(item *yaml.Node, at string)) {
	w.out = append(w.out, '[')
	for i, item := range n.Content {
		if w.stopped {
			break
		}
		if i > 0 {
			w.out = append(w.out, ',')
		}
		visit(item, path+"["+strconv.Itoa(i)+"]")
	}
	w.out = append(w.out, ']')
}

// mapping writes a mapping with free-form keys as a JSON object, each value
// through visit.
func (w *specWalker) mapping(n *yaml.Node, path string, depth int, visit func(value *yaml.Node, at string)) {
	pairs := w.pairs(n, path, depth)
	w.out = append(w.out, '{')
	for i, p := range pairs {
		if w.stopped {
			break
		}
		if i > 0 {
			w.out = append(w.out, ',')
		}
		w.out = appendSpecString(w.out, p.key.Value)
		w.out = append(w.out, ':')
		w.placeAtKey(childPath(path, p.key.Value), p)
		visit(p.value, childPath(path, p.key.Value))
	}
	w.out = append(w.out, '}')
}

// object writes a mapping that must match the struct type t key by key.
// Keys t does not know are kept as they are (its decoder keeps them as
// unknown fields) unless they look like typos (see acceptUnknownKey).
func (w *specWalker) object(n *yaml.Node, t reflect.Type, path string, depth int) {
	if n.Kind != yaml.MappingNode {
		w.report(specKindError(n, path, "a mapping"))
		return
	}
	fields := jsonfields.Of(t)
	pairs := w.pairs(n, path, depth)
	w.out = append(w.out, '{')
	written := 0
	for _, p := range pairs {
		if w.stopped {
			break
		}
		name := p.key.Value
		field, known := fields.ByName[name]
		if !known && !w.acceptUnknownKey(p, t, fields, path) {
			continue
		}
		if written > 0 {
			w.out = append(w.out, ',')
		}
		written++
		w.out = appendSpecString(w.out, name)
		w.out = append(w.out, ':')
		if known {
			w.placeAtKey(childPath(path, name), p)
			w.walk(p.value, field, childPath(path, name), depth+1)
		} else {
			w.natural(p.value, childPath(path, name), depth+1)
		}
	}
	w.out = append(w.out, '}')
}

// acceptUnknownKey decides whether an unknown key of an object of type t is
// kept or is a problem, and reports the problem.
func (w *specWalker) acceptUnknownKey(p yamlPair, t reflect.Type, fields *jsonfields.Set, path string) bool {
	name := p.key.Value
	problem := &Error{
		Line: p.key.Line, Column: p.key.Column, Path: childPath(path, name), Key: name,
		Msg: fmt.Sprintf("unknown key %q", name),
	}
	switch folded := fields.Fold(name); {
	case folded != "":
		// Marked or not: in JSON it would set the field it matches.
		problem.Suggestion = folded
	case !keepsUnknownFields(t):
		problem.Suggestion = ClosestKey(name, fields.Names)
	case markedUnknown(p.key, p.value):
		return true
	default:
		problem.Suggestion = ClosestKey(name, fields.Names)
		if problem.Suggestion != "" {
			break
		}
		homes := MisplacedKey(w.root, name)
		if homes == "" {
			return true
		}
		problem.Msg = fmt.Sprintf("unknown key %q here; it is a key of %s (indented under the wrong parent?)", name, homes)
	}
	w.problems.Add(problem)
	return false
}

// keepsUnknownFields reports whether values of struct type t keep the JSON
// keys they do not know (the generated unknownFields).
func keepsUnknownFields(t reflect.Type) bool {
	f, ok := t.FieldByName("unknownFields")
	return ok && f.Type == reflect.TypeFor[map[string]json.RawMessage]()
}

type yamlPair struct{ key, value *yaml.Node }

// pairs lists a mapping's entries with YAML merge keys ("<<: *base")
// expanded: keys written in the mapping win over merged ones. A key
// written twice is reported and its second value skipped.
func (w *specWalker) pairs(n *yaml.Node, path string, depth int) []yamlPair {
	if w.budget -= len(n.Content) / 2; w.budget < 0 {
		w.enter(n, path, depth) // reports the exhausted budget
		return nil
	}
	var own, merged []yamlPair
	seen := map[string]*yaml.Node{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if k.Kind == yaml.ScalarNode && k.ShortTag() == "!!merge" {
			merged = append(merged, w.mergeSources(v, path, depth)...)
			continue
		}
		if k.Kind != yaml.ScalarNode {
			w.problems.Add(NodeError(k, path, "a key must be a plain string"))
			continue
		}
		if first, dup := seen[k.Value]; dup {
			w.problems.Add(&Error{
				Line: k.Line, Column: k.Column, Path: childPath(path, k.Value), Key: k.Value,
				Msg: fmt.Sprintf("key %q repeated (first at line %d)", k.Value, first.Line),
			})
			continue
		}
		seen[k.Value] = k
		own = append(own, yamlPair{k, v})
	}
	for _, p := range merged {
		if _, dup := seen[p.key.Value]; !dup {
			seen[p.key.Value] = p.key
			own = append(own, p)
		}
	}
	return own
}

// mergeSources returns the entries a merge key brings in: those of one
// mapping, or of a list of mappings, earlier ones winning.
func (w *specWalker) mergeSources(v *yaml.Node, path string, depth int) []yamlPair {
	if !w.enter(v, path, depth) {
		return nil
	}
	for v.Kind == yaml.AliasNode {
		v = v.Alias
	}
	const msg = "a merge key (<<) takes a mapping or a list of mappings"
	switch v.Kind {
	case yaml.MappingNode:
		return w.pairs(v, path, depth+1)
	case yaml.SequenceNode:
		var all []yamlPair
		for _, item := range v.Content {
			for item.Kind == yaml.AliasNode {
				item = item.Alias
			}
			if item.Kind != yaml.MappingNode {
				w.problems.Add(NodeError(item, path, msg))
				continue
			}
			all = append(all, w.pairs(item, path, depth+1)...)
		}
		return all
	}
	w.problems.Add(NodeError(v, path, msg))
	return nil
}

// scalar writes a scalar converted to the basic kind of t.
func (w *specWalker) scalar(n *yaml.Node, t reflect.Type, path string) {
	if n.Kind != yaml.ScalarNode {
		w.report(specKindError(n, path, specKindName(t)))
		return
	}
	tag := n.ShortTag()
	switch t.Kind() {
	case reflect.String:
		// A string field takes any scalar as written: port 8080 becomes
		// "8080", an env value true becomes "true".
		w.out = appendSpecString(w.out, n.Value)
	case reflect.Bool:
		var b bool
		switch {
		case tag == "!!bool" && n.Decode(&b) == nil:
		case n.Style == 0 && isYAML11Bool(n.Value):
			b = isYAML11True(n.Value)
		default:
			w.report(specKindError(n, path, "true or false"))
			return
		}
		w.out = strconv.AppendBool(w.out, b)
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		var v int64
		switch {
		case tag != "!!int" || n.Decode(&v) != nil:
			w.report(specKindError(n, path, "an integer"))
		case reflect.Zero(t).OverflowInt(v):
			w.report(NodeError(n, path, fmt.Sprintf("%s is out of range for %s", n.Value, t.Kind())))
		default:
			w.out = strconv.AppendInt(w.out, v, 10)
		}
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		var v uint64
		switch {
		case tag != "!!int" || n.Decode(&v) != nil:
			w.report(specKindError(n, path, "a non-negative integer"))
		case reflect.Zero(t).OverflowUint(v):
			w.report(NodeError(n, path, fmt.Sprintf("%s is out of range for %s", n.Value, t.Kind())))
		default:
			w.out = strconv.AppendUint(w.out, v, 10)
		}
	case reflect.Float32, reflect.Float64:
		var f float64
		switch {
		case (tag != "!!int" && tag != "!!float") || n.Decode(&f) != nil:
			w.report(specKindError(n, path, "a number"))
		case math.IsInf(f, 0) || math.IsNaN(f) || reflect.Zero(t).OverflowFloat(f):
			w.report(NodeError(n, path, fmt.Sprintf("%s is not a finite %s", n.Value, t.Kind())))
		default:
			w.out = strconv.AppendFloat(w.out, f, 'g', -1, t.Bits())
		}
	default:
		w.report(NodeError(n, path, fmt.Sprintf("cannot load a field of Go type %s", t)))
	}
}

// jsonNumberText matches a number as JSON writes it: kept as written in
// free-form values, so that 1.0 or a 30-digit integer survive a round trip.
var jsonNumberText = regexp.MustCompile(`^-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?$`)

// natural writes a node as JSON by its own YAML types, for unknown keys and
// fields that take any JSON or decode themselves (such as FlexBool).
func (w *specWalker) natural(n *yaml.Node, path string, depth int) {
	if !w.enter(n, path, depth) {
		return
	}
	switch n.Kind {
	case yaml.AliasNode:
		w.natural(n.Alias, path, depth+1)
		return
	case yaml.MappingNode:
		w.mapping(n, path, depth, func(value *yaml.Node, at string) {
			w.natural(value, at, depth+1)
		})
		return
	case yaml.SequenceNode:
		w.list(n, path, func(item *yaml.Node, at string) {
			w.natural(item, at, depth+1)
		})
		return
	}
	switch tag := n.ShortTag(); tag {
	case "!!null":
		w.out = append(w.out, "null"...)
	case "!!bool", "!!int", "!!float":
		if tag != "!!bool" && jsonNumberText.MatchString(n.Value) {
			w.out = append(w.out, n.Value...)
			return
		}
		var v any
		if err := n.Decode(&v); err != nil {
			w.report(NodeError(n, path, "invalid value: "+err.Error()))
			return
		}
		b, err := json.Marshal(v)
		if err != nil { // infinities and NaN
			w.report(NodeError(n, path, fmt.Sprintf("%s is not a finite number", n.Value)))
			return
		}
		w.out = append(w.out, b...)
	default:
		w.out = appendSpecString(w.out, n.Value)
	}
}

// DecodesItself reports whether t decodes itself from JSON rather than being a
// struct of fields to walk: FlexBool, time.Time and the like.
func DecodesItself(t reflect.Type) bool {
	custom := t.Implements(specJSONUnmarshalerType) || reflect.PointerTo(t).Implements(specJSONUnmarshalerType) ||
		t.Implements(specTextUnmarshalerType) || reflect.PointerTo(t).Implements(specTextUnmarshalerType)
	if !custom {
		return false
	}
	// Generated structs decode themselves too, but their fields are walked.
	switch t.Kind() {
	case reflect.Pointer:
		return false // walked through to the element
	case reflect.String:
		return false // enums decode themselves only to share their constants
	case reflect.Struct:
		return len(jsonfields.Of(t).Names) == 0
	}
	return true
}

// isYAML11Bool reports the plain words YAML 1.1 reads as booleans; YAML
// 1.2 (and yaml.v3) reads them as strings, but a bool field accepts them.
func isYAML11Bool(s string) bool {
	switch strings.ToLower(s) {
	case "yes", "no", "on", "off", "y", "n":
		return true
	}
	return false
}

func isYAML11True(s string) bool {
	switch strings.ToLower(s) {
	case "yes", "on", "y":
		return true
	}
	return false
}

func childPath(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

// NodeError is a problem at n, with path as its Path.
func NodeError(n *yaml.Node, path, msg string) *Error {
	return &Error{Line: n.Line, Column: n.Column, Path: path, Msg: msg}
}

// specKindError reports a value of the wrong type: "want an integer, got a string".
func specKindError(n *yaml.Node, path, want string) *Error {
	return NodeError(n, path, fmt.Sprintf("want %s, got %s", want, describeSpecNode(n)))
}

func describeSpecNode(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	}
	v := n.Value
	if len(v) > 40 {
		v = v[:40] + "…"
	}
	switch n.ShortTag() {
	case "!!int":
		return "the integer " + v
	case "!!float":
		return "the number " + v
	case "!!bool":
		return "the boolean " + v
	}
	return strconv.Quote(v)
}

func specKindName(t reflect.Type) string {
	switch t.Kind() {
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "true or false"
	case reflect.Float32, reflect.Float64:
		return "a number"
	}
	return "an integer"
}

func appendSpecString(dst []byte, s string) []byte {
	b, _ := json.Marshal(s) // a string always marshals
	return append(dst, b...)
}
