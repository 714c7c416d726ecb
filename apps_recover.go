package digitalocean

import (
	"context"
	"errors"
	"strconv"
)

// Recovery: the API has no idempotency keys, so a create or update whose
// response was lost after it may have been applied is resolved by reading
// the app back (docs/retries.md, "Recovery").

// AppNameTakenError is returned by Apps.Create when its outcome was
// unknown and, reading back, an app with the requested name exists with a
// spec other than the requested one. Most likely that app is not this
// call's (app names are unique per account), but the error still matches
// ErrOutcomeUnknown: if the API rewrote the spec in a way the SDK's
// normalisation does not know, the app could be this call's after all.
type AppNameTakenError struct {
	// Name is the requested app name.
	Name string
	// App is the app that holds the name.
	App *App
	// Err is the create's outcome-unknown error.
	Err error
}

func (e *AppNameTakenError) Error() string {
	id := ""
	if e.App != nil {
		id = " (ID " + e.App.ID + ")"
	}
	return "digitalocean: create app " + strconv.Quote(e.Name) + ": outcome unknown, and the app of that name" + id +
		" has a different spec; it is most likely not this call's: " + causeText(e.Err)
}

// Unwrap returns the create's outcome-unknown error.
func (e *AppNameTakenError) Unwrap() error { return e.Err }

// Is reports whether target is ErrConflict or ErrOutcomeUnknown.
func (e *AppNameTakenError) Is(target error) bool {
	return target == ErrConflict || target == ErrOutcomeUnknown
}

// recoveryReadError is the original outcome-unknown error when the read
// meant to resolve it failed; it still matches what the original matches.
type recoveryReadError struct {
	err     error // the call's outcome-unknown error
	readErr error
}

func (e *recoveryReadError) Error() string {
	return e.err.Error() + " (reading back to resolve it failed: " + causeText(e.readErr) + ")"
}

func (e *recoveryReadError) Unwrap() error { return e.err }

// recovers reports whether err leaves a write's outcome unknown and the
// call's retry policy lets it be resolved by reading back.
func (s *AppsService) recovers(ctx context.Context, err error) bool {
	if !errors.Is(err, ErrOutcomeUnknown) {
		return false
	}
	p, perr := s.client.retryPolicy(ctx)
	return perr == nil && !p.NoRecovery
}

// recoverCreate resolves a create whose outcome is unknown by looking the
// app up by name; if no app has the name it sends the create once more.
func (s *AppsService) recoverCreate(ctx context.Context, req *AppCreateRequest, resp *Response, err error) (*App, *Response, error) {
	resent := false
	for {
		live, readResp, readErr := s.Find(ctx, req.Spec.Name)
		switch {
		case readErr == nil:
			if specIsApplied(live.Spec, req.Spec) {
				readResp.Recovered = true
				return live, readResp, nil
			}
			return nil, resp, &AppNameTakenError{Name: req.Spec.Name, App: live, Err: err}
		case !errors.Is(readErr, ErrNotFound):
			return nil, resp, &recoveryReadError{err: err, readErr: readErr}
		case resent:
			return nil, resp, &recoveryUndecidedError{err: err, reason: noEffectAfterResend}
		}
		resent = true
		app, resendResp, resendErr := s.appCall(ctx, opAppsCreate, "v2/apps", nil, req)
		if resendErr == nil {
			return app, resendResp, nil
		}
		if errors.Is(resendErr, ErrConflict) {
			// The name appeared between the lookup and the re-send: the
			// first attempt may have been applied late. Look once more;
			// the outcome stays the first attempt's.
			continue
		}
		resp, err = resendResp, resendErr
		if !errors.Is(err, ErrOutcomeUnknown) {
			return nil, resp, err
		}
	}
}

// recoverUpdate resolves an update whose outcome is unknown by the
// deployment it starts (every applied update starts one, even with an
// unchanged spec: live-api-behaviour fact 31): one new update deployment of
// the requested spec means it was applied, and the app is read back; none
// means it was not, and it is sent once more. The live spec alone is no
// evidence: it equals the requested one after an update that changed
// nothing, applied or not.
func (s *AppsService) recoverUpdate(ctx context.Context, appID string, req *AppUpdateRequest, mark *deploymentMark, resp *Response, err error) (*App, *Response, error) {
	path := escapePath("v2/apps/%s", appID)
	return recoverByDeployment(ctx, s, appID, mark, updateEffect(req.Spec),
		func() (*App, *Response, error) { return s.appCall(ctx, opAppsUpdate, path, nil, req) },
		func(*Deployment, *Response) (*App, *Response, error) { return s.Get(ctx, appID) },
		resp, err)
}
