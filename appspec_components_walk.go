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

// componentFields are the fields several kinds share, read by the
// AppComponent accessors and Validate's rules; a kind without one leaves it
// zero. envs points into the spec so that SetEnvs can write it.
type componentFields struct {
	envs            *[]*AppVariableDefinition
	sourceDir       string
	instanceSize    InstanceSizeSlug
	instanceCount   int64
	alerts          []*AppAlertSpec
	logDestinations []*AppLogDestination
	routes          []*AppRouteSpec // deprecated, as is cors
	cors            *AppCORSPolicy
	autoscaling     *AppAutoscalingSpec
	sources         componentSources
}

// componentSources are a component's source fields.
type componentSources struct {
	git       *AppGitSourceSpec
	gitHub    *AppGitHubSourceSpec
	gitLab    *AppGitLabSourceSpec
	bitbucket *AppBitbucketSourceSpec
	image     *AppImageSourceSpec
}

// fields returns the component's componentFields: only services, workers
// and jobs are sized, functions have no image or autoscaling, static sites
// no alerts, databases none of them.
func (c AppComponent) fields() componentFields {
	switch {
	case c.Service != nil:
		s := c.Service
		return componentFields{envs: &s.Envs, sourceDir: s.SourceDir, instanceSize: s.InstanceSizeSlug,
			instanceCount: s.InstanceCount, alerts: s.Alerts, logDestinations: s.LogDestinations,
			routes: s.Routes, cors: s.CORS, autoscaling: s.Autoscaling,
			sources: componentSources{s.Git, s.GitHub, s.GitLab, s.Bitbucket, s.Image}}
	case c.Worker != nil:
		s := c.Worker
		return componentFields{envs: &s.Envs, sourceDir: s.SourceDir, instanceSize: s.InstanceSizeSlug,
			instanceCount: s.InstanceCount, alerts: s.Alerts, logDestinations: s.LogDestinations,
			autoscaling: s.Autoscaling,
			sources:     componentSources{s.Git, s.GitHub, s.GitLab, s.Bitbucket, s.Image}}
	case c.Job != nil:
		s := c.Job
		return componentFields{envs: &s.Envs, sourceDir: s.SourceDir, instanceSize: s.InstanceSizeSlug,
			instanceCount: s.InstanceCount, alerts: s.Alerts, logDestinations: s.LogDestinations,
			sources: componentSources{s.Git, s.GitHub, s.GitLab, s.Bitbucket, s.Image}}
	case c.StaticSite != nil:
		s := c.StaticSite
		return componentFields{envs: &s.Envs, sourceDir: s.SourceDir, logDestinations: s.LogDestinations,
			routes: s.Routes, cors: s.CORS,
			sources: componentSources{s.Git, s.GitHub, s.GitLab, s.Bitbucket, s.Image}}
	case c.Functions != nil:
		s := c.Functions
		return componentFields{envs: &s.Envs, sourceDir: s.SourceDir, alerts: s.Alerts,
			logDestinations: s.LogDestinations, routes: s.Routes, cors: s.CORS,
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
