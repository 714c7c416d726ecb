package digitalocean

import (
	"fmt"
	"iter"
)

// The walk below serves both Components and the code (Validate's rules)
// that names each component by its JSON path, so that a rule over every
// kind is one loop.

// placedComponent is a component with its place in the spec: list is the
// AppSpec list it is in ("services") and index its position there, nil
// entries counted.
type placedComponent struct {
	AppComponent
	list  string
	index int
}

// path is the component's JSON path, as in "services[2]".
func (c placedComponent) path() string {
	return fmt.Sprintf("%s[%d]", c.list, c.index)
}

// Component list orders: godo's ForEachAppComponentSpec order (Components)
// and the order the lists are checked in by Validate, whose problems
// follow it.
var (
	componentsOrder = []AppComponentKind{AppComponentKindService, AppComponentKindWorker, AppComponentKindJob,
		AppComponentKindStaticSite, AppComponentKindDatabase, AppComponentKindFunctions}
	validationOrder = []AppComponentKind{AppComponentKindService, AppComponentKindStaticSite, AppComponentKindWorker,
		AppComponentKindJob, AppComponentKindFunctions, AppComponentKindDatabase}
)

// placedComponents iterates over the spec's components list by list, in the
// order of kinds, each list in spec order. Nil entries are skipped; a nil
// spec has no components.
func (a *AppSpec) placedComponents(kinds []AppComponentKind) iter.Seq[placedComponent] {
	return func(yield func(placedComponent) bool) {
		if a == nil {
			return
		}
		for _, kind := range kinds {
			if !a.yieldComponents(kind, yield) {
				return
			}
		}
	}
}

// yieldComponents yields the components of one kind; false when yield asked
// to stop.
func (a *AppSpec) yieldComponents(kind AppComponentKind, yield func(placedComponent) bool) bool {
	switch kind {
	case AppComponentKindService:
		return yieldPlaced(a.Services, "services", yield, func(c *AppServiceSpec) AppComponent {
			return AppComponent{Name: c.Name, Kind: kind, Service: c}
		})
	case AppComponentKindWorker:
		return yieldPlaced(a.Workers, "workers", yield, func(c *AppWorkerSpec) AppComponent {
			return AppComponent{Name: c.Name, Kind: kind, Worker: c}
		})
	case AppComponentKindJob:
		return yieldPlaced(a.Jobs, "jobs", yield, func(c *AppJobSpec) AppComponent {
			return AppComponent{Name: c.Name, Kind: kind, Job: c}
		})
	case AppComponentKindStaticSite:
		return yieldPlaced(a.StaticSites, "static_sites", yield, func(c *AppStaticSiteSpec) AppComponent {
			return AppComponent{Name: c.Name, Kind: kind, StaticSite: c}
		})
	case AppComponentKindDatabase:
		return yieldPlaced(a.Databases, "databases", yield, func(c *AppDatabaseSpec) AppComponent {
			return AppComponent{Name: c.Name, Kind: kind, Database: c}
		})
	case AppComponentKindFunctions:
		return yieldPlaced(a.Functions, "functions", yield, func(c *AppFunctionsSpec) AppComponent {
			return AppComponent{Name: c.Name, Kind: kind, Functions: c}
		})
	}
	return true
}

func yieldPlaced[T any](list []*T, name string, yield func(placedComponent) bool, wrap func(*T) AppComponent) bool {
	for i, c := range list {
		if c != nil && !yield(placedComponent{AppComponent: wrap(c), list: name, index: i}) {
			return false
		}
	}
	return true
}

// routes returns the (deprecated) routes of a service, static site or
// functions component; nil for other kinds.
func (c AppComponent) routes() []*AppRouteSpec {
	switch {
	case c.Service != nil:
		return c.Service.Routes
	case c.StaticSite != nil:
		return c.StaticSite.Routes
	case c.Functions != nil:
		return c.Functions.Routes
	}
	return nil
}

// cors returns the (deprecated) CORS policy of a service, static site or
// functions component; nil for other kinds.
func (c AppComponent) cors() *AppCORSPolicy {
	switch {
	case c.Service != nil:
		return c.Service.CORS
	case c.StaticSite != nil:
		return c.StaticSite.CORS
	case c.Functions != nil:
		return c.Functions.CORS
	}
	return nil
}

// autoscaling returns the autoscaling of a service or worker; nil for other
// kinds, which have none.
func (c AppComponent) autoscaling() *AppAutoscalingSpec {
	switch {
	case c.Service != nil:
		return c.Service.Autoscaling
	case c.Worker != nil:
		return c.Worker.Autoscaling
	}
	return nil
}

// componentSources are a component's source fields; functions have no
// image, databases no source at all.
type componentSources struct {
	git       *AppGitSourceSpec
	gitHub    *AppGitHubSourceSpec
	gitLab    *AppGitLabSourceSpec
	bitbucket *AppBitbucketSourceSpec
	image     *AppImageSourceSpec
}

func (c AppComponent) sources() componentSources {
	switch {
	case c.Service != nil:
		s := c.Service
		return componentSources{s.Git, s.GitHub, s.GitLab, s.Bitbucket, s.Image}
	case c.Worker != nil:
		s := c.Worker
		return componentSources{s.Git, s.GitHub, s.GitLab, s.Bitbucket, s.Image}
	case c.Job != nil:
		s := c.Job
		return componentSources{s.Git, s.GitHub, s.GitLab, s.Bitbucket, s.Image}
	case c.StaticSite != nil:
		s := c.StaticSite
		return componentSources{s.Git, s.GitHub, s.GitLab, s.Bitbucket, s.Image}
	case c.Functions != nil:
		s := c.Functions
		return componentSources{git: s.Git, gitHub: s.GitHub, gitLab: s.GitLab, bitbucket: s.Bitbucket}
	}
	return componentSources{}
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
