package digitalocean

import (
	"context"
	"net/url"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestLogsTailLinesOnTheWire checks the query each logs operation sends for
// TailLines and ComponentFilter: tail_lines only when set, -1 for
// TailAllLines, component_name on the aggregate path.
func TestLogsTailLinesOnTheWire(t *testing.T) {
	body := []byte(`{"live_url":"https://logs.test/live?token=x"}`)
	cases := []struct {
		name  string
		call  func(ctx context.Context, s *AppsService) error
		path  string
		query url.Values
	}{
		{"GetLogs/unset", func(ctx context.Context, s *AppsService) error {
			_, _, err := s.GetLogs(ctx, "a", &LogsOptions{Type: AppLogTypeRun})
			return err
		}, "/v2/apps/a/logs", url.Values{"type": {"RUN"}}},
		{"GetLogs/tail", func(ctx context.Context, s *AppsService) error {
			_, _, err := s.GetLogs(ctx, "a", &LogsOptions{Type: AppLogTypeRun, Follow: true, TailLines: 100, ComponentFilter: "web"})
			return err
		}, "/v2/apps/a/logs", url.Values{"type": {"RUN"}, "follow": {"true"}, "tail_lines": {"100"}, "component_name": {"web"}}},
		{"GetLogs/deployment all", func(ctx context.Context, s *AppsService) error {
			_, _, err := s.GetLogs(ctx, "a", &LogsOptions{Type: AppLogTypeBuild, DeploymentID: "d", TailLines: TailAllLines, ComponentFilter: "api/v"})
			return err
		}, "/v2/apps/a/deployments/d/logs", url.Values{"type": {"BUILD"}, "tail_lines": {"-1"}, "component_name": {"api/v"}}},
		{"GetLogs/component path", func(ctx context.Context, s *AppsService) error {
			_, _, err := s.GetLogs(ctx, "a", &LogsOptions{Type: AppLogTypeRun, Component: "web", TailLines: 5})
			return err
		}, "/v2/apps/a/components/web/logs", url.Values{"type": {"RUN"}, "tail_lines": {"5"}}},
		{"GetEventLogs/tail", func(ctx context.Context, s *AppsService) error {
			_, _, err := s.GetEventLogs(ctx, "a", "e", &EventLogsOptions{TailLines: 7})
			return err
		}, "/v2/apps/a/events/e/logs", url.Values{"type": {"AUTOSCALE_EVENT"}, "tail_lines": {"7"}}},
		{"GetEventLogs/unset", func(ctx context.Context, s *AppsService) error {
			_, _, err := s.GetEventLogs(ctx, "a", "e", nil)
			return err
		}, "/v2/apps/a/events/e/logs", url.Values{"type": {"AUTOSCALE_EVENT"}}},
		{"GetJobInvocationLogs/all", func(ctx context.Context, s *AppsService) error {
			_, _, err := s.GetJobInvocationLogs(ctx, "a", "i", &JobInvocationLogsOptions{JobName: "j", TailLines: TailAllLines})
			return err
		}, "/v2/apps/a/jobs/j/invocations/i/logs", url.Values{"type": {"JOB_INVOCATION"}, "tail_lines": {"-1"}}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c, fake := newAppsClient(t, body)
			require.NoError(t, tc.call(context.Background(), c.Apps))
			req := fake.only(t)
			assert.Equal(t, tc.path, req.Path)
			assert.Equal(t, tc.query, req.Query)
		})
	}
}

// TestLogsTailLinesValidation checks that a negative TailLines other than
// TailAllLines, and a component given twice, fail before anything is sent.
func TestLogsTailLinesValidation(t *testing.T) {
	cases := []struct {
		name, arg string
		call      func(ctx context.Context, s *AppsService) error
	}{
		{"GetLogs", "LogsOptions.TailLines", func(ctx context.Context, s *AppsService) error {
			_, _, err := s.GetLogs(ctx, "a", &LogsOptions{Type: AppLogTypeRun, TailLines: -2})
			return err
		}},
		{"GetEventLogs", "EventLogsOptions.TailLines", func(ctx context.Context, s *AppsService) error {
			_, _, err := s.GetEventLogs(ctx, "a", "e", &EventLogsOptions{TailLines: -5})
			return err
		}},
		{"GetLogs/both components", "LogsOptions.ComponentFilter", func(ctx context.Context, s *AppsService) error {
			_, _, err := s.GetLogs(ctx, "a", &LogsOptions{Type: AppLogTypeRun, Component: "web", ComponentFilter: "web"})
			return err
		}},
		{"GetLogs/blank filter", "LogsOptions.ComponentFilter", func(ctx context.Context, s *AppsService) error {
			_, _, err := s.GetLogs(ctx, "a", &LogsOptions{Type: AppLogTypeRun, ComponentFilter: " "})
			return err
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c, fake := newAppsClient(t, []byte(`{}`))
			assertArgumentError(t, tc.call(context.Background(), c.Apps), tc.arg, fake)
		})
	}
}
