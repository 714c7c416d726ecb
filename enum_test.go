package digitalocean

import (
	"encoding/json"
	"reflect"
	"testing"
	"unsafe"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestKnownEnumValuesShareTheirConstants(t *testing.T) {
	var step DeploymentProgressStep
	require.NoError(t, json.Unmarshal([]byte(`{"name":"build","status":"SUCCESS"}`), &step))
	assert.Equal(t, DeploymentProgressStepStatusSuccess, step.Status)
	assert.Equal(t, unsafe.StringData(string(DeploymentProgressStepStatusSuccess)), unsafe.StringData(string(step.Status)),
		"a known value is the constant itself, not a fresh copy")

	var a Action
	require.NoError(t, json.Unmarshal([]byte(`{"id":1,"status":"in-progress"}`), &a))
	assert.Equal(t, unsafe.StringData(string(ActionStatusInProgress)), unsafe.StringData(string(a.Status)))
	var acct Account
	require.NoError(t, json.Unmarshal([]byte(`{"status":"locked"}`), &acct))
	assert.Equal(t, unsafe.StringData(string(AccountStatusLocked)), unsafe.StringData(string(acct.Status)))

	var tls struct{ V TLSVersion }
	require.NoError(t, json.Unmarshal([]byte(`{"V":"1.3"}`), &tls))
	assert.Equal(t, unsafe.StringData(string(TLSVersion1_3)), unsafe.StringData(string(tls.V)))
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
		var got struct {
			Phase DeploymentPhase `json:"phase"`
		}
		require.NoError(t, json.Unmarshal([]byte(`{"phase":`+in+`}`), &got), in)
		assert.Equal(t, want, got.Phase, in)
	}
}

func TestEnumNullChangesNothing(t *testing.T) {
	d := Deployment{Phase: DeploymentPhaseActive}
	require.NoError(t, json.Unmarshal([]byte(`{"phase":null}`), &d))
	assert.Equal(t, DeploymentPhaseActive, d.Phase)
}

func TestEnumOfWrongJSONTypeNamesTheField(t *testing.T) {
	var d Deployment
	err := json.Unmarshal([]byte(`{"id":"d1","phase":5}`), &d)
	var typeErr *json.UnmarshalTypeError
	require.ErrorAs(t, err, &typeErr)
	assert.Equal(t, "number", typeErr.Value)
	assert.Equal(t, reflect.TypeFor[DeploymentPhase](), typeErr.Type)
	assert.Equal(t, "phase", typeErr.Field, "the decoder adds the field path, as for any string field")
	assert.Equal(t, "d1", d.ID, "fields before the bad one are kept")

	for _, in := range []string{`true`, `[]`, `{}`} {
		assert.Error(t, json.Unmarshal([]byte(`{"phase":`+in+`}`), &d), in)
	}
}

// FuzzDecodeEnum: an enum decodes exactly what a plain string decodes.
func FuzzDecodeEnum(f *testing.F) {
	for _, s := range []string{`"ACTIVE"`, `"\u0041"`, "\"\xff\"", `null`, `1`, `"a\"b"`, `"`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var plain string
		plainErr := json.Unmarshal(data, &plain)
		var enum DeploymentPhase
		enumErr := json.Unmarshal(data, &enum)
		if (plainErr == nil) != (enumErr == nil) {
			t.Fatalf("%q: string error %v, enum error %v", data, plainErr, enumErr)
		}
		if plainErr == nil && string(enum) != plain {
			t.Fatalf("%q: string %q, enum %q", data, plain, enum)
		}
	})
}
