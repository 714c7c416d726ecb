package appspec_test

import (
	"errors"
	"fmt"

	"github.com/oceankit/digitalocean/appspec"
)

// Validate reports every problem of a spec at once, offline, as an
// Errors (the type Parse returns), each an *Error with the path of the
// field and, for a spec read from a document, where the field is written.
func ExampleValidate() {
	spec, err := appspec.Parse([]byte(`
name: shop
region: nyc
services:
  - name: api
    github: {repo: acme/api, branch: main}
    instance_size_slug: apps-s-1vcpu-3gb
    envs:
      - key: DATABASE_URL
        value: ${dbb.DATABASE_URL}
databases:
  - name: db
    engine: PG
ingress:
  rules:
    - component: {name: worker}
`))
	if err != nil {
		panic(err)
	}
	err = appspec.Validate(spec)
	var problems appspec.Errors
	if errors.As(err, &problems) {
		for _, p := range problems {
			fmt.Println(p)
		}
	}
	var first *appspec.Error
	if errors.As(err, &first) {
		fmt.Println("first:", first.Path)
	}
	// Output:
	// digitalocean: app spec: line 7, column 25: services[0].instance_size_slug: "apps-s-1vcpu-3gb" is not one of apps-s-1vcpu-0.5gb, apps-s-1vcpu-1gb-fixed, apps-s-1vcpu-1gb, apps-s-1vcpu-2gb, apps-s-2vcpu-4gb, apps-d-1vcpu-0.5gb, apps-d-1vcpu-1gb, apps-d-1vcpu-2gb, apps-d-1vcpu-4gb, apps-d-2vcpu-4gb, apps-d-2vcpu-8gb, apps-d-4vcpu-8gb, apps-d-4vcpu-16gb, apps-d-8vcpu-32gb, basic-xxs, basic-xs, basic-s, basic-m, professional-xs, professional-s, professional-m, professional-1l, professional-l, professional-xl
	// digitalocean: app spec: line 16, column 25: ingress.rules[0].component.name: no component is named "worker"
	// digitalocean: app spec: line 10, column 16: services[0].envs[0].value: ${dbb.DATABASE_URL} refers to "dbb", which is not a component or database of the app
	// first: services[0].instance_size_slug
}
