package digitaloceantest

import (
	"fmt"
	"slices"
	"strings"
	"time"

	do "github.com/oceankit/digitalocean"
)

// A deployment walks through the phases of its plan, one phase duration
// each, and then becomes ACTIVE (or ERROR when told to fail).
var (
	fullPlan    = []do.DeploymentPhase{do.DeploymentPhasePendingBuild, do.DeploymentPhaseBuilding, do.DeploymentPhaseDeploying}
	noBuildPlan = []do.DeploymentPhase{do.DeploymentPhasePendingDeploy, do.DeploymentPhaseDeploying}
)

type deploymentCause struct {
	text       string
	typ        do.DeploymentType
	action     do.DeploymentCauseDetailsDigitalOceanUserActionName
	clonedFrom string
	// push is set for a deployment a push to the source started: no user
	// action then.
	push *do.DeploymentCauseDetailsGitPush
	// platform is set for a deployment the platform started
	// (DeployByPlatform): internal, no user action.
	platform bool
}

type deploymentState struct {
	id         string
	app        *appState
	spec       *do.AppSpec
	cause      deploymentCause
	plan       []do.DeploymentPhase
	created    time.Time
	phase      do.DeploymentPhase
	phaseSince time.Time
	activeAt   time.Time
	previous   string // the active deployment when this one started
	failAt     do.DeploymentPhase
	logs       map[do.AppLogType][]logLine
	// archiveGone: the archived logs are gone (RemoveLogArchive).
	archiveGone bool

	// stoppedIn and stoppedSince are the phase a superseded or canceled
	// deployment was in when it stopped: its progress stays as it was.
	stoppedIn    do.DeploymentPhase
	stoppedSince time.Time
}

// logLine is one line of a deployment's, job's or event's log.
type logLine struct {
	component string
	at        time.Time
	text      string
}

func (l logLine) String() string {
	return l.component + " " + l.at.Format(time.RFC3339Nano) + " " + l.text
}

func (d *deploymentState) terminal() bool {
	switch d.phase {
	case do.DeploymentPhaseActive, do.DeploymentPhaseSuperseded, do.DeploymentPhaseError, do.DeploymentPhaseCanceled:
		return true
	}
	return false
}

// inProgress is the deployment that has not finished yet, if any.
func (a *appState) inProgress() *deploymentState {
	for i := len(a.deployments) - 1; i >= 0; i-- {
		if !a.deployments[i].terminal() {
			return a.deployments[i]
		}
	}
	return nil
}

func (a *appState) findDeployment(id string) *deploymentState {
	for _, d := range a.deployments {
		if d.id == id {
			return d
		}
	}
	return nil
}

// startDeployment creates a deployment of the app's current spec. A
// deployment still in progress is superseded by it.
func (s *Server) startDeployment(a *appState, now time.Time, cause deploymentCause, plan []do.DeploymentPhase) *deploymentState {
	if old := a.inProgress(); old != nil {
		old.setPhase(do.DeploymentPhaseSuperseded, now)
	}
	d := &deploymentState{
		id: s.state.newID("deployment"), app: a, spec: cloneSpec(a.spec), cause: cause, plan: plan,
		created: now, phase: plan[0], phaseSince: now, logs: map[do.AppLogType][]logLine{},
	}
	if a.active != nil {
		d.previous = a.active.id
	}
	if a.failNextDeployment {
		a.failNextDeployment = false
		d.failAt = plan[len(plan)-1]
		if slices.Contains(plan, do.DeploymentPhaseBuilding) {
			d.failAt = do.DeploymentPhaseBuilding
		}
	}
	a.deployments = append(a.deployments, d)
	a.events = append(a.events, &eventState{id: s.state.newID("event"), typ: do.AppEventTypeDeployment, created: now, deployment: d})
	s.notifyLocked()
	return d
}

func (d *deploymentState) setPhase(p do.DeploymentPhase, at time.Time) {
	if (p == do.DeploymentPhaseSuperseded || p == do.DeploymentPhaseCanceled) && d.stoppedIn == "" {
		d.stoppedIn, d.stoppedSince = d.phase, d.phaseSince
	}
	d.phase, d.phaseSince = p, at
}

// settleApp moves the app's deployments, jobs and events on to now.
func (s *Server) settleApp(a *appState, now time.Time) bool {
	changed := false
	for _, d := range a.deployments {
		for !d.terminal() {
			next := d.phaseSince.Add(s.cfg.phaseDuration)
			if now.Before(next) {
				break
			}
			s.stepDeployment(a, d, next)
			changed = true
		}
	}
	for _, j := range a.jobs {
		if j.settle(now, s.cfg.phaseDuration/2) { // a pre-deploy job ends before the deploy does
			changed = true
		}
	}
	for _, e := range a.events {
		if e.settle(now, s.cfg.phaseDuration) {
			changed = true
		}
	}
	return changed
}

// stepDeployment ends the current phase of d at time at.
func (s *Server) stepDeployment(a *appState, d *deploymentState, at time.Time) {
	if d.failAt == d.phase {
		kind := do.AppLogTypeDeploy
		if d.phase == do.DeploymentPhaseBuilding {
			kind = do.AppLogTypeBuild
		}
		for _, c := range d.components() {
			d.log(kind, c.name, at, "error: "+strings.ToLower(string(d.phase))+" failed: exit status 1")
		}
		d.setPhase(do.DeploymentPhaseError, at)
		s.runJobs(a, d, do.AppJobSpecKindFailedDeploy, at)
		return
	}
	i := slices.Index(d.plan, d.phase)
	if i+1 < len(d.plan) {
		d.setPhase(d.plan[i+1], at)
		d.logPhase(at)
		if d.phase == do.DeploymentPhaseDeploying {
			s.runJobs(a, d, do.AppJobSpecKindPreDeploy, at)
		}
		return
	}
	if a.active != nil {
		a.active.setPhase(do.DeploymentPhaseSuperseded, at)
	}
	d.setPhase(do.DeploymentPhaseActive, at)
	d.activeAt = at
	a.active = d
	d.logPhase(at)
	s.runJobs(a, d, do.AppJobSpecKindPostDeploy, at)
}

type component struct {
	name string
	kind do.AppInstanceComponentType // "" for static sites and functions
	spec any
}

// components lists the deployment's components in spec order.
func (d *deploymentState) components() []component {
	var out []component
	for _, c := range d.spec.Services {
		out = append(out, component{c.Name, do.AppInstanceComponentTypeService, c})
	}
	for _, c := range d.spec.Workers {
		out = append(out, component{c.Name, do.AppInstanceComponentTypeWorker, c})
	}
	for _, c := range d.spec.Jobs {
		out = append(out, component{c.Name, do.AppInstanceComponentTypeJob, c})
	}
	for _, c := range d.spec.StaticSites {
		out = append(out, component{c.Name, "", c})
	}
	for _, c := range d.spec.Functions {
		out = append(out, component{c.Name, "", c})
	}
	return out
}

func (d *deploymentState) hasComponent(name string) bool {
	return slices.ContainsFunc(d.components(), func(c component) bool { return c.name == name })
}

func (d *deploymentState) log(kind do.AppLogType, comp string, at time.Time, text string) {
	d.logs[kind] = append(d.logs[kind], logLine{component: comp, at: at, text: text})
}

// logPhase writes the lines a phase starts with.
func (d *deploymentState) logPhase(at time.Time) {
	for _, c := range d.components() {
		switch d.phase {
		case do.DeploymentPhaseBuilding:
			d.log(do.AppLogTypeBuild, c.name, at, "starting build of "+c.name)
			d.log(do.AppLogTypeBuild, c.name, at, "fetching source at commit "+commitOf(d, c.name)[:7])
		case do.DeploymentPhaseDeploying:
			if slices.Contains(d.plan, do.DeploymentPhaseBuilding) {
				d.log(do.AppLogTypeBuild, c.name, at, "build complete")
			}
			d.log(do.AppLogTypeDeploy, c.name, at, "deploying "+c.name)
		case do.DeploymentPhaseActive:
			d.log(do.AppLogTypeDeploy, c.name, at, c.name+" is healthy")
			switch c.kind {
			case do.AppInstanceComponentTypeService:
				d.log(do.AppLogTypeRun, c.name, at, "server listening on :8080")
			case do.AppInstanceComponentTypeWorker:
				d.log(do.AppLogTypeRun, c.name, at, "worker started")
			}
		}
	}
}

func commitOf(d *deploymentState, comp string) string { return shortHash(40, d.id, comp) }

// renderDeployment is the deployment as the API returns it.
func (s *Server) renderDeployment(d *deploymentState) *do.Deployment {
	out := &do.Deployment{
		ID: d.id, Cause: d.cause.text, ClonedFrom: d.cause.clonedFrom, CreatedAt: d.created,
		Phase: d.phase, PhaseLastUpdatedAt: d.phaseSince, UpdatedAt: d.phaseSince,
		Spec: cloneSpec(d.spec), TierSlug: tierOf(d.spec), PreviousDeploymentID: d.previous,
		Progress: d.progress(),
		CauseDetails: &do.DeploymentCauseDetails{Type: d.cause.typ, DigitalOceanUserAction: &do.DeploymentCauseDetailsDigitalOceanUserAction{
			Name: d.cause.action,
			User: &do.AppUser{UUID: s.cfg.account.UUID, Email: s.cfg.account.Email, FullName: s.cfg.account.Name},
		}},
	}
	switch {
	case d.cause.push != nil:
		out.CauseDetails = &do.DeploymentCauseDetails{Type: d.cause.typ, GitPush: d.cause.push}
	case d.cause.platform:
		out.CauseDetails = &do.DeploymentCauseDetails{Type: d.cause.typ, Internal: true}
	}
	for _, c := range d.spec.Services {
		out.Services = append(out.Services, &do.DeploymentService{Name: c.Name, SourceCommitHash: commitOf(d, c.Name)})
	}
	for _, c := range d.spec.Workers {
		out.Workers = append(out.Workers, &do.DeploymentWorker{Name: c.Name, SourceCommitHash: commitOf(d, c.Name)})
	}
	for _, c := range d.spec.Jobs {
		out.Jobs = append(out.Jobs, &do.DeploymentJob{Name: c.Name, SourceCommitHash: commitOf(d, c.Name)})
	}
	for _, c := range d.spec.StaticSites {
		out.StaticSites = append(out.StaticSites, &do.DeploymentStaticSite{Name: c.Name, SourceCommitHash: commitOf(d, c.Name)})
	}
	for _, c := range d.spec.Functions {
		out.Functions = append(out.Functions, &do.DeploymentFunctions{Name: c.Name, SourceCommitHash: commitOf(d, c.Name), Namespace: "fn-" + shortUUID(d.id, c.Name)})
	}
	return out
}

// progress reports one step per phase of the plan plus the final one. A
// deployment that was superseded or canceled reports the progress it had
// then.
func (d *deploymentState) progress() *do.DeploymentProgress {
	phase, since := d.phase, d.phaseSince
	if d.stoppedIn != "" {
		phase, since = d.stoppedIn, d.stoppedSince
	}
	names := map[do.DeploymentPhase]string{
		do.DeploymentPhasePendingBuild: "initialize", do.DeploymentPhasePendingDeploy: "initialize",
		do.DeploymentPhaseBuilding: "build", do.DeploymentPhaseDeploying: "deploy",
	}
	p := &do.DeploymentProgress{}
	current := slices.Index(d.plan, phase)
	for i, stepPhase := range append(slices.Clone(d.plan), do.DeploymentPhaseActive) {
		name := names[stepPhase]
		if stepPhase == do.DeploymentPhaseActive {
			name = "finalize"
		}
		step := &do.DeploymentProgressStep{Name: name, Status: do.DeploymentProgressStepStatusPending}
		switch {
		case phase == do.DeploymentPhaseActive, current >= 0 && i < current, phase == do.DeploymentPhaseError && i < slices.Index(d.plan, d.failAt):
			step.Status = do.DeploymentProgressStepStatusSuccess
			p.SuccessSteps++
		case current == i:
			step.Status = do.DeploymentProgressStepStatusRunning
			step.StartedAt = since
			p.RunningSteps++
		case phase == do.DeploymentPhaseError && stepPhase == d.failAt:
			step.Status = do.DeploymentProgressStepStatusError
			step.Reason = &do.DeploymentProgressStepReason{Code: "BuildJobFailed", Message: "the " + name + " step failed"}
			p.ErrorSteps++
		default:
			p.PendingSteps++
		}
		p.Steps = append(p.Steps, step)
	}
	p.TotalSteps = int32(len(p.Steps))
	p.SummarySteps = p.Steps
	return p
}

func listDeployments(c *call) reply {
	a, bad := appOf(c)
	if bad != nil {
		return *bad
	}
	types := querySet(c, "deployment_types")
	all := []*do.Deployment{}
	for i := len(a.deployments) - 1; i >= 0; i-- { // newest first
		d := a.deployments[i]
		if len(types) == 0 || types[string(d.cause.typ)] {
			all = append(all, c.s.renderDeployment(d))
		}
	}
	page, envelope := paginate(c, all, true)
	envelope["deployments"] = page
	return ok(envelope)
}

func createDeployment(c *call) reply {
	a, bad := appOf(c)
	if bad != nil {
		return *bad
	}
	var req do.DeploymentCreateRequest
	if bad := decodeStrict(c.body, &req, false); bad != nil {
		return *bad
	}
	if bad := a.refusePinned(); bad != nil {
		return *bad
	}
	d := c.s.startDeployment(a, c.now, deploymentCause{text: "manual", typ: do.DeploymentTypeManual,
		action: do.DeploymentCauseDetailsDigitalOceanUserActionNameCreateDeployment}, fullPlan)
	c.applied()
	return ok(map[string]any{"deployment": c.s.renderDeployment(d)})
}

func deploymentOf(c *call) (*appState, *deploymentState, *reply) {
	a, bad := appOf(c)
	if bad != nil {
		return nil, nil, bad
	}
	d := a.findDeployment(c.param("deployment_id"))
	if d == nil {
		r := notFound()
		return nil, nil, &r
	}
	return a, d, nil
}

func getDeployment(c *call) reply {
	_, d, bad := deploymentOf(c)
	if bad != nil {
		return *bad
	}
	return ok(map[string]any{"deployment": c.s.renderDeployment(d)})
}

func cancelDeployment(c *call) reply {
	_, d, bad := deploymentOf(c)
	if bad != nil {
		return *bad
	}
	if d.terminal() {
		return badRequest("Deployment %s is %s and can no longer be canceled.", d.id, d.phase)
	}
	d.setPhase(do.DeploymentPhaseCanceled, c.now)
	c.s.notifyLocked()
	c.applied()
	return ok(map[string]any{"deployment": c.s.renderDeployment(d)})
}

func restartApp(c *call) reply {
	a, bad := appOf(c)
	if bad != nil {
		return *bad
	}
	var req do.AppRestartRequest
	if bad := decodeStrict(c.body, &req, false); bad != nil {
		return *bad
	}
	if a.active == nil {
		return badRequest("The app has no active deployment to restart.")
	}
	for _, name := range req.Components {
		if !a.active.hasComponent(name) {
			return badRequest("The app has no component named %q.", name)
		}
	}
	if bad := a.refusePinned(); bad != nil {
		return *bad
	}
	text := "restart"
	if len(req.Components) > 0 {
		text = "restart of " + strings.Join(req.Components, ", ")
	}
	d := c.s.startDeployment(a, c.now, deploymentCause{text: text, typ: do.DeploymentTypeManual,
		action: do.DeploymentCauseDetailsDigitalOceanUserActionNameRestart}, noBuildPlan)
	c.applied()
	return ok(map[string]any{"deployment": c.s.renderDeployment(d)})
}

// rollbackCheck is what the API's rollback validation reports.
type rollbackCheck struct {
	Valid    bool                                 `json:"valid"`
	Error    *do.AppRollbackValidationCondition   `json:"error,omitempty"`
	Warnings []*do.AppRollbackValidationCondition `json:"warnings,omitempty"`
}

func validateRollbackTarget(a *appState, d *deploymentState) rollbackCheck {
	invalid := func(code do.AppRollbackValidationConditionCode, msg string) rollbackCheck {
		return rollbackCheck{Error: &do.AppRollbackValidationCondition{Code: code, Message: msg}}
	}
	switch {
	case a.pinned != nil:
		return invalid(do.AppRollbackValidationConditionCodeAppPinned, "the app is pinned to a rollback deployment; commit or revert it first")
	case d.phase == do.DeploymentPhaseError || d.phase == do.DeploymentPhaseCanceled:
		return invalid(do.AppRollbackValidationConditionCodeIncompatibleResult,
			fmt.Sprintf("deployment result %q is unsuitable for rollback", strings.ToLower(map[do.DeploymentPhase]string{
				do.DeploymentPhaseError: "failed", do.DeploymentPhaseCanceled: "canceled"}[d.phase])))
	case !d.terminal() || d == a.active:
		return invalid(do.AppRollbackValidationConditionCodeIncompatiblePhase,
			fmt.Sprintf("deployment phase %q is unsuitable for rollback", d.phase))
	}
	out := rollbackCheck{Valid: true}
	var static []string
	for _, s := range d.spec.StaticSites {
		static = append(static, s.Name)
	}
	if len(static) > 0 {
		out.Warnings = append(out.Warnings, &do.AppRollbackValidationCondition{Code: do.AppRollbackValidationConditionCodeStaticSiteRequiresRebuild,
			Message: "static sites are rebuilt as part of the rollback, which takes longer than usual", Components: static})
	}
	var undigested []string
	for _, c := range d.spec.Services {
		if c.Image != nil && c.Image.Digest == "" {
			undigested = append(undigested, c.Name)
		}
	}
	for _, c := range d.spec.Workers {
		if c.Image != nil && c.Image.Digest == "" {
			undigested = append(undigested, c.Name)
		}
	}
	if len(undigested) > 0 {
		out.Warnings = append(out.Warnings, &do.AppRollbackValidationCondition{Code: do.AppRollbackValidationConditionCodeImageSourceMissingDigest,
			Message: "one or more components are missing an image digest and are not guaranteed rollback to the old version.", Components: undigested})
	}
	return out
}

func rollbackTarget(c *call) (*appState, *deploymentState, *do.AppRollbackRequest, *reply) {
	a, bad := appOf(c)
	if bad != nil {
		return nil, nil, nil, bad
	}
	var req do.AppRollbackRequest
	if bad := decodeStrict(c.body, &req, true); bad != nil {
		return nil, nil, nil, bad
	}
	if req.DeploymentID == "" {
		r := unprocessable("deployment_id is required.")
		return nil, nil, nil, &r
	}
	d := a.findDeployment(req.DeploymentID)
	if d == nil {
		r := notFound()
		return nil, nil, nil, &r
	}
	return a, d, &req, nil
}

func validateRollback(c *call) reply {
	a, d, _, bad := rollbackTarget(c)
	if bad != nil {
		return *bad
	}
	return ok(validateRollbackTarget(a, d))
}

func createRollback(c *call) reply {
	a, target, req, bad := rollbackTarget(c)
	if bad != nil {
		return *bad
	}
	if check := validateRollbackTarget(a, target); !check.Valid {
		return badRequest("The app cannot be rolled back to deployment %s: %s.", target.id, check.Error.Message)
	}
	before := a.spec
	a.spec = cloneSpec(target.spec)
	a.updated = c.now
	d := c.s.startDeployment(a, c.now, deploymentCause{text: "rollback to deployment " + target.id, typ: do.DeploymentTypeManualRollback,
		action: do.DeploymentCauseDetailsDigitalOceanUserActionNameRollbackApp, clonedFrom: target.id}, noBuildPlan)
	a.rollback = &rollbackState{deployment: d, specBefore: before}
	if !req.SkipPin {
		a.pinned = d
	}
	c.applied()
	return ok(map[string]any{"deployment": c.s.renderDeployment(d)})
}

func commitRollback(c *call) reply {
	a, bad := appOf(c)
	if bad != nil {
		return *bad
	}
	if a.rollback == nil {
		return badRequest("The app has no rollback to commit.")
	}
	a.rollback, a.pinned = nil, nil
	c.applied()
	return reply{status: 200} // the spec's no_content: 200 with an empty body
}

func revertRollback(c *call) reply {
	a, bad := appOf(c)
	if bad != nil {
		return *bad
	}
	if a.rollback == nil {
		return badRequest("The app has no rollback to revert.")
	}
	a.spec = a.rollback.specBefore
	a.updated = c.now
	a.rollback, a.pinned = nil, nil
	d := c.s.startDeployment(a, c.now, deploymentCause{text: "revert of app rollback", typ: do.DeploymentTypeManualRollback,
		action: do.DeploymentCauseDetailsDigitalOceanUserActionNameRevertAppRollback}, fullPlan)
	c.applied()
	return ok(map[string]any{"deployment": c.s.renderDeployment(d)})
}

// DeployOnPush starts a deployment of the app's current spec as a push to
// its source repository does when deploy_on_push is set: its cause is
// DEPLOY_ON_PUSH with git_push details, no user action. It returns the
// deployment's ID. A pinned app refuses it, as it refuses every new
// deployment.
func (s *Server) DeployOnPush(appID string) (string, error) {
	return s.deployWithoutCall(appID, func(a *appState, now time.Time) deploymentCause {
		return deploymentCause{text: "commit pushed", typ: do.DeploymentTypeDeployOnPush,
			push: &do.DeploymentCauseDetailsGitPush{Username: "octocat", CommitSHA: shortHash(40, a.id, now.String()), CommitMessage: "update"}}
	})
}

// DeployByPlatform starts a deployment of the app's current spec as the
// platform itself does, with no API call: cause is MAINTENANCE or
// AUTO_ROLLBACK (any other is an error), and its cause_details carry the
// type and internal: true, no user action and no push details. It returns
// the deployment's ID. A pinned app refuses it, as it refuses every new
// deployment.
func (s *Server) DeployByPlatform(appID string, cause do.DeploymentType) (string, error) {
	var text string
	switch cause {
	case do.DeploymentTypeMaintenance:
		text = "platform maintenance"
	case do.DeploymentTypeAutoRollback:
		text = "automatic rollback"
	default:
		return "", fmt.Errorf("digitaloceantest: DeployByPlatform: cause %q is not MAINTENANCE or AUTO_ROLLBACK", cause)
	}
	return s.deployWithoutCall(appID, func(*appState, time.Time) deploymentCause {
		return deploymentCause{text: text, typ: cause, platform: true}
	})
}

// deployWithoutCall starts a full deployment of the app's current spec
// that no API call asked for, with the cause cause gives, and returns its
// ID; a pinned app refuses it.
func (s *Server) deployWithoutCall(appID string, cause func(a *appState, now time.Time) deploymentCause) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.settleLocked()
	a := s.findApp(appID)
	if a == nil {
		return "", fmt.Errorf("digitaloceantest: no app %q", appID)
	}
	if a.pinned != nil {
		return "", fmt.Errorf("digitaloceantest: app %q is pinned to a rollback", appID)
	}
	now := s.nowLocked()
	return s.startDeployment(a, now, cause(a, now), fullPlan).id, nil
}

// FailNextDeployment makes the app's next deployment end in phase ERROR
// (during its build, or its deploy when it has no build).
func (s *Server) FailNextDeployment(appID string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	a := s.findApp(appID)
	if a == nil {
		return fmt.Errorf("digitaloceantest: no app %q", appID)
	}
	a.failNextDeployment = true
	return nil
}
