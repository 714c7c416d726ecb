package specfile

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"regexp"
	"strconv"
	"strings"

	"github.com/oceankit/digitalocean/internal/jsonfields"
	"go.yaml.in/yaml/v3"
)

// Node converts data, the JSON encoding of a value of type t (an AppSpec),
// to a YAML node tree, keeping key order and marking the keys t does not
// know with UnknownKeyComment.
func Node(data []byte, t reflect.Type) (*yaml.Node, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	return jsonToYAML(dec, t)
}

// jsonToYAML reads one JSON value from dec as a YAML node. t is the Go type
// the value decodes into, nil for free-form values (those of unknown keys).
// Null members of known struct fields are left out (absent and null decode
// alike); nulls in free-form values are kept. It returns nil for null.
func jsonToYAML(dec *json.Decoder, t reflect.Type) (*yaml.Node, error) {
	for t != nil && t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	tok, err := dec.Token()
	if err != nil {
		return nil, err
	}
	switch v := tok.(type) {
	case json.Delim:
		if v == '[' {
			var elem reflect.Type
			if t != nil && (t.Kind() == reflect.Slice || t.Kind() == reflect.Array) {
				elem = t.Elem()
			}
			seq := &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq"}
			for dec.More() {
				item, err := jsonToYAML(dec, elem)
				if err != nil {
					return nil, err
				}
				seq.Content = append(seq.Content, orYAMLNull(item))
			}
			_, err := dec.Token()
			return seq, err
		}
		return jsonObjectToYAML(dec, t)
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
		return StringNode(v), nil
	}
	return nil, fmt.Errorf("unexpected JSON token %v", tok)
}

// jsonObjectToYAML reads the members of a JSON object whose '{' was read.
func jsonObjectToYAML(dec *json.Decoder, t reflect.Type) (*yaml.Node, error) {
	var fields *jsonfields.Set
	var elem reflect.Type
	switch {
	case t != nil && t.Kind() == reflect.Struct && !DecodesItself(t):
		fields = jsonfields.Of(t)
	case t != nil && t.Kind() == reflect.Map:
		elem = t.Elem()
	}
	m := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
	var at map[string]int // free-form keys: where each is in m.Content
	for dec.More() {
		keyTok, err := dec.Token()
		if err != nil {
			return nil, err
		}
		key := keyTok.(string)
		valueType, known := elem, false
		if fields != nil {
			valueType, known = fields.ByName[key]
		}
		value, err := jsonToYAML(dec, valueType)
		if err != nil {
			return nil, err
		}
		if value == nil && known {
			continue
		}
		if fields == nil {
			// JSON text may repeat a key of a free-form object, YAML may
			// not: the last value wins, as when decoding.
			if i, dup := at[key]; dup {
				m.Content[i+1] = orYAMLNull(value)
				continue
			}
			if at == nil {
				at = map[string]int{}
			}
			at[key] = len(m.Content)
		}
		keyNode := StringNode(key)
		if fields != nil && !known {
			keyNode.HeadComment = UnknownKeyComment
		}
		m.Content = append(m.Content, keyNode, orYAMLNull(value))
	}
	_, err := dec.Token()
	return m, err
}

func orYAMLNull(n *yaml.Node) *yaml.Node {
	if n == nil {
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!null", Value: "null"}
	}
	return n
}

var yamlNumberLike = regexp.MustCompile(`^[-+.]?[0-9][0-9_:.eE+-]*$`)

// StringNode is a string scalar, double-quoted when a YAML 1.1 reader
// (such as older tools) would take it for a boolean or number; yaml.v3
// quotes what YAML 1.2 would misread by itself.
func StringNode(s string) *yaml.Node {
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
