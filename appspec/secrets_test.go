package appspec_test

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"strings"
	"testing"

	do "github.com/oceankit/digitalocean"
	"github.com/oceankit/digitalocean/appspec"
	"github.com/oceankit/digitalocean/digitaloceantest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// secretsSpec has a SECRET env at app level, one in a service and one in
// a worker, and registry credentials on the service's image.
func secretsSpec(apiKey, dbPassword, workerToken, credentials string) *do.AppSpec {
	return &do.AppSpec{
		Name:   "shop",
		Region: do.AppRegionSlugNYC,
		Envs:   []*do.AppVariableDefinition{{Key: "API_KEY", Value: apiKey, Type: do.AppVariableTypeSecret}},
		Services: []*do.AppServiceSpec{{
			Name: "web",
			Image: &do.AppImageSourceSpec{RegistryType: do.AppImageSourceSpecRegistryTypeDockerHub, Registry: "acme",
				Repository: "web", Tag: "v1", RegistryCredentials: credentials},
			Envs: []*do.AppVariableDefinition{
				{Key: "DB_PASSWORD", Value: dbPassword, Type: do.AppVariableTypeSecret},
				{Key: "MODE", Value: "production"},
			},
		}},
		Workers: []*do.AppWorkerSpec{{
			Name:   "queue",
			GitHub: &do.AppGitHubSourceSpec{Repo: "acme/queue", Branch: "main"},
			Envs:   []*do.AppVariableDefinition{{Key: "TOKEN", Value: workerToken, Type: do.AppVariableTypeSecret}},
		}},
	}
}

func changePaths(changes []appspec.Change) []string {
	var out []string
	for _, c := range changes {
		out = append(out, c.Path.String())
	}
	return out
}

// TestSecretRotationIsPlanned follows docs/providers.md's lifecycle against
// the fake, which encrypts secrets as the API does: after an apply, the
// same secrets plan nothing; each rotated one (app level, in a service, in
// a worker, registry credentials) is planned, and only it.
func TestSecretRotationIsPlanned(t *testing.T) {
	srv := digitaloceantest.New(t)
	c := srv.Client(do.WithRetry(do.RetryPolicy{}))
	ctx := context.Background()
	hasher, err := appspec.NewSecretHasher(appspec.NewSecretKey())
	require.NoError(t, err)

	desired := secretsSpec("api-1", "db-1", "tok-1", "user:reg-1")
	app, _, err := c.Apps.Create(ctx, &do.AppCreateRequest{Spec: desired})
	require.NoError(t, err)
	fingerprints := hasher.Fingerprints(appspec.Normalize(desired)) // recorded after the apply
	assert.Equal(t, []string{
		"envs[key=API_KEY].value",
		"services[name=web].envs[key=DB_PASSWORD].value",
		"services[name=web].image.registry_credentials",
		"workers[name=queue].envs[key=TOKEN].value",
	}, sortedKeys(fingerprints))

	app, _, err = c.Apps.Get(ctx, app.ID)
	require.NoError(t, err)
	require.True(t, strings.HasPrefix(app.Spec.Envs[0].Value, "EV["), "the fake encrypts: %s", app.Spec.Envs[0].Value)
	plan := func(desired *do.AppSpec) []appspec.Change {
		return appspec.DiffWith(app.Spec, appspec.Normalize(desired),
			appspec.DiffOptions{Secrets: hasher, Fingerprints: fingerprints})
	}

	t.Run("unchanged secrets are not planned", func(t *testing.T) {
		changes := plan(secretsSpec("api-1", "db-1", "tok-1", "user:reg-1"))
		assert.Empty(t, changePaths(changes))
		assert.False(t, appspec.HasChanges(changes))
	})
	for _, tc := range []struct {
		name    string
		desired *do.AppSpec
		path    string
	}{
		{"app-level env", secretsSpec("api-2", "db-1", "tok-1", "user:reg-1"), "envs[key=API_KEY].value"},
		{"service env", secretsSpec("api-1", "db-2", "tok-1", "user:reg-1"), "services[name=web].envs[key=DB_PASSWORD].value"},
		{"worker env", secretsSpec("api-1", "db-1", "tok-2", "user:reg-1"), "workers[name=queue].envs[key=TOKEN].value"},
		{"registry credentials", secretsSpec("api-1", "db-1", "tok-1", "user:reg-2"), "services[name=web].image.registry_credentials"},
	} {
		t.Run("rotated "+tc.name+" is planned", func(t *testing.T) {
			changes := plan(tc.desired)
			require.Equal(t, []string{tc.path}, changePaths(changes))
			ch := changes[0]
			assert.True(t, appspec.HasChanges(changes))
			assert.True(t, ch.Rotated())
			assert.True(t, ch.Sensitive)
			assert.False(t, ch.Undecidable)
			assert.Equal(t, appspec.Modified, ch.Kind)
			assert.Equal(t, "~ "+tc.path+": (sensitive value, rotated)", ch.String())
		})
	}
	t.Run("without fingerprints a rotation stays undecidable", func(t *testing.T) {
		changes := appspec.Diff(app.Spec, appspec.Normalize(secretsSpec("api-2", "db-1", "tok-1", "user:reg-1")))
		assert.Len(t, changes, 4)
		assert.False(t, appspec.HasChanges(changes), "Diff alone cannot tell: the reason DiffWith exists")
	})
	t.Run("a secret with no fingerprint stays undecidable", func(t *testing.T) {
		partial := appspec.SecretFingerprints{}
		for k, v := range fingerprints {
			if k != "envs[key=API_KEY].value" {
				partial[k] = v
			}
		}
		changes := appspec.DiffWith(app.Spec, appspec.Normalize(secretsSpec("api-2", "db-1", "tok-1", "user:reg-1")),
			appspec.DiffOptions{Secrets: hasher, Fingerprints: partial})
		require.Equal(t, []string{"envs[key=API_KEY].value"}, changePaths(changes))
		assert.True(t, changes[0].Undecidable)
		assert.False(t, appspec.HasChanges(changes))
	})
	t.Run("another key's fingerprints decide nothing as unchanged", func(t *testing.T) {
		other, err := appspec.NewSecretHasher(appspec.NewSecretKey())
		require.NoError(t, err)
		changes := appspec.DiffWith(app.Spec, appspec.Normalize(secretsSpec("api-1", "db-1", "tok-1", "user:reg-1")),
			appspec.DiffOptions{Secrets: other, Fingerprints: fingerprints})
		assert.Len(t, changes, 4, "no fingerprint matches under another key: all planned")
	})
}

func sortedKeys(m appspec.SecretFingerprints) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	// small: insertion sort keeps the test free of another import
	for i := 1; i < len(out); i++ {
		for j := i; j > 0 && out[j] < out[j-1]; j-- {
			out[j], out[j-1] = out[j-1], out[j]
		}
	}
	return out
}

// TestSecretFingerprints: fingerprints hold no plaintext, differ per
// fingerprint (salted), and match only the same key, path and plaintext.
func TestSecretFingerprints(t *testing.T) {
	const sentinel = "pl41ntext-S3NTINEL"
	key := bytes.Repeat([]byte{7}, 32)
	h, err := appspec.NewSecretHasher(key)
	require.NoError(t, err)
	spec := secretsSpec(sentinel, sentinel, "EV[1:abc:def]", "")
	fps := h.Fingerprints(spec)
	require.Equal(t, []string{"envs[key=API_KEY].value", "services[name=web].envs[key=DB_PASSWORD].value"}, sortedKeys(fps),
		"ciphertexts and empty values are not fingerprinted")
	a, b := fps["envs[key=API_KEY].value"], fps["services[name=web].envs[key=DB_PASSWORD].value"]
	assert.True(t, strings.HasPrefix(a, "hmac-sha256:v1:"), a)
	assert.NotEqual(t, a, b, "the same secret at two paths")
	assert.NotEqual(t, a, h.Fingerprints(spec)["envs[key=API_KEY].value"], "a fresh salt each time")
	for _, fp := range fps {
		assert.NotContains(t, fp, sentinel)
	}
	raw, err := json.Marshal(fps)
	require.NoError(t, err)
	assert.NotContains(t, string(raw), sentinel)

	assert.True(t, h.Matches(a, "envs[key=API_KEY].value", sentinel))
	assert.False(t, h.Matches(a, "envs[key=API_KEY].value", sentinel+"x"), "another plaintext")
	assert.False(t, h.Matches(a, "services[name=web].envs[key=DB_PASSWORD].value", sentinel), "another path")
	other, err := appspec.NewSecretHasher(bytes.Repeat([]byte{8}, 32))
	require.NoError(t, err)
	assert.False(t, other.Matches(a, "envs[key=API_KEY].value", sentinel), "another key")
	assert.False(t, h.Matches("garbage", "envs[key=API_KEY].value", sentinel))
	assert.False(t, h.Matches("hmac-sha256:v1:!!:x", "envs[key=API_KEY].value", sentinel))

	_, err = appspec.NewSecretHasher(key[:15])
	assert.ErrorIs(t, err, appspec.ErrShortSecretKey)

	// The key is a secret too.
	keyText := string(key)
	for _, out := range []string{h.String(), formatAll(h)} {
		assert.NotContains(t, out, keyText)
		assert.NotContains(t, out, "[7 7 7")
		assert.NotContains(t, out, "BwcHBwcH") // base64 of the key bytes
	}
}

// TestProvidersLifecycleIsTheTestedOne: docs/providers.md's lifecycle is
// the one TestSecretRotationIsPlanned follows, in its order — the create
// (or update), then the secrets fingerprinted as sent, then the plan that
// reads the fingerprints, then HasChanges — so that a provider that copies
// the documented lifecycle plans a rotated secret and not an unchanged one.
func TestProvidersLifecycleIsTheTestedOne(t *testing.T) {
	raw, err := os.ReadFile("../docs/providers.md")
	require.NoError(t, err)
	_, section, found := strings.Cut(string(raw), "## The resource lifecycle")
	require.True(t, found, "docs/providers.md has its lifecycle section")
	_, block, found := strings.Cut(section, "```go\n")
	require.True(t, found, "the lifecycle is a Go block")
	block, _, found = strings.Cut(block, "```")
	require.True(t, found)
	code := strings.Join(strings.Fields(block), " ") // lines joined
	steps := []string{
		"client.Apps.Create(ctx, &digitalocean.AppCreateRequest{Spec: desired})",
		"state.Fingerprints = hasher.Fingerprints(appspec.Normalize(desired))",
		"appspec.DiffWith(app.Spec, appspec.Normalize(desired), appspec.DiffOptions{Secrets: hasher, Fingerprints: state.Fingerprints})",
		"if !appspec.HasChanges(changes) {",
		"then record the fingerprints again",
	}
	at := -1
	for _, step := range steps {
		i := strings.Index(code, step)
		if !assert.GreaterOrEqual(t, i, 0, "docs/providers.md's lifecycle no longer has %q", step) {
			continue
		}
		assert.Greater(t, i, at, "docs/providers.md's lifecycle has %q out of order", step)
		at = i
	}
}
