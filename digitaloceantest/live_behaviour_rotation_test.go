package digitaloceantest_test

import (
	"context"
	"fmt"
	"testing"

	do "github.com/oceankit/digitalocean"
	"github.com/oceankit/digitalocean/appspec"
	"github.com/oceankit/digitalocean/digitaloceantest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Secret rotation held against the fake's encryption (facts 1–5, 31): a
// provider that records the fingerprints of what it applied plans nothing
// while the secrets stay the same, even though the fake answers with
// ciphertexts only, and plans exactly the secret that was rotated — a
// SECRET env at app level or in any component, or the registry
// credentials of any component that takes an image.
func TestPlanRotatedSecretsAgainstTheFakesModel(t *testing.T) {
	srv := digitaloceantest.New(t)
	client := srv.Client()
	ctx := context.Background()
	hasher, err := appspec.NewSecretHasher(appspec.NewSecretKey())
	require.NoError(t, err)

	image := `"image":{"registry_type":"GHCR","registry":"acme","repository":"app","tag":"1","registry_credentials":"acme:ghp_one"}`
	envs := `"envs":[{"key":"TOKEN","type":"SECRET","value":"one"},{"key":"MODE","value":"prod"}]`
	desired := `{"envs":[{"key":"APP_TOKEN","type":"SECRET","value":"one"}],
		"services":[{"name":"web",` + gh + `,` + envs + `},{"name":"img",` + image + `}],
		"static_sites":[{"name":"site",` + gh + `,` + envs + `}],
		"workers":[{"name":"queue",` + image + `,` + envs + `}],
		"jobs":[{"name":"migrate","kind":"PRE_DEPLOY",` + image + `,` + envs + `}],
		"functions":[{"name":"fn",` + gh + `,` + envs + `}]}`
	rotations := map[string]func(map[string]any){
		"envs[key=APP_TOKEN].value": func(s map[string]any) { s["envs"].([]any)[0].(map[string]any)["value"] = "two" },
	}
	for _, kind := range []string{"services", "static_sites", "workers", "jobs", "functions"} {
		rotations[fmt.Sprintf("%s[name=%s].envs[key=TOKEN].value", kind, component(decodeObject(t, desired), kind)["name"])] = func(s map[string]any) {
			component(s, kind)["envs"].([]any)[0].(map[string]any)["value"] = "two"
		}
	}
	for kind, name := range map[string]string{"services": "img", "workers": "queue", "jobs": "migrate"} {
		rotations[fmt.Sprintf("%s[name=%s].image.registry_credentials", kind, name)] = func(s map[string]any) {
			for _, c := range s[kind].([]any) {
				if c := c.(map[string]any); c["name"] == name {
					c["image"].(map[string]any)["registry_credentials"] = "acme:ghp_two"
				}
			}
		}
	}
	require.Len(t, rotations, 9)

	i := 0
	for path, rotate := range rotations {
		t.Run(path, func(t *testing.T) {
			i++
			name := fmt.Sprintf("rotate-%d", i)
			spec := specJSON(t, name, decodeObject(t, desired))
			require.NoError(t, appspec.Validate(spec))
			app, _, err := client.Apps.Create(ctx, &do.AppCreateRequest{Spec: spec})
			require.NoError(t, err)
			recorded := hasher.Fingerprints(appspec.Normalize(spec))
			plan := func(desired *do.AppSpec) []appspec.Change {
				return appspec.DiffWith(mustGet(t, client, app.ID).Spec, appspec.Normalize(desired),
					appspec.DiffOptions{Secrets: hasher, Fingerprints: recorded})
			}
			assert.Empty(t, plan(spec), "the same secrets: nothing planned, nothing undecided")

			rotatedObject := decodeObject(t, desired)
			rotate(rotatedObject)
			rotated := specJSON(t, name, rotatedObject)
			changes := plan(rotated)
			require.Len(t, changes, 1, "%v", changes)
			assert.Equal(t, path, changes[0].Path.String())
			assert.True(t, changes[0].Rotated())
			assert.True(t, appspec.HasChanges(changes))

			_, _, err = client.Apps.Update(ctx, app.ID, &do.AppUpdateRequest{Spec: rotated})
			require.NoError(t, err)
			recorded = hasher.Fingerprints(appspec.Normalize(rotated))
			assert.Empty(t, plan(rotated), "applied: nothing left")
		})
	}
}
