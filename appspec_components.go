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
		for _, c := range a.Services {
			if c != nil && !yield(AppComponent{Name: c.Name, Kind: AppComponentKindService, Service: c}) {
				return
			}
		}
		for _, c := range a.Workers {
			if c != nil && !yield(AppComponent{Name: c.Name, Kind: AppComponentKindWorker, Worker: c}) {
				return
			}
		}
		for _, c := range a.Jobs {
			if c != nil && !yield(AppComponent{Name: c.Name, Kind: AppComponentKindJob, Job: c}) {
				return
			}
		}
		for _, c := range a.StaticSites {
			if c != nil && !yield(AppComponent{Name: c.Name, Kind: AppComponentKindStaticSite, StaticSite: c}) {
				return
			}
		}
		for _, c := range a.Databases {
			if c != nil && !yield(AppComponent{Name: c.Name, Kind: AppComponentKindDatabase, Database: c}) {
				return
			}
		}
		for _, c := range a.Functions {
			if c != nil && !yield(AppComponent{Name: c.Name, Kind: AppComponentKindFunctions, Functions: c}) {
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
