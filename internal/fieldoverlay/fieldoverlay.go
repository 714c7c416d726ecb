// Package fieldoverlay reads the live-API field overlay
// (internal/specgen/overlay.yaml): the fields, schemas, enum values and
// second spellings the live API has beyond the OpenAPI spec. Both
// generators read it, internal/specgen into its own schema type and
// internal/schemagen into its; S is that schema type.
package fieldoverlay

import (
	"bytes"
	"fmt"
	"os"

	"go.yaml.in/yaml/v3"
)

// File is the overlay document.
type File[S any] struct {
	// Schemas are new named schemas (referenced as #/components/schemas/NAME).
	Schemas map[string]*S `yaml:"schemas"`
	// Fields add a property to (or, with replace, retype a property of) an
	// object schema of the spec.
	Fields []*Field[S] `yaml:"fields"`
	// Enums add values the live API uses to enums of the spec.
	Enums []*Enum `yaml:"enums"`
	// Aliases are second spellings of a property that responses may use.
	Aliases []*Alias `yaml:"aliases"`
}

// Alias is a second JSON spelling of a property: decoding accepts
// either (the property's own spelling wins when both are set); encoding
// writes the property's own.
type Alias struct {
	// Schema is the schema that has the property.
	Schema string `yaml:"schema"`
	// Name is the property; Alias its other spelling.
	Name  string `yaml:"name"`
	Alias string `yaml:"alias"`
	// Source says where the second spelling comes from.
	Source string `yaml:"source"`
}

// Enum adds values to a string enum of the spec.
type Enum struct {
	// Schema is the spec schema the path starts from.
	Schema string `yaml:"schema"`
	// Path is the dot-separated property path from Schema to the enum
	// ("" when Schema is the enum); arrays are stepped through.
	Path string `yaml:"path"`
	// Source says where the values come from.
	Source string `yaml:"source"`
	// Values are the values the spec lacks, in the order to emit them.
	Values []EnumValue `yaml:"values"`
}

// EnumValue is one enum value with what it means.
type EnumValue struct {
	Value       string `yaml:"value"`
	Description string `yaml:"description"`
}

// Field is one field the overlay adds or retypes.
type Field[S any] struct {
	// Schema is the spec schema the path starts from.
	Schema string `yaml:"schema"`
	// Path is a dot-separated property path from Schema to the object that
	// gets the field ("" for Schema itself); arrays are stepped through.
	Path string `yaml:"path"`
	// Name is the JSON property name.
	Name string `yaml:"name"`
	// Replace retypes a property the spec has (a type disagreement).
	Replace bool `yaml:"replace"`
	// InSpec marks a field the live-API list names but that this spec
	// revision already has; the spec definition is kept.
	InSpec bool `yaml:"in_spec"`
	// Def is the field's schema, with source and description.
	Def S `yaml:",inline"`
}

// Read reads the overlay at path. With strict, a key that File[S] does not
// know is an error (for a schema type that has every key the file uses).
func Read[S any](path string, strict bool) (*File[S], error) {
	var f File[S]
	if err := ReadYAML(path, &f, strict); err != nil {
		return nil, err
	}
	return &f, nil
}

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
