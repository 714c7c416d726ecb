package appspec_test

import (
	"fmt"

	"github.com/oceankit/digitalocean"
	"github.com/oceankit/digitalocean/appspec"
)

// A provider fingerprints the secrets it applied, keeps the fingerprints
// in its state, and plans with them: the same secret is no change, a new
// one is planned, and neither is ever printed.
func ExampleDiffWith() {
	hasher, err := appspec.NewSecretHasher(appspec.NewSecretKey()) // the provider's key, not in the state
	if err != nil {
		panic(err)
	}
	desired := func(apiKey string) *digitalocean.AppSpec {
		return &digitalocean.AppSpec{
			Name: "shop",
			Envs: []*digitalocean.AppVariableDefinition{{Key: "API_KEY", Type: digitalocean.AppVariableTypeSecret, Value: apiKey}},
			Services: []*digitalocean.AppServiceSpec{{Name: "web", Image: &digitalocean.AppImageSourceSpec{
				RegistryType: digitalocean.AppImageSourceSpecRegistryTypeDockerHub, Registry: "library", Repository: "nginx"}}},
		}
	}
	// After the apply: the fingerprints go to the state; the API holds the
	// value encrypted.
	fingerprints := hasher.Fingerprints(appspec.Normalize(desired("key-1")))
	live := appspec.Normalize(desired("EV[1:bm9uY2Utbm9uY2Utbm9uY2U=:c2VhbGVk]"))
	opts := appspec.DiffOptions{Secrets: hasher, Fingerprints: fingerprints}

	fmt.Println("same key planned:", appspec.HasChanges(appspec.DiffWith(live, appspec.Normalize(desired("key-1")), opts)))
	for _, c := range appspec.DiffWith(live, appspec.Normalize(desired("key-2")), opts) {
		fmt.Println(c)
	}
	// Output:
	// same key planned: false
	// ~ envs[key=API_KEY].value: (sensitive value, rotated)
}
