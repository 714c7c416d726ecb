// Command wait-action waits for actions to finish with Actions.Wait,
// printing progress as it polls, and shows the errors a wait ends with.
//
// Without DIGITALOCEAN_TOKEN it runs against the fake API, where actions
// complete after half a second. With a token it waits for the action given
// by -id, or else for the account's newest action still in progress:
//
//	go run ./examples/wait-action
//	DIGITALOCEAN_TOKEN=dop_v1_... go run ./examples/wait-action -id 1234567
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"time"

	"github.com/oceankit/digitalocean"
	"github.com/oceankit/digitalocean/digitaloceantest"
)

func main() {
	id := flag.Int("id", 0, "with DIGITALOCEAN_TOKEN: the action to wait for (default: the newest in progress)")
	flag.Parse()

	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	var err error
	if token := os.Getenv("DIGITALOCEAN_TOKEN"); token != "" {
		err = runLive(ctx, token, *id)
	} else {
		err = runFake(ctx)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "wait-action:", err)
		os.Exit(1)
	}
}

// waitOptions polls every 100ms at first, backing off to every 2s, and
// prints each poll.
func waitOptions() *digitalocean.WaitOptions {
	start := time.Now()
	return &digitalocean.WaitOptions{
		MinInterval: 100 * time.Millisecond,
		MaxInterval: 2 * time.Second,
		OnPoll: func(status string) {
			fmt.Printf("  poll after %-6s %s\n", time.Since(start).Round(10*time.Millisecond), status)
		},
	}
}

func runFake(ctx context.Context) error {
	srv := digitaloceantest.NewServer(
		digitaloceantest.WithRealClock(),
		digitaloceantest.WithPhaseDuration(500*time.Millisecond), // actions take half a second
	)
	defer srv.Close()
	client := srv.Client()
	fmt.Println("DIGITALOCEAN_TOKEN is not set: using the fake API")

	// 1. An action that completes.
	snapshot := srv.AddAction("snapshot", "droplet", 3164444, false)
	fmt.Printf("\nWaiting for action %d (%s of droplet %d):\n", snapshot.ID, snapshot.Type, snapshot.ResourceID)
	done, err := client.Actions.Wait(ctx, snapshot.ID, waitOptions())
	if err != nil {
		return err
	}
	fmt.Printf("  %s after %s\n", done.Status, done.CompletedAt.Sub(done.StartedAt))

	// 2. An action that errors: the error carries the action.
	resize := srv.AddAction("resize", "droplet", 3164444, true)
	fmt.Printf("\nWaiting for action %d (%s), which will fail:\n", resize.ID, resize.Type)
	_, err = client.Actions.Wait(ctx, resize.ID, waitOptions())
	var failed *digitalocean.ActionFailedError
	if !errors.As(err, &failed) {
		return fmt.Errorf("want an *ActionFailedError, got %v", err)
	}
	fmt.Printf("  %v\n  (status %s, resource %s %d)\n", err, failed.Action.Status, failed.Action.ResourceType, failed.Action.ResourceID)

	// 3. Giving up: the context's deadline stops the waiting, not the
	// action, which can be waited for again later.
	backup := srv.AddAction("backup", "droplet", 3164444, false)
	fmt.Printf("\nWaiting at most 300ms for action %d (%s):\n", backup.ID, backup.Type)
	short, cancel := context.WithTimeout(ctx, 300*time.Millisecond)
	defer cancel()
	last, err := client.Actions.Wait(short, backup.ID, waitOptions())
	if !errors.Is(err, context.DeadlineExceeded) {
		return fmt.Errorf("want the deadline to end the wait, got %v", err)
	}
	fmt.Printf("  gave up: %v\n  the action is still %s; waiting again without a deadline:\n", err, last.Status)
	done, err = client.Actions.Wait(ctx, backup.ID, waitOptions())
	if err != nil {
		return err
	}
	fmt.Printf("  %s\n", done.Status)
	return nil
}

func runLive(ctx context.Context, token string, id int) error {
	client, err := digitalocean.New(digitalocean.WithToken(token))
	if err != nil {
		return err
	}
	if id == 0 {
		// Actions come newest first; an in-progress one is near the top.
		actions, _, err := client.Actions.List(ctx, &digitalocean.ListOptions{PerPage: 50})
		if err != nil {
			return fmt.Errorf("list actions: %w", err)
		}
		for _, a := range actions {
			if a.Status == digitalocean.ActionStatusInProgress {
				id = a.ID
				break
			}
		}
		if id == 0 {
			fmt.Println("no action in progress among the newest 50; pass -id to wait for one")
			return nil
		}
	}
	fmt.Printf("Waiting for action %d:\n", id)
	done, err := client.Actions.Wait(ctx, id, waitOptions())
	switch {
	case errors.Is(err, digitalocean.ErrNotFound):
		return fmt.Errorf("no action %d on this account", id)
	case err != nil:
		return err
	}
	fmt.Printf("  %s %s on %s %d\n", done.Type, done.Status, done.ResourceType, done.ResourceID)
	return nil
}
