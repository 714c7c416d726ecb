package digitalocean

import (
	"encoding/json"
	"fmt"
	"reflect"

	"github.com/oceankit/digitalocean/internal/specfile"
	"go.yaml.in/yaml/v3"
)

// UnmarshalYAML decodes an app spec from YAML as appspec.Parse does, so
// that a spec embedded in another YAML document is checked too. Problems
// are an appspec.Errors.
func (a *AppSpec) UnmarshalYAML(node *yaml.Node) error {
	spec := new(AppSpec)
	if err := specfile.Decode(node, "", specfile.BaseNodes, spec); err != nil {
		return err
	}
	*a = *spec
	return nil
}

// MarshalYAML encodes an app spec with its JSON keys, as appspec.Marshal
// does, when it is part of a larger document given to yaml.Marshal. The
// value it returns is a *yaml.Node (go.yaml.in/yaml/v3), keys the spec's
// types do not know marked with a comment so that they load back.
func (a AppSpec) MarshalYAML() (any, error) {
	data, err := json.Marshal(a)
	if err != nil {
		return nil, fmt.Errorf("digitalocean: encode app spec: %w", err)
	}
	node, err := specfile.Node(data, reflect.TypeFor[AppSpec]())
	if err != nil {
		return nil, fmt.Errorf("digitalocean: encode app spec: %w", err)
	}
	return node, nil
}
