package appspec

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"regexp"
	"strconv"
	"strings"

	do "github.com/oceankit/digitalocean"
	"github.com/oceankit/digitalocean/internal/specfile"
	"go.yaml.in/yaml/v3"
)

// An app spec file is the YAML or JSON document that the control panel
// shows and `doctl apps create --spec` reads. Loading checks every key and
// value type and reports every problem at once (Errors). A key the
// spec types do not know is a typo when it is close to a known key of its
// object, misplaced when another object knows it, else it is kept, as the JSON decoder keeps it, so that a file
// written from a spec of a newer API loads back unchanged. Semantic checks
// (valid regions, sizes, component references) are Validate's and
// the API's (AppsService.Propose). See docs/appspec-files.md.

// maxFileBytes bounds the size of an app spec file.
const maxFileBytes = 4 << 20

// Load reads an app spec file, YAML or JSON, as Parse does.
// Problems in the file are an Errors whose entries name the file.
func Load(path string) (*do.AppSpec, error) {
	return readSpecFile(path, false)
}

// Parse reads an app spec, YAML or JSON, as found in an app spec
// file. The document may also be wrapped as {"spec": {...}} (the shape of
// a create or update request body and of a deploy template), with no other
// top-level key. Every problem in the document (unknown keys close to a
// known one or known elsewhere in the spec, values of the wrong type,
// repeated keys) is reported at once as an Errors of *Error
// values with their line. Other unknown keys, and those that
// Marshal marked, are kept (see digitalocean.AppSpec.UnknownFields), so that
// what Marshal writes loads back into an equal spec.
func Parse(data []byte) (*do.AppSpec, error) {
	return parseSpecDocument(data, false, "")
}

// LoadDeployTemplate reads a deploy template file (.do/deploy.template.yaml
// in a repository with a "Deploy to DigitalOcean" button): an app spec
// under a top-level "spec:" key, the only key allowed there. Problems are
// reported as Load reports them, with paths starting "spec.".
func LoadDeployTemplate(path string) (*do.AppSpec, error) {
	return readSpecFile(path, true)
}

// ParseDeployTemplate reads a deploy template: an app spec, YAML or JSON,
// under a top-level "spec:" key, the only key allowed there. A document
// without the wrapper is an error (use Parse for a bare spec).
func ParseDeployTemplate(data []byte) (*do.AppSpec, error) {
	return parseSpecDocument(data, true, "")
}

// readSpecFile reads a bare or wrapped app spec file, as
// parseSpecDocument reads the document, and names the file in its problems.
func readSpecFile(path string, template bool) (*do.AppSpec, error) {
	data, err := readBounded(path)
	if err != nil {
		return nil, err
	}
	spec, err := parseSpecDocument(data, template, path)
	return spec, inFile(err, path)
}

// readBounded reads a file of at most maxFileBytes (and one byte more, so
// that a larger file is reported as such).
func readBounded(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("digitalocean: app spec: %w", err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxFileBytes+1))
	if err != nil {
		return nil, fmt.Errorf("digitalocean: app spec: %w", err)
	}
	return data, nil
}

// inFile sets File on every problem of err.
func inFile(err error, path string) error {
	var problems Errors
	if errors.As(err, &problems) {
		for _, p := range problems {
			p.File = path
		}
	}
	return err
}

// parseSpecDocument reads a bare or wrapped app spec; template requires the
// wrapper. file names the document's file, "" for bytes.
func parseSpecDocument(data []byte, template bool, file string) (*do.AppSpec, error) {
	spec, _, problems := readDocument(data, template, file)
	if problems != nil {
		return nil, problems
	}
	return spec, nil
}

// readDocument reads a document as far as it can: the spec is nil when the
// document cannot be read (a syntax error, a wrapper problem, a walk cut
// short), else it holds every value that is not a problem, and it
// remembers where each of its values is written (see origin). prefix is
// the path of the spec in the document: "spec" for a wrapped one.
func readDocument(data []byte, template bool, file string) (spec *do.AppSpec, prefix string, problems error) {
	if len(data) > maxFileBytes {
		return nil, "", specfile.One(&Error{Msg: fmt.Sprintf("file larger than %d bytes", maxFileBytes)})
	}
	root, err := singleDocument(data)
	if err != nil {
		return nil, "", err
	}
	inner, err := unwrapSpec(root, template)
	if err != nil {
		return nil, "", err
	}
	path := ""
	if inner != nil {
		root, path = inner, "spec"
	}
	spec = new(do.AppSpec)
	doc := specfile.DecodeDocument(root, path, specfile.BaseNodes+2*len(data), spec)
	if !doc.Decoded {
		return nil, path, doc.Problems
	}
	remember(spec, file, path, doc.Positions)
	return spec, path, doc.Problems
}

// unwrapSpec returns the value of the "spec" key of a wrapped document, nil
// for a bare one (an error if required is set). A "spec" key next to other
// top-level keys is an error that names them: neither a bare spec nor a
// wrapper has that shape.
func unwrapSpec(root *yaml.Node, required bool) (*yaml.Node, error) {
	var wrapper, value *yaml.Node
	var others []string
	if root.Kind == yaml.MappingNode {
		for i := 0; i+1 < len(root.Content); i += 2 {
			k := root.Content[i]
			switch {
			case k.Kind == yaml.ScalarNode && k.Value == "spec" && wrapper == nil:
				wrapper, value = k, root.Content[i+1]
			case k.Kind == yaml.ScalarNode && k.Value == "spec":
				others = append(others, `a second "spec"`)
			case k.Kind == yaml.ScalarNode:
				others = append(others, strconv.Quote(k.Value))
			default:
				others = append(others, "a non-string key")
			}
		}
	}
	switch {
	case wrapper != nil && len(others) > 0:
		return nil, specfile.One(&Error{
			Line: wrapper.Line, Column: wrapper.Column, Key: "spec",
			Msg: fmt.Sprintf(`a wrapped app spec has "spec" as its only top-level key, but this document also has %s: `+
				`move them under "spec:", or drop the wrapper and write the spec's keys at the top level`, listKeys(others)),
		})
	case wrapper != nil:
		if value.ShortTag() == "!!null" {
			return nil, specfile.One(specfile.NodeError(value, "spec", "the wrapped app spec is empty"))
		}
		return value, nil
	case required:
		// The Deploy to DigitalOcean button reads the spec from under
		// "spec:" (docs/appspec-files.md), so a bare spec is refused with
		// the edit that makes it a template.
		msg := `a deploy template holds its app spec under a top-level "spec:" key, the only key allowed there`
		if len(others) > 0 {
			msg += "; this document has " + listKeys(others) + ` at the top level, as a bare app spec does: ` +
				`to make it a deploy template, add the line "spec:" at the top and indent every other line by two spaces`
		}
		return nil, specfile.One(&Error{Line: root.Line, Column: root.Column, Msg: msg})
	}
	return nil, nil
}

// listKeys joins quoted keys as `"a", "b" and "c"`, at most 5 of them.
func listKeys(keys []string) string {
	if len(keys) > 5 {
		return strings.Join(keys[:5], ", ") + fmt.Sprintf(" and %d more keys", len(keys)-5)
	}
	return specfile.JoinWithAnd(keys)
}

// singleDocument parses data and returns the root node of its one document.
func singleDocument(data []byte) (*yaml.Node, error) {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, specfile.One(&Error{Msg: "empty document"})
		}
		return nil, specfile.One(yamlSyntaxError(err))
	}
	var extra yaml.Node
	switch err := dec.Decode(&extra); {
	case err == nil:
		return nil, specfile.One(&Error{Line: extra.Line, Column: extra.Column, Msg: "more than one YAML document; an app spec file holds one"})
	case !errors.Is(err, io.EOF):
		return nil, specfile.One(yamlSyntaxError(err))
	}
	root := doc.Content[0] // a decoded document node has exactly one child
	if root.ShortTag() == "!!null" {
		return nil, specfile.One(&Error{Line: root.Line, Column: root.Column, Msg: "empty document"})
	}
	return root, nil
}

var yamlLineError = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)

// yamlSyntaxError turns a YAML parser error into an *Error.
func yamlSyntaxError(err error) *Error {
	msg := err.Error()
	if m := yamlLineError.FindStringSubmatch(msg); m != nil {
		line, _ := strconv.Atoi(m[1])
		return &Error{Line: line, Msg: "invalid YAML: " + m[2]}
	}
	return &Error{Msg: "invalid YAML: " + strings.TrimPrefix(msg, "yaml: ")}
}
