package apischema

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var documents = []string{"../../testdata/digitalocean-v2-subset.yaml", "../../testdata/live-api-overlay.yaml"}

func decode(t *testing.T, s string) any {
	t.Helper()
	v, err := Decode([]byte(s))
	require.NoError(t, err)
	return v
}

func paths(ps []Problem) []string {
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = p.String()
	}
	return out
}

var strict = Options{RefuseUnknown: true, SkipReadOnly: true}

// One walk reports every problem, each with its path and kind.
func TestValidateReportsEveryProblem(t *testing.T) {
	body := decode(t, `{"spec":{"name":"Bad_Name","region":"mars",
		"services":[{"name":"web","instance_count":0,"instance_cuont":2,"envs":[{"scope":"ALWAYS"}]},
		            {"name":"api","http_port":"8080","instance_size_slug":"basic-xxs"}],
		"domains":[{"domain":"ab","minimum_tls_version":"1.1"}]}}`)
	op, found := OperationFor("apps_create")
	require.True(t, found)
	got := Validate(body, op.Body, strict)
	want := map[string]Kind{
		"spec.name":                           NoMatch,
		"spec.region":                         NotInEnum,
		"spec.services[0].instance_count":     Range,
		"spec.services[0].instance_cuont":     Unknown,
		"spec.services[0].envs[0].scope":      NotInEnum,
		"spec.services[0].envs[0].key":        Required,
		"spec.services[1].http_port":          WrongType,
		"spec.domains[0].domain":              Length,
		"spec.domains[0].minimum_tls_version": NotInEnum,
	}
	kinds := map[string][]Kind{}
	for _, p := range got {
		kinds[p.Path] = append(kinds[p.Path], p.Kind)
	}
	for path, kind := range want {
		path = strings.TrimSpace(path)
		assert.Contains(t, kinds[path], kind, "%s in %v", path, paths(got))
	}
	assert.Len(t, got, len(want)+1, "%v", paths(got)) // the domain breaks two keywords
	assert.Contains(t, paths(got), `spec.region: "mars" is not one of atl, nyc, sfo, tor, ams, fra, lon, blr, sgp, syd`)
	assert.Contains(t, paths(got), `spec.services[1].http_port: must be an integer, not the string "8080"`)
	assert.Equal(t, got, Validate(body, op.Body, strict), "the order is stable")
}

func TestValidateOptions(t *testing.T) {
	spec := decode(t, `{"name":"app","future_flag":true,"services":[{"name":"web","surprise":1}]}`)
	assert.Len(t, ValidateNamed(spec, "app_spec", Options{RefuseUnknown: true}), 2)
	assert.Empty(t, ValidateNamed(spec, "app_spec", Options{}), "unknown keys allowed")

	// readOnly: apps_deployment_static_site-like server fields are skipped
	// only on request. apps_vpc_egress_ip.ip is not readOnly, but the
	// deployment's phase is; use a schema of the table that has one.
	ro := &Schema{Types: TypeObject, Properties: map[string]*Schema{
		"id":   {Types: TypeString, ReadOnly: true},
		"name": {Types: TypeString},
	}}
	v := decode(t, `{"id":5,"name":"x"}`)
	assert.Len(t, Validate(v, ro, Options{}), 1)
	assert.Empty(t, Validate(v, ro, Options{SkipReadOnly: true}))
}

func TestValidateKeywords(t *testing.T) {
	s := &Schema{Types: TypeObject, Properties: map[string]*Schema{
		"n":    {Types: TypeInteger, Minimum: 1, HasMinimum: true, Maximum: 10, HasMaximum: true, ExclusiveMaximum: true},
		"f":    {Types: TypeNumber},
		"list": {Types: TypeArray, MinItems: 1, MaxItems: 2, Items: &Schema{Types: TypeString, MinLength: 2, MaxLength: 3}},
		"alt":  {AnyOf: []*Schema{{Types: TypeBoolean}, {Types: TypeString, Enum: []string{"yes"}}}},
		"map":  {Types: TypeObject, AdditionalProperties: &Schema{Types: TypeInteger}},
		"free": {Types: TypeObject},
	}, Required: []string{"n"}}
	cases := []struct {
		body string
		want []string
	}{
		{`{"n":5,"f":1.5,"list":["ab"],"alt":true,"map":{"a":1},"free":{"x":[1]}}`, nil},
		{`{"n":5.0}`, nil},
		{`{"n":5.5}`, []string{"n: must be an integer, not the number 5.5"}},
		{`{"n":10}`, []string{"n: must be at most less than 10, is 10"}},
		{`{"n":0}`, []string{"n: must be at least 1, is 0"}},
		{`{}`, []string{"n: is required"}},
		{`{"n":null}`, []string{"n: is required"}},
		{`{"n":1,"list":[]}`, []string{"list: must have at least 1 items"}},
		{`{"n":1,"list":["a","ab","abcd"]}`, []string{"list: must have at most 2 items, has 3", "list[0]: must be at least 2 characters long, is 1", "list[2]: must be at most 3 characters long, is 4"}},
		{`{"n":1,"alt":"yes"}`, nil},
		{`{"n":1,"alt":"no"}`, []string{"alt: must be a boolean, not the string \"no\""}},
		{`{"n":1,"map":{"a":"b"}}`, []string{`map.a: must be an integer, not the string "b"`}},
		{`[1]`, []string{"the body: must be an object, not an array"}},
	}
	for _, tc := range cases {
		got := paths(Validate(decode(t, tc.body), s, strict))
		if tc.want == nil {
			assert.Empty(t, got, tc.body)
			continue
		}
		assert.Equal(t, tc.want, got, tc.body)
	}
}

// What the live API accepts beyond the documents (docs/validation.md).
func TestLiveAPIAcceptances(t *testing.T) {
	op, _ := OperationFor("apps_create")
	for _, body := range []string{
		`{"spec":{"name":"ab","services":[{"name":"web"}],"vpc":{"id":"c22d8f48-4bc4-49f5-8ca0-58e7164427ac"}}}`,
		`{"spec":{"name":"ab","services":[{"name":"web"}],"ingress":{"rules":[{"component":{"name":"web","preserve_path_prefix":true}}]}}}`,
		`{"spec":{"name":"ab","services":[{"name":"web"}],"ingress":{"rules":[{"component":{"name":"web","preserve_path_prefix":"true"}}]}}}`,
		`{"spec":{"name":"ab","alerts":[{"rule":"DEPLOYMENT_STARTED"}],"jobs":[{"name":"cron","kind":"SCHEDULED","schedule":{"cron":"0 0 * * *"}}]}}`,
	} {
		assert.Empty(t, paths(Validate(decode(t, body), op.Body, strict)), body)
	}
	toggle, _ := OperationFor("apps_toggle_database_trusted_source")
	assert.Empty(t, Validate(decode(t, `{"enable":true}`), toggle.Body, strict))
	assert.Empty(t, Validate(decode(t, `{"Enable":true}`), toggle.Body, strict))
	assert.Len(t, Validate(decode(t, `{"enabled":true}`), toggle.Body, strict), 1)
}

// The documents' own request examples and app specs pass the table.
func TestDocumentExamplesValidate(t *testing.T) {
	bodies, specs, err := DocumentExamples(documents...)
	require.NoError(t, err)
	require.GreaterOrEqual(t, len(bodies), 10)
	require.GreaterOrEqual(t, len(specs), 5)
	for _, ex := range bodies {
		op, found := OperationFor(ex.Operation)
		require.True(t, found, ex.Where)
		require.NotNil(t, op.Body, ex.Where)
		assert.Empty(t, paths(Validate(ex.Value, op.Body, strict)), ex.Where)
	}
	for _, ex := range specs {
		assert.Empty(t, paths(ValidateNamed(ex.Value, "app_spec", strict)), ex.Where)
	}
}

func TestDecode(t *testing.T) {
	_, err := Decode([]byte(`{"a":1} {}`))
	assert.ErrorIs(t, err, ErrTrailingData)
	_, err = Decode([]byte(`{"a":`))
	assert.Error(t, err)
	v, err := Decode([]byte(`{"n": 12345678901234567890}`))
	require.NoError(t, err)
	assert.Equal(t, "12345678901234567890", string(v.(map[string]any)["n"].(interface{ String() string }).String()))
	assert.True(t, strings.HasPrefix(Problem{Message: "x"}.String(), "the body"))
}
