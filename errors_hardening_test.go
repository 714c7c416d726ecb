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
