package digitalocean

import (
	"context"
	"errors"
	"net/http"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// errors.Is(err, ErrOutcomeUnknown) holds for every error of a write that
// may have been applied, whatever its type, and for nothing else.
func TestErrOutcomeUnknownWhateverTheType(t *testing.T) {
	type reply = func(n int, _ *http.Request) (*http.Response, error)
	status := func(codes ...int) reply {
		return func(n int, _ *http.Request) (*http.Response, error) {
			code := codes[min(n, len(codes))-1]
			if code == 0 {
				return nil, faultReset("read")
			}
			return faultResp(code, `{"id":"x","message":"y"}`), nil
		}
	}
	create := func(ctx context.Context, c *Client) error {
		_, _, err := c.Apps.Create(ctx, &AppCreateRequest{Spec: &AppSpec{Name: "web"}})
		return err
	}
	deleteApp := func(ctx context.Context, c *Client) error {
		_, err := c.Apps.Delete(ctx, "a-1")
		return err
	}
	get := func(ctx context.Context, c *Client) error {
		_, _, err := c.Apps.Get(ctx, "a-1")
		return err
	}
	noRecovery := RetryPolicy{MaxAttempts: 3, NoRecovery: true}
	for name, tc := range map[string]struct {
		reply   reply
		call    func(context.Context, *Client) error
		unknown bool
		as      any
	}{
		"create answered 502 (*Error)":                 {status(502), create, true, new(*Error)},
		"create reset after sending (*RequestError)":   {status(0), create, true, new(*RequestError)},
		"create with a 2xx body cut (*DecodeError)":    {func(int, *http.Request) (*http.Response, error) { return faultResp(200, `{"app":{"id"`), nil }, create, true, new(*DecodeError)},
		"create refused with 429 every time":           {status(429), create, false, new(*Error)},
		"create refused with 422":                      {status(422), create, false, new(*Error)},
		"delete 503, then 409 on the retry":            {status(503, 409), deleteApp, true, new(*Error)},
		"delete 503 every time":                        {status(503), deleteApp, true, new(*Error)},
		"delete 409 at once":                           {status(409), deleteApp, false, new(*Error)},
		"get 503 every time (a read)":                  {status(503), get, false, new(*Error)},
		"get reset every time (a read)":                {status(0), get, false, new(*RequestError)},
		"delete 503, then held past MaxWait (aborted)": {status(503, 429), deleteApp, true, new(*RetryAbortedError)},
	} {
		t.Run(name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				rt := &faultRT{reply: tc.reply}
				c, _ := faultClient(t, rt)
				ctx := WithRetryPolicy(t.Context(), noRecovery)
				if _, ok := tc.as.(**RetryAbortedError); ok {
					// The 429 asks for an hour: past MaxWait.
					rt.reply = func(n int, _ *http.Request) (*http.Response, error) {
						if n == 1 {
							return faultResp(503, `{"id":"x","message":"y"}`), nil
						}
						return faultResp(429, `{"id":"x","message":"y"}`, "Retry-After", "3600"), nil
					}
				}
				err := tc.call(ctx, c)
				require.Error(t, err)
				assert.Equal(t, tc.unknown, errors.Is(err, ErrOutcomeUnknown), "%v", err)
				assert.True(t, errors.As(err, tc.as), "%T", err)
				if tc.unknown {
					assert.Contains(t, err.Error(), "outcome unknown")
				}
			})
		})
	}
}

// A per-call policy replaces the client's for that call only; a bad one
// is an *ArgumentError before anything is sent.
func TestWithRetryPolicyPerCall(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		rt := &faultRT{reply: func(int, *http.Request) (*http.Response, error) {
			return faultResp(503, `{"id":"x","message":"y"}`), nil
		}}
		c, _ := faultClient(t, rt, WithRetry(RetryPolicy{MaxAttempts: 4, BaseDelay: time.Millisecond}))
		_, err := faultGet(WithRetryPolicy(t.Context(), RetryPolicy{}), c)
		require.Error(t, err)
		assert.Len(t, rt.requests(), 1, "RetryPolicy{} for this call: no retries")

		_, err = faultGet(WithRetryPolicy(t.Context(), RetryPolicy{MaxAttempts: 2}), c)
		require.Error(t, err)
		assert.Len(t, rt.requests(), 3, "two attempts for this call")

		_, err = faultGet(t.Context(), c)
		require.Error(t, err)
		assert.Len(t, rt.requests(), 7, "the client's four attempts otherwise")

		_, err = faultGet(WithRetryPolicy(t.Context(), RetryPolicy{MaxWait: -time.Second}), c)
		assert.ErrorIs(t, err, ErrInvalidArgument)
		var argErr *ArgumentError
		require.ErrorAs(t, err, &argErr)
		assert.Len(t, rt.requests(), 7, "nothing sent")
	})
}
