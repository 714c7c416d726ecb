package digitalocean

import (
	"context"
	"errors"
	"strconv"
	"time"
)

// A write that starts a deployment (CreateDeployment, Restart, a rollback,
// an update, ...) leaves its effect in the app's deployment list, newest
// first (live-api-behaviour fact 24). When recovery is on, the call notes
// the newest deployment before sending; after an attempt that may have
// been applied, the deployments listed before the noted one are the ones
// that did not exist when the call began, and the one whose cause is this
// operation's is the call's (docs/retries.md, "Recovery").

// recoveryPage is how many deployments the read after a failure looks at.
// A call takes seconds; more deployments than this started meanwhile
// leave the outcome unknown rather than claim one.
const recoveryPage = 20

// deploymentMark is the newest deployment of an app before a write.
type deploymentMark struct {
	id      string    // "" when the app had none
	created time.Time // its created_at
	err     error     // the read that was to note it failed
}

// recoveryOn reports whether the call's policy lets an unknown outcome be
// resolved by reading back.
func (s *AppsService) recoveryOn(ctx context.Context) bool {
	p, err := s.client.retryPolicy(ctx)
	return err == nil && !p.NoRecovery
}

// markDeployments notes the app's newest deployment, with one cheap read,
// when the call's policy has recovery on; nil otherwise. A failed read
// does not stop the write: only its recovery is then impossible.
func (s *AppsService) markDeployments(ctx context.Context, appID string) *deploymentMark {
	if !s.recoveryOn(ctx) {
		return nil
	}
	ds, _, err := s.ListDeployments(ctx, appID, &DeploymentListOptions{ListOptions: ListOptions{PerPage: 1}})
	switch {
	case err != nil:
		return &deploymentMark{err: err}
	case len(ds) == 0:
		return &deploymentMark{}
	}
	return &deploymentMark{id: ds[0].ID, created: ds[0].CreatedAt}
}

// deploymentEffect describes the deployment an operation starts.
type deploymentEffect struct {
	typ    DeploymentType
	action DeploymentCauseDetailsDigitalOceanUserActionName // "" when not known
	// fits, if set, judges what the cause cannot: whether d carries this
	// request (the requested spec, the rollback's target).
	fits func(d *Deployment) deploymentVerdict
}

// deploymentVerdict is whether a new deployment is the call's.
type deploymentVerdict uint8

const (
	// notThisCall: its cause is not this operation (a push, the
	// autoscaler, another spec).
	notThisCall deploymentVerdict = iota
	// maybeThisCall: nothing rules it out, nothing shows it (no cause, or
	// a user action the operation is not known to give).
	maybeThisCall
	// thisCallsKind: its cause is this operation's.
	thisCallsKind
)

// judge says whether d, a deployment that did not exist before the call,
// was started by an operation of this kind. Only causes that cannot come
// from an API call rule a deployment out; a cause the SDK does not expect
// for the operation leaves it undecided, so that a live API naming causes
// otherwise than the SDK expects yields "outcome unknown", never a second
// send.
func (e deploymentEffect) judge(d *Deployment) deploymentVerdict {
	cd := d.CauseDetails
	if cd == nil {
		return maybeThisCall
	}
	if cd.GitPush != nil || cd.DOCRPush != nil || cd.Autoscaler != nil {
		return notThisCall
	}
	switch cd.Type {
	case DeploymentTypeDeployOnPush, DeploymentTypeAutoscaled, DeploymentTypeAutoRollback, DeploymentTypeMaintenance:
		return notThisCall
	case e.typ:
	default: // unknown, or another user action's type
		return maybeThisCall
	}
	if a := cd.DigitalOceanUserAction; e.action != "" && a != nil && a.Name != "" && a.Name != e.action {
		return maybeThisCall
	}
	if e.fits != nil {
		return e.fits(d)
	}
	return thisCallsKind
}

// newDeployment looks for the deployment the call started: exactly one
// deployment listed before the mark whose cause is the operation's, and
// none undecided. found is nil when there is none; undecided explains why
// the read cannot tell.
func (s *AppsService) newDeployment(ctx context.Context, appID string, mark *deploymentMark, effect deploymentEffect) (found *Deployment, resp *Response, undecided string, err error) {
	ds, resp, err := s.ListDeployments(ctx, appID, &DeploymentListOptions{ListOptions: ListOptions{PerPage: recoveryPage}})
	if err != nil {
		return nil, resp, "", err
	}
	mine, maybe, reachedMark := 0, 0, mark.id == ""
	for i := range ds {
		d := &ds[i]
		if d.ID == mark.id {
			reachedMark = true
			break
		}
		if !mark.created.IsZero() && !d.CreatedAt.IsZero() && d.CreatedAt.Before(mark.created) {
			return nil, resp, "the deployments are not listed newest first", nil
		}
		switch effect.judge(d) {
		case thisCallsKind:
			mine++
			found = d
		case maybeThisCall:
			maybe++
		}
	}
	switch {
	case !reachedMark:
		return nil, resp, "the deployment that was newest before the call (" + mark.id + ") is not among the latest " + strconv.Itoa(recoveryPage), nil
	case mine > 1 || maybe > 0:
		return nil, resp, strconv.Itoa(mine+maybe) + " deployments started since the call could be its own", nil
	}
	return found, resp, "", nil
}

// noEffectAfterResend is the reason given when a write was sent twice, the
// first attempt certainly not applied, and the read after the second found
// no effect either.
const noEffectAfterResend = "no effect found after the re-send, which may still be applied; not sent a third time"

// recoveryUndecidedError is the original outcome-unknown error when the
// read meant to resolve it could not tell; it still matches what the
// original matches.
type recoveryUndecidedError struct {
	err    error
	reason string
}

func (e *recoveryUndecidedError) Error() string {
	return e.err.Error() + " (read back: " + e.reason + ")"
}

func (e *recoveryUndecidedError) Unwrap() error { return e.err }

// recoverByDeployment resolves a write that starts a deployment and whose
// outcome is unknown: the one new deployment of its kind is the call's
// (built into the call's result by rebuild, from the list's response; an
// error from rebuild is a read that failed); with none the write is sent
// once more (resend); otherwise the outcome stays unknown.
func recoverByDeployment[T any](ctx context.Context, s *AppsService, appID string, mark *deploymentMark, effect deploymentEffect,
	resend func() (T, *Response, error), rebuild func(d *Deployment, readResp *Response) (T, *Response, error),
	resp *Response, err error) (T, *Response, error) {
	var zero T
	if mark == nil { // recovery was off when the call began
		return zero, resp, err
	}
	if mark.err != nil {
		return zero, resp, &recoveryReadError{err: err, readErr: mark.err}
	}
	for resent := false; ; resent = true {
		d, readResp, undecided, readErr := s.newDeployment(ctx, appID, mark, effect)
		switch {
		case readErr != nil:
			return zero, resp, &recoveryReadError{err: err, readErr: readErr}
		case undecided != "":
			return zero, resp, &recoveryUndecidedError{err: err, reason: undecided}
		case d != nil:
			v, rebuiltResp, rebuildErr := rebuild(d, readResp)
			if rebuildErr != nil {
				return zero, resp, &recoveryReadError{err: err, readErr: rebuildErr}
			}
			rebuiltResp.Recovered = true
			return v, rebuiltResp, nil
		case resent:
			// Never a third send. The read shows no effect, but the
			// re-send may still be applied after it: the outcome stays
			// unknown, and the error says what the read found.
			return zero, resp, &recoveryUndecidedError{err: err, reason: noEffectAfterResend}
		}
		var v T
		v, resp, err = resend()
		if err == nil || !errors.Is(err, ErrOutcomeUnknown) {
			return v, resp, err
		}
	}
}

// recoveredDeployment is the rebuild of an operation whose result is the
// deployment it started.
func recoveredDeployment(d *Deployment, resp *Response) (*Deployment, *Response, error) {
	return d, resp, nil
}

// The deployments the operations start, as the fake and the enums of
// DeploymentType and DeploymentCauseDetailsDigitalOceanUserActionName
// describe them.
var (
	createDeploymentEffect = deploymentEffect{typ: DeploymentTypeManual, action: DeploymentCauseDetailsDigitalOceanUserActionNameCreateDeployment}
	restartEffect          = deploymentEffect{typ: DeploymentTypeManual, action: DeploymentCauseDetailsDigitalOceanUserActionNameRestart}
	revertRollbackEffect   = deploymentEffect{typ: DeploymentTypeManualRollback, action: DeploymentCauseDetailsDigitalOceanUserActionNameRevertAppRollback}
	upgradeBuildpackEffect = deploymentEffect{typ: DeploymentTypeManual, action: DeploymentCauseDetailsDigitalOceanUserActionNameUpgradeBuildpack}
	resetPasswordEffect    = deploymentEffect{typ: DeploymentTypeManual, action: DeploymentCauseDetailsDigitalOceanUserActionNameResetDatabasePassword}
	// The API names no user action for a trusted-sources deployment.
	trustedSourcesEffect = deploymentEffect{typ: DeploymentTypeUpdateDatabaseTrustedSources}
)

// createRollbackEffect is a rollback to target: a rollback deployment
// cloned from another deployment is someone else's.
func createRollbackEffect(target string) deploymentEffect {
	return deploymentEffect{typ: DeploymentTypeManualRollback, action: DeploymentCauseDetailsDigitalOceanUserActionNameRollbackApp,
		fits: func(d *Deployment) deploymentVerdict {
			if d.ClonedFrom != "" && d.ClonedFrom != target {
				return notThisCall
			}
			return thisCallsKind
		}}
}

// updateEffect is an update to spec. A deployment of another spec is most
// likely someone else's update, but an API rewrite of the spec that the
// SDK's normalisation does not know could make it this call's: undecided.
func updateEffect(spec *AppSpec) deploymentEffect {
	return deploymentEffect{typ: DeploymentTypeManual, action: DeploymentCauseDetailsDigitalOceanUserActionNameUpdateSpec,
		fits: func(d *Deployment) deploymentVerdict {
			if d.Spec != nil && specIsApplied(d.Spec, spec) {
				return thisCallsKind
			}
			return maybeThisCall
		}}
}

// deploymentWrite sends a write that starts a deployment and answers with
// it, resolving an unknown outcome by that deployment.
func (s *AppsService) deploymentWrite(ctx context.Context, op opID, appID, path string, in any, effect deploymentEffect) (*Deployment, *Response, error) {
	mark := s.markDeployments(ctx, appID)
	d, resp, err := s.deploymentCall(ctx, op, path, nil, in)
	if err == nil || !s.recovers(ctx, err) {
		return d, resp, err
	}
	return recoverByDeployment(ctx, s, appID, mark, effect,
		func() (*Deployment, *Response, error) { return s.deploymentCall(ctx, op, path, nil, in) },
		recoveredDeployment, resp, err)
}
