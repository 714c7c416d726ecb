package digitalocean

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A POST or PATCH redirected to another host gets the same typed refusal
// as a GET or PUT, and is not sent there.
func TestCrossHostRedirectOfEveryMethod(t *testing.T) {
	calls := map[string]func(*Client) error{
		http.MethodGet: func(c *Client) error { _, err := faultGet(context.Background(), c); return err },
		http.MethodPost: func(c *Client) error {
			_, err := faultPost(context.Background(), c)
			return err
		},
		http.MethodPut: func(c *Client) error {
			_, _, err := c.Apps.Update(context.Background(), "app-1", &AppUpdateRequest{Spec: &AppSpec{Name: "x"}})
			return err
		},
		http.MethodPatch: func(c *Client) error { // no operation uses PATCH today
			_, err := c.call(context.Background(), http.MethodPatch, "v2/apps/app-1", nil, map[string]string{"a": "b"}, nil)
			return err
		},
	}
	for method, call := range calls {
		for _, status := range []int{http.StatusTemporaryRedirect, http.StatusPermanentRedirect} {
			rt := &faultRT{reply: func(int, *http.Request) (*http.Response, error) {
				return faultResp(status, "", "Location", "https://elsewhere.example/v2/x"), nil
			}}
			c, log := faultClient(t, rt)
			err := call(c)
			var redirectErr *CrossHostRedirectError
			require.ErrorAs(t, err, &redirectErr, "%s %d", method, status)
			assert.Equal(t, "elsewhere.example", redirectErr.To)
			assert.Equal(t, status, redirectErr.StatusCode)
			for _, seen := range rt.requests() {
				assert.Equal(t, "api.fault.test", seen.host, "%s %d: nothing is sent to the other host", method, status)
			}
			assert.Equal(t, 1, strings.Count(err.Error(), "digitalocean:"), "%s: %v", method, err)
			faultNoLeak(t, nil, err, log.String())
		}
	}
}

// No error text repeats the package prefix, however the errors nest.
func TestNoErrorSaysDigitaloceanTwice(t *testing.T) {
	apiErr := &Error{StatusCode: 503, Method: "GET", Path: "/v2/apps/x/logs", Message: "busy"}
	errs := []error{
		&RequestError{Method: "GET", Path: "/v2/account", Err: &CrossHostRedirectError{From: "a", To: "b", StatusCode: 307}},
		&RequestError{Method: "GET", Path: "/v2/account", Err: &TokenError{Err: errors.New("refresh failed")}},
		&DecodeError{Method: "GET", Path: "/v2/account", StatusCode: 200, Err: errors.New("digitalocean: want a boolean, got 3")},
		&FollowLogsError{Reconnects: 5, Err: apiErr},
		&FollowLogsError{Reconnects: 5, Err: ErrLiveLogEnded},
		&RetryAbortedError{Attempts: 2, Reason: "deadline", Err: apiErr},
	}
	for _, err := range errs {
		assert.Equal(t, 1, strings.Count(err.Error(), "digitalocean:"), "%T: %v", err, err)
	}
}
