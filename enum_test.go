package digitalocean

import (
	"encoding/json"
	"reflect"
	"testing"

	jsonv2 "github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestKnownEnumValuesCostNoAllocation: a known value is assigned from its
// constant; only a value the SDK does not know yet allocates its string.
func TestKnownEnumValuesCostNoAllocation(t *testing.T) {
	allocs := func(doc string, out any) float64 {
		data := []byte(doc)
		return testing.AllocsPerRun(100, func() { require.NoError(t, unmarshalResponse(data, out)) })
	}
	for _, c := range []struct {
		known, fresh string
		out          any
	}{
		{`"SUCCESS"`, `"SUCCEEDED_LATER"`, new(DeploymentProgressStepStatus)},
		{`"in-progress"`, `"paused"`, new(ActionStatus)},
		{`"locked"`, `"frozen"`, new(AccountStatus)},
		{`"1.3"`, `"1.4"`, new(TLSVersion)},
	} {
		assert.Equal(t, allocs(c.fresh, c.out)-1, allocs(c.known, c.out), "%s against %s", c.known, c.fresh)
	}
	var step DeploymentProgressStep
	require.NoError(t, unmarshalResponse([]byte(`{"name":"build","status":"SUCCESS"}`), &step))
	assert.Equal(t, DeploymentProgressStepStatusSuccess, step.Status)
}

func TestEnumsDecodeLikeStrings(t *testing.T) {
	cases := map[string]DeploymentPhase{
		`"ACTIVE"`:         DeploymentPhaseActive,
		`"\u0041CTIVE"`:    DeploymentPhaseActive, // escaped: decoded, then equal
		`"BRAND_NEW"`:      "BRAND_NEW",           // values the API adds later
		`""`:               "",
		`"tab\there"`:      "tab\there",
		"\"caf\xc3\xa9\"":  "café",
		"\"bad\xffutf8\"":  "bad\ufffdutf8", // as encoding/json replaces it
		`"ACTIVE "`:        "ACTIVE ",
		`"active"`:         "active", // enums are case-sensitive, like the API
		`"PENDING_BUILD"`:  DeploymentPhasePendingBuild,
		`"\"quoted\""`:     `"quoted"`,
		`"\\"`:             `\`,
		`"\ud83d\ude00"`:   "😀",
		`"SUPERSEDED"`:     DeploymentPhaseSuperseded,
		`"CANCELED"`:       DeploymentPhaseCanceled,
		`"ERROR"`:          DeploymentPhaseError,
		`"UNKNOWN"`:        DeploymentPhaseUnknown,
		`"DEPLOYING"`:      DeploymentPhaseDeploying,
		`"PENDING_DEPLOY"`: DeploymentPhasePendingDeploy,
	}
	for in, want := range cases {
		var got, viaClient struct {
			Phase DeploymentPhase `json:"phase"`
		}
		require.NoError(t, json.Unmarshal([]byte(`{"phase":`+in+`}`), &got), in)
		assert.Equal(t, want, got.Phase, in)
		require.NoError(t, unmarshalResponse([]byte(`{"phase":`+in+`}`), &viaClient), in)
		assert.Equal(t, want, viaClient.Phase, in)
	}
}

func TestEnumNullChangesNothing(t *testing.T) {
	d := Deployment{Phase: DeploymentPhaseActive}
	require.NoError(t, json.Unmarshal([]byte(`{"phase":null}`), &d))
	assert.Equal(t, DeploymentPhaseActive, d.Phase)
	require.NoError(t, unmarshalResponse([]byte(`{"phase":null}`), &d))
	assert.Empty(t, d.Phase, "the client decodes into fresh values, where null is no value")
}

func TestEnumOfWrongJSONTypeNamesTheField(t *testing.T) {
	doc := []byte(`{"id":"d1","phase":5}`)
	// The client: encoding/json/v2's error points at the member, whatever
	// the Go release (Go 1.27's encoding/json leaves UnmarshalTypeError.Field
	// empty).
	var d Deployment
	err := unmarshalResponse(doc, &d)
	var semErr *jsonv2.SemanticError
	require.ErrorAs(t, err, &semErr)
	assert.Equal(t, reflect.TypeFor[DeploymentPhase](), semErr.GoType)
	assert.Equal(t, jsontext.Pointer("/phase"), semErr.JSONPointer)
	assert.Equal(t, "phase", fieldPath(semErr.JSONPointer))
	assert.Contains(t, err.Error(), `"/phase"`)
	assert.Equal(t, "d1", d.ID, "fields before the bad one are kept")

	// encoding/json (v1) callers of the SDK's UnmarshalJSON methods get v1's
	// error, the field derived from the pointer.
	var typeErr *json.UnmarshalTypeError
	require.ErrorAs(t, v1TypeError(err), &typeErr)
	assert.Equal(t, "number", typeErr.Value)
	assert.Equal(t, reflect.TypeFor[DeploymentPhase](), typeErr.Type)
	assert.Equal(t, "phase", typeErr.Field, "the field path, as for any string field")
	var spec AppSpec
	require.ErrorAs(t, json.Unmarshal([]byte(`{"services":[{"name":"a","protocol":5}]}`), &spec), &typeErr)
	assert.Equal(t, reflect.TypeFor[AppServiceProtocol](), typeErr.Type)
	assert.Regexp(t, `^services(\.0)?\.protocol$`, typeErr.Field) // Go 1.27's encoding/json adds the index

	for _, in := range []string{`true`, `[]`, `{}`} {
		assert.Error(t, unmarshalResponse([]byte(`{"phase":`+in+`}`), &d), in)
		assert.Error(t, json.Unmarshal([]byte(`{"phase":`+in+`}`), &d), in)
	}
}

// FuzzDecodeEnum: through the client, an enum decodes exactly what
// encoding/json (v1) decodes into a plain string.
func FuzzDecodeEnum(f *testing.F) {
	for _, s := range []string{`"ACTIVE"`, `"\u0041"`, "\"\xff\"", `null`, `1`, `"a\"b"`, `"`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var plain string
		plainErr := json.Unmarshal(data, &plain)
		var enum DeploymentPhase
		enumErr := unmarshalResponse(data, &enum)
		if (plainErr == nil) != (enumErr == nil) {
			t.Fatalf("%q: string error %v, enum error %v", data, plainErr, enumErr)
		}
		if plainErr == nil && string(enum) != plain {
			t.Fatalf("%q: string %q, enum %q", data, plain, enum)
		}
	})
}
