package oasdoc

import (
	"bytes"
	"fmt"
	"os"

	"go.yaml.in/yaml/v3"
)

// ReadYAML decodes the YAML document at path into v; with strict, a key
// that v's type does not have is an error. Decoding errors name the file.
func ReadYAML(path string, v any, strict bool) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	if strict {
		dec := yaml.NewDecoder(bytes.NewReader(b))
		dec.KnownFields(true)
		err = dec.Decode(v)
	} else {
		err = yaml.Unmarshal(b, v)
	}
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return nil
}

// Prop is one named property of an object schema.
type Prop[S any] struct {
	Name   string
	Schema *S
}

// Props keeps the document order of an object's properties.
type Props[S any] []Prop[S]

// UnmarshalYAML reads a mapping node pair by pair.
func (p *Props[S]) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind != yaml.MappingNode {
		return fmt.Errorf("line %d: properties must be a mapping", n.Line)
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		s := new(S)
		if err := n.Content[i+1].Decode(s); err != nil {
			return err
		}
		*p = append(*p, Prop[S]{Name: n.Content[i].Value, Schema: s})
	}
	return nil
}

// Get returns the named property or nil.
func (p Props[S]) Get(name string) *S {
	for _, pr := range p {
		if pr.Name == name {
			return pr.Schema
		}
	}
	return nil
}
