package digitaloceantest

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// validateSpec leaves names, env keys, instance counts, ports and domains
// to the schema check that runs before it: this keeps that true.
func TestValidateRequestRefusesSpecPatternsBeforeValidateSpec(t *testing.T) {
	bodies := map[string]string{
		"app name":        `{"spec":{"name":"Bad_Name","services":[{"name":"web"}]}}`,
		"service name":    `{"spec":{"name":"app","services":[{"name":"Web_1"}]}}`,
		"worker name":     `{"spec":{"name":"app","workers":[{"name":"Web_1"}]}}`,
		"job name":        `{"spec":{"name":"app","jobs":[{"name":"Web_1"}]}}`,
		"static name":     `{"spec":{"name":"app","static_sites":[{"name":"Web_1"}]}}`,
		"functions name":  `{"spec":{"name":"app","functions":[{"name":"a"}]}}`,
		"database name":   `{"spec":{"name":"app","services":[{"name":"web"}],"databases":[{"name":"Web_1"}]}}`,
		"service env key": `{"spec":{"name":"app","services":[{"name":"web","envs":[{"key":"1BAD"}]}]}}`,
		"job env key":     `{"spec":{"name":"app","jobs":[{"name":"web","envs":[{"key":"1BAD"}]}]}}`,
		"app env key":     `{"spec":{"name":"app","services":[{"name":"web"}],"envs":[{"key":"1BAD"}]}}`,
		"instance count":  `{"spec":{"name":"app","workers":[{"name":"web","instance_count":-1}]}}`,
		"http port":       `{"spec":{"name":"app","services":[{"name":"web","http_port":70000}]}}`,
		"domain":          `{"spec":{"name":"app","services":[{"name":"web"}],"domains":[{"domain":"bad_domain.com"}]}}`,
		"short domain":    `{"spec":{"name":"app","services":[{"name":"web"}],"domains":[{"domain":"a.b"}]}}`,
	}
	for _, op := range []string{"apps_create", "apps_update", "apps_validate_appSpec"} {
		for name, body := range bodies {
			r := validateRequest(op, []byte(body))
			require.NotNil(t, r, "%s: %s passed the schema check", op, name)
			assert.Equal(t, http.StatusBadRequest, r.status, "%s: %s", op, name)
			assert.Equal(t, "invalid_argument", r.body.(*errorBody).ID, "%s: %s", op, name)
		}
	}
}
