package appspec_test

import (
	"fmt"

	"github.com/oceankit/digitalocean/appspec"
)

func ExampleParse() {
	spec, err := appspec.Parse([]byte(`
name: shop
region: nyc
services:
  - name: api
    github: {repo: example/shop, branch: main}
    http_port: 8080
    health_check:
      http_path: /healthz
envs:
  - key: API_KEY
    type: SECRET
    value: s3cr3t
`))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(spec.Name, spec.Region, spec.Services[0].Name, spec.Services[0].HealthCheck.HTTPPath, spec.Envs[0].Type)

	// A key close to a known one is a typo, reported with its line.
	_, err = appspec.Parse([]byte("name: shop\nservices:\n  - name: api\n    helth_check: {http_path: /}\n"))
	fmt.Println(err)
	// Output:
	// shop nyc api /healthz SECRET
	// digitalocean: app spec: line 4, column 5: services[0].helth_check: unknown key "helth_check" (did you mean "health_check"?)
}

func ExampleLoad() {
	spec, err := appspec.Load("../examples/quickstart/app.yaml")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(spec.Name)
	for _, job := range spec.Jobs {
		fmt.Println("job", job.Name, job.Kind)
	}
	for _, site := range spec.StaticSites {
		fmt.Println("static site", site.Name)
	}
	// Output:
	// quickstart-shop
	// job migrate PRE_DEPLOY
	// static site web
}
