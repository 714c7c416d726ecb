package digitaloceantest_test

import (
	"context"
	"fmt"

	do "github.com/oceankit/digitalocean"
	"github.com/oceankit/digitalocean/digitaloceantest"
)

func Example() {
	srv := digitaloceantest.NewServer()
	defer srv.Close()
	client := srv.Client()
	ctx := context.Background()

	app, _, err := client.Apps.Create(ctx, &do.AppCreateRequest{Spec: &do.AppSpec{
		Name: "hello",
		Services: []*do.AppServiceSpec{{
			Name:   "web",
			GitHub: &do.AppGitHubSourceSpec{Repo: "digitalocean/sample-golang", Branch: "main"},
		}},
	}})
	if err != nil {
		fmt.Println(err)
		return
	}
	deploymentID := app.PendingDeployment.ID
	for range 4 {
		d, _, err := client.Apps.GetDeployment(ctx, app.ID, deploymentID)
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Println(d.Phase)
		srv.Advance(digitaloceantest.DefaultPhaseDuration)
	}

	logs, _, err := client.Apps.GetLogs(ctx, app.ID, &do.LogsOptions{Type: do.AppLogTypeRun})
	if err != nil {
		fmt.Println(err)
		return
	}
	for line, err := range client.Apps.StreamLogs(ctx, logs.LiveURL) {
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Println(line.Component, line.Message)
	}
	// Output:
	// PENDING_BUILD
	// BUILDING
	// DEPLOYING
	// ACTIVE
	// web server listening on :8080
}
