package appspec

import (
	"fmt"

	do "github.com/oceankit/digitalocean"
	"github.com/oceankit/digitalocean/internal/apischema"
	"github.com/oceankit/digitalocean/internal/specfile"
	"github.com/oceankit/digitalocean/internal/specmodel"
)

// Validate checks spec offline, without the API, and reports every
// problem at once: nil when it finds none, else an Errors (the type
// Parse returns, so callers handle both alike) whose entries are
// *Error values with Path naming the field, as in
// "services[0].instance_count". errors.As with an *Error finds the
// first; at most 50 are listed, as for a file.
//
// It checks what the spec would send against two sets of rules, listed in
// docs/validation.md: the constraints of the OpenAPI description
// (required, enum, pattern, minLength/maxLength, minimum/maximum, maxItems,
// from a table generated from the documents) and the documented cross-field
// rules (unique component names, one source per component, references to
// components and databases that exist, and so on). Keys the SDK does not
// know are allowed: a spec written by a newer API is not an error.
// Passing Validate does not promise that the API accepts the spec (regions
// with capacity, repository access and quotas are the API's to judge; use
// digitalocean.AppsService.Propose for that), but a spec that fails it would be refused.
//
// A spec read by Load, Parse or the deploy template functions remembers
// where each value is written: its problems then carry File (for Load),
// Line and Column too, at the value, or for a missing key at the object
// that lacks it. A value changed since it was read is not placed. Check reads a file and reports its problems and
// Validate's together.
func Validate(spec *do.AppSpec) error {
	list, placed, err := validate(spec)
	if err != nil {
		return err
	}
	var problems specfile.Problems
	for _, p := range list {
		problems.Add(p)
	}
	err = problems.Err() // sorted stably, by positions not set yet: the rules' order
	if err != nil {
		placed(err.(Errors))
	}
	return err
}

// validate returns every problem of spec, unbounded and in the rules'
// order, and a function that places problems in the document spec was
// read from (doing nothing for a spec that was not read from one); err is
// a spec that cannot be validated at all.
func validate(spec *do.AppSpec) (list []*Error, place func([]*Error), err error) {
	if spec == nil {
		return nil, nil, specfile.One(&Error{Msg: "no app spec (nil)"})
	}
	value, err := specmodel.TreeOf(spec)
	if err != nil {
		return nil, nil, specfile.One(&Error{Msg: "cannot encode the spec: " + err.Error()})
	}
	for _, p := range apischema.ValidateNamed(value, "app_spec", apischema.Options{SkipReadOnly: true}) {
		list = append(list, &Error{Path: p.Path, Msg: p.Message})
	}
	v := specValidation{spec: spec}
	v.run()
	list = append(list, v.problems...)
	o := originOf(spec)
	return list, func(problems []*Error) {
		for _, e := range problems {
			if o != nil {
				o.place(e, value)
			}
		}
	}, nil
}

// specValidation applies the cross-field rules; each rule is a method named
// after the rule's name in docs/validation.md.
type specValidation struct {
	spec     *do.AppSpec
	problems []*Error
	// components maps each component name to the path and kind of its
	// first declaration.
	components map[string]declaredComponent
	placed     []placedComponent // each's result, computed once
}

type declaredComponent struct {
	path string
	kind do.AppComponentKind
}

func (v *specValidation) fail(path, format string, args ...any) {
	v.problems = append(v.problems, &Error{Path: path, Msg: fmt.Sprintf(format, args...)})
}

func (v *specValidation) run() {
	for _, r := range validationRules {
		r.check(v)
	}
}

// validationRules are Validate's cross-field rules, named as in
// docs/validation.md, in the order they run (the first fills the component
// names the reference rules look up).
var validationRules = []struct {
	name  string
	check func(*specValidation)
}{
	{"unique-component-names", (*specValidation).uniqueComponentNames},
	{"one-source", (*specValidation).oneSource},
	{"instance-count-or-autoscaling", (*specValidation).instanceCountOrAutoscaling},
	{"autoscaling-bounds", (*specValidation).autoscalingBounds},
	{"health-check-port", (*specValidation).healthCheckPort},
	{"route-paths", (*specValidation).routePaths},
	{"static-site-documents", (*specValidation).staticSiteDocuments},
	{"image-tag-or-digest", (*specValidation).imageTagOrDigest},
	{"docr-registry", (*specValidation).docrRegistry},
	{"production-database-cluster", (*specValidation).productionDatabaseCluster},
	{"one-primary-domain", (*specValidation).onePrimaryDomain},
	{"ingress-component-or-redirect", (*specValidation).ingressComponentOrRedirect},
	{"ingress-component-exists", (*specValidation).ingressComponentExists},
	{"unique-ingress-matches", (*specValidation).uniqueIngressMatches},
	{"preserve-path-prefix-or-rewrite", (*specValidation).preservePathPrefixOrRewrite},
	{"one-string-match", (*specValidation).stringMatches},
	{"bindable-references", (*specValidation).bindableReferences},
}

// each iterates over the components in spec order, kind by kind, with
// their JSON paths.
func (v *specValidation) each() []placedComponent {
	if v.placed == nil {
		v.placed = placedComponents(v.spec)
	}
	return v.placed
}
