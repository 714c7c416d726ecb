// Command console opens a shell in a running App Platform component, as
// `doctl apps console` does, and types commands into it.
//
// Without DIGITALOCEAN_TOKEN it starts the fake API in-process, deploys a
// one-service app, opens a console in it, runs a few commands, resizes the
// terminal and exits; it reads nothing from stdin:
//
//	go run ./examples/console
//
// With a token it opens a console in -component of -app and sends each
// line of stdin as a command (followed by Enter), then "exit" when stdin
// ends. Without -app it lists your apps and their components. Output is
// copied to stdout as the remote terminal writes it:
//
//	echo 'ls -la' | DIGITALOCEAN_TOKEN=dop_v1_... go run ./examples/console -app <id> -component web
//
// The local terminal is not put in raw mode (that needs golang.org/x/term),
// so input is sent a line at a time; Ctrl-C closes the session.
package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"time"

	"github.com/oceankit/digitalocean"
	"github.com/oceankit/digitalocean/digitaloceantest"
)

func main() {
	appID := flag.String("app", "", "with DIGITALOCEAN_TOKEN: the app to open a console in")
	component := flag.String("component", "", "with DIGITALOCEAN_TOKEN: the component (a service or worker)")
	instance := flag.String("instance", "", "with DIGITALOCEAN_TOKEN: an instance name; empty lets the API pick")
	flag.Parse()

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	var err error
	if token := os.Getenv("DIGITALOCEAN_TOKEN"); token != "" {
		err = runLive(ctx, token, *appID, &digitalocean.ExecOptions{Component: *component, InstanceName: *instance})
	} else {
		err = runFake(ctx)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "console:", err)
		os.Exit(1)
	}
}

// prompt is the fake shell's prompt.
const prompt = "$ "

// runFake deploys an app to the fake API and talks to its console.
func runFake(ctx context.Context) error {
	srv := digitaloceantest.NewServer(
		digitaloceantest.WithRealClock(), // deployments progress on their own
		digitaloceantest.WithPhaseDuration(100*time.Millisecond),
	)
	defer srv.Close()
	client := srv.Client(digitalocean.WithUserAgent("console-example"))
	fmt.Printf("DIGITALOCEAN_TOKEN is not set: using the fake API at %s\n", srv.URL())

	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	app, _, err := client.Apps.Create(ctx, &digitalocean.AppCreateRequest{Spec: &digitalocean.AppSpec{
		Name: "console-example",
		Services: []*digitalocean.AppServiceSpec{{
			Name:   "web",
			GitHub: &digitalocean.AppGitHubSourceSpec{Repo: "digitalocean/sample-golang", Branch: "main"},
		}},
	}})
	if err != nil {
		return err
	}
	if _, err := client.Apps.WaitForAppDeployment(ctx, app, &digitalocean.WaitOptions{MinInterval: 50 * time.Millisecond}); err != nil {
		return err
	}
	fmt.Printf("app %s is live; opening a console in its service \"web\"\n\n", app.ID)

	// The session lasts as long as ctx; Width and Height are the terminal's
	// size, sent first.
	console, _, err := client.Apps.OpenConsole(ctx, app.ID,
		&digitalocean.ExecOptions{Component: "web"},
		&digitalocean.ConsoleOptions{Width: 80, Height: 24})
	if err != nil {
		return err
	}
	defer console.Close()

	term := &terminal{console: console}
	if err := term.waitPrompt(); err != nil {
		return err
	}
	for _, cmd := range []string{"hostname", "echo héllo, wörld ✓", "stty size"} {
		if err := term.run(cmd); err != nil {
			return err
		}
	}
	// A terminal window that changes size says so.
	if err := console.Resize(ctx, 120, 40); err != nil {
		return err
	}
	if err := term.run("stty size"); err != nil {
		return err
	}
	// exit makes the shell close the session normally: Read returns io.EOF.
	if _, err := io.WriteString(console, "exit\r"); err != nil {
		return err
	}
	rest, err := io.ReadAll(console)
	fmt.Print(strings.ReplaceAll(string(rest), "\r\n", "\n"))
	if err != nil {
		return err
	}

	sess := srv.ConsoleSessions()[0]
	fmt.Printf("\nthe console host saw %d stdin messages, resizes %v, close code %d; API token sent to it: %t\n",
		sess.StdinMessages, sess.Resizes, sess.CloseCode, sess.HadAuthorization)
	return nil
}

// terminal types commands into the fake's shell and prints what it shows.
type terminal struct {
	console *digitalocean.Console
	out     strings.Builder
}

// waitPrompt prints output until the shell prompts for the next command.
func (t *terminal) waitPrompt() error {
	buf := make([]byte, 4096)
	for {
		n, err := t.console.Read(buf)
		t.out.Write(buf[:n])
		if err != nil {
			return err
		}
		if strings.HasSuffix(t.out.String(), prompt) {
			fmt.Print(strings.ReplaceAll(t.out.String(), "\r\n", "\n"))
			t.out.Reset()
			return nil
		}
	}
}

// run types cmd and Enter, then waits for the next prompt.
func (t *terminal) run(cmd string) error {
	if _, err := io.WriteString(t.console, cmd+"\r"); err != nil {
		return err
	}
	return t.waitPrompt()
}

// runLive opens a console against the real API and feeds it stdin lines.
func runLive(ctx context.Context, token, appID string, exec *digitalocean.ExecOptions) error {
	client, err := digitalocean.New(digitalocean.WithToken(token), digitalocean.WithUserAgent("console-example"))
	if err != nil {
		return err
	}
	if appID == "" || exec.Component == "" {
		return listApps(ctx, client)
	}
	console, _, err := client.Apps.OpenConsole(ctx, appID, exec, nil)
	if err != nil {
		return err
	}
	defer console.Close()
	return attach(console, os.Stdin, os.Stdout)
}

// attach copies the console's output to out and types each line of in,
// until the session ends: the shell exited, or ctx ended.
func attach(console *digitalocean.Console, in io.Reader, out io.Writer) error {
	go sendLines(console, in) // a read of in may block for ever: not waited for
	_, err := io.Copy(out, console)
	if errors.Is(err, context.Canceled) {
		return nil // Ctrl-C
	}
	return err
}

// sendLines types each line of in, then exit. A read error of in also
// ends the input.
func sendLines(console *digitalocean.Console, in io.Reader) {
	sc := bufio.NewScanner(in)
	for sc.Scan() {
		if _, err := io.WriteString(console, sc.Text()+"\r"); err != nil {
			return
		}
	}
	_, _ = io.WriteString(console, "exit\r")
}

// listApps prints the account's apps and the components a console can
// open in.
func listApps(ctx context.Context, client *digitalocean.Client) error {
	fmt.Println("pass -app and -component; your apps:")
	for app, err := range client.Apps.All(ctx, nil) {
		if err != nil {
			return err
		}
		name, names := "", []string{}
		if app.Spec != nil {
			name = app.Spec.Name
			for _, s := range app.Spec.Services {
				names = append(names, s.Name)
			}
			for _, w := range app.Spec.Workers {
				names = append(names, w.Name)
			}
		}
		fmt.Printf("  -app %s  (%s) components: %s\n", app.ID, name, strings.Join(names, ", "))
	}
	return nil
}
