// Command provider is a small Terraform-style resource for App Platform
// apps, built on the SDK alone: resource.go holds Create, Read, Update,
// Delete and Import, plan.go the plan (appspec.Validate, appspec.Normalize,
// appspec.DiffWith, secrets settled by the fingerprints kept in the state),
// diagnostics.go the mapping of errors to spec attributes.
//
// Without DIGITALOCEAN_TOKEN it runs the resource's whole life against the
// fake API, in a few seconds:
//
//	go run ./examples/provider
//
// With a token it only reads, unless -apply is given: -spec plans that
// file against the app of the same name (or the one -app names, by ID or
// name); -apply then carries the plan out (billed). -state keeps the state
// in a JSON file between runs, so that secrets can be compared; the key
// of their fingerprints is kept apart, in the file's name plus ".key".
//
//	DIGITALOCEAN_TOKEN=dop_v1_... go run ./examples/provider -spec app.yaml
package main

import (
	"context"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strings"
	"time"

	"github.com/oceankit/digitalocean"
	"github.com/oceankit/digitalocean/appspec"
)

func main() {
	specPath := flag.String("spec", "", "desired app spec file (YAML or JSON) to plan")
	app := flag.String("app", "", "app to plan against, by ID or name (default: the spec's name)")
	statePath := flag.String("state", "", "state file to read and write (JSON)")
	apply := flag.Bool("apply", false, "with DIGITALOCEAN_TOKEN: carry the plan out (billed)")
	flag.Parse()

	var err error
	if token := os.Getenv("DIGITALOCEAN_TOKEN"); token != "" {
		err = runLive(token, live{specPath: *specPath, app: *app, statePath: *statePath, apply: *apply})
	} else {
		fmt.Println("DIGITALOCEAN_TOKEN is not set: running the resource against the fake API")
		err = runFake(os.Stdout)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "provider:", err)
		for _, d := range Diagnostics(err) {
			if d.Path != "" {
				fmt.Fprintf(os.Stderr, "  at %s: %s\n", d.Path, d.Summary)
			}
		}
		os.Exit(1)
	}
}

// live holds the flags of a run against the real API.
type live struct {
	specPath, app, statePath string
	apply                    bool
}

func runLive(token string, l live) error {
	if l.specPath == "" {
		fmt.Println("DIGITALOCEAN_TOKEN is set: pass -spec app.yaml to plan it (read-only), and -apply to apply the plan")
		return nil
	}
	client, err := digitalocean.New(digitalocean.WithToken(token))
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Minute)
	defer cancel()
	return l.run(ctx, client, os.Stdout)
}

// run plans the spec file against the account's app; it writes only with
// apply.
func (l live) run(ctx context.Context, client *digitalocean.Client, out io.Writer) error {
	desired, err := appspec.Load(l.specPath)
	if err != nil {
		return err
	}
	secrets, err := secretHasher(l.statePath, l.apply)
	if err != nil {
		return err
	}
	r := &Resource{Client: client, Secrets: secrets, Logf: func(f string, a ...any) { fmt.Fprintf(out, "  "+f+"\n", a...) }}
	st, err := loadState(l.statePath)
	if err != nil {
		return err
	}
	if !st.Exists() {
		ref := l.app
		if ref == "" {
			ref = desired.Name
		}
		imported, err := r.Import(ctx, ref)
		switch {
		case err == nil:
			st = imported
		case !errors.Is(err, digitalocean.ErrNotFound):
			return err
		}
	}
	p, err := r.Plan(ctx, st, desired)
	if err != nil {
		return err
	}
	fmt.Fprintln(out, p)
	if !l.apply {
		return nil
	}
	err = r.Apply(ctx, st, desired, p)
	if saveErr := saveState(l.statePath, st); err == nil {
		err = saveErr
	}
	return err
}

// loadState reads a state file; a missing file (or none given) is an empty
// state.
func loadState(path string) (*State, error) {
	st := &State{}
	if path == "" {
		return st, nil
	}
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return st, nil
	}
	if err != nil {
		return nil, err
	}
	return st, json.Unmarshal(b, st)
}

func saveState(path string, st *State) error {
	if path == "" {
		return nil
	}
	b, err := json.MarshalIndent(st, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, b, 0o600)
}

// secretHasher is the provider's key for the fingerprints of secrets,
// kept beside the state file (statePath + ".key", created by the first
// apply) and never in it: a leaked state then says nothing about the
// secrets. Without a state file, or before the first apply, the key is
// a fresh one: there are no fingerprints to check yet.
func secretHasher(statePath string, create bool) (*appspec.SecretHasher, error) {
	if statePath == "" {
		return appspec.NewSecretHasher(appspec.NewSecretKey())
	}
	keyPath := statePath + ".key"
	b, err := os.ReadFile(keyPath)
	switch {
	case errors.Is(err, fs.ErrNotExist) && create:
		key := appspec.NewSecretKey()
		if err := os.WriteFile(keyPath, []byte(hex.EncodeToString(key)+"\n"), 0o600); err != nil {
			return nil, err
		}
		return appspec.NewSecretHasher(key)
	case errors.Is(err, fs.ErrNotExist):
		return appspec.NewSecretHasher(appspec.NewSecretKey())
	case err != nil:
		return nil, err
	}
	key, err := hex.DecodeString(strings.TrimSpace(string(b)))
	if err != nil {
		return nil, fmt.Errorf("%s: not a hex-encoded key", keyPath) // the decoder's error would quote a byte of the key
	}
	return appspec.NewSecretHasher(key)
}
