package digitalocean

import "iter"

// AppComponentKind is the kind of an app spec component: the AppSpec list
// it belongs to.
type AppComponentKind string

// The kinds of app spec components. The values are the ones godo's
// AppComponentType uses.
const (
	AppComponentKindService    AppComponentKind = "service"
	AppComponentKindWorker     AppComponentKind = "worker"
	AppComponentKindJob        AppComponentKind = "job"
	AppComponentKindStaticSite AppComponentKind = "static_site"
	AppComponentKindDatabase   AppComponentKind = "database"
	AppComponentKindFunctions  AppComponentKind = "functions"
)

// AppComponent is one component of an AppSpec. Exactly one of the spec
// pointers is set, the one matching Kind; it points into the AppSpec, so
// changes made through it change the spec.
type AppComponent struct {
	// Name is the component's name when it was listed.
	Name string
	Kind AppComponentKind

	Service    *AppServiceSpec
	Worker     *AppWorkerSpec
	Job        *AppJobSpec
	StaticSite *AppStaticSiteSpec
	Database   *AppDatabaseSpec
	Functions  *AppFunctionsSpec
}

// Spec returns the component's spec pointer (*AppServiceSpec,
// *AppWorkerSpec, …) for a type switch or for code that handles any kind.
func (c AppComponent) Spec() any {
	switch c.Kind {
	case AppComponentKindService:
		return c.Service
	case AppComponentKindWorker:
		return c.Worker
	case AppComponentKindJob:
		return c.Job
	case AppComponentKindStaticSite:
		return c.StaticSite
	case AppComponentKindDatabase:
		return c.Database
	case AppComponentKindFunctions:
		return c.Functions
	}
	return nil
}

// Components iterates over the spec's components: services, workers, jobs,
// static sites, databases, then functions (godo's ForEachAppComponentSpec
// order), each list in spec order. Nil entries are skipped; a nil spec has
// no components.
func (a *AppSpec) Components() iter.Seq[AppComponent] {
	return func(yield func(AppComponent) bool) {
		if a == nil {
			return
		}
		for _, kind := range componentsOrder {
			if !a.yieldComponents(kind, yield) {
				return
			}
		}
	}
}

// Component returns the component with the given name, of any kind, and
// whether there is one. The API keeps names unique within an app; in a
// spec that repeats one, the first in Components order wins.
func (a *AppSpec) Component(name string) (AppComponent, bool) {
	for c := range a.Components() {
		if c.Name == name {
			return c, true
		}
	}
	return AppComponent{}, false
}

// The accessors below read and write the fields most component kinds
// share, whatever the kind, so that code handling every component (a
// provider's secret handling, a CLI's summary) needs no type switch. A kind
// without the field gives its zero value.

// Envs returns the component's environment variables; nil for a database,
// which has none.
func (c AppComponent) Envs() []*AppVariableDefinition {
	if envs := c.fields().envs; envs != nil {
		return *envs
	}
	return nil
}

// SetEnvs replaces the component's environment variables in the spec it
// points into. It reports false, changing nothing, for a kind that has
// none (a database).
func (c AppComponent) SetEnvs(envs []*AppVariableDefinition) bool {
	field := c.fields().envs
	if field == nil {
		return false
	}
	*field = envs
	return true
}

// Env returns the component's first environment variable with the key,
// and whether there is one.
func (c AppComponent) Env(key string) (*AppVariableDefinition, bool) {
	for _, e := range c.Envs() {
		if e != nil && e.Key == key {
			return e, true
		}
	}
	return nil, false
}

// SourceDir returns the component's source directory; "" for a database.
func (c AppComponent) SourceDir() string { return c.fields().sourceDir }

// InstanceSizeSlug returns the instance size of a service, worker or job;
// "" for other kinds (sized by the platform or, for a database, by Size).
func (c AppComponent) InstanceSizeSlug() InstanceSizeSlug { return c.fields().instanceSize }

// InstanceCount returns the instance count of a service, worker or job (0
// when unset, which the API treats as 1); 0 for other kinds.
func (c AppComponent) InstanceCount() int64 { return c.fields().instanceCount }

// Image returns the container image source of a service, worker, job or
// static site (where image.registry_credentials lives); nil when the
// component builds from another source or has no image.
func (c AppComponent) Image() *AppImageSourceSpec { return c.fields().image }

// Alerts returns the component's alert rules; nil for static sites and
// databases, which have none.
func (c AppComponent) Alerts() []*AppAlertSpec { return c.fields().alerts }

// LogDestinations returns the component's log forwarding destinations; nil
// for a database.
func (c AppComponent) LogDestinations() []*AppLogDestination { return c.fields().logDestinations }
