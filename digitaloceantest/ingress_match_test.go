package digitaloceantest_test

import (
	"encoding/json"
	"path/filepath"
	"testing"

	"github.com/oceankit/digitalocean/digitaloceantest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The fake refuses an ingress match without a key, as the live API does
// (live-api-behaviour.md fact 33), on create, update and propose; a match
// with "" (fact 11) or the other key (live-api-fields.md) is accepted.
func TestFakeRefusesAnEmptyIngressMatch(t *testing.T) {
	srv := digitaloceantest.New(t)
	spec := func(name, match string) string {
		return `{"spec":{"name":"` + name + `","services":[{"name":"web","image":{"registry_type":"DOCKER_HUB","repository":"nginx","tag":"latest"}}],` +
			`"ingress":{"rules":[{"component":{"name":"web"},"match":` + match + `}]}}}`
	}
	for _, path := range []string{"/v2/apps", "/v2/apps/propose"} {
		code, body := post(t, srv, "POST", path, spec("empty-authority", `{"authority":{}}`))
		assert.Equal(t, 400, code, path)
		assert.Equal(t, "invalid_argument", body["id"], path)
		assert.Contains(t, body["message"], `error validating app spec field "ingress.rules.match.authority.exact": is required`, path)

		code, body = post(t, srv, "POST", path, spec("empty-path", `{"path":{}}`))
		assert.Equal(t, 400, code, path)
		assert.Contains(t, body["message"], `"ingress.rules.match.path.prefix": is required`, path)
	}
	for i, match := range []string{`{"authority":{"exact":""},"path":{"prefix":"/"}}`, `{"authority":{"prefix":"api."},"path":{"exact":"/x"}}`} {
		code, body := post(t, srv, "POST", "/v2/apps", spec("fine-"+string(rune('a'+i)), match))
		assert.Equal(t, 200, code, "%s: %v", match, body)
	}
}

// The fake's request validation accepts every scenario of Terraform's
// digitalocean_app acceptance tests (run against the live API, so accepted
// there), on propose and create.
func TestFakeAcceptsTerraformScenarios(t *testing.T) {
	srv := digitaloceantest.New(t)
	files, err := filepath.Glob("../testdata/appspecs/terraform/*.yaml")
	require.NoError(t, err)
	require.Len(t, files, 23)
	for _, f := range files {
		var spec map[string]any // as written, not through the SDK's loader
		readYAML(t, f, &spec)
		body, err := json.Marshal(map[string]any{"spec": spec})
		require.NoError(t, err)
		for _, path := range []string{"/v2/apps/propose", "/v2/apps"} {
			code, problem := post(t, srv, "POST", path, string(body))
			assert.Equal(t, 200, code, "%s %s: %v", path, f, problem)
		}
	}
}
