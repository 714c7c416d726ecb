package digitalocean_test

import (
	"context"
	"fmt"
	"time"

	"github.com/oceankit/digitalocean"
	"github.com/oceankit/digitalocean/digitaloceantest"
)

func ExampleAppsService_FollowLogs() {
	srv := digitaloceantest.NewServer()
	defer srv.Close()
	client := srv.Client()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()

	app, _, err := client.Apps.Create(ctx, &digitalocean.AppCreateRequest{Spec: helloSpec("hello")})
	if err != nil {
		fmt.Println(err)
		return
	}
	srv.Advance(3 * digitaloceantest.DefaultPhaseDuration)
	if err := srv.EmitLogs(app.ID, "web", "GET / 200", "GET /about 200", "GET /missing 404"); err != nil {
		fmt.Println(err)
		return
	}
	// The first live websocket is cut, without a close frame, while its
	// third line is on its way.
	srv.FailNextLogStreams(1, digitaloceantest.LogStreamFault{AfterLines: 2, MidLine: true})

	lines := client.Apps.FollowLogs(ctx, app.ID, &digitalocean.FollowLogsOptions{
		LogsOptions: digitalocean.LogsOptions{Type: digitalocean.AppLogTypeRun, TailLines: 100},
		BaseDelay:   10 * time.Millisecond, // the default is 1s
		OnReconnect: func(attempt int, _ time.Duration, cause error) {
			fmt.Println("-- reconnecting, attempt", attempt)
		},
	})
	n := 0
	for line, err := range lines {
		if err != nil { // ctx's error, a final API error, or *FollowLogsError
			fmt.Println(err)
			return
		}
		fmt.Println(line.Component, "|", line.Message)
		if n++; n == 4 { // a followed log has no end: break or cancel ctx
			break
		}
	}
	// Output:
	// web | server listening on :8080
	// web | GET / 200
	// -- reconnecting, attempt 1
	// web | GET /about 200
	// web | GET /missing 404
}
