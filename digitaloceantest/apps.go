package digitaloceantest

import (
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"time"

	do "github.com/oceankit/digitalocean"
)

// appState is one app and everything that hangs off it.
type appState struct {
	id        string
	created   time.Time
	updated   time.Time
	spec      *do.AppSpec
	projectID string
	hostSlug  string // the random part of its ondigitalocean.app host

	deployments []*deploymentState // oldest first
	active      *deploymentState
	pinned      *deploymentState
	rollback    *rollbackState
	events      []*eventState
	jobs        []*jobInvocationState // oldest first
	alertDest   map[string]alertDestinations

	failNextDeployment bool
	extras             appExtras // the live-API operations (appextras.go)
}

// rollbackState is an uncommitted rollback: the spec to return to on revert.
type rollbackState struct {
	deployment *deploymentState
	specBefore *do.AppSpec
}

type alertDestinations struct {
	emails []string
	slack  []*do.AppAlertSlackWebhook
}

func (s *Server) findApp(id string) *appState {
	for _, a := range s.state.apps {
		if a.id == id {
			return a
		}
	}
	return nil
}

func (s *Server) findAppByName(name string) *appState {
	for _, a := range s.state.apps {
		if a.spec.Name == name {
			return a
		}
	}
	return nil
}

// renderApp is the app as the API returns it.
func (s *Server) renderApp(a *appState, withProject bool) *do.App {
	out := &do.App{
		ID:          a.id,
		OwnerUUID:   s.cfg.account.UUID,
		Spec:        cloneSpec(a.spec),
		CreatedAt:   a.created,
		UpdatedAt:   a.updated,
		Region:      regionOf(a.spec.Region),
		TierSlug:    tierOf(a.spec),
		LiveURLBase: "",
	}
	if withProject {
		out.ProjectID = a.projectID
	}
	if n := len(a.deployments); n > 0 {
		out.LastDeploymentCreatedAt = a.deployments[n-1].created
	}
	if a.active != nil {
		d := s.renderDeployment(a.active)
		out.ActiveDeployment = d
		out.LastDeploymentActiveAt = a.active.activeAt
		host := a.spec.Name + "-" + a.hostSlug + ".ondigitalocean.app"
		out.DefaultIngress = "https://" + host
		out.LiveURL = "https://" + host
		out.LiveURLBase = "https://" + host
		out.LiveDomain = host
	}
	if d := a.inProgress(); d != nil {
		if d.phase == do.DeploymentPhasePendingBuild || d.phase == do.DeploymentPhasePendingDeploy {
			out.PendingDeployment = s.renderDeployment(d)
		} else {
			out.InProgressDeployment = s.renderDeployment(d)
		}
	}
	if a.pinned != nil {
		out.PinnedDeployment = s.renderDeployment(a.pinned)
	}
	for _, ds := range a.spec.Domains {
		phase := do.AppDomainPhasePending
		if a.active != nil {
			phase = do.AppDomainPhaseActive
		}
		spec := *ds
		out.Domains = append(out.Domains, &do.AppDomain{ID: shortUUID(a.id, ds.Domain), Phase: phase, Spec: &spec})
	}
	if a.spec.Egress != nil && a.spec.Egress.Type == do.AppEgressTypeDedicatedIP {
		for i := range 2 {
			out.DedicatedIPs = append(out.DedicatedIPs, &do.AppDedicatedIP{
				IP: fmt.Sprintf("192.0.2.%d", 10+i), ID: shortUUID(a.id, "ip", strconv.Itoa(i)), Status: do.AppDedicatedIPStatusAssigned})
		}
	}
	if a.spec.VPC != nil {
		vpc := *a.spec.VPC
		out.VPC = &vpc
	}
	return out
}

// shortUUID is a stable UUID-shaped ID derived from parts.
func shortUUID(parts ...string) string {
	h := shortHash(32, parts...)
	return h[0:8] + "-" + h[8:12] + "-4" + h[13:16] + "-8" + h[17:20] + "-" + h[20:32]
}

func regionOf(slug do.AppRegionSlug) *do.AppRegion {
	if slug == "" {
		slug = do.AppRegionSlugNYC // "nearest available"
	}
	for _, r := range appRegions {
		if r.Slug == string(slug) {
			out := r
			out.DataCenters = append([]string(nil), r.DataCenters...)
			return &out
		}
	}
	return &do.AppRegion{Slug: string(slug), Label: string(slug)}
}

// tierOf is "professional" when any component uses a professional size.
func tierOf(spec *do.AppSpec) string {
	for _, slug := range instanceSlugs(spec) {
		if size := findInstanceSize(slug); size != nil && size.TierSlug == "professional" {
			return "professional"
		}
	}
	return "basic"
}

func findInstanceSize(slug do.InstanceSizeSlug) *do.AppInstanceSize {
	if slug == "" {
		slug = do.InstanceSizeSlugAppsS1VCPU0_5GB
	}
	for i := range instanceSizes {
		if instanceSizes[i].Slug == string(slug) {
			return &instanceSizes[i]
		}
	}
	return nil
}

// instanceSlugs lists the size of every instance the spec runs.
func instanceSlugs(spec *do.AppSpec) []do.InstanceSizeSlug {
	var out []do.InstanceSizeSlug
	for _, c := range spec.Services {
		for range instanceCount(c.InstanceCount, c.Autoscaling) {
			out = append(out, c.InstanceSizeSlug)
		}
	}
	for _, c := range spec.Workers {
		for range instanceCount(c.InstanceCount, c.Autoscaling) {
			out = append(out, c.InstanceSizeSlug)
		}
	}
	for _, c := range spec.Jobs {
		out = append(out, c.InstanceSizeSlug)
	}
	return out
}

func instanceCount(n int64, auto *do.AppAutoscalingSpec) int {
	if auto != nil && auto.MinInstanceCount > 0 {
		return int(auto.MinInstanceCount)
	}
	if n > 0 {
		return int(n)
	}
	return 1
}

// specInvalid is the API's answer to a spec that fails validation
// (live-api-behaviour.md d.1–d.4): 400 invalid_argument, one problem, the
// field named by its dotted path without indexes or component names.
func specInvalid(field, format string, args ...any) *reply {
	r := apiError(http.StatusBadRequest, `error validating app spec field "`+field+`": `+sprintf(format, args...))
	r.body.(*errorBody).ID = "invalid_argument"
	return &r
}

// validateSpec checks what validateRequest, run first against the
// documents' schema (names, env keys, ranges, domains), cannot: null
// components, unique names, autoscaling bounds, at least one component,
// ingress targets. It reports the first problem only, as the API does.
func validateSpec(spec *do.AppSpec) *reply {
	if kind := nullComponent(spec); kind != "" {
		return specInvalid(kind, "a component must be an object, not null")
	}
	seen := map[string]bool{}
	components := 0
	checkName := func(kind, name string) *reply {
		if seen[name] {
			return specInvalid(kind+".name", "component name %q is used by another component: names must be unique within an app", name)
		}
		seen[name] = true
		return nil
	}
	checkInstances := func(where string, count int64, auto *do.AppAutoscalingSpec) *reply {
		if count != 0 && auto != nil {
			return specInvalid(where+".instance_count", "instance count must not be set when autoscaling is used")
		}
		if auto != nil && (auto.MinInstanceCount < 1 || auto.MaxInstanceCount < auto.MinInstanceCount) {
			return specInvalid(where+".autoscaling", "autoscaling needs 1 <= min_instance_count <= max_instance_count")
		}
		return nil
	}
	for _, c := range spec.Services {
		if r := firstOf(checkName("services", c.Name), checkInstances("services", c.InstanceCount, c.Autoscaling)); r != nil {
			return r
		}
		components++
	}
	for _, c := range spec.Workers {
		if r := firstOf(checkName("workers", c.Name), checkInstances("workers", c.InstanceCount, c.Autoscaling)); r != nil {
			return r
		}
		components++
	}
	for _, c := range spec.Jobs {
		if r := checkName("jobs", c.Name); r != nil {
			return r
		}
		components++
	}
	for _, c := range spec.StaticSites {
		if r := checkName("static_sites", c.Name); r != nil {
			return r
		}
		components++
	}
	for _, c := range spec.Functions {
		if r := checkName("functions", c.Name); r != nil {
			return r
		}
		components++
	}
	for _, c := range spec.Databases {
		if r := checkName("databases", c.Name); r != nil {
			return r
		}
	}
	if components == 0 {
		return specInvalid("services", "an app needs at least one service, worker, job, static site or functions component")
	}
	return checkIngressTargets(spec)
}

// nullComponent names the first component list holding a null, if any.
func nullComponent(spec *do.AppSpec) string {
	switch {
	case slices.Contains(spec.Services, nil):
		return "services"
	case slices.Contains(spec.Workers, nil):
		return "workers"
	case slices.Contains(spec.Jobs, nil):
		return "jobs"
	case slices.Contains(spec.StaticSites, nil):
		return "static_sites"
	case slices.Contains(spec.Functions, nil):
		return "functions"
	case slices.Contains(spec.Databases, nil):
		return "databases"
	}
	return ""
}

// checkIngressTargets refuses ingress rules that route to a component the
// app does not have, or to a worker or job, which serve no HTTP (a.17,
// uncertain; the fake follows the spec's descriptions).
func checkIngressTargets(spec *do.AppSpec) *reply {
	if spec.Ingress == nil {
		return nil
	}
	for _, rule := range spec.Ingress.Rules {
		if rule == nil || rule.Component == nil {
			continue
		}
		name := rule.Component.Name
		switch kind := componentKind(spec, name); kind {
		case "":
			return specInvalid("ingress.rules.component.name", "component %q does not exist", name)
		case "worker", "job", "database":
			return specInvalid("ingress.rules.component.name", "component %q is a %s: rules route to services, static sites and functions only", name, kind)
		}
	}
	return nil
}

// componentKind is the kind of the spec's component called name, or ""
// when it has none.
func componentKind(spec *do.AppSpec, name string) string {
	has := func(names ...string) bool { return slices.Contains(names, name) }
	switch {
	case has(namesOf(spec.Services, func(c *do.AppServiceSpec) string { return c.Name })...):
		return "service"
	case has(namesOf(spec.StaticSites, func(c *do.AppStaticSiteSpec) string { return c.Name })...):
		return "static site"
	case has(namesOf(spec.Functions, func(c *do.AppFunctionsSpec) string { return c.Name })...):
		return "functions component"
	case has(namesOf(spec.Workers, func(c *do.AppWorkerSpec) string { return c.Name })...):
		return "worker"
	case has(namesOf(spec.Jobs, func(c *do.AppJobSpec) string { return c.Name })...):
		return "job"
	case has(namesOf(spec.Databases, func(c *do.AppDatabaseSpec) string { return c.Name })...):
		return "database"
	}
	return ""
}

// namesOf lists the names of a component list (validateSpec has refused
// null components).
func namesOf[T any](list []*T, name func(*T) string) []string {
	out := make([]string, 0, len(list))
	for _, c := range list {
		out = append(out, name(c))
	}
	return out
}

func firstOf(rs ...*reply) *reply {
	for _, r := range rs {
		if r != nil {
			return r
		}
	}
	return nil
}

// boolQuery reads an optional boolean query parameter, which
// validateParameters has checked is true or false.
func boolQuery(c *call, name string) bool { return c.r.URL.Query().Get(name) == "true" }

// querySet reads a repeated query parameter (form style, one key per
// value) into a set; validateParameters has checked its values.
func querySet(c *call, name string) map[string]bool {
	set := map[string]bool{}
	for _, v := range c.r.URL.Query()[name] {
		set[v] = true
	}
	return set
}

func listApps(c *call) reply {
	withProjects := boolQuery(c, "with_projects")
	all := make([]*do.App, 0, len(c.s.state.apps))
	for _, a := range c.s.state.apps {
		all = append(all, c.s.renderApp(a, withProjects))
	}
	page, envelope := paginate(c, all, true)
	envelope["apps"] = page
	return ok(envelope)
}

func createApp(c *call) reply {
	var req do.AppCreateRequest
	if bad := decodeStrict(c.body, &req, true); bad != nil {
		return *bad
	}
	if bad := validateSpec(req.Spec); bad != nil {
		return *bad
	}
	raw, bad := requestSpec(c.body)
	if bad != nil {
		return *bad
	}
	if c.s.findAppByName(req.Spec.Name) != nil {
		return apiError(http.StatusConflict, fmt.Sprintf("an app with the name %q already exists", req.Spec.Name))
	}
	a := &appState{
		id:        c.s.state.newID("app"),
		created:   c.now,
		updated:   c.now,
		spec:      storeSpec(raw),
		projectID: req.ProjectID,
		alertDest: map[string]alertDestinations{},
	}
	a.hostSlug = shortHash(5, a.id)
	if a.projectID == "" {
		a.projectID = defaultProjectID
	}
	c.s.state.apps = append(c.s.state.apps, a)
	c.applied()
	d := c.s.startDeployment(a, c.now, deploymentCause{
		text: "initial deployment", typ: do.DeploymentTypeManual,
		action: do.DeploymentCauseDetailsDigitalOceanUserActionNameCreateDeployment,
	}, fullPlan)
	out := c.s.renderApp(a, true)
	out.PendingDeployment = c.s.renderDeployment(d)
	return ok(map[string]any{"app": out})
}

// defaultProjectID is the account's default project.
const defaultProjectID = "88b72d1a-b78a-4d9f-9090-b53c4399073f"

func getApp(c *call) reply {
	id := c.param("id")
	var a *appState
	if id == "" {
		name := c.r.URL.Query().Get("name")
		if name == "" {
			return notFound()
		}
		a = c.s.findAppByName(name)
	} else {
		a = c.s.findApp(id)
	}
	if a == nil {
		return notFound()
	}
	return ok(map[string]any{"app": c.s.renderApp(a, true)})
}

func updateApp(c *call) reply {
	a := c.s.findApp(c.param("id"))
	if a == nil {
		return notFound()
	}
	var req do.AppUpdateRequest
	if bad := decodeStrict(c.body, &req, true); bad != nil {
		return *bad
	}
	if bad := validateSpec(req.Spec); bad != nil {
		return *bad
	}
	raw, bad := requestSpec(c.body)
	if bad != nil {
		return *bad
	}
	if other := c.s.findAppByName(req.Spec.Name); other != nil && other != a {
		return apiError(http.StatusConflict, fmt.Sprintf("an app with the name %q already exists", req.Spec.Name))
	}
	if bad := a.refusePinned(); bad != nil {
		return *bad
	}
	a.spec = storeSpec(raw)
	a.updated = c.now
	d := c.s.startDeployment(a, c.now, deploymentCause{
		text: "app spec updated", typ: do.DeploymentTypeManual,
		action: do.DeploymentCauseDetailsDigitalOceanUserActionNameUpdateSpec,
	}, fullPlan)
	c.applied()
	out := c.s.renderApp(a, true)
	out.PendingDeployment = c.s.renderDeployment(d)
	return ok(map[string]any{"app": out})
}

// refusePinned stops new deployments while a rollback pins the app.
func (a *appState) refusePinned() *reply {
	if a.pinned == nil {
		return nil
	}
	r := badRequest("The app is pinned to rollback deployment %s: commit or revert the rollback to deploy again.", a.pinned.id)
	return &r
}

func deleteApp(c *call) reply {
	id := c.param("id")
	for i, a := range c.s.state.apps {
		if a.id == id {
			c.s.state.apps = append(c.s.state.apps[:i:i], c.s.state.apps[i+1:]...)
			c.s.notifyLocked() // live logs of the app end
			c.applied()
			return ok(&do.AppDeleteResponse{ID: id})
		}
	}
	return notFound()
}

// appOf finds the app of the app_id parameter.
func appOf(c *call) (*appState, *reply) {
	a := c.s.findApp(c.param("app_id"))
	if a == nil {
		r := notFound()
		return nil, &r
	}
	return a, nil
}
