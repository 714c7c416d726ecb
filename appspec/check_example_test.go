package appspec_test

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/oceankit/digitalocean/appspec"
)

// Check reports a file's own problems (a misspelled key, a value of the
// wrong type) and Validate's (a region that does not exist, a component
// with no source, an empty ingress match) in one pass, each where it is
// written.
func ExampleCheck() {
	dir, err := os.MkdirTemp("", "spec")
	if err != nil {
		panic(err)
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "app.yaml")
	err = os.WriteFile(path, []byte(`name: shop
region: mars
services:
  - name: api
    github: {repo: acme/api, branch: main}
    instance_cont: 2
    http_port: eighty
  - nmae: worker
ingress:
  rules:
    - match: {authority: {}}
      component: {name: api}
`), 0o644)
	if err != nil {
		panic(err)
	}
	_, err = appspec.Check(path)
	var problems appspec.Errors
	if errors.As(err, &problems) {
		for _, p := range problems {
			fmt.Println(strings.Replace(p.Error(), path, "app.yaml", 1)) // the temporary directory left out
		}
	}
	// Output:
	// digitalocean: app spec: app.yaml:2:9: region: "mars" is not one of atl, nyc, sfo, tor, ams, fra, lon, blr, sgp, syd
	// digitalocean: app spec: app.yaml:6:5: services[0].instance_cont: unknown key "instance_cont" (did you mean "instance_count"?)
	// digitalocean: app spec: app.yaml:7:16: services[0].http_port: want an integer, got "eighty"
	// digitalocean: app spec: app.yaml:8:5: services[1].nmae: unknown key "nmae" (did you mean "name"?)
	// digitalocean: app spec: app.yaml:8:5: services[1]: has no source: set one of git, github, gitlab, bitbucket or image
	// digitalocean: app spec: app.yaml:11:15: ingress.rules[0].match.authority.exact: is required
}
