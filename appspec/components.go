package appspec

import (
	"fmt"
	"slices"

	do "github.com/oceankit/digitalocean"
)

// Validate's rules name each component by its JSON path, so that a rule
// over every kind is one loop; the walk below places the components that
// AppSpec.Components yields.

// placedComponent is a component with its place in the spec: list is the
// AppSpec list it is in ("services") and index its position there, nil
// entries counted.
type placedComponent struct {
	do.AppComponent
	list  string
	index int
}

// path is the component's JSON path, as in "services[2]".
func (c placedComponent) path() string {
	return fmt.Sprintf("%s[%d]", c.list, c.index)
}

// validationOrder is the order the lists are checked in by Validate, whose
// problems follow it.
var validationOrder = []do.AppComponentKind{do.AppComponentKindService, do.AppComponentKindStaticSite, do.AppComponentKindWorker,
	do.AppComponentKindJob, do.AppComponentKindFunctions, do.AppComponentKindDatabase}

// componentLists names the AppSpec list of each kind.
var componentLists = map[do.AppComponentKind]string{
	do.AppComponentKindService:    "services",
	do.AppComponentKindWorker:     "workers",
	do.AppComponentKindJob:        "jobs",
	do.AppComponentKindStaticSite: "static_sites",
	do.AppComponentKindDatabase:   "databases",
	do.AppComponentKindFunctions:  "functions",
}

// placedComponents lists the spec's components in validationOrder, each
// list in spec order, nil entries skipped.
func placedComponents(spec *do.AppSpec) []placedComponent {
	var out []placedComponent
	next := map[do.AppComponentKind]int{} // where to look for the kind's next one
	for c := range spec.Components() {
		i := position(spec, c, next[c.Kind])
		next[c.Kind] = i + 1
		out = append(out, placedComponent{AppComponent: c, list: componentLists[c.Kind], index: i})
	}
	slices.SortStableFunc(out, func(a, b placedComponent) int {
		return slices.Index(validationOrder, a.Kind) - slices.Index(validationOrder, b.Kind)
	})
	return out
}

// position is the index of c in its list, looking from index from on:
// Components yields a list's entries in order, so the same pointer listed
// twice gets both its places.
func position(spec *do.AppSpec, c do.AppComponent, from int) int {
	switch c.Kind {
	case do.AppComponentKindService:
		return indexFrom(spec.Services, c.Service, from)
	case do.AppComponentKindWorker:
		return indexFrom(spec.Workers, c.Worker, from)
	case do.AppComponentKindJob:
		return indexFrom(spec.Jobs, c.Job, from)
	case do.AppComponentKindStaticSite:
		return indexFrom(spec.StaticSites, c.StaticSite, from)
	case do.AppComponentKindDatabase:
		return indexFrom(spec.Databases, c.Database, from)
	default:
		return indexFrom(spec.Functions, c.Functions, from)
	}
}

func indexFrom[T any](list []*T, p *T, from int) int {
	return from + slices.Index(list[from:], p)
}

// componentFields are the fields several kinds share that Validate's rules
// read and AppComponent has no accessor for; a kind without one leaves it
// zero.
type componentFields struct {
	routes      []*do.AppRouteSpec // deprecated, as is cors
	cors        *do.AppCORSPolicy
	autoscaling *do.AppAutoscalingSpec
	sources     componentSources
}

// componentSources are a component's source fields.
type componentSources struct {
	git       *do.AppGitSourceSpec
	gitHub    *do.AppGitHubSourceSpec
	gitLab    *do.AppGitLabSourceSpec
	bitbucket *do.AppBitbucketSourceSpec
	image     *do.AppImageSourceSpec
}

// fieldsOf returns the component's componentFields: functions have no
// image or autoscaling, static sites no autoscaling, jobs no routes,
// databases none of them.
func fieldsOf(c do.AppComponent) componentFields {
	switch s := c.Spec().(type) {
	case *do.AppServiceSpec:
		return componentFields{routes: s.Routes, cors: s.CORS, autoscaling: s.Autoscaling,
			sources: componentSources{s.Git, s.GitHub, s.GitLab, s.Bitbucket, s.Image}}
	case *do.AppWorkerSpec:
		return componentFields{autoscaling: s.Autoscaling,
			sources: componentSources{s.Git, s.GitHub, s.GitLab, s.Bitbucket, s.Image}}
	case *do.AppJobSpec:
		return componentFields{sources: componentSources{s.Git, s.GitHub, s.GitLab, s.Bitbucket, s.Image}}
	case *do.AppStaticSiteSpec:
		return componentFields{routes: s.Routes, cors: s.CORS,
			sources: componentSources{s.Git, s.GitHub, s.GitLab, s.Bitbucket, s.Image}}
	case *do.AppFunctionsSpec:
		return componentFields{routes: s.Routes, cors: s.CORS,
			sources: componentSources{git: s.Git, gitHub: s.GitHub, gitLab: s.GitLab, bitbucket: s.Bitbucket}}
	}
	return componentFields{}
}

// keys lists the JSON keys of the sources that are set, in spec order.
func (s componentSources) keys() []string {
	var keys []string
	for _, source := range []struct {
		key string
		set bool
	}{
		{"git", s.git != nil},
		{"github", s.gitHub != nil},
		{"gitlab", s.gitLab != nil},
		{"bitbucket", s.bitbucket != nil},
		{"image", s.image != nil},
	} {
		if source.set {
			keys = append(keys, source.key)
		}
	}
	return keys
}
