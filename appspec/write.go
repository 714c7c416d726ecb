package appspec

import (
	"bytes"
	"fmt"

	do "github.com/oceankit/digitalocean"
	"github.com/oceankit/digitalocean/internal/specfile"
	"go.yaml.in/yaml/v3"
)

// Marshal writes spec as an app spec file in YAML: keys in the
// spec's property order, empty fields left out, and strings that YAML
// could read as another type quoted. Keys the spec kept from a newer API
// (see digitalocean.AppSpec.UnknownFields) are written too, each under the comment
// "# not known to this SDK version, kept as is", so that Parse
// reads the file back into an equal spec: the comment tells it the key is
// no typo.
func Marshal(spec *do.AppSpec) ([]byte, error) {
	return encodeSpecYAML(spec, false)
}

// MarshalDeployTemplate writes spec as a deploy template
// (.do/deploy.template.yaml): the YAML of Marshal under a
// top-level "spec:" key. LoadDeployTemplate reads it back.
func MarshalDeployTemplate(spec *do.AppSpec) ([]byte, error) {
	return encodeSpecYAML(spec, true)
}

// encodeSpecYAML writes spec as YAML, wrapped under "spec:" for a template.
func encodeSpecYAML(spec *do.AppSpec, template bool) ([]byte, error) {
	if spec == nil {
		return nil, &do.ArgumentError{Name: "spec", Reason: "must not be nil"}
	}
	v, err := spec.MarshalYAML()
	if err != nil {
		return nil, err
	}
	node := v.(*yaml.Node) // the method's documented result
	if template {
		node = &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map", Content: []*yaml.Node{specfile.StringNode("spec"), node}}
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
