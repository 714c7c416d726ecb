package digitalocean

import (
	"encoding/json"
	"reflect"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// cloneFill sets every exported field reachable from v to a non-zero
// value: pointers allocated, one element per list and map.
func cloneFill(v reflect.Value, depth int) {
	if depth > 12 {
		return
	}
	switch v.Kind() {
	case reflect.Pointer:
		if v.IsNil() {
			v.Set(reflect.New(v.Type().Elem()))
		}
		cloneFill(v.Elem(), depth+1)
	case reflect.Struct:
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() {
				cloneFill(v.Field(i), depth+1)
			}
		}
	case reflect.Slice:
		s := reflect.MakeSlice(v.Type(), 1, 1)
		cloneFill(s.Index(0), depth+1)
		v.Set(s)
	case reflect.Map:
		m := reflect.MakeMap(v.Type())
		k, e := reflect.New(v.Type().Key()).Elem(), reflect.New(v.Type().Elem()).Elem()
		cloneFill(k, depth+1)
		cloneFill(e, depth+1)
		m.SetMapIndex(k, e)
		v.Set(m)
	case reflect.String:
		v.SetString("v" + v.Type().Name())
	case reflect.Bool:
		v.SetBool(true)
	case reflect.Int, reflect.Int32, reflect.Int64:
		v.SetInt(7)
	case reflect.Float32, reflect.Float64:
		v.SetFloat(1.5)
	}
}

// cloneShared reports the paths at which a and b (same type) share memory:
// the same pointer, map or slice backing array, unexported fields included.
func cloneShared(a, b reflect.Value, path string, out *[]string) {
	switch a.Kind() {
	case reflect.Pointer:
		if a.IsNil() || b.IsNil() {
			return
		}
		if a.Pointer() == b.Pointer() {
			*out = append(*out, path)
			return
		}
		cloneShared(a.Elem(), b.Elem(), path, out)
	case reflect.Struct:
		for i := range a.NumField() {
			cloneShared(a.Field(i), b.Field(i), path+"."+a.Type().Field(i).Name, out)
		}
	case reflect.Slice:
		if a.Len() == 0 || b.Len() == 0 {
			return
		}
		if a.Pointer() == b.Pointer() {
			*out = append(*out, path)
			return
		}
		for i := range min(a.Len(), b.Len()) {
			cloneShared(a.Index(i), b.Index(i), path+"[]", out)
		}
	case reflect.Map:
		if a.Len() > 0 && b.Len() > 0 && a.Pointer() == b.Pointer() {
			*out = append(*out, path)
		}
	}
}

// cloneRichSpec has every field set and unknown keys at several levels.
func cloneRichSpec(t *testing.T) *AppSpec {
	t.Helper()
	var filled AppSpec
	cloneFill(reflect.ValueOf(&filled), 0)
	raw, err := json.Marshal(&filled)
	require.NoError(t, err)
	var generic map[string]any
	require.NoError(t, json.Unmarshal(raw, &generic))
	generic["future_flag"] = map[string]any{"on": true}
	svc := generic["services"].([]any)[0].(map[string]any)
	svc["next_gen"] = []any{1, 2}
	svc["envs"].([]any)[0].(map[string]any)["sealed_by"] = "kms"
	generic["ingress"].(map[string]any)["rules"].([]any)[0].(map[string]any)["match"].(map[string]any)["headers"] = map[string]any{"x": "y"}
	raw, err = json.Marshal(generic)
	require.NoError(t, err)
	spec := new(AppSpec)
	require.NoError(t, json.Unmarshal(raw, spec))
	require.Len(t, spec.UnknownFields(), 4)
	return spec
}

func TestAppSpecCloneIsDeepAndEqual(t *testing.T) {
	orig := cloneRichSpec(t)
	clone := orig.Clone()
	assert.JSONEq(t, string(appsJSON(t, orig)), string(appsJSON(t, clone)), "the clone encodes like the original")
	assert.Equal(t, orig.UnknownFields(), clone.UnknownFields())

	var shared []string
	cloneShared(reflect.ValueOf(orig), reflect.ValueOf(clone), "AppSpec", &shared)
	assert.Empty(t, shared, "the clone shares no pointer, list or map with the original")
}

func TestAppSpecCloneMutationsStayInClone(t *testing.T) {
	orig := cloneRichSpec(t)
	before := string(appsJSON(t, orig))
	clone := orig.Clone()

	clone.Name = "changed"
	clone.Services[0].Name = "changed"
	clone.Services[0].Envs[0].Value = "changed"
	clone.Services[0].Envs = append(clone.Services[0].Envs, &AppVariableDefinition{Key: "NEW"})
	clone.Services[0].Routes[0].Path = "/changed"
	clone.Services[0].Image.RegistryCredentials = "changed"
	clone.Services[0].InternalPorts[0] = 1
	*clone.Ingress.Rules[0].Match.Path.Prefix = "/changed"
	clone.Ingress.Rules[0].CORS.AllowMethods[0] = "changed"
	clone.Workers[0].Alerts[0].Value = 99
	clone.Databases = nil
	clone.Features[0] = "changed"
	// Unknown keys, at the top and deep down.
	clone.unknownFields["future_flag"] = json.RawMessage(`"changed"`)
	clone.Services[0].unknownFields["next_gen"] = json.RawMessage(`[]`)
	delete(clone.Services[0].Envs[0].unknownFields, "sealed_by")
	clone.Ingress.Rules[0].Match.unknownFields["headers"] = json.RawMessage(`null`)

	assert.Equal(t, before, string(appsJSON(t, orig)), "the original did not change")
}

func TestAppSpecCloneNil(t *testing.T) {
	var spec *AppSpec
	assert.Nil(t, spec.Clone())
}

// TestAppSpecCloneKeepsEmptyListsEmpty: an empty list clones to an empty
// list, at the top and deep down; a nil one stays nil.
func TestAppSpecCloneKeepsEmptyListsEmpty(t *testing.T) {
	orig := &AppSpec{
		Name:        "shop",
		StaticSites: []*AppStaticSiteSpec{},
		Features:    []string{},
		Services: []*AppServiceSpec{{
			Name:          "web",
			Envs:          []*AppVariableDefinition{},
			InternalPorts: []int64{},
			Alerts:        nil,
		}},
		Ingress: &AppIngressSpec{Rules: []*AppIngressSpecRule{}},
	}
	clone := orig.Clone()
	require.NotNil(t, clone.StaticSites, "static_sites: [] stays a list")
	assert.Empty(t, clone.StaticSites)
	assert.NotNil(t, clone.Features)
	assert.NotNil(t, clone.Services[0].Envs)
	assert.NotNil(t, clone.Services[0].InternalPorts)
	assert.NotNil(t, clone.Ingress.Rules)
	assert.Nil(t, clone.Services[0].Alerts, "a nil list stays nil")
	assert.Nil(t, clone.Workers)
	assert.True(t, reflect.DeepEqual(orig.Services, clone.Services))
	clone.StaticSites = append(clone.StaticSites, &AppStaticSiteSpec{Name: "docs"})
	assert.Empty(t, orig.StaticSites, "the empty list is not shared")
}
