package digitaloceantest

import (
	"fmt"
	"time"

	do "github.com/oceankit/digitalocean"
)

// jobInvocationState is one run of a job: PENDING and RUNNING for half a
// phase duration each, then SUCCEEDED (or FAILED when told to).
type jobInvocationState struct {
	inv        do.JobInvocation
	phaseSince time.Time
	fails      bool
	logs       []logLine
}

func (j *jobInvocationState) settle(now time.Time, phase time.Duration) bool {
	changed := false
	for {
		next := j.phaseSince.Add(phase)
		if now.Before(next) {
			return changed
		}
		switch j.inv.Phase {
		case do.JobInvocationPhasePending:
			j.inv.Phase, j.phaseSince, j.inv.StartedAt = do.JobInvocationPhaseRunning, next, next
			j.logs = append(j.logs, logLine{j.inv.JobName, next, "job " + j.inv.JobName + " started"})
		case do.JobInvocationPhaseRunning:
			j.inv.Phase, j.phaseSince, j.inv.CompletedAt = do.JobInvocationPhaseSucceeded, next, next
			text := "job " + j.inv.JobName + " finished"
			if j.fails {
				j.inv.Phase = do.JobInvocationPhaseFailed
				text = "job " + j.inv.JobName + " failed: exit status 1"
			}
			j.logs = append(j.logs, logLine{j.inv.JobName, next, text})
		default:
			return changed
		}
		changed = true
	}
}

func (j *jobInvocationState) live() bool {
	return j.inv.Phase == do.JobInvocationPhasePending || j.inv.Phase == do.JobInvocationPhaseRunning
}

// runJobs starts the invocations of the deployment's jobs of kind (jobs of
// kind UNSPECIFIED run as POST_DEPLOY).
func (s *Server) runJobs(a *appState, d *deploymentState, kind do.AppJobSpecKind, at time.Time) {
	for _, job := range d.spec.Jobs {
		k := job.Kind
		if k == "" || k == do.AppJobSpecKindUnspecified {
			k = do.AppJobSpecKindPostDeploy
		}
		if k == kind {
			s.startJob(a, d, job.Name, at, &do.JobInvocationTrigger{Type: do.JobInvocationTriggerTypeUnknown})
		}
	}
}

func (s *Server) startJob(a *appState, d *deploymentState, name string, at time.Time, trigger *do.JobInvocationTrigger) *jobInvocationState {
	j := &jobInvocationState{
		inv: do.JobInvocation{ID: s.state.newID("job-invocation"), JobName: name, DeploymentID: d.id,
			Phase: do.JobInvocationPhasePending, Trigger: trigger, CreatedAt: at},
		phaseSince: at,
	}
	a.jobs = append(a.jobs, j)
	return j
}

// InvokeJob runs a job of the app's active deployment now, as a manual
// trigger or a schedule would, and returns the invocation's ID. With fail,
// the invocation ends FAILED.
func (s *Server) InvokeJob(appID, jobName string, fail bool) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.settleLocked()
	a := s.findApp(appID)
	if a == nil {
		return "", fmt.Errorf("digitaloceantest: no app %q", appID)
	}
	if a.active == nil {
		return "", fmt.Errorf("digitaloceantest: app %q has no active deployment", appID)
	}
	var spec *do.AppJobSpec
	for _, job := range a.active.spec.Jobs {
		if job.Name == jobName {
			spec = job
		}
	}
	if spec == nil {
		return "", fmt.Errorf("digitaloceantest: app %q has no job %q", appID, jobName)
	}
	trigger := &do.JobInvocationTrigger{Type: do.JobInvocationTriggerTypeManual, Manual: &do.JobInvocationTriggerManual{
		User: &do.AppUser{UUID: s.cfg.account.UUID, Email: s.cfg.account.Email, FullName: s.cfg.account.Name}}}
	if spec.Schedule != nil {
		sched := *spec.Schedule
		trigger = &do.JobInvocationTrigger{Type: do.JobInvocationTriggerTypeSchedule, Scheduled: &do.JobInvocationTriggerScheduled{Schedule: &sched}}
	}
	j := s.startJob(a, a.active, jobName, s.nowLocked(), trigger)
	j.fails = fail
	s.notifyLocked()
	return j.inv.ID, nil
}

func listJobInvocations(c *call) reply {
	a, bad := appOf(c)
	if bad != nil {
		return *bad
	}
	q := c.r.URL.Query()
	names := querySet(c, "job_names")
	depID := q.Get("deployment_id")
	all := []do.JobInvocation{}
	for i := len(a.jobs) - 1; i >= 0; i-- { // newest first
		j := a.jobs[i]
		if (len(names) == 0 || names[j.inv.JobName]) && (depID == "" || depID == j.inv.DeploymentID) {
			all = append(all, j.inv)
		}
	}
	page, envelope := paginate(c, all, false)
	envelope["job_invocations"] = page
	return ok(envelope)
}

func jobOf(c *call, nameParam string) (*appState, *jobInvocationState, *reply) {
	a, bad := appOf(c)
	if bad != nil {
		return nil, nil, bad
	}
	name := c.param(nameParam)
	if name == "" {
		name = c.r.URL.Query().Get(nameParam)
	}
	for _, j := range a.jobs {
		if j.inv.ID == c.param("job_invocation_id") && (name == "" || name == j.inv.JobName) {
			return a, j, nil
		}
	}
	r := notFound()
	return nil, nil, &r
}

func getJobInvocation(c *call) reply {
	_, j, bad := jobOf(c, "job_name")
	if bad != nil {
		return *bad
	}
	return ok(map[string]any{"job_invocation": j.inv})
}

func cancelJobInvocation(c *call) reply {
	_, j, bad := jobOf(c, "job_name")
	if bad != nil {
		return *bad
	}
	if !j.live() {
		return badRequest("Job invocation %s is %s and can no longer be canceled.", j.inv.ID, j.inv.Phase)
	}
	j.inv.Phase, j.phaseSince, j.inv.CompletedAt = do.JobInvocationPhaseCanceled, c.now, c.now
	j.logs = append(j.logs, logLine{j.inv.JobName, c.now, "job " + j.inv.JobName + " canceled"})
	c.s.notifyLocked()
	c.applied()
	return ok(map[string]any{"job_invocation": j.inv})
}
