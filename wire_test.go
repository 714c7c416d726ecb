package digitalocean

import (
	"encoding/json"
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// wireHolders are the types that decode through twins: the generated ones
// (every struct outside the AppSpec tree that holds a spec) and the
// hand-written response envelopes.
func wireHolders() []wireDecoded {
	return []wireDecoded{
		&App{}, &Deployment{}, &AppEvent{}, &AppProposeResponse{},
		&AppCreateRequest{}, &AppUpdateRequest{}, &AppProposeRequest{},
		&AppDetectResponse{}, &AppDeployTemplate{}, &AppUpgradeBuildpackResponse{},
		// The generated envelopes (apps_envelopes.gen.go) of spec holders.
		&appRoot{}, &appsPage{}, &deploymentRoot{}, &deploymentsPage{}, &eventsPage{}, &eventRoot{},
	}
}

// TestWireHoldersListed: every type with a wire method, generated
// (apps_types.gen.go, apps_envelopes.gen.go) or hand-written, is in
// wireHolders, so that TestWireTwinsShareLayout checks every twin.
func TestWireHoldersListed(t *testing.T) {
	listed := map[string]bool{}
	for _, v := range wireHolders() {
		listed[reflect.TypeOf(v).Elem().Name()] = true
	}
	files, err := filepath.Glob("*.go")
	require.NoError(t, err)
	found := 0
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		file, err := parser.ParseFile(token.NewFileSet(), name, nil, parser.SkipObjectResolution)
		require.NoError(t, err)
		for _, decl := range file.Decls {
			fn, ok := decl.(*ast.FuncDecl)
			if !ok || fn.Recv == nil || fn.Name.Name != "wire" {
				continue
			}
			star, ok := fn.Recv.List[0].Type.(*ast.StarExpr)
			require.True(t, ok, "wire on a value receiver")
			name := star.X.(*ast.Ident).Name
			found++
			assert.True(t, listed[name], "%s has a wire twin but is missing from wireHolders", name)
		}
	}
	assert.Equal(t, len(listed), found, "wireHolders lists a type without a wire method")
}

// TestWireTwinsShareLayout: wire reinterprets memory, so a twin must have
// its struct's fields, offsets and tags exactly, with specs and spec holders
// replaced by their twins; and no twin may reach AppSpec itself, whose
// UnmarshalJSON the twins exist to avoid.
func TestWireTwinsShareLayout(t *testing.T) {
	for _, v := range wireHolders() {
		pub, twin := reflect.TypeOf(v).Elem(), reflect.TypeOf(v.wire()).Elem()
		assert.NotEqual(t, pub, twin, "%v is its own twin", pub)
		assert.NoError(t, sameLayout(pub, twin, map[[2]reflect.Type]bool{}), "%v", pub)
		assert.False(t, reaches(twin, reflect.TypeFor[AppSpec](), map[reflect.Type]bool{}), "%v reaches AppSpec", twin)
		_, collects := v.(unknownCollector)
		assert.True(t, collects, "%v decodes through a twin but does not collect unknown keys", pub)
	}
}

func sameLayout(pub, twin reflect.Type, seen map[[2]reflect.Type]bool) error {
	if pub == twin || seen[[2]reflect.Type{pub, twin}] {
		return nil
	}
	seen[[2]reflect.Type{pub, twin}] = true
	if pub.Kind() != twin.Kind() || pub.Size() != twin.Size() || pub.Align() != twin.Align() {
		return fmt.Errorf("%v and %v differ in kind or size", pub, twin)
	}
	switch pub.Kind() {
	case reflect.Pointer, reflect.Slice:
		return sameLayout(pub.Elem(), twin.Elem(), seen)
	case reflect.Struct:
		if pub.NumField() != twin.NumField() {
			return fmt.Errorf("%v has %d fields, %v %d", pub, pub.NumField(), twin, twin.NumField())
		}
		for i := range pub.NumField() {
			p, w := pub.Field(i), twin.Field(i)
			if p.Name != w.Name || p.Offset != w.Offset || p.Tag != w.Tag || p.Anonymous != w.Anonymous {
				return fmt.Errorf("%v.%s and %v.%s differ", pub, p.Name, twin, w.Name)
			}
			if err := sameLayout(p.Type, w.Type, seen); err != nil {
				return err
			}
		}
		return nil
	}
	return fmt.Errorf("%v and %v differ", pub, twin)
}

func reaches(t, target reflect.Type, seen map[reflect.Type]bool) bool {
	if t == target {
		return true
	}
	if seen[t] {
		return false
	}
	seen[t] = true
	switch t.Kind() {
	case reflect.Pointer, reflect.Slice, reflect.Array, reflect.Map:
		return reaches(t.Elem(), target, seen)
	case reflect.Struct:
		for i := range t.NumField() {
			if reaches(t.Field(i).Type, target, seen) {
				return true
			}
		}
	}
	return false
}

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
		require.NoError(t, unmarshalLenient([]byte(c.doc), c.out), c.name)
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

// TestWireDecodingMatchesJSONUnmarshal: on the spec's largest example, with
// unknown keys added at many depths, the client's decoding (twins, then
// one scan) and json.Unmarshal (AppSpec.UnmarshalJSON) give equal values,
// unknown keys included; and zone-less date-times still decode.
func TestWireDecodingMatchesJSONUnmarshal(t *testing.T) {
	var fixture map[string]any
	require.NoError(t, json.Unmarshal(gtAppFixture(t), &fixture))
	var unknown map[string]any
	require.NoError(t, json.Unmarshal([]byte(gtUnknownApp), &unknown))
	fixture["spec"] = unknown["spec"]
	fixture["active_deployment"].(map[string]any)["spec"] = unknown["spec"]
	doc, err := json.Marshal(map[string]any{"apps": []any{fixture, fixture}, "meta": map[string]any{"total": 2}})
	require.NoError(t, err)

	var viaClient, viaJSON appsPage
	require.NoError(t, unmarshalLenient(doc, &viaClient))
	require.NoError(t, json.Unmarshal(doc, &viaJSON))
	assert.Equal(t, viaJSON, viaClient)
	require.Len(t, viaClient.Apps, 2)
	assert.Equal(t, gtUnknownPaths, viaClient.Apps[1].Spec.UnknownFields())
	assert.Equal(t, gtUnknownPaths, viaClient.Apps[1].ActiveDeployment.Spec.UnknownFields())

	// The lenient path (a zone-less date-time) collects over the fixed text.
	fixture["created_at"] = "2021-02-10T16:45:14"
	doc, err = json.Marshal(map[string]any{"app": fixture})
	require.NoError(t, err)
	var root appRoot
	require.NoError(t, unmarshalLenient(doc, &root))
	assert.Equal(t, 2021, root.App.CreatedAt.Year())
	assert.Equal(t, gtUnknownPaths, root.App.Spec.UnknownFields())
}

// FuzzWireDecoding: for any input, the client's decoding of an app and
// json.Unmarshal agree on success and on the values, unknown keys included.
func FuzzWireDecoding(f *testing.F) {
	f.Add([]byte(gtUnknownApp))
	f.Add([]byte(`{"spec":{"name":"a","x":1},"SPEC":{"y":2},"active_deployment":{"spec":null}}`))
	f.Add([]byte(`{"pending_deployment":{"spec":{"services":[null,{"x":[]}]}}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		var viaClient, viaJSON App
		clientErr := unmarshalLenient(data, &viaClient)
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

func TestSkipString(t *testing.T) {
	for doc, end := range map[string]int{
		`"abc",`:        5,
		`"a\"b",`:       6,
		`"a\\",`:        5, // an escaped backslash, then the closing quote
		`"a\\\"b",`:     8,
		`"\\\\"x`:       6,
		`"\u0022"`:      8,
		`"unterminated`: 13,
		`"ends in \`:    10,
		`""`:            2,
	} {
		assert.Equal(t, end, skipString([]byte(doc), 0), doc)
	}
	// Only backslashes inside the string count: the opening quote is at 3.
	assert.Equal(t, 6, skipString([]byte(`\\\"x"`), 3))
}
