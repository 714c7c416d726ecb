package digitalocean

import (
	"context"
	"io"
	"log/slog"
	"net/url"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Without a logger taking debug records, connections are not timed or
// counted: newConnLog returns nil, whose methods cost nothing.
func TestConnLogOffAllocatesNothing(t *testing.T) {
	c, err := New(WithToken(faultToken))
	require.NoError(t, err)
	u, _ := url.Parse("wss://logs.example.com/live?token=secret")
	ctx := context.Background()
	yield := func(LogLine, error) bool { return true }
	body := io.NopCloser(nil)
	use := func() {
		cl := c.newConnLog(ctx, connKindLiveLog, u)
		cl.dialed(nil)
		cl.countLines(yield)(LogLine{}, nil)
		cl.received(10)
		cl.sent(10)
		cl.sawReadError(io.EOF)
		_ = cl.body(body, true)
		cl.streamEnded()
		cl.closedBy(ErrConsoleClosed)
	}
	assert.Nil(t, c.newConnLog(ctx, connKindLiveLog, u), "no logger")
	assert.Zero(t, testing.AllocsPerRun(100, use), "no logger")
	c.logger = slog.New(slog.NewTextHandler(io.Discard, &slog.HandlerOptions{Level: slog.LevelInfo}))
	assert.Nil(t, c.newConnLog(ctx, connKindLiveLog, u), "a logger above debug level")
	assert.Zero(t, testing.AllocsPerRun(100, use), "a logger above debug level")
	c.logger = slog.New(slog.NewTextHandler(io.Discard, &slog.HandlerOptions{Level: slog.LevelDebug}))
	assert.NotNil(t, c.newConnLog(ctx, connKindLiveLog, u), "sanity: a debug logger logs connections")
}
