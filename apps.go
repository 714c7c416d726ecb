package digitalocean

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"net/url"
	"strings"

	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
)

// AppsService manages App Platform apps: their specs, deployments, logs,
// consoles, job invocations, events, alerts, rollbacks and metrics.
type AppsService service

// AppListOptions selects a page of apps.
type AppListOptions struct {
	ListOptions
	// WithProjects asks the API to fill in each app's ProjectID.
	WithProjects bool `url:"with_projects,omitempty"`
}

func (o *AppListOptions) page() *ListOptions {
	if o == nil {
		return nil
	}
	return &o.ListOptions
}

// List returns one page of the account's apps, each with its active and
// in-progress deployments.
//
// API: https://docs.digitalocean.com/reference/api/digitalocean/#tag/Apps/operation/apps_list
func (s *AppsService) List(ctx context.Context, opts *AppListOptions) ([]App, *Response, error) {
	if err := opts.page().validate(); err != nil {
		return nil, nil, err
	}
	var out appsPage
	resp, err := s.client.call(ctx, opAppsList, "v2/apps", opts, nil, &out)
	if err != nil {
		return nil, resp, err
	}
	return out.Apps, resp, nil
}

// All iterates over every app, fetching pages of MaxPerPage as needed.
// opts may set the first page, a smaller page size and WithProjects.
func (s *AppsService) All(ctx context.Context, opts *AppListOptions) iter.Seq2[App, error] {
	return paginate(ctx, opts.page(), func(ctx context.Context, page ListOptions) ([]App, *Response, error) {
		o := AppListOptions{ListOptions: page}
		if opts != nil {
			o.WithProjects = opts.WithProjects
		}
		return s.List(ctx, &o)
	})
}

// Create creates an app from req.Spec and starts its first deployment; the
// returned app's PendingDeployment is that deployment (see
// WaitForAppDeployment). It is a POST and is never re-sent while it may
// have been applied. When its outcome is unknown, the app is looked
// up by name (docs/retries.md, "Recovery"): an app with the requested spec
// is returned with Response.Recovered set; with no app of that name the
// create is sent once more; an app of that name with another spec gives an
// *AppNameTakenError. RetryPolicy.NoRecovery turns this off.
//
// API: https://docs.digitalocean.com/reference/api/digitalocean/#tag/Apps/operation/apps_create
func (s *AppsService) Create(ctx context.Context, req *AppCreateRequest) (*App, *Response, error) {
	if req == nil {
		return nil, nil, &ArgumentError{Name: "req", Reason: "must not be nil"}
	}
	if err := requireSpec("req.Spec", req.Spec); err != nil {
		return nil, nil, err
	}
	app, resp, err := s.appCall(ctx, opAppsCreate, "v2/apps", nil, req)
	if err != nil && s.recovers(ctx, err) {
		return s.recoverCreate(ctx, req, resp, err)
	}
	return app, resp, err
}

// Get returns the app with the given ID.
//
// API: https://docs.digitalocean.com/reference/api/digitalocean/#tag/Apps/operation/apps_get
func (s *AppsService) Get(ctx context.Context, appID string) (*App, *Response, error) {
	if err := requireID("appID", appID); err != nil {
		return nil, nil, err
	}
	return s.appCall(ctx, opAppsGet, escapePath("v2/apps/%s", appID), nil, nil)
}

// GetByName returns the app with the given name. As the spec describes for
// this operation, the request leaves the ID out of the path
// (GET /v2/apps/?name=…).
//
// API: https://docs.digitalocean.com/reference/api/digitalocean/#tag/Apps/operation/apps_get
func (s *AppsService) GetByName(ctx context.Context, name string) (*App, *Response, error) {
	if err := requireID("name", name); err != nil {
		return nil, nil, err
	}
	q := url.Values{"name": {name}}
	app, resp, err := s.appCall(ctx, opAppsGet, "v2/apps/", q, nil)
	if err != nil {
		// The path alone (GET /v2/apps/) would not say which app was
		// looked up.
		return nil, resp, errorWithQuery(err, q.Encode())
	}
	return app, resp, nil
}

// errorWithQuery appends the query to the path an error names.
func errorWithQuery(err error, query string) error {
	var (
		apiErr    *Error
		decodeErr *DecodeError
		reqErr    *RequestError
	)
	switch {
	case errors.As(err, &apiErr):
		apiErr.Path += "?" + query
	case errors.As(err, &decodeErr):
		decodeErr.Path += "?" + query
	case errors.As(err, &reqErr):
		reqErr.Path += "?" + query
	}
	return err
}

// Update replaces the app's spec with req.Spec and starts a deployment; the
// returned app's PendingDeployment is that deployment. Every update starts
// one, even with an unchanged spec, so although it is a PUT it is never
// re-sent after it may have reached the server (docs/retries.md). It
// notes the app's newest deployment first (one more request); when its
// outcome is unknown, the deployments started since are read: one update
// deployment of the requested spec means it was applied, and the app is
// returned with Response.Recovered set; none means it was not, and it is
// sent once more; anything else leaves ErrOutcomeUnknown.
// RetryPolicy.NoRecovery turns this off, and the first read with it.
//
// API: https://docs.digitalocean.com/reference/api/digitalocean/#tag/Apps/operation/apps_update
func (s *AppsService) Update(ctx context.Context, appID string, req *AppUpdateRequest) (*App, *Response, error) {
	if err := requireID("appID", appID); err != nil {
		return nil, nil, err
	}
	if req == nil {
		return nil, nil, &ArgumentError{Name: "req", Reason: "must not be nil"}
	}
	if err := requireSpec("req.Spec", req.Spec); err != nil {
		return nil, nil, err
	}
	mark := s.markDeployments(ctx, appID)
	app, resp, err := s.appCall(ctx, opAppsUpdate, escapePath("v2/apps/%s", appID), nil, req)
	if err != nil && s.recovers(ctx, err) {
		return s.recoverUpdate(ctx, appID, req, mark, resp, err)
	}
	return app, resp, err
}

// Delete deletes the app and shuts down all of its deployments.
//
// API: https://docs.digitalocean.com/reference/api/digitalocean/#tag/Apps/operation/apps_delete
func (s *AppsService) Delete(ctx context.Context, appID string) (*Response, error) {
	if err := requireID("appID", appID); err != nil {
		return nil, err
	}
	return s.client.call(ctx, opAppsDelete, escapePath("v2/apps/%s", appID), nil, nil, nil)
}

// Restart restarts the app's components (req.Components, or all of them
// when req is nil or names none) in a new deployment, which it returns.
// It is never re-sent after it may have reached the server; an unknown
// outcome is resolved by the deployment it started (docs/retries.md,
// "Recovery", one more request per call unless RetryPolicy.NoRecovery).
//
// API: https://docs.digitalocean.com/reference/api/digitalocean/#tag/Apps/operation/apps_restart
func (s *AppsService) Restart(ctx context.Context, appID string, req *AppRestartRequest) (*Deployment, *Response, error) {
	if err := requireID("appID", appID); err != nil {
		return nil, nil, err
	}
	if req == nil {
		req = &AppRestartRequest{}
	}
	if err := requireNames("req.Components", req.Components); err != nil {
		return nil, nil, err
	}
	return s.deploymentWrite(ctx, opAppsRestart, appID, escapePath("v2/apps/%s/restart", appID), req, restartEffect)
}

// Propose validates an app spec without creating anything and reports the
// app's cost and whether its name is available. Set req.AppID to check a
// spec as an update of an existing app.
//
// API: https://docs.digitalocean.com/reference/api/digitalocean/#tag/Apps/operation/apps_validate_appSpec
func (s *AppsService) Propose(ctx context.Context, req *AppProposeRequest) (*AppProposeResponse, *Response, error) {
	if req == nil {
		return nil, nil, &ArgumentError{Name: "req", Reason: "must not be nil"}
	}
	if err := requireSpec("req.Spec", req.Spec); err != nil {
		return nil, nil, err
	}
	out := new(AppProposeResponse)
	resp, err := s.client.call(ctx, opAppsValidateAppSpec, "v2/apps/propose", nil, req, out)
	if err != nil {
		return nil, resp, err
	}
	return out, resp, nil
}

// GetAppInstances returns the running instances of the app's components.
// The API does not paginate this list.
//
// API: https://docs.digitalocean.com/reference/api/digitalocean/#tag/Apps/operation/apps_get_instances
func (s *AppsService) GetAppInstances(ctx context.Context, appID string) ([]AppInstance, *Response, error) {
	if err := requireID("appID", appID); err != nil {
		return nil, nil, err
	}
	var out instancesList
	resp, err := s.client.call(ctx, opAppsGetInstances, escapePath("v2/apps/%s/instances", appID), nil, nil, &out)
	if err != nil {
		return nil, resp, err
	}
	return out.Instances, resp, nil
}

// GetAppHealth returns the health, CPU and memory use of the app's
// components.
//
// API: https://docs.digitalocean.com/reference/api/digitalocean/#tag/Apps/operation/apps_get_health
func (s *AppsService) GetAppHealth(ctx context.Context, appID string) (*AppHealth, *Response, error) {
	if err := requireID("appID", appID); err != nil {
		return nil, nil, err
	}
	// The spec's example leaves out the app_health envelope its schema
	// defines; both forms decode.
	out := enveloped[AppHealth]{key: "app_health"}
	resp, err := s.client.call(ctx, opAppsGetHealth, escapePath("v2/apps/%s/health", appID), nil, nil, &out)
	if err != nil {
		return nil, resp, err
	}
	if out.value == nil {
		return nil, resp, missingObject(resp, "app_health")
	}
	return out.value, resp, nil
}

// appCall sends an operation answering {"app": …}.
func (s *AppsService) appCall(ctx context.Context, op opID, path string, q, in any) (*App, *Response, error) {
	var out appRoot
	resp, err := s.client.call(ctx, op, path, q, in, &out)
	if err != nil {
		return nil, resp, err
	}
	if out.App == nil {
		return nil, resp, missingObject(resp, "app")
	}
	return out.App, resp, nil
}

// deploymentCall sends an operation answering {"deployment": …}.
func (s *AppsService) deploymentCall(ctx context.Context, op opID, path string, q, in any) (*Deployment, *Response, error) {
	var out deploymentRoot
	resp, err := s.client.call(ctx, op, path, q, in, &out)
	if err != nil {
		return nil, resp, err
	}
	if out.Deployment == nil {
		return nil, resp, missingObject(resp, "deployment")
	}
	return out.Deployment, resp, nil
}

// enveloped decodes {"<key>": T} and, for responses whose spec documents
// the object both inside and outside its envelope, a bare T. A one-element
// array under key (as in some spec examples) is read as its element.
type enveloped[T any] struct {
	key   string
	value *T
}

func (e *enveloped[T]) UnmarshalJSONFrom(dec *jsontext.Decoder) error {
	opts := dec.Options()
	b, err := dec.ReadValue()
	if err != nil {
		return err
	}
	var members map[string]jsontext.Value
	if err := json.Unmarshal(b, &members, opts); err != nil {
		return err
	}
	raw, ok := members[e.key]
	switch {
	case !ok && len(members) == 0:
		return nil // missing object: the caller reports it
	case !ok:
		raw = b // the bare object
	}
	switch raw.Kind() {
	case '[':
		var items []jsontext.Value
		if err := json.Unmarshal(raw, &items, opts); err != nil {
			return err
		}
		if len(items) != 1 {
			return fmt.Errorf("digitalocean: %q holds %d objects, want one", e.key, len(items))
		}
		raw = items[0]
	}
	if raw.Kind() == 'n' {
		return nil
	}
	e.value = new(T)
	return json.Unmarshal(raw, e.value, opts)
}

// requireSpec checks the parts of an app spec the API requires.
func requireSpec(name string, spec *AppSpec) error {
	if spec == nil {
		return &ArgumentError{Name: name, Reason: "must not be nil"}
	}
	if strings.TrimSpace(spec.Name) == "" {
		return &ArgumentError{Name: name + ".Name", Reason: "must not be empty: every app spec needs a name"}
	}
	return nil
}

// requireNames checks an optional list of names for empty entries.
func requireNames(name string, names []string) error {
	for i, n := range names {
		if strings.TrimSpace(n) == "" {
			return &ArgumentError{Name: fmt.Sprintf("%s[%d]", name, i), Reason: "must not be empty"}
		}
	}
	return nil
}

// requireEnum checks that v is one of the values the spec allows.
func requireEnum[T ~string](name string, v T, allowed []T) error {
	for _, a := range allowed {
		if v == a {
			return nil
		}
	}
	names := make([]string, len(allowed))
	for i, a := range allowed {
		names[i] = string(a)
	}
	return &ArgumentError{Name: name, Reason: fmt.Sprintf("must be one of %s, got %s", strings.Join(names, ", "), quote(string(v)))}
}
