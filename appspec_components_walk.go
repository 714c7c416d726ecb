package digitalocean

// componentsOrder is godo's ForEachAppComponentSpec order, which
// Components follows.
var componentsOrder = []AppComponentKind{AppComponentKindService, AppComponentKindWorker, AppComponentKindJob,
	AppComponentKindStaticSite, AppComponentKindDatabase, AppComponentKindFunctions}

// yieldComponents yields the components of one kind; false when yield asked
// to stop.
func (a *AppSpec) yieldComponents(kind AppComponentKind, yield func(AppComponent) bool) bool {
	switch kind {
	case AppComponentKindService:
		return yieldEach(a.Services, yield, func(c *AppServiceSpec) AppComponent {
			return AppComponent{Name: c.Name, Kind: kind, Service: c}
		})
	case AppComponentKindWorker:
		return yieldEach(a.Workers, yield, func(c *AppWorkerSpec) AppComponent {
			return AppComponent{Name: c.Name, Kind: kind, Worker: c}
		})
	case AppComponentKindJob:
		return yieldEach(a.Jobs, yield, func(c *AppJobSpec) AppComponent {
			return AppComponent{Name: c.Name, Kind: kind, Job: c}
		})
	case AppComponentKindStaticSite:
		return yieldEach(a.StaticSites, yield, func(c *AppStaticSiteSpec) AppComponent {
			return AppComponent{Name: c.Name, Kind: kind, StaticSite: c}
		})
	case AppComponentKindDatabase:
		return yieldEach(a.Databases, yield, func(c *AppDatabaseSpec) AppComponent {
			return AppComponent{Name: c.Name, Kind: kind, Database: c}
		})
	case AppComponentKindFunctions:
		return yieldEach(a.Functions, yield, func(c *AppFunctionsSpec) AppComponent {
			return AppComponent{Name: c.Name, Kind: kind, Functions: c}
		})
	}
	return true
}

func yieldEach[T any](list []*T, yield func(AppComponent) bool, wrap func(*T) AppComponent) bool {
	for _, c := range list {
		if c != nil && !yield(wrap(c)) {
			return false
		}
	}
	return true
}

// componentFields are the fields several kinds share, read by the
// AppComponent accessors; a kind without one leaves it zero. envs points
// into the spec so that SetEnvs can write it.
type componentFields struct {
	envs            *[]*AppVariableDefinition
	sourceDir       string
	instanceSize    InstanceSizeSlug
	instanceCount   int64
	alerts          []*AppAlertSpec
	logDestinations []*AppLogDestination
	image           *AppImageSourceSpec
}

// fields returns the component's componentFields: only services, workers
// and jobs are sized, functions have no image, static sites no alerts,
// databases none of them.
func (c AppComponent) fields() componentFields {
	switch {
	case c.Service != nil:
		s := c.Service
		return componentFields{envs: &s.Envs, sourceDir: s.SourceDir, instanceSize: s.InstanceSizeSlug,
			instanceCount: s.InstanceCount, alerts: s.Alerts, logDestinations: s.LogDestinations, image: s.Image}
	case c.Worker != nil:
		s := c.Worker
		return componentFields{envs: &s.Envs, sourceDir: s.SourceDir, instanceSize: s.InstanceSizeSlug,
			instanceCount: s.InstanceCount, alerts: s.Alerts, logDestinations: s.LogDestinations, image: s.Image}
	case c.Job != nil:
		s := c.Job
		return componentFields{envs: &s.Envs, sourceDir: s.SourceDir, instanceSize: s.InstanceSizeSlug,
			instanceCount: s.InstanceCount, alerts: s.Alerts, logDestinations: s.LogDestinations, image: s.Image}
	case c.StaticSite != nil:
		s := c.StaticSite
		return componentFields{envs: &s.Envs, sourceDir: s.SourceDir, logDestinations: s.LogDestinations, image: s.Image}
	case c.Functions != nil:
		s := c.Functions
		return componentFields{envs: &s.Envs, sourceDir: s.SourceDir, alerts: s.Alerts, logDestinations: s.LogDestinations}
	}
	return componentFields{}
}
