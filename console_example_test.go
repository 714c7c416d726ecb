package digitalocean_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/oceankit/digitalocean"
	"github.com/oceankit/digitalocean/digitaloceantest"
)

func ExampleAppsService_OpenConsole() {
	srv := digitaloceantest.NewServer()
	defer srv.Close()
	client := srv.Client()
	ctx := context.Background()

	app, _, err := client.Apps.Create(ctx, &digitalocean.AppCreateRequest{Spec: helloSpec("console-example")})
	if err != nil {
		fmt.Println(err)
		return
	}
	srv.Advance(3 * digitaloceantest.DefaultPhaseDuration) // the deployment is ACTIVE

	// ctx governs the whole session; the size is the local terminal's.
	console, _, err := client.Apps.OpenConsole(ctx, app.ID,
		&digitalocean.ExecOptions{Component: "web"},
		&digitalocean.ConsoleOptions{Width: 100, Height: 30})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer console.Close()

	// Type as a terminal would ("\r" is Enter). The shell's exit ends the
	// session normally, so reading stops at io.EOF.
	if _, err := io.WriteString(console, "stty size\recho hello from the console\rexit\r"); err != nil {
		fmt.Println(err)
		return
	}
	out, err := io.ReadAll(console)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Print(strings.ReplaceAll(string(out), "\r\n", "\n"))
	// Output:
	// $ stty size
	// 30 100
	// $ echo hello from the console
	// hello from the console
	// $ exit
}

func ExampleConsoleClosedError() {
	srv := digitaloceantest.NewServer()
	defer srv.Close()
	client := srv.Client()
	ctx := context.Background()

	app, _, err := client.Apps.Create(ctx, &digitalocean.AppCreateRequest{Spec: helloSpec("console-closed")})
	if err != nil {
		fmt.Println(err)
		return
	}
	srv.Advance(3 * digitaloceantest.DefaultPhaseDuration)

	// GetExec and DialConsole are OpenConsole in two steps.
	exec, _, err := client.Apps.GetExec(ctx, app.ID, &digitalocean.ExecOptions{Component: "web"})
	if err != nil {
		fmt.Println(err)
		return
	}
	console, err := client.Apps.DialConsole(ctx, exec.URL, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer console.Close()

	srv.CloseConsoles(1011, "instance restarting") // the server ends the session abnormally
	_, err = io.Copy(io.Discard, console)
	var closed *digitalocean.ConsoleClosedError
	if errors.As(err, &closed) {
		fmt.Println("code:", closed.Code)
		fmt.Println(err)
	}
	// Output:
	// code: 1011
	// digitalocean: console closed by the server with code 1011: instance restarting
}
