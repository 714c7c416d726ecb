package digitalocean

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"reflect"
	"sort"
	"strings"
	"testing"

	jsonv2 "github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
	jsonv1 "github.com/go-json-experiment/json/v1"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Tests of the generated decoders (decode_fields.go and the decodeJSON and
// decodeMember methods of apps_types.gen.go) against encoding/json/v2's
// reflection. referenceOptions are decodeOptions with a time unmarshaler of
// another identity: the generated UnmarshalJSONFrom methods do not
// recognise them as the client's and leave every value to
// encoding/json/v2 (the AppSpec tree to its method-less conversions), which
// is the decoding the generated code must reproduce exactly: the same
// values, unknown members included, or the same error.
var referenceOptions = jsonv2.JoinOptions(
	jsontext.AllowDuplicateNames(true),
	jsontext.AllowInvalidUTF8(true),
	jsonv2.MatchCaseInsensitiveNames(true),
	jsonv1.MatchCaseSensitiveDelimiter(true),
	jsonv2.WithUnmarshalers(jsonv2.UnmarshalFromFunc(unmarshalTime)),
)

// generatedTargets are the values the differential tests decode into.
var generatedTargets = []struct {
	name     string
	newValue func() any
	wrap     func(doc []byte) []byte
}{
	{"App", func() any { return new(App) }, func(doc []byte) []byte { return doc }},
	{"appsPage", func() any { return new(appsPage) }, func(doc []byte) []byte {
		return []byte(`{"apps":[` + string(doc) + `,` + string(doc) + `],"meta":{"total":2}}`)
	}},
	{"appRoot", func() any { return new(appRoot) }, func(doc []byte) []byte { return []byte(`{"app":` + string(doc) + `}`) }},
}

// checkDecodesLikeReflection decodes data into a fresh value of newValue's
// type with the client's options and with referenceOptions, and fails unless
// both give equal values or errors that agree in every field.
func checkDecodesLikeReflection(t *testing.T, data []byte, newValue func() any) {
	t.Helper()
	got, want := newValue(), newValue()
	gotErr := unmarshalResponse(data, got)
	wantErr := jsonv2.Unmarshal(data, want, referenceOptions)
	if (gotErr == nil) != (wantErr == nil) {
		t.Fatalf("generated error %v, reflection error %v\ninput: %q", gotErr, wantErr, data)
	}
	if gotErr != nil {
		assert.Equal(t, describeDecodeError(wantErr), describeDecodeError(gotErr), "input: %q", data)
		return
	}
	if !reflect.DeepEqual(want, got) {
		assert.Equal(t, want, got, "input: %q", data) // the diff
		t.FailNow()
	}
}

// describeDecodeError spells out every field of a decoding error.
func describeDecodeError(err error) string {
	var semErr *jsonv2.SemanticError
	if errors.As(err, &semErr) {
		return fmt.Sprintf("%T %q offset=%d pointer=%q kind=%v value=%q type=%v err=%v",
			err, err.Error(), semErr.ByteOffset, semErr.JSONPointer, semErr.JSONKind, semErr.JSONValue, semErr.GoType, semErr.Err)
	}
	var synErr *jsontext.SyntacticError
	if errors.As(err, &synErr) {
		return fmt.Sprintf("%T %q offset=%d pointer=%q err=%v", err, err.Error(), synErr.ByteOffset, synErr.JSONPointer, synErr.Err)
	}
	return fmt.Sprintf("%T %q", err, err.Error())
}

// TestReferenceOptionsTakeTheReflectionPath makes sure the oracle is not
// the code under test: under referenceOptions no generated decodeJSON runs.
func TestReferenceOptionsTakeTheReflectionPath(t *testing.T) {
	dec := jsontext.NewDecoder(strings.NewReader(`{}`), referenceOptions)
	assert.False(t, decodingAsTheClient(dec))
	dec = jsontext.NewDecoder(strings.NewReader(`{}`), decodeOptions)
	assert.True(t, decodingAsTheClient(dec))
	for _, opt := range []jsonv2.Options{jsonv2.RejectUnknownMembers(true), jsonv1.MergeWithLegacySemantics(true), jsonv2.MatchCaseInsensitiveNames(false)} {
		dec = jsontext.NewDecoder(strings.NewReader(`{}`), decodeOptions, opt)
		assert.False(t, decodingAsTheClient(dec))
	}
	// A zone-less date-time decodes on both paths, so both read it by unmarshalTime.
	checkDecodesLikeReflection(t, []byte(`{"created_at":"2021-02-10T16:45:14"}`), func() any { return new(App) })
}

// generatedEdgeCases are documents that exercise every branch of the
// generated decoders: each kind of field given null and each other kind of
// value, names matched in other cases, repeated and unknown members, escapes
// and invalid UTF-8, date-times of every form, truncated input.
var generatedEdgeCases = []string{
	`{}`, `null`, `[]`, `"x"`, `1`, `{`, `{"id"`, `{"id":`, `{"id":"a"`, `{"id":"a",}`, `{"id" "a"}`, `{1:2}`,
	`{"id":null,"tier_slug":1,"live_url":true}`,
	`{"id":"a","id":"b","ID":"c","Id":null}`,
	`{"LIVE_URL":"u","liveurl":"v","live-url":"w","\u004c\u0069ve_url":"x"}`,
	"{\"\u212aey\":1,\"spec\":{\"\u212aey\":2,\"name\":\"\u017fx\"}}", // Kelvin sign, long s
	`{"spec":{"name":"a","x":1,"x":{"y":[1,2]},"X":null,"services":[{"name":"s","z":"q"}]}}`,
	`{"spec":{"name":"a\u0041\n\"","services":[{"name":"s\\t","routes":[{"path":"/"},null,{"preserve_path_prefix":"true"}]}]}}`,
	"{\"id\":\"a\xffb\",\"x\xfe\":1,\"spec\":{\"n\xffame\":\"q\",\"name\":\"\xc3\"}}",
	`{"created_at":"2021-02-10T16:45:14Z","updated_at":"2021-02-10T16:45:14","last_deployment_created_at":""}`,
	`{"created_at":"2021-02-10T16:45:14.123456789+01:00","updated_at":null,"last_deployment_active_at":"\u0032021-02-10T16:45:14Z"}`,
	`{"created_at":"yesterday"}`, `{"created_at":"2021-13-10T16:45:14Z"}`, `{"created_at":1}`, `{"created_at":{}}`,
	"{\"created_at\":\"2021\xff\"}",
	`{"spec":{"region":"ams","services":[{"protocol":"HTTP2"},{"protocol":"NEW"},{"protocol":null}]}}`,
	`{"spec":{"region":7}}`, `{"spec":{"region":["ams"]}}`, `{"spec":{"region":"\u0061ms"}}`,
	`{"spec":{"disable_edge_cache":"true"}}`, `{"spec":{"disable_edge_cache":null,"enhanced_threat_control_enabled":1}}`,
	`{"spec":{"services":[{"http_port":8080,"instance_count":"2"}]}}`, `{"spec":{"services":[{"http_port":1.5}]}}`,
	`{"spec":{"services":[{"http_port":99999999999}]}}`,
	`{"spec":{"services":[{"http_port":9223372036854775807},{"http_port":-9223372036854775808},{"http_port":-0},{"http_port":0}]}}`,
	`{"spec":{"services":[{"http_port":9223372036854775808}]}}`, `{"spec":{"services":[{"http_port":-9223372036854775809}]}}`,
	`{"spec":{"services":[{"http_port":12345678901234567890123}]}}`, `{"spec":{"services":[{"http_port":1e3}]}}`,
	`{"spec":{"services":[{"http_port":-1.0}]}}`, `{"spec":{"services":[{"http_port":null,"instance_count":[]}]}}`,
	`{"active_deployment":{"progress":{"success_steps":2147483647,"total_steps":-2147483648,"error_steps":0}}}`,
	`{"active_deployment":{"progress":{"success_steps":2147483648}}}`, `{"active_deployment":{"progress":{"total_steps":-2147483649}}}`,
	`{"active_deployment":{"progress":{"success_steps":18446744073709551616}}}`, `{"active_deployment":{"progress":{"success_steps":"1"}}}`,
	`{"region":{"data_centers":["ams3",null,"x"]}}`, `{"region":{"data_centers":[1]}}`, `{"region":{"data_centers":"ams3"}}`,
	`{"region":{"data_centers":[]}}`, `{"region":{"data_centers":null}}`,
	`{"domains":[]}`, `{"domains":null}`, `{"domains":[null,{}]}`, `{"domains":[1]}`, `{"domains":{}}`, `{"domains":"x"}`,
	`{"domains":[{"progress":{"steps":[{"status":"SUCCESS","ended_at":"0001-01-01T00:00:00"}]}}],"domains":[{"id":"b"}]}`,
	`{"spec":null}`, `{"spec":1}`, `{"spec":[]}`, `{"spec":"x"}`, `{"spec":{"services":null}}`, `{"spec":{"services":[1]}}`,
	`{"spec":{"name":"a"},"spec":{"region":"fra","y":1}}`,
	`{"active_deployment":{"spec":{"name":"x","q":[]},"progress":{"steps":[{"steps":[{"steps":[{"name":"deep"}]}]}]}}}`,
	`{"active_deployment":null,"pending_deployment":{},"in_progress_deployment":[]}`,
	`{"active_deployment":{"phase":1}}`, `{"active_deployment":{"phase":"ACTIVE","phase":"NEW_PHASE"}}`,
	`{"active_deployment":{"services":[{"name":"web","buildpacks":[{"id":"b"}]}]}}`,
	`{"dedicated_ips":[{"ip":"1.1.1.1","status":"ASSIGNED"}],"vpc":{"id":"v","egress_ips":[{"ip":"10.0.0.1","z":1}]}}`,
	`{"build_config":{"x":1}}`, `{"pinned_deployment":{"spec":{"alerts":[{"rule":"DEPLOYMENT_FAILED","disabled":true}]}}}`,
	`{"spec":{"ingress":{"rules":[{"match":{"path":{"prefix":"/"},"authority":{"exact":"a"}},"cors":{"allow_origins":[{"exact":"x"}]}}]}}}`,
	`{"spec":{"databases":[{"engine":"PG","name":"db","production":true,"version":"12"}],"envs":[{"key":"K","value":"V","type":"SECRET","scope":"RUN_TIME"}]}}`,
	`{"id":"a"} `, `{"id":"a"} {}`, ` {"id" : "a" , "spec" : { "name" : "b" } } `,
}

// TestGeneratedDecodersMatchReflection: every edge case, in every target,
// decodes as encoding/json/v2's reflection decodes it.
func TestGeneratedDecodersMatchReflection(t *testing.T) {
	for _, target := range generatedTargets {
		for _, doc := range generatedEdgeCases {
			checkDecodesLikeReflection(t, target.wrap([]byte(doc)), target.newValue)
		}
	}
	fixture := gtAppFixture(t)
	for _, target := range generatedTargets {
		checkDecodesLikeReflection(t, target.wrap(fixture), target.newValue)
		checkDecodesLikeReflection(t, target.wrap([]byte(gtUnknownApp)), target.newValue)
	}
	for _, newValue := range []func() any{func() any { return new(Deployment) }, func() any { return new(AppSpec) }} {
		for _, doc := range generatedEdgeCases {
			checkDecodesLikeReflection(t, []byte(doc), newValue)
		}
	}
}

// TestGeneratedDecodersMatchReflectionProperty mutates the app example at
// random places (a value replaced by one of another kind, a name spelled in
// another case, a member repeated or added, a string escaped, a document cut
// short) and checks that both decodings agree on every mutant.
func TestGeneratedDecodersMatchReflectionProperty(t *testing.T) {
	r := rand.New(rand.NewPCG(17, 1801))
	var fixture any
	require.NoError(t, json.Unmarshal(gtAppFixture(t), &fixture))
	palette := []any{nil, true, false, 0, -3, 1.5, 1e40, "", "x", "SUCCESS", "2021-02-10T16:45:14", "2021-02-10T16:45:14.5Z",
		"not a time", "\u00e9\u212a", []any{}, []any{"a", nil}, []any{map[string]any{"name": "n"}}, map[string]any{}, map[string]any{"name": 1}}
	mutants := 0
	for i := range 400 {
		doc := deepCopyJSON(fixture)
		for range 1 + r.IntN(3) {
			mutateJSON(r, doc, palette)
		}
		data, err := json.Marshal(doc)
		require.NoError(t, err)
		switch r.IntN(6) {
		case 0: // a repeated member
			if at := bytes.IndexByte(data[1:], '{'); at > 0 {
				data = append(data[:at+2:at+2], append([]byte(`"name":"dup","id":7,`), data[at+2:]...)...)
			}
		case 1: // escapes in names and strings
			data = bytes.ReplaceAll(data, []byte(`"name"`), []byte(`"n\u0061me"`))
			data = bytes.ReplaceAll(data, []byte(`"SUCCESS"`), []byte(`"SUCC\u0045SS"`))
		case 2: // cut short
			data = data[:r.IntN(len(data))]
		case 3: // invalid UTF-8
			data = bytes.Replace(data, []byte(`"web"`), []byte("\"w\xffb\""), 1)
		}
		for _, target := range generatedTargets {
			checkDecodesLikeReflection(t, target.wrap(data), target.newValue)
		}
		mutants++
		if t.Failed() {
			t.Fatalf("mutant %d", i)
		}
	}
	assert.Equal(t, 400, mutants)
}

// FuzzGeneratedDecodersMatchReflection: for any input, the generated
// decoders and encoding/json/v2's reflection agree.
func FuzzGeneratedDecodersMatchReflection(f *testing.F) {
	for _, doc := range generatedEdgeCases {
		f.Add([]byte(doc))
	}
	f.Add([]byte(gtUnknownApp))
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, target := range generatedTargets {
			checkDecodesLikeReflection(t, target.wrap(data), target.newValue)
		}
	})
}

func deepCopyJSON(v any) any {
	switch v := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(v))
		for k, e := range v {
			out[k] = deepCopyJSON(e)
		}
		return out
	case []any:
		out := make([]any, len(v))
		for i, e := range v {
			out[i] = deepCopyJSON(e)
		}
		return out
	}
	return v
}

// mutateJSON changes one random place of the tree v: a member's value
// replaced from palette, its name spelled in upper case, or a new member.
func mutateJSON(r *rand.Rand, v any, palette []any) {
	for {
		switch node := v.(type) {
		case map[string]any:
			keys := make([]string, 0, len(node))
			for k := range node {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			var child any
			if len(keys) > 0 {
				child = node[keys[r.IntN(len(keys))]]
			}
			_, isMap := child.(map[string]any)
			_, isSlice := child.([]any)
			if len(keys) == 0 || (!isMap && !isSlice) || r.IntN(4) == 0 {
				switch k := ""; {
				case len(keys) > 0 && r.IntN(2) == 0:
					k = keys[r.IntN(len(keys))]
					node[strings.ToUpper(k)] = node[k]
					delete(node, k)
				case len(keys) > 0 && r.IntN(2) == 0:
					k = keys[r.IntN(len(keys))]
					node[k] = deepCopyJSON(palette[r.IntN(len(palette))])
				default:
					node[fmt.Sprintf("new_%d", r.IntN(100))] = deepCopyJSON(palette[r.IntN(len(palette))])
				}
				return
			}
			v = child
		case []any:
			if len(node) == 0 {
				return
			}
			i := r.IntN(len(node))
			if r.IntN(4) == 0 {
				node[i] = deepCopyJSON(palette[r.IntN(len(palette))])
				return
			}
			v = node[i]
		default:
			return
		}
	}
}
