package digitalocean

import (
	"encoding/json"
	"errors"
	"math/rand/v2"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Tests of the decode layer (decode.go, apps_flex.go): the client's one
// pass of encoding/json/v2 against encoding/json (v1), which users may
// still call on the SDK's types.

// TestResponsesKeepSpecUnknownKeysInEveryHolder decodes, as the client
// does, each response shape that carries app specs and checks the unknown
// keys of every spec inside.
func TestResponsesKeepSpecUnknownKeysInEveryHolder(t *testing.T) {
	spec := func(x string) string {
		return `{"name":"a","` + x + `":{"k":[1]},"services":[{"name":"s","y_` + x + `":2}]}`
	}
	want := func(x string) []string { return []string{x, "services[0].y_" + x} }
	type check struct {
		name string
		doc  string
		out  any
		got  func(out any) []*AppSpec
	}
	app := func(x string) string {
		return `{"id":"i","spec":` + spec(x+"_app") + `,"active_deployment":{"id":"d","spec":` + spec(x+"_active") + `},` +
			`"pending_deployment":{"spec":` + spec(x+"_pending") + `},"in_progress_deployment":null}`
	}
	appSpecs := func(a *App) []*AppSpec { return []*AppSpec{a.Spec, a.ActiveDeployment.Spec, a.PendingDeployment.Spec} }
	checks := []check{
		{"app", `{"app":` + app("a") + `}`, &appRoot{}, func(o any) []*AppSpec { return appSpecs(o.(*appRoot).App) }},
		{"apps", `{"apps":[` + app("a") + `,{"id":"empty"},` + app("b") + `],"links":{},"meta":{"total":3}}`, &appsPage{},
			func(o any) []*AppSpec {
				p := o.(*appsPage)
				require.Equal(t, 3, p.Meta.Total)
				require.Nil(t, p.Apps[1].Spec)
				return append(appSpecs(&p.Apps[0]), appSpecs(&p.Apps[2])...)
			}},
		{"deployment", `{"deployment":{"id":"d","spec":` + spec("a") + `}}`, &deploymentRoot{},
			func(o any) []*AppSpec { return []*AppSpec{o.(*deploymentRoot).Deployment.Spec} }},
		{"deployments", `{"deployments":[{"spec":` + spec("a") + `},{"spec":` + spec("b") + `}]}`, &deploymentsPage{},
			func(o any) []*AppSpec {
				d := o.(*deploymentsPage).Deployments
				return []*AppSpec{d[0].Spec, d[1].Spec}
			}},
		{"event", `{"event":{"id":"e","deployment":{"spec":` + spec("a") + `}}}`, &eventRoot{},
			func(o any) []*AppSpec { return []*AppSpec{o.(*eventRoot).Event.Deployment.Spec} }},
		{"events", `{"events":[{"deployment":{"spec":` + spec("a") + `}},{"type":"AUTOSCALING"}]}`, &eventsPage{},
			func(o any) []*AppSpec { return []*AppSpec{o.(*eventsPage).Events[0].Deployment.Spec} }},
		{"propose", `{"app_cost":5,"spec":` + spec("a") + `}`, &AppProposeResponse{},
			func(o any) []*AppSpec { return []*AppSpec{o.(*AppProposeResponse).Spec} }},
		{"detect", `{"components":[{"strategy":"BUILDPACK"}],"template":{"spec":` + spec("a") + `},"template_found":true}`, &AppDetectResponse{},
			func(o any) []*AppSpec { return []*AppSpec{o.(*AppDetectResponse).Template.Spec} }},
		{"upgrade buildpack", `{"affected_components":["api"],"deployment":{"id":"d","spec":` + spec("a") + `}}`, &AppUpgradeBuildpackResponse{},
			func(o any) []*AppSpec { return []*AppSpec{o.(*AppUpgradeBuildpackResponse).Deployment.Spec} }},
	}
	for _, c := range checks {
		require.NoError(t, unmarshalResponse([]byte(c.doc), c.out), c.name)
		specs := c.got(c.out)
		require.NotEmpty(t, specs, c.name)
		for _, s := range specs {
			require.NotNil(t, s, c.name)
			require.Len(t, s.UnknownFields(), 2, c.name)
			x := s.UnknownFields()[0] // sorted: "a…" before "services…"
			assert.Equal(t, want(x), s.UnknownFields(), c.name)
		}
		// The method path (plain json.Unmarshal) decodes the same values.
		again := reflect.New(reflect.TypeOf(c.out).Elem()).Interface()
		require.NoError(t, json.Unmarshal([]byte(c.doc), again), c.name)
		assert.Equal(t, c.out, again, "%s: client decoding and json.Unmarshal disagree", c.name)
	}
}

// TestClientDecodingMatchesJSONUnmarshal: on the spec's largest example,
// with unknown keys added at many depths, the client's decoding and
// encoding/json's json.Unmarshal (AppSpec.UnmarshalJSON) give equal values,
// unknown keys included; and zone-less date-times still decode.
func TestClientDecodingMatchesJSONUnmarshal(t *testing.T) {
	var fixture map[string]any
	require.NoError(t, json.Unmarshal(gtAppFixture(t), &fixture))
	var unknown map[string]any
	require.NoError(t, json.Unmarshal([]byte(gtUnknownApp), &unknown))
	fixture["spec"] = unknown["spec"]
	fixture["active_deployment"].(map[string]any)["spec"] = unknown["spec"]
	doc, err := json.Marshal(map[string]any{"apps": []any{fixture, fixture}, "meta": map[string]any{"total": 2}})
	require.NoError(t, err)

	var viaClient, viaJSON appsPage
	require.NoError(t, unmarshalResponse(doc, &viaClient))
	require.NoError(t, json.Unmarshal(doc, &viaJSON))
	assert.Equal(t, viaJSON, viaClient)
	require.Len(t, viaClient.Apps, 2)
	assert.Equal(t, gtUnknownPaths, viaClient.Apps[1].Spec.UnknownFields())
	assert.Equal(t, gtUnknownPaths, viaClient.Apps[1].ActiveDeployment.Spec.UnknownFields())

	// A zone-less date-time decodes in the same pass.
	fixture["created_at"] = "2021-02-10T16:45:14"
	doc, err = json.Marshal(map[string]any{"app": fixture})
	require.NoError(t, err)
	var root appRoot
	require.NoError(t, unmarshalResponse(doc, &root))
	assert.Equal(t, 2021, root.App.CreatedAt.Year())
	assert.Equal(t, gtUnknownPaths, root.App.Spec.UnknownFields())
}

// FuzzClientDecodingMatchesJSONUnmarshal: for any input, the client's
// decoding of an app and encoding/json's json.Unmarshal agree on success and
// on the values, unknown keys included.
func FuzzClientDecodingMatchesJSONUnmarshal(f *testing.F) {
	f.Add([]byte(gtUnknownApp))
	f.Add([]byte(`{"spec":{"name":"a","x":1},"SPEC":{"y":2},"active_deployment":{"spec":null}}`))
	f.Add([]byte(`{"pending_deployment":{"spec":{"services":[null,{"x":[]}]}}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		var viaClient, viaJSON App
		clientErr := unmarshalResponse(data, &viaClient)
		jsonErr := json.Unmarshal(data, &viaJSON)
		if (clientErr == nil) != (jsonErr == nil) {
			var parseErr *time.ParseError
			if clientErr == nil && errors.As(jsonErr, &parseErr) {
				return // the client also reads zone-less date-times
			}
			t.Fatalf("client error %v, json.Unmarshal error %v", clientErr, jsonErr)
		}
		if clientErr == nil && !reflect.DeepEqual(viaClient, viaJSON) {
			t.Fatalf("values differ for %s", data)
		}
	})
}

// TestResponsesToleratedAsEncodingJSONTolerated: what encoding/json (v1)
// accepted in a response still decodes, with v1's result: a repeated
// member name (the last wins), invalid UTF-8 (replaced by U+FFFD) and
// member names in another case (matched as strings.EqualFold matches them,
// underscores not ignored).
func TestResponsesToleratedAsEncodingJSONTolerated(t *testing.T) {
	for name, doc := range map[string]string{
		"repeated name":          `{"id":"a","id":"b","spec":{"name":"x","name":"y","services":[{"name":"s","name":"t"}]}}`,
		"repeated unknown name":  `{"id":"a","spec":{"name":"x","x":1,"x":2}}`,
		"invalid UTF-8":          "{\"id\":\"a\xffb\",\"spec\":{\"name\":\"n\xc3\",\"x\xfe\":\"v\xff\"},\"tier_slug\":\"\xed\xa0\x80\"}",
		"case-insensitive names": `{"ID":"a","Spec":{"NAME":"x","Services":[{"Name":"s","Http_Port":8080}]},"Live_URL":"u"}`,
		"underscores count":      `{"id":"a","liveurl":"u","spec":{"name":"x","httpport":1}}`,
	} {
		var viaClient, viaJSON App
		require.NoError(t, unmarshalResponse([]byte(doc), &viaClient), name)
		require.NoError(t, json.Unmarshal([]byte(doc), &viaJSON), name)
		assert.Equal(t, viaJSON, viaClient, name)
		switch name {
		case "repeated name":
			assert.Equal(t, "b", viaClient.ID)
			assert.Equal(t, "y", viaClient.Spec.Name)
			assert.Equal(t, "t", viaClient.Spec.Services[0].Name)
		case "invalid UTF-8":
			assert.Equal(t, "a\ufffdb", viaClient.ID)
			assert.Equal(t, "n\ufffd", viaClient.Spec.Name)
			assert.Equal(t, []string{"x\ufffd"}, viaClient.Spec.UnknownFields())
		case "case-insensitive names":
			assert.Equal(t, "a", viaClient.ID)
			assert.Equal(t, "u", viaClient.LiveURL)
			assert.Equal(t, int64(8080), int64(viaClient.Spec.Services[0].HTTPPort))
			assert.Nil(t, viaClient.Spec.UnknownFields())
		case "underscores count":
			assert.Empty(t, viaClient.LiveURL)
			assert.Equal(t, []string{"httpport"}, viaClient.Spec.UnknownFields())
		}
	}
	// Through the whole client, as a response body.
	c, _ := newTestClient(t, jsonHandler(200, "{\"app\":{\"id\":\"a\",\"id\":\"b\xff\",\"SPEC\":{\"name\":\"n\",\"x\":1}}}"))
	app, _, err := c.Apps.Get(t.Context(), "a")
	require.NoError(t, err)
	assert.Equal(t, "b\ufffd", app.ID)
	assert.Equal(t, []string{"x"}, app.Spec.UnknownFields())
}

// injectUnknownKeys adds a member named key to a random object of the JSON
// tree v below depth 0 (the top object itself when none is deeper), and
// returns the member's path as UnknownFields writes it, relative to v.
func injectUnknownKeys(r *rand.Rand, v map[string]any, key string, value any) string {
	path := ""
	obj := v
	for {
		var children []string
		for k, child := range obj {
			if strings.HasPrefix(k, "x_") {
				continue // planted: its insides are not the spec's
			}
			switch c := child.(type) {
			case map[string]any:
				children = append(children, k)
			case []any:
				if len(c) > 0 {
					if _, ok := c[0].(map[string]any); ok {
						children = append(children, k)
					}
				}
			}
		}
		if len(children) == 0 || r.IntN(3) == 0 {
			break
		}
		sort.Strings(children)
		k := children[r.IntN(len(children))]
		switch c := obj[k].(type) {
		case map[string]any:
			obj, path = c, memberPath(path, k)
		case []any:
			i := r.IntN(len(c))
			obj, path = c[i].(map[string]any), indexPath(path, k, i)
		}
	}
	obj[key] = value
	return memberPath(path, key)
}

// TestEncodingJSONAndClientAgreeProperty: for random unknown keys planted
// at random depths of the spec of an App, a Deployment and a bare AppSpec,
// encoding/json's json.Unmarshal and the client's decoding give equal
// values that keep every planted key, and encoding/json's json.Marshal and
// the client's request encoding (encodeBody) write the same bytes, which
// decode to the same value again.
func TestEncodingJSONAndClientAgreeProperty(t *testing.T) {
	r := rand.New(rand.NewPCG(17, 2026))
	var fixture map[string]any
	require.NoError(t, json.Unmarshal(gtAppFixture(t), &fixture))
	values := []any{1, 2.50, "x<&>\u2028", nil, true, []any{}, map[string]any{"k": []any{1, map[string]any{}}}}
	for i := range 150 {
		var doc map[string]any
		raw, _ := json.Marshal(fixture)
		require.NoError(t, json.Unmarshal(raw, &doc))
		spec := doc["spec"].(map[string]any)
		var planted []string
		for k := range 1 + r.IntN(4) {
			key := "x_" + strconv.Itoa(i) + "_" + strconv.Itoa(k)
			planted = append(planted, injectUnknownKeys(r, spec, key, values[r.IntN(len(values))]))
		}
		sort.Strings(planted)
		data, err := json.Marshal(doc)
		require.NoError(t, err)
		specData, err := json.Marshal(spec)
		require.NoError(t, err)
		deployment, err := json.Marshal(map[string]any{"id": "d", "phase": "ACTIVE", "spec": spec, "created_at": "2026-12-04T10:00:00Z"})
		require.NoError(t, err)

		for _, c := range []struct {
			data     []byte
			newValue func() any
			spec     func(any) *AppSpec
		}{
			{data, func() any { return new(App) }, func(v any) *AppSpec { return v.(*App).Spec }},
			{deployment, func() any { return new(Deployment) }, func(v any) *AppSpec { return v.(*Deployment).Spec }},
			{specData, func() any { return new(AppSpec) }, func(v any) *AppSpec { return v.(*AppSpec) }},
		} {
			viaJSON, viaClient := c.newValue(), c.newValue()
			require.NoError(t, json.Unmarshal(c.data, viaJSON))
			require.NoError(t, unmarshalResponse(c.data, viaClient))
			require.Equal(t, viaJSON, viaClient, "iteration %d", i)
			require.Equal(t, planted, c.spec(viaClient).UnknownFields(), "iteration %d", i)

			v1Out, err := json.Marshal(viaJSON)
			require.NoError(t, err)
			clientOut, err := encodeBody(viaClient)
			require.NoError(t, err)
			require.Equal(t, string(v1Out), string(clientOut), "iteration %d", i)

			again := c.newValue()
			require.NoError(t, unmarshalResponse(clientOut, again))
			require.Equal(t, viaClient, again, "iteration %d", i)
		}
	}
}
