package digitalocean

import (
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var updateGolden = flag.Bool("update", false, "rewrite testdata/golden/request-types.json from the SDK's current encoder")

const requestTypesGolden = "testdata/golden/request-types.json"

// requestBodyTypes are the types the SDK sends as request bodies.
func requestBodyTypes() []any {
	return []any{
		&AlertDestinationsUpdateRequest{}, &AppCreateRequest{}, &AppDatabaseTrustedSourcesRequest{},
		&AppDetectRequest{}, &AppMetricsBandwidthUsageRequest{}, &AppProposeRequest{},
		&AppRestartRequest{}, &AppRollbackRequest{}, &AppUpdateRequest{},
		&AppUpgradeBuildpackRequest{}, &DeploymentCreateRequest{}, &InstallKubernetesRequest{},
	}
}

// bodyFill sets every field of v: full fills numbers, bools and strings
// with non-zero values (the strings with characters whose escaping differs
// between JSON encoders), otherwise they stay zero while every pointer,
// slice and map is allocated (one element), so that empty-but-present
// values meet omitempty.
func bodyFill(v reflect.Value, full bool, depth int) {
	if depth > 8 {
		return
	}
	switch v.Kind() {
	case reflect.Pointer:
		v.Set(reflect.New(v.Type().Elem()))
		bodyFill(v.Elem(), full, depth+1)
	case reflect.Struct:
		if v.Type() == reflect.TypeFor[time.Time]() {
			if full {
				v.Set(reflect.ValueOf(time.Date(2026, 12, 4, 15, 4, 5, 600, time.FixedZone("", 3600))))
			}
			return
		}
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() {
				bodyFill(v.Field(i), full, depth+1)
			}
		}
	case reflect.Slice:
		s := reflect.MakeSlice(v.Type(), 1, 1)
		bodyFill(s.Index(0), full, depth+1)
		v.Set(s)
	case reflect.Map:
		m := reflect.MakeMap(v.Type())
		k, e := reflect.New(v.Type().Key()).Elem(), reflect.New(v.Type().Elem()).Elem()
		bodyFill(k, true, depth+1)
		bodyFill(e, full, depth+1)
		m.SetMapIndex(k, e)
		v.Set(m)
	case reflect.String:
		if full {
			v.SetString("a<b>&c\u2028d\"e\\f\tg" + strconv.Itoa(depth))
		}
	case reflect.Bool:
		v.SetBool(full)
	case reflect.Int, reflect.Int32, reflect.Int64:
		if full {
			v.SetInt(int64(depth) - 3)
		}
	case reflect.Float32, reflect.Float64:
		if full {
			v.SetFloat(0.1 * float64(depth))
		}
	}
}

// TestRequestTypeBodiesMatchGolden encodes every request body type three
// ways (zero; every pointer, slice and map present but empty; every field
// set) as the client encodes bodies, plus an update whose spec keeps
// unknown keys, and compares the bytes with the golden file recorded before
// the JSON layer moved to encoding/json/v2 (conformance/ compares the
// bodies of all 51 operations the same way).
func TestRequestTypeBodiesMatchGolden(t *testing.T) {
	got := map[string]string{}
	for _, v := range requestBodyTypes() {
		name := reflect.TypeOf(v).Elem().Name()
		for _, variant := range []string{"zero", "empty", "full"} {
			val := reflect.New(reflect.TypeOf(v).Elem())
			if variant != "zero" {
				bodyFill(val.Elem(), variant == "full", 0)
			}
			body, err := encodeBody(val.Interface())
			require.NoError(t, err, name)
			got[name+"/"+variant] = string(body)
		}
	}
	var spec AppSpec
	require.NoError(t, json.Unmarshal([]byte(`{"name":"a","zz":{"b":[1,2.50,"<&>"]},"services":[{"name":"web","next":null,"http_port":0}],"ingress":{"rules":[{"match":{"path":{"prefix":"/"},"x":true}}]}}`), &spec))
	body, err := encodeBody(&AppUpdateRequest{Spec: &spec})
	require.NoError(t, err)
	got["AppUpdateRequest/unknown-keys"] = string(body)

	encoded, err := json.MarshalIndent(got, "", "  ")
	require.NoError(t, err)
	encoded = append(encoded, '\n')
	if *updateGolden {
		require.NoError(t, os.MkdirAll(filepath.Dir(requestTypesGolden), 0o755))
		require.NoError(t, os.WriteFile(requestTypesGolden, encoded, 0o644))
	}
	raw, err := os.ReadFile(requestTypesGolden)
	require.NoError(t, err, "run go test -run TestRequestTypeBodiesMatchGolden -update to record it")
	var want map[string]string
	require.NoError(t, json.Unmarshal(raw, &want))
	assert.Len(t, got, len(want))
	for k, w := range want {
		assert.Equal(t, w, got[k], k)
	}
}
