package main

import (
	"github.com/oceankit/digitalocean"
	"github.com/oceankit/digitalocean/appspec"
)

// Diagnostic is an error tied to an attribute of the spec, the way a
// provider reports it to its user.
type Diagnostic struct {
	// Path names the attribute: exact from Validate
	// ("services[0].instance_count"), dotted without indexes from the API
	// ("services.health_check.port"); empty for the resource as a whole.
	Path    string
	Summary string
}

// Diagnostics maps err to one diagnostic per problem: each problem
// Validate found with its path, the field an API rejection names
// (Error.Field), else the error as a whole.
func Diagnostics(err error) []Diagnostic {
	if err == nil {
		return nil
	}
	var out []Diagnostic
	var walk func(error)
	walk = func(e error) {
		switch x := e.(type) {
		case *appspec.Error:
			out = append(out, Diagnostic{Path: x.Path, Summary: x.Msg})
		case *digitalocean.Error:
			if x.Field != "" {
				out = append(out, Diagnostic{Path: x.Field, Summary: x.Message})
			}
		case interface{ Unwrap() []error }: // appspec.Errors (Validate, Parse), errors.Join
			for _, inner := range x.Unwrap() {
				walk(inner)
			}
		case interface{ Unwrap() error }: // fmt.Errorf("...: %w")
			walk(x.Unwrap())
		}
	}
	walk(err)
	if len(out) == 0 {
		return []Diagnostic{{Summary: err.Error()}}
	}
	return out
}
