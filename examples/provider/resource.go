package main

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/oceankit/digitalocean"
	"github.com/oceankit/digitalocean/appspec"
)

// Resource is an App Platform app managed the way a Terraform resource
// is: its operations take the desired spec and the State kept from the
// last run, and return the new State.
type Resource struct {
	Client *digitalocean.Client
	// Wait tunes the deployment waits of Create and Update; the resource
	// adds its own OnProgress (reporting through Logf) before the one set
	// here. Bound the waits with the context.
	Wait digitalocean.WaitOptions
	// Timeout bounds each deployment wait, as a Terraform resource's
	// create and update timeouts do; zero means DefaultTimeout.
	Timeout time.Duration
	// Logf, if set, receives progress lines.
	Logf func(format string, args ...any)
	// Secrets fingerprints the secrets applied, with the provider's key
	// (kept apart from the state), so that Plan can tell a re-sent secret
	// from a rotated one. Without it every secret the API holds encrypted
	// is listed as unknown.
	Secrets *appspec.SecretHasher
}

// DefaultTimeout bounds a deployment wait when Resource.Timeout is zero.
const DefaultTimeout = 30 * time.Minute

// State is what the resource keeps between runs; it holds no plaintext
// secret, so it can be stored like a Terraform state file.
type State struct {
	// ID is the app's ID; empty when there is no app (never created,
	// deleted, or gone).
	ID string `json:"id,omitempty"`
	// Spec is the spec as the API returned it after the last apply or
	// read: defaults filled, routes moved to ingress rules, SECRET values
	// as EV[...] ciphertexts.
	Spec *digitalocean.AppSpec `json:"spec,omitempty"`
	// Fingerprints holds the fingerprints of the plaintext secrets last
	// applied, by path (see appspec.SecretHasher): keyed and salted, they
	// are safe to store and print.
	Fingerprints appspec.SecretFingerprints `json:"secret_fingerprints,omitempty"`
}

// Exists reports whether the state tracks an app.
func (st *State) Exists() bool { return st != nil && st.ID != "" }

// Create creates the app and waits until its first deployment is live.
// Once the app exists, the returned state tracks it even when the
// deployment then fails, so that the app is never orphaned.
func (r *Resource) Create(ctx context.Context, desired *digitalocean.AppSpec) (*State, error) {
	if err := appspec.Validate(desired); err != nil {
		return nil, err
	}
	app, _, err := r.Client.Apps.Create(ctx, &digitalocean.AppCreateRequest{Spec: desired})
	switch {
	// First: a create that may have been applied (a 5xx, a connection
	// lost after sending, whatever the error's type) may have made the
	// app, even when a later answer is a 409.
	case errors.Is(err, digitalocean.ErrOutcomeUnknown):
		return nil, fmt.Errorf("create %s: the app may exist; import it by name before retrying: %w", desired.Name, err)
	case errors.Is(err, digitalocean.ErrConflict):
		return nil, fmt.Errorf("create %s: an app of that name exists; import it: %w", desired.Name, err)
	case err != nil:
		return nil, fmt.Errorf("create %s: %w", desired.Name, err)
	}
	st := &State{ID: app.ID}
	return st, r.settle(ctx, st, app, desired)
}

// Read refreshes st from the API. An app that no longer exists clears st
// (st.Exists() is then false) and is not an error.
func (r *Resource) Read(ctx context.Context, st *State) error {
	if !st.Exists() {
		return nil
	}
	app, _, err := r.Client.Apps.Get(ctx, st.ID)
	if errors.Is(err, digitalocean.ErrNotFound) {
		*st = State{}
		return nil
	}
	if err != nil {
		return fmt.Errorf("read app %s: %w", st.ID, err)
	}
	st.Spec = app.Spec
	return nil
}

// Update replaces the app's spec with desired and waits for the
// deployment it starts.
func (r *Resource) Update(ctx context.Context, st *State, desired *digitalocean.AppSpec) error {
	if err := appspec.Validate(desired); err != nil {
		return err
	}
	app, _, err := r.Client.Apps.Update(ctx, st.ID, &digitalocean.AppUpdateRequest{Spec: desired})
	if err != nil {
		return fmt.Errorf("update app %s: %w", st.ID, err)
	}
	return r.settle(ctx, st, app, desired)
}

// Delete deletes the app and clears st. An app that is already gone is
// not an error.
func (r *Resource) Delete(ctx context.Context, st *State) error {
	if !st.Exists() {
		return nil
	}
	_, err := r.Client.Apps.Delete(ctx, st.ID)
	if err != nil && !errors.Is(err, digitalocean.ErrNotFound) {
		return fmt.Errorf("delete app %s: %w", st.ID, err)
	}
	*st = State{}
	return nil
}

// Import starts tracking an existing app, named by its ID or its name.
// Its secrets' plaintexts are unknown until the next apply records them
// (see Plan).
func (r *Resource) Import(ctx context.Context, idOrName string) (*State, error) {
	app, _, err := r.Client.Apps.Find(ctx, idOrName)
	if err != nil {
		return nil, fmt.Errorf("import %s: %w", idOrName, err)
	}
	return &State{ID: app.ID, Spec: app.Spec}, nil
}

// settle waits for the deployment that Create or Update started, then
// records what the API now holds and the fingerprints of the secrets
// applied.
func (r *Resource) settle(ctx context.Context, st *State, app *digitalocean.App, desired *digitalocean.AppSpec) error {
	// The API holds the new spec once the request succeeded, whatever
	// the deployment does; record it and the secrets first.
	st.Spec = app.Spec
	st.Fingerprints = nil
	if r.Secrets != nil {
		st.Fingerprints = r.Secrets.Fingerprints(appspec.Normalize(desired))
	}
	timeout := cmp.Or(r.Timeout, DefaultTimeout)
	waitCtx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	if _, err := r.Client.Apps.WaitForAppDeployment(waitCtx, app, r.waitOptions()); err != nil {
		if errors.Is(err, context.DeadlineExceeded) && ctx.Err() == nil {
			return fmt.Errorf("app %s: deployment not done after %s: %w", st.ID, timeout, err)
		}
		var failed *digitalocean.DeploymentFailedError
		if errors.As(err, &failed) {
			r.reportFailure(ctx, failed)
		}
		return fmt.Errorf("app %s: %w", st.ID, err)
	}
	return r.Read(ctx, st)
}

// failureLogLines is how much of a failed deployment's log is reported.
const failureLogLines = 20

// reportFailure logs the end of the failing step's log, so that the user
// sees why the build or deploy failed without opening the control panel.
func (r *Resource) reportFailure(ctx context.Context, failed *digitalocean.DeploymentFailedError) {
	if r.Logf == nil {
		return
	}
	f, _, err := r.Client.Apps.GetDeploymentFailure(ctx, failed.AppID, failed.Deployment.ID,
		&digitalocean.DeploymentFailureOptions{TailLines: failureLogLines})
	if err != nil {
		r.Logf("deployment %s failed; its log could not be read: %v", failed.Deployment.ID, err)
		return
	}
	for _, line := range f.Log {
		r.Logf("%s log: %s", f.LogType, line.Text)
	}
}

// waitOptions reports each change of the deployment's phase or steps.
func (r *Resource) waitOptions() *digitalocean.WaitOptions {
	opts := r.Wait
	user, last := opts.OnProgress, ""
	opts.OnProgress = func(p digitalocean.WaitProgress) {
		line := "deployment " + p.State
		if d := p.Deployment; d != nil && d.Progress != nil && d.Progress.TotalSteps > 0 {
			line = fmt.Sprintf("deployment %s: %s, %d/%d steps", d.ID, p.State, d.Progress.SuccessSteps, d.Progress.TotalSteps)
		}
		if line != last && r.Logf != nil {
			r.Logf("%s", line)
		}
		last = line
		if user != nil {
			user(p)
		}
	}
	return &opts
}
