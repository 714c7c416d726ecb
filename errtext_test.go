package digitalocean

import (
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

// No error text repeats the package prefix, however the errors nest.
func TestNoErrorSaysDigitaloceanTwice(t *testing.T) {
	apiErr := &Error{StatusCode: 503, Method: "GET", Path: "/v2/apps/x/logs", Message: "busy"}
	errs := []error{
		&RequestError{Method: "GET", Path: "/v2/account", Err: &CrossHostRedirectError{From: "a", To: "b", StatusCode: 307}},
		&RequestError{Method: "GET", Path: "/v2/account", Err: &TokenError{Err: errors.New("refresh failed")}},
		&DecodeError{Method: "GET", Path: "/v2/account", StatusCode: 200, Err: errors.New("digitalocean: want a boolean, got 3")},
		&FollowLogsError{Reconnects: 5, Err: apiErr},
		&FollowLogsError{Reconnects: 5, Err: ErrLiveLogEnded},
		&LogGapError{DeploymentID: "d1", Next: "d2", Err: apiErr},
		&LogGapError{DeploymentID: "d1", Next: "d2", Err: errRedeployChainTooLong},
		&RetryAbortedError{Attempts: 2, Reason: "deadline", Err: apiErr},
	}
	for _, err := range errs {
		assert.Equal(t, 1, strings.Count(err.Error(), "digitalocean:"), "%T: %v", err, err)
	}
}
