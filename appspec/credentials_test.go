package appspec_test

import (
	"testing"

	do "github.com/oceankit/digitalocean"
	"github.com/oceankit/digitalocean/appspec"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// credentialsSpec holds every credential of a spec that is not a SECRET
// env or registry_credentials, each set to secret: a Datadog API key, a
// Logtail token, an OpenSearch password (log destinations of a service)
// and an ingress secure header's value.
func credentialsSpec(secret string) *do.AppSpec {
	return &do.AppSpec{
		Name: "shop",
		Services: []*do.AppServiceSpec{{
			Name:   "web",
			GitHub: &do.AppGitHubSourceSpec{Repo: "acme/web", Branch: "main"},
			LogDestinations: []*do.AppLogDestination{
				{Name: "dd", Datadog: &do.AppLogDestinationDatadog{Endpoint: "https://dd.example", APIKey: secret}},
				{Name: "lt", Logtail: &do.AppLogDestinationLogtail{Token: secret}},
				{Name: "os", OpenSearch: &do.AppLogDestinationOpenSearch{Endpoint: "https://os.example:9300",
					BasicAuth: &do.AppLogDestinationOpenSearchBasicAuth{User: "apps", Password: secret}}},
			},
		}},
		Ingress: &do.AppIngressSpec{SecureHeader: &do.AppIngressSpecSecureHeader{Key: "X-Origin-Auth", Value: secret}},
	}
}

var credentialPaths = []string{
	"ingress.secure_header.value",
	"services[name=web].log_destinations[name=dd].datadog.api_key",
	"services[name=web].log_destinations[name=lt].logtail.token",
	"services[name=web].log_destinations[name=os].open_search.basic_auth.password",
}

// TestCredentialsAreSecrets: log-destination keys, tokens and passwords
// and a secure header's value are secrets to the plan, as SECRET envs are,
// though the live API's encryption of them is not established (fact 5):
// a changed one is a Sensitive change that no output shows, a new element
// holding one is masked field by field, they are fingerprinted, and a
// ciphertext against the fingerprinted plaintext is settled either way.
func TestCredentialsAreSecrets(t *testing.T) {
	t.Run("changed", func(t *testing.T) {
		changes := appspec.Diff(credentialsSpec("old-value"), credentialsSpec(leakSentinel))
		require.ElementsMatch(t, credentialPaths, changePaths(changes))
		for _, c := range changes {
			assert.True(t, c.Sensitive, c.Path)
			assert.False(t, c.Undecidable, c.Path)
			assert.Equal(t, "~ "+c.Path.String()+": (sensitive value)", c.String())
			assertNoLeak(t, c.Path.String(), c)
			_, revealed := c.Reveal()
			assert.JSONEq(t, `"`+leakSentinel+`"`, string(revealed), c.Path)
		}
		assert.True(t, appspec.HasChanges(changes))
		assertNoLeak(t, "list", changes)
	})
	t.Run("new elements masked field by field", func(t *testing.T) {
		old := credentialsSpec("")
		old.Services[0].LogDestinations = nil
		old.Ingress = nil
		changes := appspec.Diff(old, credentialsSpec(leakSentinel))
		require.NotEmpty(t, changes)
		news := map[string]string{}
		for _, c := range changes {
			assert.True(t, c.Sensitive, c.Path)
			assertNoLeak(t, c.Path.String(), c)
			news[c.Path.String()] = string(c.New)
		}
		assert.JSONEq(t, `{"name":"dd","datadog":{"endpoint":"https://dd.example","api_key":"(sensitive)"}}`,
			news["services[name=web].log_destinations[name=dd]"])
		assert.JSONEq(t, `{"name":"os","open_search":{"endpoint":"https://os.example:9300","basic_auth":{"user":"apps","password":"(sensitive)"}}}`,
			news["services[name=web].log_destinations[name=os]"])
		assert.JSONEq(t, `{"secure_header":{"key":"X-Origin-Auth","value":"(sensitive)"}}`, news["ingress"])
	})
	t.Run("fingerprinted", func(t *testing.T) {
		const ev = "EV[1:bm9uY2U=:c2VhbGVk]"
		h, err := appspec.NewSecretHasher(appspec.NewSecretKey())
		require.NoError(t, err)
		fps := h.Fingerprints(credentialsSpec(leakSentinel))
		var paths []string
		for p, fp := range fps {
			paths = append(paths, p)
			assert.NotContains(t, fp, leakSentinel)
		}
		assert.ElementsMatch(t, credentialPaths, paths)

		opts := appspec.DiffOptions{Secrets: h, Fingerprints: fps}
		assert.Empty(t, appspec.DiffWith(credentialsSpec(ev), credentialsSpec(leakSentinel), opts),
			"the ciphertext of the fingerprinted plaintext: unchanged")
		rotated := appspec.DiffWith(credentialsSpec(ev), credentialsSpec("rotated"), opts)
		require.ElementsMatch(t, credentialPaths, changePaths(rotated))
		for _, c := range rotated {
			assert.True(t, c.Rotated(), c.Path)
			assert.False(t, c.Undecidable, c.Path)
		}
		assert.True(t, appspec.HasChanges(rotated))
	})
}

// TestCredentialNamesElsewhereArePlain: the same member names in other
// objects are not credentials: a GENERAL env's value, an ingress rule's
// component name.
func TestCredentialNamesElsewhereArePlain(t *testing.T) {
	spec := func(v string) *do.AppSpec {
		return &do.AppSpec{Name: "shop", Envs: []*do.AppVariableDefinition{{Key: "MODE", Value: v}}}
	}
	changes := appspec.Diff(spec("a"), spec("b"))
	require.Len(t, changes, 1)
	assert.False(t, changes[0].Sensitive)
	assert.Equal(t, `~ envs[key=MODE].value: "a" -> "b"`, changes[0].String())
}
