package digitalocean

import (
	"bytes"
	"encoding"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"reflect"
	"regexp"
	"strconv"
	"strings"

	"github.com/oceankit/digitalocean/internal/jsonfields"
	"go.yaml.in/yaml/v3"
)

// An app spec file is the YAML or JSON document that the control panel
// shows and `doctl apps create --spec` reads. Loading it is strict: a key
// the spec does not define is an error naming its line, because a typo
// ("helth_check") would otherwise be dropped silently and deploy an app
// that differs from the file. Semantic checks (valid regions, sizes,
// component references) are the API's: AppsService.Propose validates a
// spec against it without creating anything.

// maxAppSpecBytes bounds the size of an app spec file.
const maxAppSpecBytes = 4 << 20

// baseAppSpecNodes bounds the YAML nodes visited while loading, aliases
// and merges expanded, so that a small file of nested aliases cannot make
// loading run for ever; large files get two more nodes per byte.
const baseAppSpecNodes = 1 << 17

// maxAppSpecDepth bounds nesting, for the same reason.
const maxAppSpecDepth = 100

// AppSpecError is a problem in an app spec file, with its position.
type AppSpecError struct {
	// File is the file's path, when the spec was read by LoadAppSpec.
	File string
	// Line and Column locate the problem (1-based); 0 when unknown.
	Line, Column int
	// Path is where in the spec the problem is, as in
	// "services[0].health_check.port"; empty for the whole document.
	Path string
	// Key is the offending key, for an unknown or repeated key.
	Key string
	// Suggestion is the known key closest to an unknown Key, if any is close.
	Suggestion string
	// Msg says what is wrong.
	Msg string
}

// Error returns "file:line:column: path: message" (the position as
// editors read it), or "line L, column C: path: message" without a file.
func (e *AppSpecError) Error() string {
	var b strings.Builder
	b.WriteString("digitalocean: app spec: ")
	switch {
	case e.File != "" && e.Line > 0 && e.Column > 0:
		fmt.Fprintf(&b, "%s:%d:%d: ", e.File, e.Line, e.Column)
	case e.File != "" && e.Line > 0:
		fmt.Fprintf(&b, "%s:%d: ", e.File, e.Line)
	case e.File != "":
		b.WriteString(e.File + ": ")
	case e.Line > 0 && e.Column > 0:
		fmt.Fprintf(&b, "line %d, column %d: ", e.Line, e.Column)
	case e.Line > 0:
		fmt.Fprintf(&b, "line %d: ", e.Line)
	}
	if e.Path != "" {
		b.WriteString(e.Path + ": ")
	}
	b.WriteString(e.Msg)
	if e.Suggestion != "" {
		fmt.Fprintf(&b, " (did you mean %q?)", e.Suggestion)
	}
	return b.String()
}

// LoadAppSpec reads an app spec file, YAML or JSON. Problems in the file
// are *AppSpecError values naming the file and line. Use
// AppsService.Propose to have the API validate the result.
func LoadAppSpec(path string) (*AppSpec, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("digitalocean: app spec: %w", err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxAppSpecBytes+1))
	if err != nil {
		return nil, fmt.Errorf("digitalocean: app spec: %w", err)
	}
	spec, err := ParseAppSpec(data)
	var specErr *AppSpecError
	if errors.As(err, &specErr) {
		specErr.File = path
	}
	return spec, err
}

// ParseAppSpec reads an app spec, YAML or JSON, as found in an app spec
// file. The document may also be wrapped as {"spec": {...}}, the shape of
// a create or update request body. Unknown keys, values of the wrong type
// and repeated keys are *AppSpecError values with their line.
func ParseAppSpec(data []byte) (*AppSpec, error) {
	if len(data) > maxAppSpecBytes {
		return nil, &AppSpecError{Msg: fmt.Sprintf("file larger than %d bytes", maxAppSpecBytes)}
	}
	root, err := singleDocument(data)
	if err != nil {
		return nil, err
	}
	path := ""
	if inner := specWrapper(root); inner != nil {
		root, path = inner, "spec"
	}
	spec := new(AppSpec)
	if err := decodeAppSpecNode(root, path, baseAppSpecNodes+2*len(data), spec); err != nil {
		return nil, err
	}
	return spec, nil
}

// UnmarshalYAML decodes an app spec from YAML as strictly as ParseAppSpec,
// so that a spec embedded in another YAML document is checked too.
func (a *AppSpec) UnmarshalYAML(node *yaml.Node) error {
	spec := new(AppSpec)
	if err := decodeAppSpecNode(node, "", baseAppSpecNodes, spec); err != nil {
		return err
	}
	*a = *spec
	return nil
}

// singleDocument parses data and returns the root node of its one document.
func singleDocument(data []byte) (*yaml.Node, error) {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, &AppSpecError{Msg: "empty document"}
		}
		return nil, yamlSyntaxError(err)
	}
	var extra yaml.Node
	switch err := dec.Decode(&extra); {
	case err == nil:
		return nil, &AppSpecError{Line: extra.Line, Column: extra.Column, Msg: "more than one YAML document; an app spec file holds one"}
	case !errors.Is(err, io.EOF):
		return nil, yamlSyntaxError(err)
	}
	root := doc.Content[0] // a decoded document node has exactly one child
	if root.ShortTag() == "!!null" {
		return nil, &AppSpecError{Line: root.Line, Column: root.Column, Msg: "empty document"}
	}
	return root, nil
}

var yamlLineError = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)

// yamlSyntaxError turns a YAML parser error into an *AppSpecError.
func yamlSyntaxError(err error) error {
	msg := err.Error()
	if m := yamlLineError.FindStringSubmatch(msg); m != nil {
		line, _ := strconv.Atoi(m[1])
		return &AppSpecError{Line: line, Msg: "invalid YAML: " + m[2]}
	}
	return &AppSpecError{Msg: "invalid YAML: " + strings.TrimPrefix(msg, "yaml: ")}
}

// specWrapper returns the spec of a document shaped {"spec": {...}}, or nil.
func specWrapper(root *yaml.Node) *yaml.Node {
	if root.Kind != yaml.MappingNode || len(root.Content) != 2 || root.Content[0].Value != "spec" {
		return nil
	}
	if inner := root.Content[1]; inner.Kind == yaml.MappingNode {
		return inner
	}
	return nil
}

// decodeAppSpecNode checks node against AppSpec, then decodes it.
func decodeAppSpecNode(node *yaml.Node, path string, budget int, spec *AppSpec) error {
	w := &specWalker{budget: budget}
	if err := w.walk(node, reflect.TypeFor[AppSpec](), path, 0); err != nil {
		return err
	}
	if err := json.Unmarshal(w.out, spec); err != nil {
		// The walk checked every key and type, so this is not expected.
		return &AppSpecError{Line: node.Line, Column: node.Column, Path: path, Msg: err.Error()}
	}
	return nil
}

// specWalker walks a YAML tree alongside a Go type, checking keys and
// scalar types against the type's json tags, and writes the tree as JSON
// with every scalar converted to what the Go field needs.
type specWalker struct {
	out    []byte
	budget int // nodes left to visit
}

var (
	specJSONUnmarshalerType = reflect.TypeFor[json.Unmarshaler]()
	specTextUnmarshalerType = reflect.TypeFor[encoding.TextUnmarshaler]()
	specRawMessageType      = reflect.TypeFor[json.RawMessage]()
)

func (w *specWalker) walk(n *yaml.Node, t reflect.Type, path string, depth int) error {
	if w.budget--; w.budget < 0 {
		return specNodeError(n, path, "too many nodes once aliases are expanded")
	}
	if depth > maxAppSpecDepth {
		return specNodeError(n, path, "nested too deeply")
	}
	if n.Kind == yaml.AliasNode {
		return w.walk(n.Alias, t, path, depth+1)
	}
	if n.Kind == yaml.ScalarNode && n.ShortTag() == "!!null" {
		w.out = append(w.out, "null"...)
		return nil
	}
	switch {
	case t == specRawMessageType || t.Kind() == reflect.Interface:
		return w.natural(n, path, depth)
	case decodesItself(t):
		start := len(w.out)
		if err := w.natural(n, path, depth); err != nil {
			return err
		}
		if err := json.Unmarshal(w.out[start:], reflect.New(t).Interface()); err != nil {
			return specNodeError(n, path, "invalid value: "+strings.TrimPrefix(err.Error(), "digitalocean: "))
		}
		return nil
	}
	switch t.Kind() {
	case reflect.Pointer:
		return w.walk(n, t.Elem(), path, depth)
	case reflect.Struct:
		return w.object(n, t, path, depth)
	case reflect.Slice, reflect.Array:
		if n.Kind != yaml.SequenceNode {
			return specKindError(n, path, "a list")
		}
		return w.list(n, path, func(item *yaml.Node, at string) error {
			return w.walk(item, t.Elem(), at, depth+1)
		})
	case reflect.Map:
		if n.Kind != yaml.MappingNode {
			return specKindError(n, path, "a mapping")
		}
		return w.mapping(n, path, depth, func(value *yaml.Node, at string) error {
			return w.walk(value, t.Elem(), at, depth+1)
		})
	}
	return w.scalar(n, t, path)
}

// list writes a sequence as a JSON array, each item through visit.
func (w *specWalker) list(n *yaml.Node, path string, visit func(item *yaml.Node, at string) error) error {
	w.out = append(w.out, '[')
	for i, item := range n.Content {
		if i > 0 {
			w.out = append(w.out, ',')
		}
		if err := visit(item, fmt.Sprintf("%s[%d]", path, i)); err != nil {
			return err
		}
	}
	w.out = append(w.out, ']')
	return nil
}

// mapping writes a mapping with free-form keys as a JSON object, each value
// through visit.
func (w *specWalker) mapping(n *yaml.Node, path string, depth int, visit func(value *yaml.Node, at string) error) error {
	pairs, err := w.pairs(n, path, depth)
	if err != nil {
		return err
	}
	w.out = append(w.out, '{')
	for i, p := range pairs {
		if i > 0 {
			w.out = append(w.out, ',')
		}
		w.out = appendSpecString(w.out, p.key.Value)
		w.out = append(w.out, ':')
		if err := visit(p.value, specPath(path, p.key.Value)); err != nil {
			return err
		}
	}
	w.out = append(w.out, '}')
	return nil
}

// object writes a mapping that must match the struct type t key by key.
func (w *specWalker) object(n *yaml.Node, t reflect.Type, path string, depth int) error {
	if n.Kind != yaml.MappingNode {
		return specKindError(n, path, "a mapping")
	}
	fields := jsonfields.Of(t)
	pairs, err := w.pairs(n, path, depth)
	if err != nil {
		return err
	}
	w.out = append(w.out, '{')
	for i, p := range pairs {
		name := p.key.Value
		field, ok := fields.ByName[name]
		if !ok {
			return &AppSpecError{
				Line: p.key.Line, Column: p.key.Column, Path: specPath(path, name), Key: name,
				Suggestion: closestSpecKey(name, fields.Names),
				Msg:        fmt.Sprintf("unknown key %q", name),
			}
		}
		if i > 0 {
			w.out = append(w.out, ',')
		}
		w.out = appendSpecString(w.out, name)
		w.out = append(w.out, ':')
		if err := w.walk(p.value, field, specPath(path, name), depth+1); err != nil {
			return err
		}
	}
	w.out = append(w.out, '}')
	return nil
}

type yamlPair struct{ key, value *yaml.Node }

// pairs lists a mapping's entries with YAML merge keys ("<<: *base")
// expanded: keys written in the mapping win over merged ones. A key
// written twice is an error.
func (w *specWalker) pairs(n *yaml.Node, path string, depth int) ([]yamlPair, error) {
	if w.budget -= len(n.Content) / 2; w.budget < 0 {
		return nil, specNodeError(n, path, "too many nodes once aliases are expanded")
	}
	var own, merged []yamlPair
	seen := map[string]*yaml.Node{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if k.Kind == yaml.ScalarNode && k.ShortTag() == "!!merge" {
			more, err := w.mergeSources(v, path, depth)
			if err != nil {
				return nil, err
			}
			merged = append(merged, more...)
			continue
		}
		if k.Kind != yaml.ScalarNode {
			return nil, specNodeError(k, path, "a key must be a plain string")
		}
		if first, dup := seen[k.Value]; dup {
			return nil, &AppSpecError{
				Line: k.Line, Column: k.Column, Path: specPath(path, k.Value), Key: k.Value,
				Msg: fmt.Sprintf("key %q repeated (first at line %d)", k.Value, first.Line),
			}
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
	return own, nil
}

// mergeSources returns the entries a merge key brings in: those of one
// mapping, or of a list of mappings, earlier ones winning.
func (w *specWalker) mergeSources(v *yaml.Node, path string, depth int) ([]yamlPair, error) {
	if w.budget--; w.budget < 0 {
		return nil, specNodeError(v, path, "too many nodes once aliases are expanded")
	}
	if depth > maxAppSpecDepth {
		return nil, specNodeError(v, path, "nested too deeply")
	}
	for v.Kind == yaml.AliasNode {
		v = v.Alias
	}
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
				return nil, specNodeError(item, path, "a merge key (<<) takes a mapping or a list of mappings")
			}
			more, err := w.pairs(item, path, depth+1)
			if err != nil {
				return nil, err
			}
			all = append(all, more...)
		}
		return all, nil
	}
	return nil, specNodeError(v, path, "a merge key (<<) takes a mapping or a list of mappings")
}

// scalar writes a scalar converted to the basic kind of t.
func (w *specWalker) scalar(n *yaml.Node, t reflect.Type, path string) error {
	if n.Kind != yaml.ScalarNode {
		return specKindError(n, path, specKindName(t))
	}
	tag := n.ShortTag()
	switch t.Kind() {
	case reflect.String:
		// A string field takes any scalar as written: port 8080 becomes
		// "8080", an env value true becomes "true".
		w.out = appendSpecString(w.out, n.Value)
		return nil
	case reflect.Bool:
		var b bool
		switch {
		case tag == "!!bool" && n.Decode(&b) == nil:
		case n.Style == 0 && isYAML11Bool(n.Value):
			b = isYAML11True(n.Value)
		default:
			return specKindError(n, path, "true or false")
		}
		w.out = strconv.AppendBool(w.out, b)
		return nil
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		var v int64
		if tag != "!!int" || n.Decode(&v) != nil {
			return specKindError(n, path, "an integer")
		}
		if reflect.Zero(t).OverflowInt(v) {
			return specNodeError(n, path, fmt.Sprintf("%s is out of range for %s", n.Value, t.Kind()))
		}
		w.out = strconv.AppendInt(w.out, v, 10)
		return nil
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		var v uint64
		if tag != "!!int" || n.Decode(&v) != nil {
			return specKindError(n, path, "a non-negative integer")
		}
		if reflect.Zero(t).OverflowUint(v) {
			return specNodeError(n, path, fmt.Sprintf("%s is out of range for %s", n.Value, t.Kind()))
		}
		w.out = strconv.AppendUint(w.out, v, 10)
		return nil
	case reflect.Float32, reflect.Float64:
		var f float64
		if (tag != "!!int" && tag != "!!float") || n.Decode(&f) != nil {
			return specKindError(n, path, "a number")
		}
		if math.IsInf(f, 0) || math.IsNaN(f) || reflect.Zero(t).OverflowFloat(f) {
			return specNodeError(n, path, fmt.Sprintf("%s is not a finite %s", n.Value, t.Kind()))
		}
		w.out = strconv.AppendFloat(w.out, f, 'g', -1, t.Bits())
		return nil
	}
	return specNodeError(n, path, fmt.Sprintf("cannot load a field of Go type %s", t))
}

// natural writes a node as JSON by its own YAML types, for fields that
// take any JSON or decode themselves (such as FlexBool).
func (w *specWalker) natural(n *yaml.Node, path string, depth int) error {
	if w.budget--; w.budget < 0 {
		return specNodeError(n, path, "too many nodes once aliases are expanded")
	}
	if depth > maxAppSpecDepth {
		return specNodeError(n, path, "nested too deeply")
	}
	switch n.Kind {
	case yaml.AliasNode:
		return w.natural(n.Alias, path, depth+1)
	case yaml.MappingNode:
		return w.mapping(n, path, depth, func(value *yaml.Node, at string) error {
			return w.natural(value, at, depth+1)
		})
	case yaml.SequenceNode:
		return w.list(n, path, func(item *yaml.Node, at string) error {
			return w.natural(item, at, depth+1)
		})
	}
	switch n.ShortTag() {
	case "!!null":
		w.out = append(w.out, "null"...)
		return nil
	case "!!bool", "!!int", "!!float":
		var v any
		if err := n.Decode(&v); err != nil {
			return specNodeError(n, path, "invalid value: "+err.Error())
		}
		b, err := json.Marshal(v)
		if err != nil { // infinities and NaN
			return specNodeError(n, path, fmt.Sprintf("%s is not a finite number", n.Value))
		}
		w.out = append(w.out, b...)
		return nil
	}
	w.out = appendSpecString(w.out, n.Value)
	return nil
}

// decodesItself reports whether t decodes itself from JSON rather than being a
// struct of fields to walk: FlexBool, time.Time and the like.
func decodesItself(t reflect.Type) bool {
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

// closestSpecKey returns the known key nearest to an unknown one when it is
// close enough to be a typo, else "".
func closestSpecKey(key string, known []string) string {
	norm := func(s string) string { return strings.ReplaceAll(strings.ToLower(s), "-", "_") }
	nk := norm(key)
	limit := 1
	switch {
	case len(nk) > 10:
		limit = 3
	case len(nk) > 4:
		limit = 2
	}
	best, bestDist := "", limit+1
	for _, cand := range known {
		d := keyDistance(nk, norm(cand))
		if d < bestDist {
			best, bestDist = cand, d
		}
	}
	return best
}

// keyDistance is the optimal string alignment distance: insertions,
// deletions, substitutions and swaps of neighbours each cost one.
func keyDistance(a, b string) int {
	if len(a) > 64 || len(b) > 64 {
		return math.MaxInt32 // keys are short; a long one is no typo
	}
	prev2 := make([]int, len(b)+1)
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				cur[j] = min(cur[j], prev2[j-2]+1)
			}
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(b)]
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

func specPath(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

func specNodeError(n *yaml.Node, path, msg string) *AppSpecError {
	return &AppSpecError{Line: n.Line, Column: n.Column, Path: path, Msg: msg}
}

// specKindError reports a value of the wrong type: "want an integer, got a string".
func specKindError(n *yaml.Node, path, want string) *AppSpecError {
	return specNodeError(n, path, fmt.Sprintf("want %s, got %s", want, describeSpecNode(n)))
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

// MarshalAppSpecYAML writes spec as an app spec file in YAML: keys in the
// spec's property order, empty fields left out, and strings that YAML
// could read as another type quoted.
func MarshalAppSpecYAML(spec *AppSpec) ([]byte, error) {
	if spec == nil {
		return nil, &ArgumentError{Name: "spec", Reason: "must not be nil"}
	}
	node, err := spec.yamlNode()
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(node); err != nil {
		return nil, fmt.Errorf("digitalocean: encode app spec as YAML: %w", err)
	}
	if err := enc.Close(); err != nil {
		return nil, fmt.Errorf("digitalocean: encode app spec as YAML: %w", err)
	}
	return buf.Bytes(), nil
}

// MarshalYAML encodes an app spec with its JSON keys, as MarshalAppSpecYAML
// does, when it is part of a larger document given to yaml.Marshal.
func (a AppSpec) MarshalYAML() (any, error) { return a.yamlNode() }

// yamlNode converts the spec's JSON form to a YAML node tree, keeping key order.
func (a *AppSpec) yamlNode() (*yaml.Node, error) {
	data, err := json.Marshal(a)
	if err != nil {
		return nil, fmt.Errorf("digitalocean: encode app spec: %w", err)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	node, err := jsonToYAML(dec)
	if err != nil {
		return nil, fmt.Errorf("digitalocean: encode app spec: %w", err)
	}
	return node, nil
}

// jsonToYAML reads one JSON value from dec as a YAML node; null object
// members are left out.
func jsonToYAML(dec *json.Decoder) (*yaml.Node, error) {
	tok, err := dec.Token()
	if err != nil {
		return nil, err
	}
	switch v := tok.(type) {
	case json.Delim:
		if v == '[' {
			seq := &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq"}
			for dec.More() {
				item, err := jsonToYAML(dec)
				if err != nil {
					return nil, err
				}
				if item == nil {
					item = &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!null", Value: "null"}
				}
				seq.Content = append(seq.Content, item)
			}
			_, err := dec.Token()
			return seq, err
		}
		m := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
		for dec.More() {
			keyTok, err := dec.Token()
			if err != nil {
				return nil, err
			}
			value, err := jsonToYAML(dec)
			if err != nil {
				return nil, err
			}
			if value == nil {
				continue
			}
			m.Content = append(m.Content, yamlStringNode(keyTok.(string)), value)
		}
		_, err := dec.Token()
		return m, err
	case nil:
		return nil, nil
	case bool:
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!bool", Value: strconv.FormatBool(v)}, nil
	case json.Number:
		tag := "!!int"
		if strings.ContainsAny(v.String(), ".eE") {
			tag = "!!float"
		}
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: tag, Value: v.String()}, nil
	case string:
		return yamlStringNode(v), nil
	}
	return nil, fmt.Errorf("unexpected JSON token %v", tok)
}

var yamlNumberLike = regexp.MustCompile(`^[-+.]?[0-9][0-9_:.eE+-]*$`)

// yamlStringNode is a string scalar, double-quoted when a YAML 1.1 reader
// (such as older tools) would take it for a boolean or number; yaml.v3
// quotes what YAML 1.2 would misread by itself.
func yamlStringNode(s string) *yaml.Node {
	n := &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: s}
	switch {
	case isYAML11Bool(s) || yamlNumberLike.MatchString(s) || s == "~" || strings.EqualFold(s, "null"):
		n.Style = yaml.DoubleQuotedStyle
	case strings.Contains(s, "\n"):
		// A literal block reads best, but yaml.v3 writes some (a line
		// starting with a tab, say) that it cannot read back.
		n.Style = yaml.DoubleQuotedStyle
		if literalBlockRoundTrips(s) {
			n.Style = yaml.LiteralStyle
		}
	}
	return n
}

// literalBlockRoundTrips reports whether s written as a literal block
// ("|") reads back as s.
func literalBlockRoundTrips(s string) bool {
	seq := &yaml.Node{Kind: yaml.SequenceNode, Content: []*yaml.Node{
		{Kind: yaml.ScalarNode, Tag: "!!str", Value: s, Style: yaml.LiteralStyle},
	}}
	out, err := yaml.Marshal(seq)
	if err != nil {
		return false
	}
	var back []string
	return yaml.Unmarshal(out, &back) == nil && len(back) == 1 && back[0] == s
}
