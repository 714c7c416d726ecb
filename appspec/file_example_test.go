package appspec_test

import (
	"encoding/json"
	"errors"
	"fmt"

	"github.com/oceankit/digitalocean"
	"github.com/oceankit/digitalocean/appspec"
)

// Every problem in a file is reported at once, each with its path, line and
// column.
func ExampleParse_everyProblem() {
	_, err := appspec.Parse([]byte(`name: shop
regoin: nyc
services:
  - name: api
    http_port: eighty
    instance_count: 1
    instance_count: 2
`))
	var problems appspec.Errors
	if errors.As(err, &problems) {
		for _, p := range problems {
			fmt.Printf("%d:%d %s: %s\n", p.Line, p.Column, p.Path, p.Msg)
		}
	}
	var first *appspec.Error
	if errors.As(err, &first) {
		fmt.Println("first:", first.Path, "did you mean", first.Suggestion)
	}
	// Output:
	// 2:1 regoin: unknown key "regoin"
	// 5:16 services[0].http_port: want an integer, got "eighty"
	// 7:5 services[0].instance_count: key "instance_count" repeated (first at line 6)
	// first: regoin did you mean region
}

// A key close to no known key is kept, as the JSON decoder keeps it, and
// listed by UnknownFields; a key close to a known one is a typo.
func ExampleParse_unknownKeys() {
	spec, err := appspec.Parse([]byte(`name: shop
services:
  - name: api
    sidecars:
      - image: envoy
`))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(spec.UnknownFields())

	_, err = appspec.Parse([]byte("name: shop\nservices:\n  - name: api\n    instance_cont: 2\n"))
	fmt.Println(err)
	// Output:
	// [services[0].sidecars]
	// digitalocean: app spec: line 4, column 5: services[0].instance_cont: unknown key "instance_cont" (did you mean "instance_count"?)
}

// A spec from a newer API keeps the keys this SDK does not know; its file
// marks them, so it loads back unchanged even when a key looks like a typo.
func ExampleMarshal() {
	var spec digitalocean.AppSpec // as decoded from an API response
	if err := json.Unmarshal([]byte(`{"name":"shop","services":[{"name":"api","http_port":8080,"http_ports":[8080,8081]}]}`), &spec); err != nil {
		fmt.Println(err)
		return
	}
	out, err := appspec.Marshal(&spec)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Print(string(out))

	back, err := appspec.Parse(out)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(back.UnknownFields())
	// Output:
	// name: shop
	// services:
	//   - name: api
	//     http_port: 8080
	//     # not known to this SDK version, kept as is
	//     http_ports:
	//       - 8080
	//       - 8081
	// [services[0].http_ports]
}

// A deploy template (.do/deploy.template.yaml) holds the spec under "spec:".
func ExampleParseDeployTemplate() {
	spec, err := appspec.ParseDeployTemplate([]byte(`spec:
  name: sample-nodejs
  services:
    - name: web
      git: {repo_clone_url: "https://github.com/digitalocean/sample-nodejs.git", branch: main}
      run_command: npm start
`))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(spec.Name, spec.Services[0].RunCommand)

	_, err = appspec.ParseDeployTemplate([]byte("name: sample-nodejs\nservices: []\n"))
	fmt.Println(err)
	// Output:
	// sample-nodejs npm start
	// digitalocean: app spec: line 1, column 1: a deploy template holds its app spec under a top-level "spec:" key, the only key allowed there; this document has "name" and "services" at the top level, as a bare app spec does: to make it a deploy template, add the line "spec:" at the top and indent every other line by two spaces
}

func ExampleLoadDeployTemplate() {
	spec, err := appspec.LoadDeployTemplate("testdata/appspecs/deploy.template.yaml")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(spec.Name, len(spec.Services), spec.Alerts[0].Rule)
	// Output:
	// sample-nodejs 1 DEPLOYMENT_FAILED
}
