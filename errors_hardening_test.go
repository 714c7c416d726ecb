package digitalocean

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"testing/synctest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestWithTokenTrimsAndRejectsControlCharacters(t *testing.T) {
	var seen string
	c, _ := newTestClient(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		seen = r.Header.Get("Authorization")
		writeJSON(w, 200, `{"account":{"email":"a@b.c","uuid":"u","status":"active"}}`)
	}), WithToken("  dop_v1_abc\n"))
	_, _, err := c.Account.Get(context.Background())
	require.NoError(t, err)
	assert.Equal(t, "Bearer dop_v1_abc", seen)

	for _, bad := range []string{"dop v1", "dop\x00v1", "a\tb"} {
		_, err := New(WithToken(bad))
		var argErr *ArgumentError
		require.ErrorAs(t, err, &argErr, "%q", bad)
		assert.NotContains(t, err.Error(), bad)
	}
}

func TestErrorMessageHasNoControlCharacters(t *testing.T) {
	c, _ := newTestClient(t, jsonHandler(400, `{"id":"bad_request","message":"bad\u001b[31m red\nline"}`))
	_, _, err := c.Account.Get(context.Background())
	var apiErr *Error
	require.True(t, errors.As(err, &apiErr))
	assert.Equal(t, "bad [31m red line", apiErr.Message)
	assert.NotContains(t, err.Error(), "\x1b")
}

func TestBodyExcerptHostileMarkup(t *testing.T) {
	// Many unclosed openings: must stay correct (and linear: see the benchmark).
	hostile := strings.Repeat("<script>x", 5000) + "tail"
	assert.Equal(t, "", bodyExcerpt([]byte(hostile), 200))
	mixed := "<STYLE>p{}</style>Bad <b>gateway</b><Script>evil()</SCRIPT> now"
	assert.Equal(t, "Bad gateway now", bodyExcerpt([]byte(mixed), 200))
}

func BenchmarkBodyExcerptHostile(b *testing.B) {
	for name, unit := range map[string]string{
		"styles":        "<style>a</style>",
		"unclosed":      "<style>a</style><script>",
		"nested-opens":  "<script><style>",
		"scripts-upper": "<SCRIPT>x</SCRIPT>y",
	} {
		body := []byte(strings.Repeat(unit, maxErrorBody/len(unit)))
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				bodyExcerpt(body, 200)
			}
		})
	}
}

// A 2xx body cut short matches io.ErrUnexpectedEOF whether the body ended
// cleanly mid-value (a proxy that cut it and fixed the length) or the
// connection dropped before Content-Length bytes came.
func TestTruncatedBodyMatchesUnexpectedEOF(t *testing.T) {
	full := `{"account":{"email":"sammy@digitalocean.com","uuid":"u-1","status":"active"}}`
	half := full[:len(full)/2]
	for name, h := range map[string]http.HandlerFunc{
		"cut in half": func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			_, _ = io.WriteString(w, half)
		},
		"cut by the connection": func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			w.Header().Set("Content-Length", strconv.Itoa(len(full)))
			_, _ = io.WriteString(w, half)
			_ = http.NewResponseController(w).Flush()
			panic(http.ErrAbortHandler) // drops the connection mid-body
		},
	} {
		t.Run(name, func(t *testing.T) {
			c, _ := newTestClient(t, h)
			acct, resp, err := c.Account.Get(context.Background())
			assert.Nil(t, acct)
			require.NotNil(t, resp)
			var decErr *DecodeError
			require.ErrorAs(t, err, &decErr)
			assert.Equal(t, http.StatusOK, decErr.StatusCode)
			assert.ErrorIs(t, err, io.ErrUnexpectedEOF, "error: %v", err)
		})
	}
}

// A server that echoes the token back in its error message, id or request
// id does not get it into *Error's message: neither a token shaped like
// DigitalOcean's nor an opaque OAuth one.
func TestEchoedTokenIsScrubbedFromError(t *testing.T) {
	for _, token := range []string{testToken, "opaque-oauth-access-token-0b5c"} {
		t.Run(token[:6], func(t *testing.T) {
			c, _ := newTestClient(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				echoed := strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")
				writeJSON(w, http.StatusUnauthorized, fmt.Sprintf(
					`{"id":"unauthorized %[1]s","message":"Unable to authenticate you with token %[1]s.","request_id":"%[1]s"}`, echoed))
			}), WithToken(token))
			_, _, err := c.Account.Get(context.Background())
			var apiErr *Error
			require.ErrorAs(t, err, &apiErr)
			for _, text := range []string{err.Error(), apiErr.ID, apiErr.Message, apiErr.RequestID, fmt.Sprintf("%+v", apiErr)} {
				assert.NotContains(t, text, token)
			}
			assert.Contains(t, apiErr.Message, "Unable to authenticate you with token REDACTED")
			assert.ErrorIs(t, err, ErrUnauthorized)
		})
	}
}

// A token rotated while a request was in flight is still scrubbed from
// that request's error: the client remembers the token before the current
// one. The tokens here are not shaped like DigitalOcean's, so only the
// remembered value can catch them.
func TestEchoedRotatedTokenIsScrubbedFromError(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		rotated := make(chan struct{})
		h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			echoed := strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")
			if echoed == "tok-1" {
				<-rotated // answers only once tok-2 has been sent
				writeJSON(w, http.StatusUnauthorized, fmt.Sprintf(`{"id":"unauthorized","message":"token %s has expired"}`, echoed))
				return
			}
			close(rotated)
			writeJSON(w, http.StatusOK, `{"account":{"email":"a@b.c"}}`)
		})
		c := newMemClient(t, h, WithTokenSource(&refreshingSource{})) // a new token on every call
		errc := make(chan error, 1)
		go func() {
			_, _, err := c.Account.Get(t.Context())
			errc <- err
		}()
		synctest.Wait() // the first request waits in the handler, sent with tok-1
		_, _, err := c.Account.Get(t.Context())
		require.NoError(t, err, "the second request is sent with tok-2")
		err = <-errc // synctest reports a deadlock rather than hanging
		var apiErr *Error
		require.ErrorAs(t, err, &apiErr)
		assert.NotContains(t, err.Error(), "tok-1")
		assert.Equal(t, "token REDACTED has expired", apiErr.Message)
	})
}

// A token echoed inside the field path of a spec-validation message is
// scrubbed from Field too: Field is read from the message after scrubbing.
func TestEchoedTokenIsScrubbedFromField(t *testing.T) {
	const token = "abc.short" // shaped like a path segment, not like a token
	c, _ := newTestClient(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusBadRequest, `{"id":"invalid_argument","message":"error validating app spec field \"services.`+token+`\": bad"}`)
	}), WithToken(token))
	_, _, err := c.Account.Get(context.Background())
	var apiErr *Error
	require.ErrorAs(t, err, &apiErr)
	assert.NotContains(t, apiErr.Field, token)
	assert.NotContains(t, apiErr.Message, token)
}
