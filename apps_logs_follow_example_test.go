package digitalocean_test

import (
	"context"
	"errors"
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

// A redeploy while FollowLogs is reconnecting, and the old deployment's
// archived logs are gone: the gap is an error of one iteration, which the
// loop reports and skips, and the new deployment is followed.
func ExampleLogGapError() {
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
	app, _, err = client.Apps.Get(ctx, app.ID)
	if err != nil {
		fmt.Println(err)
		return
	}
	names := map[string]string{app.ActiveDeployment.ID: "old"}
	srv.FailNextLogStreams(1, digitaloceantest.LogStreamFault{AfterLines: 1})

	lines := client.Apps.FollowLogs(ctx, app.ID, &digitalocean.FollowLogsOptions{
		LogsOptions: digitalocean.LogsOptions{Type: digitalocean.AppLogTypeRun},
		BaseDelay:   10 * time.Millisecond,
		OnReconnect: func(int, time.Duration, error) {
			if len(names) > 1 {
				return
			}
			// While the follower is away: a line, a redeploy, and the old
			// deployment's archive expires.
			_ = srv.EmitLogs(app.ID, "web", "GET /old 200")
			d, _, err := client.Apps.Restart(ctx, app.ID, nil)
			if err != nil {
				fmt.Println(err)
				return
			}
			names[d.ID] = "new"
			srv.Advance(3 * digitaloceantest.DefaultPhaseDuration)
			_ = srv.RemoveLogArchive(app.ID, app.ActiveDeployment.ID)
			_ = srv.EmitLogs(app.ID, "web", "GET /new 200")
		},
	})
	for line, err := range lines {
		var gap *digitalocean.LogGapError
		if errors.As(err, &gap) {
			fmt.Println("-- lines of the", names[gap.DeploymentID], "deployment may be missing")
			continue
		}
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Println(names[line.DeploymentID], "|", line.Message)
		if line.Message == "GET /new 200" {
			break
		}
	}
	// Output:
	// old | server listening on :8080
	// -- lines of the old deployment may be missing
	// new | server listening on :8080
	// new | GET /new 200
}
