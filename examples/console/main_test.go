package main

import (
	"context"
	"strings"
	"testing"
	"testing/synctest"

	"github.com/oceankit/digitalocean"
	"github.com/oceankit/digitalocean/digitaloceantest"
)

func TestRunFake(t *testing.T) {
	if err := runFake(t.Context()); err != nil {
		t.Fatal(err)
	}
}

// attach, the live path, against the fake: stdin lines become commands and
// the end of stdin exits the shell.
func TestAttach(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		srv := digitaloceantest.New(t, digitaloceantest.WithInMemoryNetwork())
		client := srv.Client()
		ctx := context.Background()
		app, _, err := client.Apps.Create(ctx, &digitalocean.AppCreateRequest{Spec: &digitalocean.AppSpec{
			Name:     "attach",
			Services: []*digitalocean.AppServiceSpec{{Name: "web", GitHub: &digitalocean.AppGitHubSourceSpec{Repo: "a/b", Branch: "main"}}},
		}})
		if err != nil {
			t.Fatal(err)
		}
		srv.Advance(3 * digitaloceantest.DefaultPhaseDuration)
		console, _, err := client.Apps.OpenConsole(ctx, app.ID, &digitalocean.ExecOptions{Component: "web"}, nil)
		if err != nil {
			t.Fatal(err)
		}
		defer console.Close()

		var out strings.Builder
		if err := attach(console, strings.NewReader("echo one\necho twö\n"), &out); err != nil {
			t.Fatal(err)
		}
		want := "$ echo one\r\none\r\n$ echo twö\r\ntwö\r\n$ exit\r\n"
		if out.String() != want {
			t.Errorf("output %q, want %q", out.String(), want)
		}
	})
}
