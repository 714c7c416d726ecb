package digitalocean

import (
	"context"
	"iter"
	"time"
)

// JobInvocationListOptions selects a page of an app's job invocations.
type JobInvocationListOptions struct {
	ListOptions
	// JobNames keeps only invocations of these jobs; empty keeps all. Sent
	// as repeated job_names parameters.
	JobNames []string `url:"job_names,omitempty"`
	// DeploymentID keeps only invocations from this deployment.
	DeploymentID string `url:"deployment_id,omitempty"`
}

func (o *JobInvocationListOptions) validate() error {
	if o == nil {
		return nil
	}
	if err := o.ListOptions.validate(); err != nil {
		return err
	}
	if err := requireNames("JobInvocationListOptions.JobNames", o.JobNames); err != nil {
		return err
	}
	return requireOptionalID("JobInvocationListOptions.DeploymentID", o.DeploymentID)
}

func (o *JobInvocationListOptions) page() *ListOptions {
	if o == nil {
		return nil
	}
	return &o.ListOptions
}

// JobInvocationOptions narrows the lookup of one job invocation.
type JobInvocationOptions struct {
	// JobName is the job the invocation belongs to; optional.
	JobName string `url:"job_name,omitempty"`
}

// JobInvocationLogsOptions selects a job invocation's logs.
type JobInvocationLogsOptions struct {
	// JobName is the job the invocation belongs to. Required: the API's
	// path names the job.
	JobName string
	// DeploymentID is the deployment the invocation ran in; optional.
	DeploymentID string
	// Follow asks for a LiveURL that keeps streaming new lines.
	Follow bool
	// PodConnectionTimeout is how long the API waits for the job's instance
	// if it is not available yet (the API's default is 3m).
	PodConnectionTimeout time.Duration
	// TailLines asks for only the last lines; 0 leaves tail_lines out (all
	// lines) and TailAllLines sends -1, as for LogsOptions.TailLines.
	TailLines int
}

// ListJobInvocations returns one page of the app's job invocations.
//
// API: https://docs.digitalocean.com/reference/api/digitalocean/#tag/Apps/operation/apps_list_job_invocations
func (s *AppsService) ListJobInvocations(ctx context.Context, appID string, opts *JobInvocationListOptions) ([]JobInvocation, *Response, error) {
	if err := requireID("appID", appID); err != nil {
		return nil, nil, err
	}
	if err := opts.validate(); err != nil {
		return nil, nil, err
	}
	var out jobInvocationsPage
	resp, err := s.client.call(ctx, opAppsListJobInvocations, escapePath("v2/apps/%s/job-invocations", appID), opts, nil, &out)
	if err != nil {
		return nil, resp, err
	}
	return out.JobInvocations, resp, nil
}

// AllJobInvocations iterates over every job invocation of the app,
// fetching pages of MaxPerPage as needed; opts may set the first page, a
// smaller page size and the filters.
func (s *AppsService) AllJobInvocations(ctx context.Context, appID string, opts *JobInvocationListOptions) iter.Seq2[JobInvocation, error] {
	return paginate(ctx, opts.page(), func(ctx context.Context, page ListOptions) ([]JobInvocation, *Response, error) {
		o := JobInvocationListOptions{ListOptions: page}
		if opts != nil {
			o.JobNames, o.DeploymentID = opts.JobNames, opts.DeploymentID
		}
		return s.ListJobInvocations(ctx, appID, &o)
	})
}

// GetJobInvocation returns one job invocation. opts may be nil.
//
// API: https://docs.digitalocean.com/reference/api/digitalocean/#tag/Apps/operation/apps_get_job_invocation
func (s *AppsService) GetJobInvocation(ctx context.Context, appID, invocationID string, opts *JobInvocationOptions) (*JobInvocation, *Response, error) {
	if err := requireIDs("appID", appID, "invocationID", invocationID); err != nil {
		return nil, nil, err
	}
	path := escapePath("v2/apps/%s/job-invocations/%s", appID, invocationID)
	return s.jobInvocationCall(ctx, opAppsGetJobInvocation, path, opts)
}

// CancelJobInvocation cancels a running job invocation and returns it.
// opts may be nil. It is re-sent after an attempt that may have been
// applied; if a re-send then fails, the invocation is read, and one
// already canceled is returned with Response.Recovered set
// (docs/retries.md, "Recovery").
//
// API: https://docs.digitalocean.com/reference/api/digitalocean/#tag/Apps/operation/apps_cancel_job_invocation
func (s *AppsService) CancelJobInvocation(ctx context.Context, appID, invocationID string, opts *JobInvocationOptions) (*JobInvocation, *Response, error) {
	if err := requireIDs("appID", appID, "invocationID", invocationID); err != nil {
		return nil, nil, err
	}
	path := escapePath("v2/apps/%s/job-invocations/%s/cancel", appID, invocationID)
	j, resp, err := s.jobInvocationCall(ctx, opAppsCancelJobInvocation, path, opts)
	if err != nil && s.recovers(ctx, err) {
		return s.recoverCancelJobInvocation(ctx, appID, invocationID, opts, resp, err)
	}
	return j, resp, err
}

// GetJobInvocationLogs returns the URLs of a job invocation's logs.
// opts.JobName is required.
//
// API: https://docs.digitalocean.com/reference/api/digitalocean/#tag/Apps/operation/apps_get_job_invocation_logs
func (s *AppsService) GetJobInvocationLogs(ctx context.Context, appID, invocationID string, opts *JobInvocationLogsOptions) (*AppLogs, *Response, error) {
	if err := requireIDs("appID", appID, "invocationID", invocationID); err != nil {
		return nil, nil, err
	}
	if opts == nil {
		return nil, nil, &ArgumentError{Name: "JobInvocationLogsOptions.JobName", Reason: "is required: opts must not be nil"}
	}
	if err := requireID("JobInvocationLogsOptions.JobName", opts.JobName); err != nil {
		return nil, nil, err
	}
	if err := requireOptionalID("JobInvocationLogsOptions.DeploymentID", opts.DeploymentID); err != nil {
		return nil, nil, err
	}
	// The operation's type parameter has one allowed value.
	q, err := logsQuery("JobInvocationLogsOptions", AppLogTypeJobInvocation, opts.Follow, opts.PodConnectionTimeout)
	if err != nil {
		return nil, nil, err
	}
	if opts.DeploymentID != "" {
		q.Set("deployment_id", opts.DeploymentID)
	}
	if err := setTailLines(q, "JobInvocationLogsOptions.TailLines", opts.TailLines); err != nil {
		return nil, nil, err
	}
	path := escapePath("v2/apps/%s/jobs/%s/invocations/%s/logs", appID, opts.JobName, invocationID)
	return s.logsCall(ctx, opAppsGetJobInvocationLogs, path, q)
}

// jobInvocationCall sends an operation answering with one job invocation.
func (s *AppsService) jobInvocationCall(ctx context.Context, op opID, path string, opts *JobInvocationOptions) (*JobInvocation, *Response, error) {
	// The spec's schema is the bare invocation while its description, its
	// example and the live API wrap it in "job_invocation": read both.
	out := enveloped[JobInvocation]{key: "job_invocation"}
	resp, err := s.client.call(ctx, op, path, opts, nil, &out)
	if err != nil {
		return nil, resp, err
	}
	if out.value == nil {
		return nil, resp, missingObject(resp, "job_invocation")
	}
	return out.value, resp, nil
}
