package digitalocean

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func appliedSpec(t *testing.T, raw string) *AppSpec {
	t.Helper()
	spec := new(AppSpec)
	require.NoError(t, json.Unmarshal([]byte(raw), spec), raw)
	return spec
}

// A requested spec is applied when the live one is what the API makes of
// it: routes become ingress rules, http_port 8080 is filled in, GENERAL
// reads back absent and a SECRET value comes back encrypted (which cannot
// be decided, so does not count). Anything else that differs, unknown keys
// included, means not applied.
func TestSpecIsApplied(t *testing.T) {
	requested := appliedSpec(t, `{"name": "shop", "region": "ams", "future_flag": true,
  "services": [{"name": "api", "github": {"repo": "acme/shop", "branch": "main"},
    "routes": [{"path": "/api"}],
    "envs": [{"key": "MODE", "type": "GENERAL", "value": "prod"}, {"key": "TOKEN", "type": "SECRET", "value": "hunter2"}]}]}`)
	live := `{"name": "shop", "region": "ams", "future_flag": true,
  "services": [{"name": "api", "github": {"repo": "acme/shop", "branch": "main"}, "http_port": 8080,
    "envs": [{"key": "TOKEN", "type": "SECRET", "value": "EV[1:abc:def]"}, {"key": "MODE", "value": "prod"}]}],
  "ingress": {"rules": [{"match": {"path": {"prefix": "/api"}}, "component": {"name": "api"}}]}}`
	assert.True(t, specIsApplied(appliedSpec(t, live), requested), "the API's rewrites and a ciphertext are no change")

	for name, differs := range map[string]func(s *AppSpec){
		"instance count": func(s *AppSpec) { s.Services[0].InstanceCount = 3 },
		"route prefix":   func(s *AppSpec) { *s.Ingress.Rules[0].Match.Path.Prefix = "/v2" },
		"plain env":      func(s *AppSpec) { s.Services[0].Envs[1].Value = "dev" },
		"unknown key":    func(s *AppSpec) { s.unknownFields = nil },
	} {
		changed := appliedSpec(t, live)
		differs(changed)
		assert.False(t, specIsApplied(changed, requested), name)
	}

	assert.True(t, specIsApplied(nil, nil), "nothing requested, nothing live")
	assert.False(t, specIsApplied(nil, requested))
	before, err := json.Marshal(requested)
	require.NoError(t, err)
	specIsApplied(appliedSpec(t, live), requested)
	after, err := json.Marshal(requested)
	require.NoError(t, err)
	assert.JSONEq(t, string(before), string(after), "the requested spec is not changed")
}
