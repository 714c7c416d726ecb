package digitalocean

import (
	"context"
	"errors"
	"net/http"
	"testing"
	"testing/synctest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A redirect the client refuses (to another host, or one past net/http's
// limit) after nothing but 307s and 308s was not applied: each of those
// asks for the request elsewhere without acting on it. The error then
// does not match ErrOutcomeUnknown. A chain with a 301, 302 or 303 may
// answer a request the server processed, and stays unknown.
func TestRefusedRedirectOutcome(t *testing.T) {
	const elsewhere = "https://elsewhere.test/v2/x"
	for name, tc := range map[string]struct {
		op       opID
		path     string
		body     any
		statuses []int // the n-th request's answer; the last repeats
		location string
		unknown  bool
		crossErr bool
	}{
		"a DELETE's 307 to another host":          {opAppsDelete, "v2/apps/a", nil, []int{307}, elsewhere, false, true},
		"a DELETE's 308 to another host":          {opAppsDelete, "v2/apps/a", nil, []int{308}, elsewhere, false, true},
		"a converging POST's 307 to another host": {opAppsAssignAlertDestinations, "v2/apps/a/alerts/b/destinations", map[string]string{"k": "v"}, []int{307}, elsewhere, false, true},
		"a DELETE's 307 loop on the API host":     {opAppsDelete, "v2/apps/a", nil, []int{307}, faultBaseURL + "/v2/apps/a", false, false},
		"a cancel's 308 loop on the API host":     {opAppsCancelDeployment, "v2/apps/a/deployments/d/cancel", nil, []int{308}, faultBaseURL + "/v2/apps/a/deployments/d/cancel", false, false},
		"a DELETE's 303 loop on the API host":     {opAppsDelete, "v2/apps/a", nil, []int{303}, faultBaseURL + "/v2/apps/a", true, false},
		"a 303, then 307s to another host":        {opAppsDelete, "v2/apps/a", nil, []int{303, 307}, elsewhere, true, true},
		"307s on the API host, then a 302":        {opAppsDelete, "v2/apps/a", nil, []int{307, 307, 302}, faultBaseURL + "/v2/apps/a", true, false},
	} {
		t.Run(name, func(t *testing.T) {
			rt := &faultRT{reply: func(n int, _ *http.Request) (*http.Response, error) {
				status := tc.statuses[min(n, len(tc.statuses))-1]
				loc := faultBaseURL + "/v2/apps/a"
				if n >= len(tc.statuses) {
					loc = tc.location
				}
				return faultResp(status, "", "Location", loc), nil
			}}
			c, _ := faultClient(t, rt, WithRetry(RetryPolicy{}))
			_, err := c.call(context.Background(), tc.op, tc.path, nil, tc.body, nil)
			reqErr := faultRequestError(t, err)
			assert.Equal(t, tc.unknown, errors.Is(err, ErrOutcomeUnknown), "%v", err)
			assert.Equal(t, tc.unknown, reqErr.OutcomeUnknown)
			assert.False(t, reqErr.NotSent, "it reached the server")
			assert.Equal(t, tc.crossErr, errors.As(err, new(*CrossHostRedirectError)), "%v", err)
			if !tc.crossErr {
				assert.Contains(t, err.Error(), "stopped after 10 redirects")
			}
		})
	}
}

// A refused redirect after an attempt that may have been applied is still
// unknown: the earlier attempt decides.
func TestRefusedRedirectAfterA5xxIsUnknown(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		rt := &faultRT{reply: func(n int, _ *http.Request) (*http.Response, error) {
			if n == 1 {
				return faultResp(http.StatusBadGateway, `{"id":"bad_gateway","message":"x"}`), nil
			}
			return faultResp(http.StatusTemporaryRedirect, "", "Location", "https://elsewhere.test/v2/apps/a"), nil
		}}
		c, _ := faultClient(t, rt, WithRetry(RetryPolicy{MaxAttempts: 2}))
		_, err := c.Apps.Delete(t.Context(), "a")
		require.ErrorAs(t, err, new(*CrossHostRedirectError))
		assert.ErrorIs(t, err, ErrOutcomeUnknown)
	})
}
