package conformance

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	do "github.com/oceankit/digitalocean"
)

// TestSpecTransportRejectsBadRequests shows that the mock's validation
// bites: each request breaks the spec in one way and must be answered 422
// (or 404 for an unknown operation) with a violation recorded.
func TestSpecTransportRejectsBadRequests(t *testing.T) {
	spec := loadSpec(t)
	const base = "https://api.digitalocean.com"
	tests := []struct {
		name, method, url, body string
		noToken                 bool
		status                  int
		violation               string
	}{
		{name: "unknown path", method: "GET", url: "/v2/droplets", status: 404, violation: "no operation in the spec"},
		{name: "wrong method", method: "PATCH", url: "/v2/apps/" + appID, status: 404, violation: "no operation in the spec"},
		{name: "missing token", method: "GET", url: "/v2/account", noToken: true, status: 422, violation: "bearer token"},
		{name: "non-integer path parameter", method: "GET", url: "/v2/actions/abc", status: 422, violation: `parameter "action_id"`},
		{name: "missing required query parameter", method: "GET", url: "/v2/apps/" + appID + "/logs", status: 422, violation: `parameter "type"`},
		{name: "query value outside the enum", method: "GET", url: "/v2/apps/" + appID + "/logs?type=VERBOSE", status: 422, violation: `parameter "type"`},
		{name: "query parameter the spec does not define", method: "GET", url: "/v2/apps/" + appID + "/logs?type=RUN&tail_line=5", status: 422, violation: `query parameters not in the spec: [tail_line]`},
		{name: "tail_lines that is not an integer", method: "GET", url: "/v2/apps/" + appID + "/logs?type=RUN&tail_lines=ten", status: 422, violation: `parameter "tail_lines"`},
		{name: "per_page above the maximum", method: "GET", url: "/v2/actions?per_page=201", status: 422, violation: `parameter "per_page"`},
		{name: "date that is not a date-time", method: "GET", url: "/v2/apps/" + appID + "/metrics/bandwidth_daily?date=yesterday", status: 422, violation: `parameter "date"`},
		{name: "missing required body", method: "POST", url: "/v2/apps", status: 422, violation: "request body has an error"},
		{name: "body of the wrong type", method: "POST", url: "/v2/apps/" + appID + "/restart", body: `{"components":"api"}`, status: 422, violation: "components"},
		{name: "spec without a name", method: "POST", url: "/v2/apps", body: `{"spec":{"region":"ams"}}`, status: 422, violation: `"name"`},
		{name: "body where none is defined", method: "GET", url: "/v2/account", body: `{}`, status: 422, violation: "body"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			st := newSpecTransport(spec)
			var body io.Reader
			if tc.body != "" {
				body = strings.NewReader(tc.body)
			}
			req, err := http.NewRequest(tc.method, base+tc.url, body)
			require.NoError(t, err)
			if tc.body != "" {
				req.Header.Set("Content-Type", "application/json")
			}
			if !tc.noToken {
				req.Header.Set("Authorization", "Bearer "+testToken)
			}
			resp, err := st.RoundTrip(req)
			require.NoError(t, err)
			assert.Equal(t, tc.status, resp.StatusCode)
			_, violations := st.take()
			require.Len(t, violations, 1)
			assert.Contains(t, violations[0], tc.violation)
		})
	}
}

// TestLiveAPIDeviations pins the values the SDK sends because the live API
// takes them (testdata/live-api-fields.md) while the spec rejects them. If
// the spec catches up, a deviation disappears and this test says so.
func TestLiveAPIDeviations(t *testing.T) {
	spec := loadSpec(t)
	tests := []struct {
		name      string
		mutate    func(s *do.AppSpec)
		violation string
	}{{
		// The live API sends and takes a boolean; the spec types it string.
		name: "ingress preserve_path_prefix is a boolean",
		mutate: func(s *do.AppSpec) {
			s.Ingress.Rules[0].Component.PreservePathPrefix = true
		},
		violation: `Error at "/spec/ingress/rules/0/component/preserve_path_prefix": value must be a string`,
	}, {
		// Scheduled jobs (kind SCHEDULED with a schedule) are live-API
		// only: the spec's kind enum stops at FAILED_DEPLOY.
		name: "scheduled job kind",
		mutate: func(s *do.AppSpec) {
			s.Jobs = append(s.Jobs, &do.AppJobSpec{
				Name:       "nightly-report",
				Kind:       do.AppJobSpecKindScheduled,
				Schedule:   &do.AppJobSpecSchedule{Cron: "0 3 * * *", TimeZone: "Europe/Amsterdam"},
				Image:      &do.AppImageSourceSpec{RegistryType: do.AppImageSourceSpecRegistryTypeDOCR, Repository: "reports", Tag: "2.0.1"},
				RunCommand: "report --nightly",
			})
		},
		violation: `Error at "/spec/jobs/1": doesn't match schema due to: Error at "/kind": value is not one of the allowed values`,
	}, {
		// Alert rules the live API has beyond the spec's enum
		// (DEPLOYMENT_STARTED, DEPLOYMENT_CANCELED, JOB_INVOCATION_FAILED).
		// The app-level and service alerts that carry them are overlay
		// fields the spec does not validate; functions alerts are in the
		// spec, so the value shows there.
		name: "deployment started alert rule",
		mutate: func(s *do.AppSpec) {
			s.Functions = append(s.Functions, &do.AppFunctionsSpec{
				Name:   "hooks",
				GitHub: &do.AppGitHubSourceSpec{Repo: "acme/web-shop", Branch: "main"},
				Alerts: []*do.AppAlertSpec{{Rule: do.AppAlertSpecRuleDeploymentStarted}},
			})
		},
		violation: `Error at "/spec/functions/0/alerts/0/rule": value is not one of the allowed values`,
	}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			st := newSpecTransport(spec)
			c := st.newClient(t)
			appSpec := sampleAppSpec()
			tc.mutate(appSpec)
			_, _, err := c.Apps.Create(context.Background(), &do.AppCreateRequest{Spec: appSpec})
			require.Error(t, err, "the mock answers 422")
			_, violations := st.take()
			require.Len(t, violations, 1)
			assert.Contains(t, violations[0], tc.violation)
		})
	}
}
