// Package oasdoc reads the YAML documents both generators (internal/specgen
// and internal/schemagen) read: OpenAPI documents, whose object properties
// keep their document order (Props), and the live-API field overlay
// (internal/specgen/overlay.yaml), the fields, schemas, enum values and
// second spellings the live API has beyond the OpenAPI spec. Each generator
// has its own schema type; S is that type.
package oasdoc

// The documents, relative to the module root (where go generate runs the
// generators and their headers name them).
const (
	SubsetPath       = "testdata/digitalocean-v2-subset.yaml" // the OpenAPI spec subset
	LiveOverlayPath  = "testdata/live-api-overlay.yaml"       // the live-API operations the spec lacks
	FieldOverlayPath = "internal/specgen/overlay.yaml"        // the live-API fields, schemas and enum values
)

// Overlay is the field overlay document.
type Overlay[S any] struct {
	// Schemas are new named schemas (referenced as #/components/schemas/NAME).
	Schemas map[string]*S `yaml:"schemas"`
	// Fields add a property to (or, with replace, retype a property of) an
	// object schema of the spec.
	Fields []*OverlayField[S] `yaml:"fields"`
	// Enums add values the live API uses to enums of the spec.
	Enums []*OverlayEnum `yaml:"enums"`
	// Aliases are second spellings of a property that responses may use.
	Aliases []*OverlayAlias `yaml:"aliases"`
}

// OverlayAlias is a second JSON spelling of a property: decoding accepts
// either (the property's own spelling wins when both are set); encoding
// writes the property's own.
type OverlayAlias struct {
	// Schema is the schema that has the property.
	Schema string `yaml:"schema"`
	// Name is the property; Alias its other spelling.
	Name  string `yaml:"name"`
	Alias string `yaml:"alias"`
	// Source says where the second spelling comes from.
	Source string `yaml:"source"`
}

// OverlayEnum adds values to a string enum of the spec.
type OverlayEnum struct {
	// Schema is the spec schema the path starts from.
	Schema string `yaml:"schema"`
	// Path is the dot-separated property path from Schema to the enum
	// ("" when Schema is the enum); arrays are stepped through.
	Path string `yaml:"path"`
	// Source says where the values come from.
	Source string `yaml:"source"`
	// Values are the values the spec lacks, in the order to emit them.
	Values []OverlayEnumValue `yaml:"values"`
}

// OverlayEnumValue is one enum value with what it means.
type OverlayEnumValue struct {
	Value       string `yaml:"value"`
	Description string `yaml:"description"`
}

// OverlayField is one field the overlay adds or retypes.
type OverlayField[S any] struct {
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

// ReadOverlay reads the overlay at path. With strict, a key that S does not
// know is an error (for a schema type that has every key the file uses).
func ReadOverlay[S any](path string, strict bool) (*Overlay[S], error) {
	var f Overlay[S]
	if err := ReadYAML(path, &f, strict); err != nil {
		return nil, err
	}
	return &f, nil
}
