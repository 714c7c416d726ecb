package digitalocean

import (
	"context"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// LogsOptions selects which logs GetLogs returns. Type is required; the
// other fields narrow the selection.
type LogsOptions struct {
	// DeploymentID selects a deployment; empty means the active one.
	DeploymentID string
	// Component selects one component through the per-component operation
	// path (/components/{name}/logs); empty means all of them.
	Component string
	// ComponentFilter selects one component through the component_name
	// query parameter of the aggregate operation, the form godo and doctl
	// send. Set Component or ComponentFilter, not both.
	ComponentFilter string
	// Type is the kind of logs: AppLogTypeBuild, AppLogTypeDeploy,
	// AppLogTypeRun, AppLogTypeRunRestarted, AppLogTypeAutoscaleEvent or
	// AppLogTypeUnspecified.
	Type AppLogType
	// Follow asks for a LiveURL that keeps streaming new lines.
	Follow bool
	// PodConnectionTimeout is how long the API waits for a component
	// instance that is not available yet (the API's default is 3m).
	PodConnectionTimeout time.Duration
	// TailLines asks for only the last lines of the log (before the live
	// ones when following). 0 leaves tail_lines out of the request: the
	// API's default, all lines. N > 0 sends tail_lines=N. TailAllLines
	// sends tail_lines=-1, what doctl sends when no --tail is given; the
	// API treats tail_lines <= 0 as no limit (inferred, undocumented), so
	// tail_lines=0, which godo sends by default, means the same and is not
	// offered. Other negative values are an *ArgumentError.
	TailLines int
}

// TailAllLines is the TailLines value that sends tail_lines=-1: no limit.
const TailAllLines = -1

// logTypes are the values the spec allows for the type parameter of the
// deployment and event logs operations.
var logTypes = []AppLogType{
	AppLogTypeUnspecified, AppLogTypeBuild, AppLogTypeDeploy, AppLogTypeRun,
	AppLogTypeRunRestarted, AppLogTypeAutoscaleEvent,
}

// GetLogs returns the URLs of an app's logs: live (LiveURL) and archived
// (HistoricURLs); StreamLogs and DownloadLogs read them. One method covers
// four operations, picked by opts: DeploymentID set or not (a given or the
// active deployment) and Component set or not (one component or all).
//
// API: https://docs.digitalocean.com/reference/api/digitalocean/#tag/Apps/operation/apps_get_logs
// API: https://docs.digitalocean.com/reference/api/digitalocean/#tag/Apps/operation/apps_get_logs_aggregate
// API: https://docs.digitalocean.com/reference/api/digitalocean/#tag/Apps/operation/apps_get_logs_active_deployment
// API: https://docs.digitalocean.com/reference/api/digitalocean/#tag/Apps/operation/apps_get_logs_active_deployment_aggregate
func (s *AppsService) GetLogs(ctx context.Context, appID string, opts *LogsOptions) (*AppLogs, *Response, error) {
	if err := requireID("appID", appID); err != nil {
		return nil, nil, err
	}
	if opts == nil {
		return nil, nil, &ArgumentError{Name: "LogsOptions.Type", Reason: "is required: opts must not be nil"}
	}
	if err := opts.check(); err != nil {
		return nil, nil, err
	}
	q, err := logsQuery("LogsOptions", opts.Type, opts.Follow, opts.PodConnectionTimeout)
	if err != nil {
		return nil, nil, err
	}
	if err := setTailLines(q, "LogsOptions.TailLines", opts.TailLines); err != nil {
		return nil, nil, err
	}
	if opts.ComponentFilter != "" {
		q.Set("component_name", opts.ComponentFilter)
	}
	var (
		op   opID
		path string
	)
	switch {
	case opts.DeploymentID != "" && opts.Component != "":
		op, path = opAppsGetLogs, escapePath("v2/apps/%s/deployments/%s/components/%s/logs", appID, opts.DeploymentID, opts.Component)
	case opts.DeploymentID != "":
		op, path = opAppsGetLogsAggregate, escapePath("v2/apps/%s/deployments/%s/logs", appID, opts.DeploymentID)
	case opts.Component != "":
		op, path = opAppsGetLogsActiveDeployment, escapePath("v2/apps/%s/components/%s/logs", appID, opts.Component)
	default:
		op, path = opAppsGetLogsActiveDeploymentAggregate, escapePath("v2/apps/%s/logs", appID)
	}
	return s.logsCall(ctx, op, path, q)
}

// check refuses options GetLogs cannot send, before any request.
func (opts *LogsOptions) check() error {
	if err := requireEnum("LogsOptions.Type", opts.Type, logTypes); err != nil {
		return err
	}
	if err := requireOptionalID("LogsOptions.DeploymentID", opts.DeploymentID); err != nil {
		return err
	}
	if err := requireOptionalID("LogsOptions.Component", opts.Component); err != nil {
		return err
	}
	if err := requireOptionalID("LogsOptions.ComponentFilter", opts.ComponentFilter); err != nil {
		return err
	}
	if opts.Component != "" && opts.ComponentFilter != "" {
		return &ArgumentError{Name: "LogsOptions.ComponentFilter", Reason: "must be empty when Component is set: both select the component"}
	}
	if _, err := logsQuery("LogsOptions", opts.Type, opts.Follow, opts.PodConnectionTimeout); err != nil {
		return err
	}
	return setTailLines(url.Values{}, "LogsOptions.TailLines", opts.TailLines)
}

// ExecOptions selects the component instance GetExec connects to.
type ExecOptions struct {
	// DeploymentID selects a deployment; empty means the active one.
	DeploymentID string
	// Component is the component to open a console in. Required.
	Component string
	// InstanceName selects one instance (see GetAppInstances); empty lets
	// the API pick one.
	InstanceName string
}

// GetExec returns the websocket URL of a console in a running component
// instance. opts.DeploymentID picks between the two operations.
//
// API: https://docs.digitalocean.com/reference/api/digitalocean/#tag/Apps/operation/apps_get_exec
// API: https://docs.digitalocean.com/reference/api/digitalocean/#tag/Apps/operation/apps_get_exec_active_deployment
func (s *AppsService) GetExec(ctx context.Context, appID string, opts *ExecOptions) (*AppExec, *Response, error) {
	if err := requireID("appID", appID); err != nil {
		return nil, nil, err
	}
	if opts == nil {
		return nil, nil, &ArgumentError{Name: "ExecOptions.Component", Reason: "is required: opts must not be nil"}
	}
	if err := requireID("ExecOptions.Component", opts.Component); err != nil {
		return nil, nil, err
	}
	if err := requireOptionalID("ExecOptions.DeploymentID", opts.DeploymentID); err != nil {
		return nil, nil, err
	}
	var q url.Values
	if opts.InstanceName != "" {
		q = url.Values{"instance_name": {opts.InstanceName}}
	}
	op, path := opAppsGetExecActiveDeployment, escapePath("v2/apps/%s/components/%s/exec", appID, opts.Component)
	if opts.DeploymentID != "" {
		op, path = opAppsGetExec, escapePath("v2/apps/%s/deployments/%s/components/%s/exec", appID, opts.DeploymentID, opts.Component)
	}
	out := new(AppExec)
	resp, err := s.client.call(ctx, op, path, q, nil, out)
	if err != nil {
		return nil, resp, err
	}
	return out, resp, nil
}

// logsCall sends an operation answering with log URLs.
func (s *AppsService) logsCall(ctx context.Context, op opID, path string, q url.Values) (*AppLogs, *Response, error) {
	out := new(AppLogs)
	resp, err := s.client.call(ctx, op, path, q, nil, out)
	if err != nil {
		return nil, resp, err
	}
	return out, resp, nil
}

// logsQuery builds the query shared by the logs operations.
func logsQuery(opts string, typ AppLogType, follow bool, podTimeout time.Duration) (url.Values, error) {
	if podTimeout < 0 {
		return nil, &ArgumentError{Name: opts + ".PodConnectionTimeout", Reason: "must not be negative, got " + podTimeout.String()}
	}
	q := url.Values{"type": {string(typ)}}
	if follow {
		q.Set("follow", "true")
	}
	if podTimeout > 0 {
		q.Set("pod_connection_timeout", formatDuration(podTimeout))
	}
	return q, nil
}

// setTailLines adds tail_lines to q unless n is 0 (see LogsOptions.TailLines).
func setTailLines(q url.Values, name string, n int) error {
	switch {
	case n == 0:
	case n > 0 || n == TailAllLines:
		q.Set("tail_lines", strconv.Itoa(n))
	default:
		return &ArgumentError{Name: name, Reason: "must be positive, 0 (not sent) or TailAllLines (-1), got " + strconv.Itoa(n)}
	}
	return nil
}

// formatDuration writes d in Go duration syntax without zero trailing
// units ("3m", not "3m0s").
func formatDuration(d time.Duration) string {
	s := d.String()
	if strings.HasSuffix(s, "m0s") {
		s = s[:len(s)-2]
	}
	if strings.HasSuffix(s, "h0m") {
		s = s[:len(s)-2]
	}
	return s
}

// requireOptionalID checks an optional ID with requireID when it is set.
func requireOptionalID(name, v string) error {
	if v == "" {
		return nil
	}
	return requireID(name, v) // blank, "." and ".." are refused when set
}
