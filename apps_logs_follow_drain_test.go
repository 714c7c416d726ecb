package digitalocean

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A log host that still hands out a live URL for a replaced deployment
// (whether the live API does is not established): FollowLogs takes a
// normal end as that deployment's end only on a stream opened after it
// knew of the redeploy, so a line the first stream missed still comes.
func TestFollowLogsReadsAReplacedDeploymentsLiveLogToItsEnd(t *testing.T) {
	var mu sync.Mutex
	redeployed := false
	var asked []string // deployment/tail of each logs request
	ls := newLogServer(t, false, func(w http.ResponseWriter, r *http.Request) {
		conn, err := websocket.Accept(w, r, nil)
		if !assert.NoError(t, err) {
			return
		}
		defer conn.CloseNow()
		send := func(lines ...string) {
			for _, l := range lines {
				assert.NoError(t, conn.Write(r.Context(), websocket.MessageText, fmt.Appendf(nil, `{"data":%q}`, l+"\n")))
			}
		}
		mu.Lock()
		n := len(asked)
		mu.Unlock()
		switch r.URL.Query().Get("dep") {
		case "d1":
			if n == 1 { // the first stream ends normally, as its URL expires
				send("web 2024-05-01T12:00:01Z one")
				mu.Lock()
				redeployed = true // and, at that moment, d2 replaces d1
				mu.Unlock()
			} else { // the whole log of the replaced deployment
				send("web 2024-05-01T12:00:01Z one", "web 2024-05-01T12:00:02Z two")
			}
			_ = conn.Close(websocket.StatusNormalClosure, "")
		case "d2":
			send("web 2024-05-01T12:00:00Z three") // older than d1's newest: not skipped
			_, _, _ = conn.Read(r.Context())       // then open until the client leaves
		}
	})
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		if !strings.HasSuffix(r.URL.Path, "/logs") {
			if redeployed {
				_, _ = io.WriteString(w, `{"app":{"id":"a","active_deployment":{"id":"d2","previous_deployment_id":"d1"}}}`)
			} else {
				_, _ = io.WriteString(w, `{"app":{"id":"a","active_deployment":{"id":"d1"}}}`)
			}
			return
		}
		dep := strings.Split(r.URL.Path, "/")[5] // /v2/apps/a/deployments/{dep}/logs
		asked = append(asked, dep+"/"+r.URL.Query().Get("tail_lines"))
		fmt.Fprintf(w, `{"live_url":%q}`, "ws"+strings.TrimPrefix(ls.URL, "http")+"/live?dep="+dep+"&token=signed")
	}))
	t.Cleanup(api.Close)
	c, err := New(WithToken(logTestToken), WithBaseURL(api.URL), WithRetry(RetryPolicy{}))
	require.NoError(t, err)

	var got []string
	opts := &FollowLogsOptions{
		LogsOptions: LogsOptions{Type: AppLogTypeRun},
		BaseDelay:   time.Nanosecond, // backoff timing is tested on the fake with synctest
	}
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second) // a failure, never a hang
	defer cancel()
	for line, err := range c.Apps.FollowLogs(ctx, "a", opts) {
		require.NoError(t, err)
		got = append(got, line.DeploymentID+"/"+line.Message)
		if line.Message == "three" || len(got) > 10 {
			break
		}
	}
	assert.Equal(t, []string{"d1/one", "d1/two", "d2/three"}, got)
	mu.Lock()
	defer mu.Unlock()
	assert.Equal(t, []string{"d1/", "d1/500", "d2/-1"}, asked)
	ls.assertNoToken(t)
}
