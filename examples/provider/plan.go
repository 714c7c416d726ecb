package main

import (
	"context"
	"fmt"
	"strings"

	"github.com/oceankit/digitalocean"
	"github.com/oceankit/digitalocean/appspec"
)

// Action is what applying a plan does.
type Action string

// The actions of a Plan.
const (
	NoOp   Action = "no-op"
	Create Action = "create"
	Update Action = "update"
)

// Plan is what an apply would do to reach the desired spec.
type Plan struct {
	Action Action
	// Changes lists what the apply changes, from the app's spec to the
	// desired one; a secret whose plaintext differs from the one last
	// applied is a Sensitive change.
	Changes []appspec.Change
	// Unknown lists secrets that cannot be compared: a plaintext desired
	// against the API's ciphertext with no fingerprint in the state (an
	// imported app). They do not cause an update on their own; the next update
	// (any other change, or a rotated secret) records them.
	Unknown []appspec.Change
}

// String renders the plan the way a CLI prints it; it shows no secret.
func (p *Plan) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "plan: %s", p.Action)
	for _, c := range p.Changes {
		b.WriteString("\n  " + c.String())
	}
	for _, c := range p.Unknown {
		b.WriteString("\n  ? " + c.Path.String() + ": not in state, assumed unchanged")
	}
	return b.String()
}

// Plan compares desired with the app the state tracks, read afresh (st is
// refreshed, as terraform plan does). desired is validated first: a spec
// the API would refuse fails here, every problem with its path, before any
// request is sent.
func (r *Resource) Plan(ctx context.Context, st *State, desired *digitalocean.AppSpec) (*Plan, error) {
	if err := appspec.Validate(desired); err != nil {
		return nil, err
	}
	if err := r.Read(ctx, st); err != nil {
		return nil, err
	}
	normalized := appspec.Normalize(desired)
	if !st.Exists() {
		return &Plan{Action: Create, Changes: appspec.Diff(nil, normalized)}, nil
	}
	p := &Plan{Action: NoOp}
	// The fingerprints recorded at the last apply settle each secret the
	// API holds encrypted: the same plaintext is no change, another one is
	// a rotation. Secrets without one (an imported app) stay Undecidable.
	changes := appspec.DiffWith(st.Spec, normalized, appspec.DiffOptions{Secrets: r.Secrets, Fingerprints: st.Fingerprints})
	for _, c := range changes {
		if c.Undecidable {
			p.Unknown = append(p.Unknown, c)
		} else {
			p.Changes = append(p.Changes, c)
		}
	}
	if len(p.Changes) > 0 {
		p.Action = Update
	}
	return p, nil
}

// Apply carries out a plan Plan made for desired: create, update, or
// nothing.
func (r *Resource) Apply(ctx context.Context, st *State, desired *digitalocean.AppSpec, p *Plan) error {
	switch p.Action {
	case Create:
		created, err := r.Create(ctx, desired)
		if created != nil {
			*st = *created
		}
		return err
	case Update:
		return r.Update(ctx, st, desired)
	}
	return nil
}
