// Command quickstart tours the SDK.
//
// Without DIGITALOCEAN_TOKEN it starts the fake API in-process and walks an
// app through its life: create it from app.yaml, wait for the deployment,
// follow its logs, redeploy, roll back and delete it. Nothing leaves the
// machine, and it finishes in a few seconds:
//
//	go run ./examples/quickstart
//
// With a token it makes read-only calls against the real API (account,
// apps, actions, regions, instance sizes). Add -write to also deploy a
// one-instance version of app.yaml's service, wait for it and delete it
// again; that costs a few cents:
//
//	DIGITALOCEAN_TOKEN=dop_v1_... go run ./examples/quickstart -write
package main

import (
	_ "embed"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"time"

	"github.com/oceankit/digitalocean"
	"github.com/oceankit/digitalocean/appspec"
)

// defaultSpecPath is where app.yaml is when run from the repository root;
// the embedded copy is used when it is not there.
const defaultSpecPath = "examples/quickstart/app.yaml"

//go:embed app.yaml
var embeddedSpec []byte

func main() {
	specPath := flag.String("spec", defaultSpecPath, "app spec file, YAML or JSON")
	write := flag.Bool("write", false, "with DIGITALOCEAN_TOKEN: also create, wait for and delete a small app (billed)")
	flag.Parse()

	start := time.Now()
	var err error
	if token := os.Getenv("DIGITALOCEAN_TOKEN"); token != "" {
		err = runLive(token, *specPath, *write)
	} else {
		if *write {
			fmt.Println("note: -write needs DIGITALOCEAN_TOKEN; touring the fake API instead")
		}
		err = runFake(*specPath)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "quickstart:", err)
		os.Exit(1)
	}
	fmt.Printf("done in %s\n", time.Since(start).Round(time.Millisecond))
}

// loadSpec reads the app spec file. The default path falls back to the copy
// built into the binary, so the example also runs from another directory.
func loadSpec(path string) (*digitalocean.AppSpec, error) {
	spec, err := appspec.Load(path)
	if errors.Is(err, fs.ErrNotExist) && path == defaultSpecPath {
		return appspec.Parse(embeddedSpec)
	}
	// An *appspec.Error names the file, line and key.
	return spec, err
}

// step prints a numbered heading for one part of the tour.
func step(n int, title string) { fmt.Printf("\n%d. %s\n", n, title) }

// progress returns wait options that print a line whenever the polled
// state changes, with a deployment's finished steps and the time spent
// waiting so far.
func progress(minInterval, maxInterval time.Duration) *digitalocean.WaitOptions {
	start, last := time.Now(), ""
	return &digitalocean.WaitOptions{
		MinInterval: minInterval,
		MaxInterval: maxInterval,
		OnProgress: func(p digitalocean.WaitProgress) {
			state := p.State
			if d := p.Deployment; d != nil && d.Progress != nil && d.Progress.TotalSteps > 0 {
				state = fmt.Sprintf("%s %d/%d", state, d.Progress.SuccessSteps, d.Progress.TotalSteps)
			}
			if state == last {
				return
			}
			last = state
			fmt.Printf("   … %-17s after %s\n", state, time.Since(start).Round(10*time.Millisecond))
		},
	}
}

// components names an app spec's components by kind.
func components(spec *digitalocean.AppSpec) string {
	var out string
	add := func(kind string, names ...string) {
		for _, n := range names {
			if out != "" {
				out += ", "
			}
			out += kind + " " + n
		}
	}
	for _, c := range spec.Services {
		add("service", c.Name)
	}
	for _, c := range spec.Workers {
		add("worker", c.Name)
	}
	for _, c := range spec.Jobs {
		add("job", c.Name+" ("+string(c.Kind)+")")
	}
	for _, c := range spec.StaticSites {
		add("static site", c.Name)
	}
	return out
}
