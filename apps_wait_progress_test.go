package digitalocean

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// progressDeployment is a deployment in phase with done of total steps
// succeeded, the step after them running (or failed when phase is ERROR).
func progressDeployment(phase DeploymentPhase, done, total int) *Deployment {
	p := &DeploymentProgress{SuccessSteps: int32(done), TotalSteps: int32(total)}
	for i := range total {
		step := &DeploymentProgressStep{Name: fmt.Sprintf("step-%d", i), Status: DeploymentProgressStepStatusPending}
		switch {
		case i < done:
			step.Status = DeploymentProgressStepStatusSuccess
		case i == done && phase == DeploymentPhaseError:
			step.Status = DeploymentProgressStepStatusError
			step.Reason = &DeploymentProgressStepReason{Code: "BuildJobFailed", Message: "exit 1"}
			p.ErrorSteps = 1
		case i == done:
			step.Status = DeploymentProgressStepStatusRunning
			p.RunningSteps = 1
		}
		p.Steps = append(p.Steps, step)
	}
	return &Deployment{ID: "dep-1", Phase: phase, Progress: p}
}

func TestWaitForDeploymentOnProgressGetsTheDeployment(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		seq := &appsDeploymentSequence{steps: []*Deployment{
			progressDeployment(DeploymentPhasePendingBuild, 0, 3),
			progressDeployment(DeploymentPhaseBuilding, 1, 3),
			progressDeployment(DeploymentPhaseDeploying, 2, 3),
			progressDeployment(DeploymentPhaseActive, 3, 3),
		}}
		c, _ := newAppsClientFunc(t, seq.respond)
		ctx, cancel := context.WithTimeout(context.Background(), time.Hour) // a cap, in bubble time
		defer cancel()

		var calls []string
		var last *Deployment
		d, err := c.Apps.WaitForDeployment(ctx, "app-1", "dep-1", &WaitOptions{
			OnPoll: func(state string) { calls = append(calls, "poll "+state) },
			OnProgress: func(p WaitProgress) {
				require.NotNil(t, p.Deployment)
				require.NotNil(t, p.Deployment.Progress)
				assert.Nil(t, p.Action)
				assert.Equal(t, string(p.Deployment.Phase), p.State)
				running := ""
				for _, s := range p.Deployment.Progress.Steps {
					if s.Status == DeploymentProgressStepStatusRunning {
						running = s.Name
					}
				}
				calls = append(calls, fmt.Sprintf("progress #%d %s %d/%d %s", p.Poll, p.State,
					p.Deployment.Progress.SuccessSteps, p.Deployment.Progress.TotalSteps, running))
				last = p.Deployment
			},
		})
		require.NoError(t, err)
		assert.Equal(t, []string{
			"poll PENDING_BUILD", "progress #1 PENDING_BUILD 0/3 step-0",
			"poll BUILDING", "progress #2 BUILDING 1/3 step-1",
			"poll DEPLOYING", "progress #3 DEPLOYING 2/3 step-2",
			"poll ACTIVE", "progress #4 ACTIVE 3/3 ",
		}, calls)
		assert.Same(t, d, last, "the callback sees the deployment the waiter returns")
	})
}

func TestWaitForAppDeploymentOnProgressSeesTheFailingStep(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		seq := &appsDeploymentSequence{steps: []*Deployment{
			progressDeployment(DeploymentPhaseBuilding, 0, 2),
			progressDeployment(DeploymentPhaseError, 0, 2),
		}}
		c, _ := newAppsClientFunc(t, seq.respond)
		ctx, cancel := context.WithTimeout(context.Background(), time.Hour)
		defer cancel()

		var seen []WaitProgress
		app := &App{ID: "app-1", PendingDeployment: &Deployment{ID: "dep-1"}}
		_, err := c.Apps.WaitForAppDeployment(ctx, app, &WaitOptions{
			OnProgress: func(p WaitProgress) { seen = append(seen, p) },
		})
		var failed *DeploymentFailedError
		require.True(t, errors.As(err, &failed), "got %v", err)
		require.Len(t, seen, 2)
		assert.Equal(t, 2, seen[1].Poll)
		assert.Equal(t, "ERROR", seen[1].State)
		assert.Same(t, failed.Deployment, seen[1].Deployment)
		assert.Equal(t, DeploymentProgressStepStatusError, seen[1].Deployment.Progress.Steps[0].Status)
		assert.Equal(t, int32(1), seen[1].Deployment.Progress.ErrorSteps)
	})
}

func TestActionsWaitOnProgressGetsTheAction(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		seq := &actionSequence{statuses: []ActionStatus{ActionStatusInProgress, ActionStatusInProgress, ActionStatusCompleted}}
		c := newMemClient(t, seq)
		ctx, cancel := context.WithTimeout(context.Background(), time.Hour)
		defer cancel()

		var seen []WaitProgress
		a, err := c.Actions.Wait(ctx, 77, &WaitOptions{OnProgress: func(p WaitProgress) { seen = append(seen, p) }})
		require.NoError(t, err)
		require.Len(t, seen, 3)
		for i, p := range seen {
			assert.Equal(t, i+1, p.Poll)
			assert.Nil(t, p.Deployment)
			require.NotNil(t, p.Action)
			assert.Equal(t, 77, p.Action.ID)
			assert.Equal(t, "power_cycle", p.Action.Type)
			assert.Equal(t, string(p.Action.Status), p.State)
		}
		assert.Equal(t, "in-progress", seen[0].State)
		assert.Same(t, a, seen[2].Action)
	})
}

// TestWaitOptionsOnPollAlone keeps the old callback working without
// OnProgress, and nil options working at all.
func TestWaitOptionsOnPollAlone(t *testing.T) {
	var states []string
	(&WaitOptions{OnPoll: func(s string) { states = append(states, s) }}).report(WaitProgress{Poll: 1, State: "ACTIVE"})
	assert.Equal(t, []string{"ACTIVE"}, states)
	var nilOpts *WaitOptions
	assert.NotPanics(t, func() { nilOpts.report(WaitProgress{Poll: 1}) })
	assert.NotPanics(t, func() { (&WaitOptions{}).report(WaitProgress{Poll: 1}) })
}
