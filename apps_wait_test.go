package digitalocean

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// appsDeploymentSequence serves GetDeployment with the given deployments in
// turn, repeating the last one, and records when each poll came.
type appsDeploymentSequence struct {
	mu    sync.Mutex
	steps []*Deployment
	polls []time.Time
}

// appsMaxPolls caps the polls one sequence answers, so that a waiter that
// does not stop fails with a message instead of polling forever on the fake
// clock.
const appsMaxPolls = 200

func (d *appsDeploymentSequence) respond(r appsRequest) (int, []byte) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if len(d.polls) >= appsMaxPolls {
		return http.StatusTeapot, []byte(`{"id":"test_cap","message":"more than 200 polls: the waiter does not stop"}`)
	}
	i := min(len(d.polls), len(d.steps)-1)
	d.polls = append(d.polls, time.Now())
	if r.Method != http.MethodGet || !strings.HasPrefix(r.Path, "/v2/apps/app-1/deployments/") {
		return http.StatusNotFound, []byte(`{"id":"not_found","message":"unexpected request"}`)
	}
	b, err := json.Marshal(map[string]any{"deployment": d.steps[i]})
	if err != nil {
		panic(err)
	}
	return http.StatusOK, b
}

// offsets returns the poll times relative to start.
func (d *appsDeploymentSequence) offsets(start time.Time) []time.Duration {
	d.mu.Lock()
	defer d.mu.Unlock()
	out := make([]time.Duration, len(d.polls))
	for i, p := range d.polls {
		out[i] = p.Sub(start)
	}
	return out
}

func appsPhases(id string, ps ...DeploymentPhase) []*Deployment {
	out := make([]*Deployment, len(ps))
	for i, p := range ps {
		out[i] = &Deployment{ID: id, Phase: p}
	}
	return out
}

func TestWaitForDeploymentActiveAfterPolls(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		seq := &appsDeploymentSequence{steps: appsPhases("dep-1",
			DeploymentPhasePendingBuild, DeploymentPhaseBuilding, DeploymentPhaseDeploying, DeploymentPhaseActive)}
		c, _ := newAppsClientFunc(t, seq.respond)
		var seen []string
		start := time.Now()
		d, err := c.Apps.WaitForDeployment(context.Background(), "app-1", "dep-1", &WaitOptions{
			OnPoll: func(state string) { seen = append(seen, state) },
		})
		require.NoError(t, err)
		assert.Equal(t, DeploymentPhaseActive, d.Phase)
		assert.Equal(t, "dep-1", d.ID)
		assert.Equal(t, []string{"PENDING_BUILD", "BUILDING", "DEPLOYING", "ACTIVE"}, seen)
		// Default backoff: 1s, doubling.
		assert.Equal(t, []time.Duration{0, time.Second, 3 * time.Second, 7 * time.Second}, seq.offsets(start))
	})
}

func TestWaitForDeploymentBackoffIsCapped(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		steps := appsPhases("dep-1", DeploymentPhaseBuilding, DeploymentPhaseBuilding, DeploymentPhaseBuilding,
			DeploymentPhaseBuilding, DeploymentPhaseBuilding, DeploymentPhaseActive)
		seq := &appsDeploymentSequence{steps: steps}
		c, _ := newAppsClientFunc(t, seq.respond)
		start := time.Now()
		_, err := c.Apps.WaitForDeployment(context.Background(), "app-1", "dep-1", &WaitOptions{
			MinInterval: 2 * time.Second, MaxInterval: 5 * time.Second,
		})
		require.NoError(t, err)
		s := time.Second
		assert.Equal(t, []time.Duration{0, 2 * s, 6 * s, 11 * s, 16 * s, 21 * s}, seq.offsets(start))
	})
}

// appsFailedDeployment is an ERROR deployment whose build failed in a nested
// step; the parent step's reason is generic, the child's precise.
func appsFailedDeployment() *Deployment {
	return &Deployment{
		ID:    "dep-1",
		Phase: DeploymentPhaseError,
		Progress: &DeploymentProgress{
			ErrorSteps: 1,
			Steps: []*DeploymentProgressStep{
				{Name: "initialize", Status: DeploymentProgressStepStatusSuccess},
				{
					Name: "build", Status: DeploymentProgressStepStatusError,
					Reason: &DeploymentProgressStepReason{Code: "BuildFailed", Message: "a component failed to build"},
					Steps: []*DeploymentProgressStep{
						{Name: "web", ComponentName: "web", Status: DeploymentProgressStepStatusSuccess},
						{
							Name: "api", ComponentName: "api", Status: DeploymentProgressStepStatusError,
							Reason: &DeploymentProgressStepReason{Code: "BuildJobExitNonZero", Message: "npm ci exited with 1"},
						},
					},
				},
				{Name: "deploy", Status: DeploymentProgressStepStatusPending},
			},
		},
	}
}

func TestWaitForDeploymentError(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		seq := &appsDeploymentSequence{steps: []*Deployment{{ID: "dep-1", Phase: DeploymentPhaseBuilding}, appsFailedDeployment()}}
		c, fake := newAppsClientFunc(t, seq.respond)
		d, err := c.Apps.WaitForDeployment(context.Background(), "app-1", "dep-1", nil)
		var failed *DeploymentFailedError
		require.ErrorAs(t, err, &failed)
		assert.Equal(t, DeploymentPhaseError, failed.Phase)
		require.NotNil(t, failed.Step)
		assert.Equal(t, "api", failed.Step.Name)
		assert.Equal(t, "BuildJobExitNonZero", failed.ReasonCode)
		assert.Equal(t, "npm ci exited with 1", failed.ReasonMessage)
		assert.Equal(t, "app-1", failed.AppID)
		assert.Same(t, d, failed.Deployment, "the last deployment is returned with the error")
		msg := err.Error()
		for _, want := range []string{"dep-1", "app-1", "ERROR", `step "api"`, "component api", "BuildJobExitNonZero", "npm ci exited with 1"} {
			assert.Contains(t, msg, want)
		}
		assert.Len(t, fake.requests(), 2)
	})
}

func TestDeploymentFailedErrorStepSelection(t *testing.T) {
	reason := func(code string) *DeploymentProgressStepReason {
		return &DeploymentProgressStepReason{Code: code, Message: code + " happened"}
	}
	errStep := DeploymentProgressStepStatusError
	cases := []struct {
		name       string
		progress   *DeploymentProgress
		step, code string
	}{
		{"no progress", nil, "", ""},
		{"no failing step", &DeploymentProgress{Steps: []*DeploymentProgressStep{{Name: "build", Status: DeploymentProgressStepStatusSuccess}}}, "", ""},
		{"top level", &DeploymentProgress{Steps: []*DeploymentProgressStep{
			{Name: "build", Status: DeploymentProgressStepStatusSuccess},
			{Name: "deploy", Status: errStep, Reason: reason("DeployFailed")},
		}}, "deploy", "DeployFailed"},
		{"child inherits parent reason", &DeploymentProgress{Steps: []*DeploymentProgressStep{
			{Name: "deploy", Status: errStep, Reason: reason("DeployFailed"), Steps: []*DeploymentProgressStep{
				{Name: "components", Status: errStep, Steps: []*DeploymentProgressStep{{Name: "worker", Status: errStep}}},
			}},
		}}, "worker", "DeployFailed"},
		{"first failing step wins", &DeploymentProgress{Steps: []*DeploymentProgressStep{
			{Name: "build", Status: errStep, Reason: reason("First")},
			{Name: "deploy", Status: errStep, Reason: reason("Second")},
		}}, "build", "First"},
		{"failing child under a non-error parent", &DeploymentProgress{Steps: []*DeploymentProgressStep{
			{Name: "build", Status: DeploymentProgressStepStatusRunning, Steps: []*DeploymentProgressStep{
				nil, {Name: "api", Status: errStep, Reason: reason("Child")},
			}},
		}}, "api", "Child"},
		{"summary steps when the tree has none", &DeploymentProgress{SummarySteps: []*DeploymentProgressStep{
			{Name: "build", Status: errStep, Reason: reason("Summary")},
		}}, "build", "Summary"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e := newDeploymentFailedError("a", &Deployment{ID: "d", Phase: DeploymentPhaseError, Progress: tc.progress})
			if tc.step == "" {
				assert.Nil(t, e.Step)
				assert.Equal(t, "digitalocean: deployment d of app a ended ERROR", e.Error())
				return
			}
			require.NotNil(t, e.Step)
			assert.Equal(t, tc.step, e.Step.Name)
			assert.Equal(t, tc.code, e.ReasonCode)
			assert.Contains(t, e.Error(), tc.code+": "+tc.code+" happened")
		})
	}
}

func TestWaitForDeploymentSupersededAndCanceled(t *testing.T) {
	for _, phase := range []DeploymentPhase{DeploymentPhaseSuperseded, DeploymentPhaseCanceled} {
		t.Run(string(phase), func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				seq := &appsDeploymentSequence{steps: appsPhases("dep-1", DeploymentPhaseDeploying, phase)}
				c, _ := newAppsClientFunc(t, seq.respond)
				d, err := c.Apps.WaitForDeployment(context.Background(), "app-1", "dep-1", nil)
				var failed *DeploymentFailedError
				require.ErrorAs(t, err, &failed)
				assert.Equal(t, phase, failed.Phase)
				assert.Equal(t, phase, d.Phase)
				assert.Nil(t, failed.Step)
				assert.Contains(t, err.Error(), "ended "+string(phase))
			})
		})
	}
}

func TestWaitForDeploymentContextCancel(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		seq := &appsDeploymentSequence{steps: appsPhases("dep-1", DeploymentPhaseBuilding)}
		c, _ := newAppsClientFunc(t, seq.respond)
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		start := time.Now()
		d, err := c.Apps.WaitForDeployment(ctx, "app-1", "dep-1", nil)
		require.ErrorIs(t, err, context.DeadlineExceeded)
		var failed *DeploymentFailedError
		assert.False(t, errors.As(err, &failed))
		require.NotNil(t, d, "the last deployment read is returned")
		assert.Equal(t, DeploymentPhaseBuilding, d.Phase)
		assert.Equal(t, 10*time.Second, time.Since(start), "the wait ends when ctx does")
		assert.Equal(t, []time.Duration{0, time.Second, 3 * time.Second, 7 * time.Second}, seq.offsets(start))
	})
}

func TestWaitForDeploymentRequestError(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		seq := &appsDeploymentSequence{steps: appsPhases("dep-1", DeploymentPhaseBuilding)}
		c, fake := newAppsClientFunc(t, func(r appsRequest) (int, []byte) {
			if len(seq.polls) == 2 {
				return http.StatusNotFound, []byte(`{"id":"not_found","message":"gone"}`)
			}
			return seq.respond(r)
		})
		_, err := c.Apps.WaitForDeployment(context.Background(), "app-1", "dep-1", nil)
		require.ErrorIs(t, err, ErrNotFound)
		assert.Len(t, fake.requests(), 3)
	})
}

func TestWaitForAppDeployment(t *testing.T) {
	cases := []struct {
		name string
		app  *App
	}{
		{"pending", &App{ID: "app-1", PendingDeployment: &Deployment{ID: "dep-new"}, ActiveDeployment: &Deployment{ID: "dep-old"}}},
		{"in progress", &App{ID: "app-1", InProgressDeployment: &Deployment{ID: "dep-new"}, ActiveDeployment: &Deployment{ID: "dep-old"}}},
		{"pending over in progress", &App{ID: "app-1", PendingDeployment: &Deployment{ID: "dep-new"}, InProgressDeployment: &Deployment{ID: "dep-other"}}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				seq := &appsDeploymentSequence{steps: appsPhases("dep-new", DeploymentPhaseBuilding, DeploymentPhaseActive)}
				c, fake := newAppsClientFunc(t, seq.respond)
				d, err := c.Apps.WaitForAppDeployment(context.Background(), tc.app, nil)
				require.NoError(t, err)
				assert.Equal(t, DeploymentPhaseActive, d.Phase)
				for _, r := range fake.requests() {
					assert.Equal(t, "/v2/apps/app-1/deployments/dep-new", r.Path)
				}
				assert.Len(t, fake.requests(), 2)
			})
		})
	}
	t.Run("none", func(t *testing.T) {
		c, fake := newAppsClient(t, []byte(`{}`))
		_, err := c.Apps.WaitForAppDeployment(context.Background(), &App{ID: "app-1", ActiveDeployment: &Deployment{ID: "dep-old"}}, nil)
		require.ErrorIs(t, err, ErrNoPendingDeployment)
		assert.Contains(t, err.Error(), "app-1")
		assert.Empty(t, fake.requests())
	})
}

// TestCreateThenWait is the documented flow: Create returns the app with
// its first deployment pending, and WaitForAppDeployment follows it.
func TestCreateThenWait(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		polls := 0
		c, fake := newAppsClientFunc(t, func(r appsRequest) (int, []byte) {
			if r.Method == http.MethodPost {
				return http.StatusOK, []byte(`{"app":{"id":"app-1","spec":{"name":"web"},"pending_deployment":{"id":"dep-1","phase":"PENDING_BUILD"}}}`)
			}
			polls++
			if polls > appsMaxPolls {
				return http.StatusTeapot, []byte(`{"id":"test_cap","message":"more than 200 polls: the waiter does not stop"}`)
			}
			phase := "BUILDING"
			if polls == 3 {
				phase = "ACTIVE"
			}
			return http.StatusOK, []byte(`{"deployment":{"id":"dep-1","phase":"` + phase + `"}}`)
		})
		app, _, err := c.Apps.Create(context.Background(), &AppCreateRequest{Spec: &AppSpec{Name: "web"}})
		require.NoError(t, err)
		d, err := c.Apps.WaitForAppDeployment(context.Background(), app, nil)
		require.NoError(t, err)
		assert.Equal(t, DeploymentPhaseActive, d.Phase)
		assert.Len(t, fake.requests(), 4)
	})
}
