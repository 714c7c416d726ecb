package appspec_test

import (
	"fmt"

	"github.com/oceankit/digitalocean"
	"github.com/oceankit/digitalocean/appspec"
)

func ExampleDiff() {
	// actual is the spec as the API returned it: the SECRET value
	// encrypted, GENERAL and zero values left out, envs in another order.
	actual := &digitalocean.AppSpec{
		Name: "shop",
		Services: []*digitalocean.AppServiceSpec{{
			Name:     "api",
			GitHub:   &digitalocean.AppGitHubSourceSpec{Repo: "acme/shop", Branch: "main"},
			HTTPPort: 8080,
			Envs: []*digitalocean.AppVariableDefinition{
				{Key: "LOG_LEVEL", Value: "info"},
				{Key: "DB_PASSWORD", Type: digitalocean.AppVariableTypeSecret, Value: "EV[1:bm9uY2U=:Y2lwaGVydGV4dA==]"},
			},
		}},
	}
	// desired is what the user wrote: the plaintext secret, and one real change.
	desired := &digitalocean.AppSpec{
		Name: "shop",
		Services: []*digitalocean.AppServiceSpec{{
			Name:          "api",
			GitHub:        &digitalocean.AppGitHubSourceSpec{Repo: "acme/shop", Branch: "main"},
			HTTPPort:      8080,
			InstanceCount: 2,
			Envs: []*digitalocean.AppVariableDefinition{
				{Key: "DB_PASSWORD", Type: digitalocean.AppVariableTypeSecret, Value: "hunter2"},
				{Key: "LOG_LEVEL", Type: digitalocean.AppVariableTypeGeneral, Value: "info"},
			},
		}},
	}
	// A provider plans with appspec.Diff(actual, appspec.Normalize(desired)).
	changes := appspec.Diff(actual, desired)
	for _, c := range changes {
		fmt.Println(c)
	}
	fmt.Println("update needed:", appspec.HasChanges(changes))
	fmt.Println(changes[1].Path.JSONPath())
	// Output:
	// ~ services[name=api].envs[key=DB_PASSWORD].value: encrypted value and plaintext cannot be compared
	// + services[name=api].instance_count: 2
	// update needed: true
	// $.services[?@.name=='api'].instance_count
}
