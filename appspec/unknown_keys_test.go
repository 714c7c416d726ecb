package appspec

import (
	"encoding/json"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"

	do "github.com/oceankit/digitalocean"
	"github.com/oceankit/digitalocean/internal/jsonfields"
	"github.com/oceankit/digitalocean/internal/specfile"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.yaml.in/yaml/v3"
)

func TestParseKeepsKeysCloseToNothing(t *testing.T) {
	doc := `name: a
future_flag: true
services:
  - name: web
    sidecars:
      - image: envoy
        ports: [1.0, 9901]
    health_check:
      http_path: /
      grace_window: 30s
workers:
  - name: w
    log_destinations:
      - name: os
        open_search:
          basic_auth:
            username: x
`
	spec, err := Parse([]byte(doc))
	require.NoError(t, err)
	assert.Equal(t, []string{
		"future_flag",
		"services[0].health_check.grace_window",
		"services[0].sidecars",
		"workers[0].log_destinations[0].open_search.basic_auth.username",
	}, spec.UnknownFields())
	assert.Equal(t, "/", spec.Services[0].HealthCheck.HTTPPath, "known fields next to unknown ones")

	body, err := json.Marshal(spec)
	require.NoError(t, err)
	for _, want := range []string{`"future_flag":true`, `"sidecars":[{"image":"envoy","ports":[1.0,9901]}]`, `"grace_window":"30s"`, `"username":"x"`} {
		assert.Contains(t, string(body), want, "sent to the API as written")
	}

	out, err := Marshal(spec)
	require.NoError(t, err)
	assert.Equal(t, 4, strings.Count(string(out), specfile.UnknownKeyComment), "each kept key is marked:\n%s", out)
	back, err := Parse(out)
	require.NoError(t, err)
	assert.Equal(t, spec, back)
}

func TestParseMarkedKeysCloseToKnownOnes(t *testing.T) {
	// A newer API's key that happens to be close to a known one (http_ports
	// next to http_port) loads when marked, as Marshal marks it.
	marked := "name: a\nservices:\n  - name: web\n    # " + specfile.UnknownKeyMarker + "\n    http_ports: [80, 81]\n" +
		"    health_check:\n      prot: 1 # " + specfile.UnknownKeyMarker + "\n"
	spec, err := Parse([]byte(marked))
	require.NoError(t, err)
	assert.Equal(t, []string{"services[0].health_check.prot", "services[0].http_ports"}, spec.UnknownFields())

	// Without the mark, both are typos.
	unmarked := strings.ReplaceAll(marked, specfile.UnknownKeyMarker, "a comment")
	_, err = Parse([]byte(unmarked))
	var problems Errors
	require.ErrorAs(t, err, &problems)
	require.Len(t, problems, 2)
	assert.Equal(t, "http_port", problems[0].Suggestion)
	assert.Equal(t, "port", problems[1].Suggestion)

	// A mark cannot make a key that differs from a known one only in case
	// unknown: encoding/json would read it as the known field.
	_, err = Parse([]byte("name: a\n# " + specfile.UnknownKeyMarker + "\nRegion: nyc\n"))
	var specErr *Error
	require.ErrorAs(t, err, &specErr)
	assert.Equal(t, "region", specErr.Suggestion)
}

func TestAppSpecYAMLInLargerDocumentKeepsUnknownKeys(t *testing.T) {
	type deployConfig struct {
		Environment string      `yaml:"environment"`
		App         *do.AppSpec `yaml:"app"`
	}
	var spec do.AppSpec
	require.NoError(t, json.Unmarshal([]byte(`{"name":"a","regio":"x","services":[{"name":"web","future":{"a":[null]}}]}`), &spec))
	out, err := yaml.Marshal(deployConfig{Environment: "prod", App: &spec})
	require.NoError(t, err)
	var back deployConfig
	require.NoError(t, yaml.Unmarshal(out, &back), "%s", out)
	assert.Equal(t, &spec, back.App)
	assert.Equal(t, []string{"regio", "services[0].future"}, back.App.UnknownFields())
}

// TestAppSpecYAMLRoundTripProperty writes random specs, with unknown keys in
// every object at every level (inside lists of components and nested
// objects, some close to a known key, some needing quotes) and random JSON
// under them, and checks that each loads back into an equal spec, as a bare
// spec and as a deploy template.
func TestAppSpecYAMLRoundTripProperty(t *testing.T) {
	r := rand.New(rand.NewPCG(11, 2026))
	g := &specGenerator{r: r}
	const iterations = 400 // about 0.2 s
	deepest, inLists := 0, 0
	for i := range iterations {
		data, err := json.Marshal(g.object(reflect.TypeFor[do.AppSpec](), 0))
		require.NoError(t, err)
		var spec do.AppSpec
		require.NoError(t, json.Unmarshal(data, &spec))

		out, err := Marshal(&spec)
		require.NoError(t, err)
		back, err := Parse(out)
		require.NoError(t, err, "spec %d:\n%s", i, out)
		requireSameSpec(t, &spec, back, "spec %d:\n%s", i, out)

		// The same under the deploy template's spec: wrapper, where every
		// key (and its marker) sits one level deeper.
		wrapped, err := MarshalDeployTemplate(&spec)
		require.NoError(t, err)
		back, err = ParseDeployTemplate(wrapped)
		require.NoError(t, err, "template %d:\n%s", i, wrapped)
		requireSameSpec(t, &spec, back, "template %d:\n%s", i, wrapped)

		for _, p := range spec.UnknownFields() {
			deepest = max(deepest, strings.Count(p, "."))
			if strings.Contains(p, "[") {
				inLists++
			}
		}
	}
	// The generator does reach what it claims to.
	assert.GreaterOrEqual(t, deepest, 4, "unknown keys deep in the tree")
	assert.Greater(t, inLists, iterations, "unknown keys inside lists")
	assert.Greater(t, g.nearKnown, iterations/2, "unknown keys close to known ones")
	assert.Len(t, g.reached, len(specStructTypes()), "an unknown key in every type of the spec tree")
}

// requireSameSpec compares two specs by their JSON, unknown fields
// included: strings by value, numbers as written.
func requireSameSpec(t testing.TB, want, got *do.AppSpec, msgAndArgs ...any) {
	t.Helper()
	require.Equal(t, canonicalSpecJSON(t, want), canonicalSpecJSON(t, got), msgAndArgs...)
	require.Equal(t, want.UnknownFields(), got.UnknownFields(), msgAndArgs...)
}

func canonicalSpecJSON(t testing.TB, spec *do.AppSpec) any {
	t.Helper()
	data, err := json.Marshal(spec)
	require.NoError(t, err)
	dec := json.NewDecoder(strings.NewReader(string(data)))
	dec.UseNumber()
	var v any
	require.NoError(t, dec.Decode(&v))
	return v
}

// specGenerator builds random JSON for an app spec type.
type specGenerator struct {
	r         *rand.Rand
	nearKnown int                   // unknown keys made close to a known key
	reached   map[reflect.Type]bool // types given an unknown key
}

var trickyStrings = []string{
	"", "yes", "No", "on", "null", "~", "true", "1.2", "0x1F", "1_000", "12:30", "2024-01-01", "1e3", ".inf",
	"- item", "a: b", "# hash", "trailing ", " leading", "multi\nline\n", "\ttab\nline", "quote\"s", "'single'",
	"é ü 日本", "<html>&amp;", "{flow}", "[x]", "*star", "&anchor", "!tag", "%pct", "@at", "`tick`", "|", ">",
	"back\\slash", "line\r\nwin", "\u2028sep", "\x01ctl", "<<", "EV[1:abc:def]", "---", "...",
}

func (g *specGenerator) string() string {
	if g.r.IntN(3) == 0 {
		return trickyStrings[g.r.IntN(len(trickyStrings))]
	}
	const letters = "abcdefghijklmnopqrstuvwxyz-_./ 0123456789"
	b := make([]byte, 1+g.r.IntN(12))
	for i := range b {
		b[i] = letters[g.r.IntN(len(letters))]
	}
	return string(b)
}

// value returns a random value of Go type t, as JSON would carry it.
func (g *specGenerator) value(t reflect.Type, depth int) any {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t == reflect.TypeFor[do.FlexBool]() {
		return g.r.IntN(2) == 0
	}
	switch t.Kind() {
	case reflect.Struct:
		return g.object(t, depth)
	case reflect.Slice:
		items := make([]any, g.r.IntN(3))
		for i := range items {
			items[i] = g.value(t.Elem(), depth+1)
		}
		return items
	case reflect.Map:
		m := map[string]any{}
		for range g.r.IntN(3) {
			m[g.string()] = g.value(t.Elem(), depth+1)
		}
		return m
	case reflect.String:
		return g.string()
	case reflect.Bool:
		return g.r.IntN(2) == 0
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		if t.Bits() == 64 {
			return int64(g.r.Uint64())
		}
		half := int64(1) << (t.Bits() - 1)
		return g.r.Int64N(half) - g.r.Int64N(half)
	case reflect.Float32:
		b, _ := json.Marshal(float32(g.r.NormFloat64() * 1000))
		return json.Number(b)
	case reflect.Float64:
		return g.r.NormFloat64() * 1e6
	}
	panic("no generator for " + t.String())
}

// object sets about a third of t's fields and adds up to two unknown keys.
func (g *specGenerator) object(t reflect.Type, depth int) map[string]any {
	fields := jsonfields.Of(t)
	m := map[string]any{}
	for _, name := range fields.Names {
		if depth < 6 && g.r.IntN(3) == 0 {
			m[name] = g.value(fields.ByName[name], depth+1)
		}
	}
	for range g.r.IntN(3) {
		if key := g.unknownKey(fields); key != "" {
			m[key] = g.free(depth + 1)
			if g.reached == nil {
				g.reached = map[reflect.Type]bool{}
			}
			g.reached[t] = true
		}
	}
	return m
}

// unknownKey returns a key t does not know, sometimes one a hand-written
// file could not hold without the mark; "" when the pick is a known key.
func (g *specGenerator) unknownKey(fields *jsonfields.Set) string {
	var key string
	switch g.r.IntN(4) {
	case 0:
		// Close to a known key: one letter doubled.
		known := fields.Names[g.r.IntN(len(fields.Names))]
		i := g.r.IntN(len(known))
		key = known[:i+1] + known[i:]
	case 1:
		key = trickyStrings[g.r.IntN(len(trickyStrings))]
	default:
		key = "future_" + g.string()
	}
	if _, known := fields.Lookup(key); known {
		return ""
	}
	if specfile.ClosestKey(key, fields.Names) != "" {
		g.nearKnown++
	}
	return key
}

// free returns random free-form JSON.
func (g *specGenerator) free(depth int) any {
	n := 7
	if depth > 8 {
		n = 5 // scalars only
	}
	switch g.r.IntN(n) {
	case 0:
		return nil
	case 1:
		return g.r.IntN(2) == 0
	case 2:
		numbers := []string{"0", "-0", "1.0", "1e5", "1E+2", "-12.5e-3", "123456789012345678901234567890", "0.1"}
		return json.Number(numbers[g.r.IntN(len(numbers))])
	case 3, 4:
		return g.string()
	case 5:
		items := make([]any, g.r.IntN(4))
		for i := range items {
			items[i] = g.free(depth + 1)
		}
		return items
	}
	m := map[string]any{}
	for range g.r.IntN(4) {
		m[g.string()] = g.free(depth + 1)
	}
	return m
}

func TestParseMisplacedKeys(t *testing.T) {
	// http_port indented under github, instance_count at the top level:
	// keys of other objects are not kept silently.
	doc := `name: a
services:
  - name: web
    github:
      repo: x/y
      branch: main
      http_port: 8080
instance_count: 2
`
	_, err := Parse([]byte(doc))
	var problems Errors
	require.ErrorAs(t, err, &problems)
	require.Len(t, problems, 2)
	assert.Equal(t, "services[0].github.http_port", problems[0].Path)
	assert.Equal(t, 7, problems[0].Line)
	assert.Equal(t, `unknown key "http_port" here; it is a key of services[] (indented under the wrong parent?)`, problems[0].Msg)
	assert.Empty(t, problems[0].Suggestion)
	assert.Equal(t, "instance_count", problems[1].Key)
	assert.Contains(t, problems[1].Msg, "it is a key of services[], jobs[] and workers[]")

	// The marker keeps them, as for a newer API's keys.
	marked := strings.ReplaceAll(doc, "      http_port", "      # "+specfile.UnknownKeyMarker+"\n      http_port")
	marked = strings.ReplaceAll(marked, "instance_count", "# "+specfile.UnknownKeyMarker+"\ninstance_count")
	spec, err := Parse([]byte(marked))
	require.NoError(t, err, marked)
	assert.Equal(t, []string{"instance_count", "services[0].github.http_port"}, spec.UnknownFields())

	assert.Equal(t, "the top level, services[], static_sites[] and others", specfile.MisplacedKey(reflect.TypeFor[do.AppSpec](), "name"))
	assert.Equal(t, "services[].log_destinations[].open_search.basic_auth", specfile.MisplacedKey(reflect.TypeFor[do.AppSpec](), "user"))
	assert.Empty(t, specfile.MisplacedKey(reflect.TypeFor[do.AppSpec](), "sidecars"))
}

// specStructTypes lists the struct types of the AppSpec tree.
func specStructTypes() map[reflect.Type]bool {
	types := map[reflect.Type]bool{}
	var visit func(t reflect.Type)
	visit = func(t reflect.Type) {
		for t.Kind() == reflect.Pointer || t.Kind() == reflect.Slice || t.Kind() == reflect.Map {
			t = t.Elem()
		}
		if t.Kind() != reflect.Struct || specfile.DecodesItself(t) || types[t] {
			return
		}
		types[t] = true
		fields := jsonfields.Of(t)
		for _, name := range fields.Names {
			visit(fields.ByName[name])
		}
	}
	visit(reflect.TypeFor[do.AppSpec]())
	return types
}
