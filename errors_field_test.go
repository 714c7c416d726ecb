package digitalocean

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestAPIErrorField(t *testing.T) {
	cases := []struct {
		name, message, want string
	}{
		{"documented example",
			`error validating app spec field "services.health_check.port": health check port "9090" not found in internal_ports`,
			"services.health_check.port"},
		{"top-level field", `error validating app spec field "name": name must be unique`, "name"},
		{"index selector", `error validating app spec field "services[0].envs[2].key": invalid key`, "services[0].envs[2].key"},
		{"name selector", `error validating app spec field "services[name=api].http_port": out of range`, "services[name=api].http_port"},
		{"hyphen and digits", `error validating app spec field "log_destinations.open-search2.endpoint": bad`, "log_destinations.open-search2.endpoint"},
		{"capitalised prefix", `Error validating App Spec field "domains.domain": invalid`, "domains.domain"},
		{"no field named", `error validating app spec: name is required`, ""},
		{"not a spec error", `field "services.name" is not allowed here`, ""},
		{"source access error", `GitHub user does not have access to acme/web`, ""},
		{"empty message", ``, ""},
		{"unterminated quote", `error validating app spec field "services.health_check.port: boom`, ""},
		{"empty field", `error validating app spec field "": boom`, ""},
		{"space inside", `error validating app spec field "services health": boom`, ""},
		{"empty segment", `error validating app spec field "services..port": boom`, ""},
		{"leading dot", `error validating app spec field ".port": boom`, ""},
		{"unclosed selector", `error validating app spec field "services[0.port": boom`, ""},
		{"empty selector", `error validating app spec field "services[].port": boom`, ""},
		{"upper-case member", `error validating app spec field "Services.port": boom`, ""},
		{"scrubbed token in quotes", `error validating app spec field "[REDACTED]": token [REDACTED] is invalid`, ""},
		{"scrubbed token elsewhere", `error validating app spec field "services.image.registry_credentials": credentials [REDACTED] rejected`, "services.image.registry_credentials"},
		{"raw token in quotes", `error validating app spec field "dop_v1_0123456789abcdef": bad`, ""},
		{"token inside a path", `error validating app spec field "services.doo_v1_abcdef.port": bad`, ""},
		{"too long", `error validating app spec field "` + longFieldPath(300) + `": bad`, ""},
		{"second quoted value is not the field", `error validating app spec: port "9090" not found`, ""},
		{"single quotes", `error validating app spec field 'services.http_port': out of range`, "services.http_port"},
		{"back quotes", "error validating app spec field `jobs.kind`: invalid", "jobs.kind"},
		{"escaped quotes", `error validating app spec field \"services.health_check.port\": health check port \"9090\" not found`, "services.health_check.port"},
		{"mismatched quotes", `error validating app spec field "services.http_port': boom`, ""},
		{"unquoted", `error validating app spec field services.http_port: boom`, ""},
		{"first field word is prose", `error validating app spec field value: field "services.http_port" is out of range`, "services.http_port"},
		{"field word before app spec", `field "name": error validating app spec`, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want, apiErrorField(tc.message))
		})
	}
}

func longFieldPath(n int) string {
	b := make([]byte, 0, n)
	for len(b) < n {
		b = append(b, "services."...)
	}
	return string(b) + "port"
}

// TestErrorFieldFromAPIResponse checks the whole way: a 400 from Propose
// and Create carries Field, the message stays intact, and an error that
// names no field (or is not JSON) has an empty Field.
func TestErrorFieldFromAPIResponse(t *testing.T) {
	const msg = `error validating app spec field "services.health_check.port": health check port "9090" not found in internal_ports`
	body := `{"id":"invalid_argument","message":` + jsonQuote(msg) + `,"request_id":"r-1"}`
	mux := http.NewServeMux()
	mux.HandleFunc("POST /v2/apps/propose", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusBadRequest)
		_, _ = w.Write([]byte(body))
	})
	mux.HandleFunc("POST /v2/apps", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusBadRequest)
		_, _ = w.Write([]byte(`{"id":"bad_request","message":"error parsing request body"}`))
	})
	mux.HandleFunc("GET /v2/apps/x", func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusBadGateway)
		_, _ = w.Write([]byte(`<html>error validating app spec field "services.port"</html>`))
	})
	c, _ := newTestClient(t, mux)
	spec := &AppSpec{Name: "web", Services: []*AppServiceSpec{{Name: "api"}}}

	_, _, err := c.Apps.Propose(context.Background(), &AppProposeRequest{Spec: spec})
	var apiErr *Error
	require.True(t, errors.As(err, &apiErr), "got %v", err)
	assert.Equal(t, "services.health_check.port", apiErr.Field)
	assert.Equal(t, msg, apiErr.Message)
	assert.Equal(t, http.StatusBadRequest, apiErr.StatusCode)

	_, _, err = c.Apps.Create(context.Background(), &AppCreateRequest{Spec: spec})
	require.True(t, errors.As(err, &apiErr), "got %v", err)
	assert.Empty(t, apiErr.Field, "a message naming no field")

	_, _, err = c.Apps.Get(context.Background(), "x")
	require.True(t, errors.As(err, &apiErr), "got %v", err)
	assert.Empty(t, apiErr.Field, "a body that is not the API's JSON")
}

func jsonQuote(s string) string {
	b, err := json.Marshal(s)
	if err != nil {
		panic(err)
	}
	return string(b)
}

func TestAPIErrorFieldAllocatesNothingForOtherErrors(t *testing.T) {
	allocs := testing.AllocsPerRun(100, func() {
		_ = apiErrorField("The resource you were accessing could not be found.")
		_ = apiErrorField(`error validating app spec field "services.health_check.port": boom`)
	})
	assert.Zero(t, allocs)
}
