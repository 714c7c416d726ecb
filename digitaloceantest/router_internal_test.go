package digitaloceantest

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A handler that panics answers 500 naming the panic and leaves the state
// unlocked: the next request is served instead of hanging.
func TestHandlerPanicDoesNotWedgeTheServer(t *testing.T) {
	srv := New(t)
	srv.routes = append(srv.routes, route{method: "GET", pattern: []string{"v2", "boom"}, op: "boom",
		handle: func(*call) reply { panic("kaboom") }})
	req, err := http.NewRequest("GET", srv.URL()+"/v2/boom", nil)
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer "+srv.Token())
	resp, err := srv.HTTPClient().Do(req)
	require.NoError(t, err)
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	assert.Equal(t, 500, resp.StatusCode)
	assert.True(t, strings.Contains(string(body), "panicked: kaboom"), "%s", body)

	ctx, cancel := context.WithTimeout(context.Background(), 5e9)
	defer cancel()
	_, _, err = srv.Client().Account.Get(ctx)
	require.NoError(t, err, "the server still answers")
}
