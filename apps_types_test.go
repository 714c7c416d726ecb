package digitalocean

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"reflect"
	"regexp"
	"sort"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	jsonv2 "github.com/go-json-experiment/json"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.yaml.in/yaml/v3"
)

// Tests of the generated App Platform types (apps_types.gen.go). Helpers are
// prefixed gt (generated types) to stay clear of the other test files.

// gtOp is the Go side of one Apps operation: its request body type and its
// response payload type; envelope is the JSON key that wraps the payload in
// the response (the client's unexported envelopes), "" when the body is the
// payload itself.
type gtOp struct {
	request  reflect.Type
	response reflect.Type
	envelope string
	list     bool // the envelope holds a list of the payload
}

func gtType[T any]() reflect.Type { return reflect.TypeFor[T]() }

// gtOps maps every Apps operation of the spec to its Go types.
var gtOps = map[string]gtOp{
	"apps_list":                                 {response: gtType[App](), envelope: "apps", list: true},
	"apps_create":                               {request: gtType[AppCreateRequest](), response: gtType[App](), envelope: "app"},
	"apps_delete":                               {response: gtType[AppDeleteResponse]()},
	"apps_get":                                  {response: gtType[App](), envelope: "app"},
	"apps_update":                               {request: gtType[AppUpdateRequest](), response: gtType[App](), envelope: "app"},
	"apps_restart":                              {request: gtType[AppRestartRequest](), response: gtType[Deployment](), envelope: "deployment"},
	"apps_get_logs_active_deployment":           {response: gtType[AppLogs]()},
	"apps_get_exec_active_deployment":           {response: gtType[AppExec]()},
	"apps_get_instances":                        {response: gtType[AppInstance](), envelope: "instances", list: true},
	"apps_list_deployments":                     {response: gtType[Deployment](), envelope: "deployments", list: true},
	"apps_create_deployment":                    {request: gtType[DeploymentCreateRequest](), response: gtType[Deployment](), envelope: "deployment"},
	"apps_get_deployment":                       {response: gtType[Deployment](), envelope: "deployment"},
	"apps_cancel_deployment":                    {response: gtType[Deployment](), envelope: "deployment"},
	"apps_get_logs":                             {response: gtType[AppLogs]()},
	"apps_get_logs_aggregate":                   {response: gtType[AppLogs]()},
	"apps_get_exec":                             {response: gtType[AppExec]()},
	"apps_get_logs_active_deployment_aggregate": {response: gtType[AppLogs]()},
	"apps_list_job_invocations":                 {response: gtType[JobInvocation](), envelope: "job_invocations", list: true},
	"apps_get_job_invocation":                   {response: gtType[JobInvocation]()},
	"apps_cancel_job_invocation":                {response: gtType[JobInvocation]()},
	"apps_get_job_invocation_logs":              {response: gtType[AppLogs]()},
	"apps_list_events":                          {response: gtType[AppEvent](), envelope: "events", list: true},
	"apps_get_event":                            {response: gtType[AppEvent](), envelope: "event"},
	"apps_cancel_event":                         {response: gtType[AppEvent](), envelope: "event"},
	"apps_get_event_logs":                       {response: gtType[AppLogs]()},
	"apps_list_instanceSizes":                   {response: gtType[AppInstanceSizesResponse]()},
	"apps_get_instanceSize":                     {response: gtType[AppInstanceSize](), envelope: "instance_size"},
	"apps_list_regions":                         {response: gtType[AppRegion](), envelope: "regions", list: true},
	"apps_validate_appSpec":                     {request: gtType[AppProposeRequest](), response: gtType[AppProposeResponse]()},
	"apps_list_alerts":                          {response: gtType[AppAlert](), envelope: "alerts", list: true},
	"apps_assign_alertDestinations":             {request: gtType[AlertDestinationsUpdateRequest](), response: gtType[AppAlert](), envelope: "alert"},
	"apps_create_rollback":                      {request: gtType[AppRollbackRequest](), response: gtType[Deployment](), envelope: "deployment"},
	"apps_validate_rollback":                    {request: gtType[AppRollbackRequest](), response: gtType[AppRollbackValidateResponse]()},
	"apps_commit_rollback":                      {},
	"apps_revert_rollback":                      {response: gtType[Deployment](), envelope: "deployment"},
	"apps_get_metrics_bandwidth_daily":          {response: gtType[AppMetricsBandwidthUsage]()},
	"apps_list_metrics_bandwidth_daily":         {request: gtType[AppMetricsBandwidthUsageRequest](), response: gtType[AppMetricsBandwidthUsage]()},
	"apps_get_health":                           {response: gtType[AppHealth](), envelope: "app_health"},

	// The live-API operations of testdata/live-api-overlay.yaml.
	"apps_list_tiers":                      {response: gtType[AppTier](), envelope: "tiers", list: true},
	"apps_get_tier":                        {response: gtType[AppTier](), envelope: "tier"},
	"apps_detect":                          {request: gtType[AppDetectRequest](), response: gtType[AppDetectResponse]()},
	"apps_list_buildpacks":                 {response: gtType[AppBuildpack](), envelope: "buildpacks", list: true},
	"apps_upgrade_buildpack":               {request: gtType[AppUpgradeBuildpackRequest](), response: gtType[AppUpgradeBuildpackResponse]()},
	"apps_get_database_connection_details": {response: gtType[AppDatabaseConnectionDetails](), envelope: "connection_details", list: true},
	"apps_reset_database_password":         {response: gtType[Deployment](), envelope: "deployment"},
	"apps_toggle_database_trusted_source":  {request: gtType[AppDatabaseTrustedSourcesRequest](), response: gtType[AppDatabaseTrustedSourcesResponse]()},
}

// gtSpecDoc is the spec as generic YAML values.
type gtSpecDoc struct {
	root map[string]any
	ops  map[string]map[string]any // operationId → operation
}

var gtSpecOnce = sync.OnceValues(func() (*gtSpecDoc, error) {
	b, err := os.ReadFile("testdata/digitalocean-v2-subset.yaml")
	if err != nil {
		return nil, err
	}
	var root map[string]any
	if err := yaml.Unmarshal(b, &root); err != nil {
		return nil, err
	}
	// The live-API operations: their document $refs the subset's shared
	// objects, which become local refs once both are one document (their
	// component names do not clash).
	b, err = os.ReadFile("testdata/live-api-overlay.yaml")
	if err != nil {
		return nil, err
	}
	b = bytes.ReplaceAll(b, []byte("./digitalocean-v2-subset.yaml#"), []byte("#"))
	var overlay map[string]any
	if err := yaml.Unmarshal(b, &overlay); err != nil {
		return nil, err
	}
	for kind, comps := range gtMap(overlay["components"]) {
		if kind == "securitySchemes" {
			continue // the same bearer_auth as the subset's
		}
		into := gtMap(gtMap(root["components"])[kind])
		for name, c := range gtMap(comps) {
			if _, clash := into[name]; clash {
				return nil, fmt.Errorf("live-api-overlay.yaml: components/%s/%s is in the subset too", kind, name)
			}
			if into != nil {
				into[name] = c
			}
		}
	}
	d := &gtSpecDoc{root: root, ops: map[string]map[string]any{}}
	for _, doc := range []map[string]any{root, overlay} {
		for _, item := range doc["paths"].(map[string]any) {
			for method, op := range item.(map[string]any) {
				o, ok := op.(map[string]any)
				if !ok || method == "parameters" {
					continue
				}
				for _, tag := range gtList(o["tags"]) {
					if tag == "Apps" {
						d.ops[o["operationId"].(string)] = o
					}
				}
			}
		}
	}
	return d, nil
})

func gtSpec(t testing.TB) *gtSpecDoc {
	t.Helper()
	d, err := gtSpecOnce()
	require.NoError(t, err)
	return d
}

func gtMap(v any) map[string]any {
	m, _ := v.(map[string]any)
	return m
}

func gtList(v any) []any {
	l, _ := v.([]any)
	return l
}

// ref follows a local $ref ("#/a/b/c").
func (d *gtSpecDoc) ref(m map[string]any) map[string]any {
	for m != nil {
		r, ok := m["$ref"].(string)
		if !ok {
			return m
		}
		cur := any(d.root)
		for _, seg := range strings.Split(strings.TrimPrefix(r, "#/"), "/") {
			cur = gtMap(cur)[seg]
		}
		m = gtMap(cur)
	}
	return m
}

// props merges the properties of an object schema through refs and allOf.
// Same-named inline objects are merged too.
func (d *gtSpecDoc) props(s map[string]any) map[string]map[string]any {
	s = d.ref(s)
	out := map[string]map[string]any{}
	add := func(name string, p map[string]any) {
		prev, ok := out[name]
		if !ok {
			out[name] = p
			return
		}
		if prev["$ref"] == nil && p["$ref"] == nil && prev["properties"] != nil && p["properties"] != nil {
			merged := map[string]any{}
			for k, v := range gtMap(prev["properties"]) {
				merged[k] = v
			}
			for k, v := range gtMap(p["properties"]) {
				if _, dup := merged[k]; !dup {
					merged[k] = v
				}
			}
			out[name] = map[string]any{"type": "object", "properties": merged}
		}
	}
	for _, part := range gtList(s["allOf"]) {
		for k, v := range d.props(gtMap(part)) {
			add(k, v)
		}
	}
	for k, v := range gtMap(s["properties"]) {
		add(k, gtMap(v))
	}
	return out
}

// singleRef unwraps `allOf: [$ref, {description}]`.
func (d *gtSpecDoc) singleRef(s map[string]any) map[string]any {
	parts := gtList(s["allOf"])
	if len(parts) == 0 || s["properties"] != nil {
		return s
	}
	var ref map[string]any
	for _, p := range parts {
		pm := gtMap(p)
		switch {
		case pm["$ref"] != nil:
			if ref != nil {
				return s
			}
			ref = pm
		case pm["properties"] != nil || pm["type"] != nil || pm["allOf"] != nil:
			return s
		}
	}
	if ref == nil {
		return s
	}
	return ref
}

// gtJSONFields indexes the fields of a struct type by JSON name.
func gtJSONFields(t reflect.Type) map[string]reflect.StructField {
	out := map[string]reflect.StructField{}
	for _, f := range reflect.VisibleFields(t) {
		if !f.IsExported() || f.Anonymous {
			continue
		}
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "-" {
			continue
		}
		if name == "" {
			name = f.Name
		}
		out[name] = f
	}
	return out
}

var (
	gtTimeType     = reflect.TypeFor[time.Time]()
	gtFlexBoolType = reflect.TypeFor[FlexBool]()
)

// gtWalker walks a spec schema and a Go type in parallel.
type gtWalker struct {
	d       *gtSpecDoc
	checked int
	missing []string
	seen    map[string]bool
}

func (w *gtWalker) walk(path string, s map[string]any, t reflect.Type) {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	s = w.d.singleRef(s)
	if r, ok := s["$ref"].(string); ok {
		key := r + "|" + t.String()
		if w.seen[key] {
			return
		}
		w.seen[key] = true
		s = w.d.ref(s)
	}
	typ, _ := s["type"].(string)
	switch {
	case s["allOf"] != nil || s["properties"] != nil:
		if t.Kind() != reflect.Struct {
			w.missing = append(w.missing, fmt.Sprintf("%s: object schema but Go type %s", path, t))
			return
		}
		fields := gtJSONFields(t)
		props := w.d.props(s)
		names := make([]string, 0, len(props))
		for n := range props {
			names = append(names, n)
		}
		sort.Strings(names)
		for _, n := range names {
			w.checked++
			f, ok := fields[n]
			if !ok {
				w.missing = append(w.missing, fmt.Sprintf("%s.%s: no field in %s", path, n, t))
				continue
			}
			w.walk(path+"."+n, props[n], f.Type)
		}
	case typ == "array":
		if t.Kind() != reflect.Slice {
			w.missing = append(w.missing, fmt.Sprintf("%s: array schema but Go type %s", path, t))
			return
		}
		if items := gtMap(s["items"]); items != nil {
			w.walk(path+"[]", items, t.Elem())
		}
	case typ == "object":
		if ap := gtMap(s["additionalProperties"]); ap != nil {
			if t.Kind() != reflect.Map {
				w.missing = append(w.missing, fmt.Sprintf("%s: map schema but Go type %s", path, t))
				return
			}
			w.walk(path+".*", ap, t.Elem())
		}
		// A free-form object: a map, or a struct the overlay typed.
	case typ == "boolean":
		w.kind(path, t, reflect.Bool)
	case typ == "integer" && gtFractionalCosts[path[strings.LastIndex(path, ".")+1:]]:
		// The overlay's type disagreement: the spec says integer, the live
		// API sends fractional costs (TestProposeCostsDecodeWholeAndFractional).
		w.kind(path, t, reflect.Float64)
	case typ == "integer":
		w.kind(path, t, reflect.Int32, reflect.Int64, reflect.Int, reflect.Uint32, reflect.Uint64)
	case typ == "number":
		w.kind(path, t, reflect.Float32, reflect.Float64)
	case typ == "string":
		switch {
		case s["format"] == "date-time":
			if t != gtTimeType {
				w.missing = append(w.missing, fmt.Sprintf("%s: date-time but Go type %s", path, t))
			}
		case t == gtFlexBoolType:
			// The overlay's type disagreement: the spec says string, the
			// live API sends a boolean (app_ingress_spec_rule_routing_component.preserve_path_prefix).
		default:
			w.kind(path, t, reflect.String)
		}
	}
}

func (w *gtWalker) kind(path string, t reflect.Type, kinds ...reflect.Kind) {
	for _, k := range kinds {
		if t.Kind() == k {
			return
		}
	}
	w.missing = append(w.missing, fmt.Sprintf("%s: Go type %s, want kind %v", path, t, kinds))
}

// gtRequestSchema returns the JSON request body schema of an operation.
func (d *gtSpecDoc) requestSchema(op map[string]any) map[string]any {
	return gtMap(gtMap(gtMap(gtMap(op["requestBody"])["content"])["application/json"])["schema"])
}

// gtResponses returns the 2xx JSON responses of an operation by status.
func (d *gtSpecDoc) responses(op map[string]any) map[string]map[string]any {
	out := map[string]map[string]any{}
	for code, r := range gtMap(op["responses"]) {
		if strings.HasPrefix(code, "2") {
			if mt := gtMap(gtMap(d.ref(gtMap(r))["content"])["application/json"]); mt != nil {
				out[code] = mt
			}
		}
	}
	return out
}

// TestGeneratedTypesCoverSpec walks every Apps request and response schema
// of the spec with the Go types and fails on any property without a field.
func TestGeneratedTypesCoverSpec(t *testing.T) {
	d := gtSpec(t)
	require.Len(t, d.ops, len(gtOps), "every Apps operation needs an entry in gtOps")
	var mu sync.Mutex
	total := 0
	t.Cleanup(func() { t.Logf("checked %d spec properties against Go fields", total) })
	for id, op := range d.ops {
		goOp, ok := gtOps[id]
		require.True(t, ok, "operation %s missing from gtOps", id)
		t.Run(id, func(t *testing.T) {
			t.Parallel()
			w := &gtWalker{d: d, seen: map[string]bool{}}
			if s := d.requestSchema(op); s != nil {
				require.NotNil(t, goOp.request, "spec has a request body")
				w.walk(id+" request", s, goOp.request)
			} else {
				require.Nil(t, goOp.request, "spec has no request body")
			}
			resps := d.responses(op)
			if goOp.response == nil {
				require.Empty(t, resps)
			}
			for code, mt := range resps {
				s := gtMap(mt["schema"])
				if goOp.envelope == "" {
					w.walk(id+" "+code, s, goOp.response)
					continue
				}
				props := d.props(s)
				for name := range props {
					if name != goOp.envelope && name != "links" && name != "meta" {
						t.Errorf("envelope of %s has property %s beyond %s/links/meta", id, name, goOp.envelope)
					}
				}
				payload := props[goOp.envelope]
				require.NotNil(t, payload, "envelope key %s", goOp.envelope)
				want := reflect.PointerTo(goOp.response)
				if goOp.list {
					want = reflect.SliceOf(want)
				}
				w.walk(id+" "+code+" "+goOp.envelope, payload, want)
			}
			for _, m := range w.missing {
				t.Error(m)
			}
			mu.Lock()
			total += w.checked
			mu.Unlock()
		})
	}
}

// gtOverlay is the generator's overlay file.
type gtOverlay struct {
	Fields []struct {
		Schema string `yaml:"schema"`
		Path   string `yaml:"path"`
		Name   string `yaml:"name"`
		Source string `yaml:"source"`
	} `yaml:"fields"`
}

// gtOverlayRoots are the Go types of the spec schemas the overlay extends.
var gtOverlayRoots = map[string]reflect.Type{
	"app_spec":                                gtType[AppSpec](),
	"app_service_spec":                        gtType[AppServiceSpec](),
	"app_worker_spec":                         gtType[AppWorkerSpec](),
	"app_job_spec":                            gtType[AppJobSpec](),
	"app_log_destination_definition":          gtType[AppLogDestination](),
	"app_database_spec":                       gtType[AppDatabaseSpec](),
	"app_domain_spec":                         gtType[AppDomainSpec](),
	"app_ingress_spec":                        gtType[AppIngressSpec](),
	"apps_deployment":                         gtType[Deployment](),
	"apps_deployment_progress_step":           gtType[DeploymentProgressStep](),
	"app":                                     gtType[App](),
	"apps_domain_progress":                    gtType[AppDomainProgress](),
	"apps_instance_size":                      gtType[AppInstanceSize](),
	"app_alert":                               gtType[AppAlert](),
	"app_propose_response":                    gtType[AppProposeResponse](),
	"app_ingress_spec_rule_routing_component": gtType[AppIngressSpecRuleRoutingComponent](),

	"apps_toggle_database_trusted_source_request": gtType[AppDatabaseTrustedSourcesRequest](),
}

// TestGeneratedOverlayFieldsPresent checks that every overlay field exists
// on its Go type, and that every component's log destinations get the new
// log destination fields.
func TestGeneratedOverlayFieldsPresent(t *testing.T) {
	b, err := os.ReadFile("internal/specgen/overlay.yaml")
	require.NoError(t, err)
	var ov gtOverlay
	require.NoError(t, yaml.Unmarshal(b, &ov))
	require.NotEmpty(t, ov.Fields)
	for _, f := range ov.Fields {
		name := strings.TrimPrefix(f.Schema+"."+f.Path+"."+f.Name, ".")
		t.Run(name, func(t *testing.T) {
			require.NotEmpty(t, f.Source, "overlay field needs a source")
			typ, ok := gtOverlayRoots[f.Schema]
			require.True(t, ok, "add %s to gtOverlayRoots", f.Schema)
			steps := []string{f.Name}
			if f.Path != "" {
				steps = append(strings.Split(f.Path, "."), f.Name)
			}
			for i, step := range steps {
				for typ.Kind() == reflect.Pointer || typ.Kind() == reflect.Slice {
					typ = typ.Elem()
				}
				field, ok := gtJSONFields(typ)[step]
				require.True(t, ok, "%s has no field %q", typ, step)
				if i == len(steps)-1 && f.Source != "" {
					// The overlay's source note reaches the doc comment; the
					// field exists, which is what this test can see.
					_ = field
				}
				typ = field.Type
			}
		})
	}
	// The log destination fields reach every component kind.
	for _, comp := range []reflect.Type{gtType[AppServiceSpec](), gtType[AppWorkerSpec](), gtType[AppJobSpec](), gtType[AppStaticSiteSpec](), gtType[AppFunctionsSpec]()} {
		f, ok := gtJSONFields(comp)["log_destinations"]
		require.True(t, ok, "%s.log_destinations", comp)
		ld := f.Type.Elem().Elem()
		for _, n := range []string{"endpoint", "headers", "tls_insecure"} {
			_, ok := gtJSONFields(ld)[n]
			assert.True(t, ok, "%s log destination lacks %s", comp, n)
		}
	}
}

// TestLiveAPIFieldsListed reads the table of testdata/live-api-fields.md
// row by row and checks that every listed field is a field of the Go type
// (account rows are hand-written in account.go).
func TestLiveAPIFieldsListed(t *testing.T) {
	b, err := os.ReadFile("testdata/live-api-fields.md")
	require.NoError(t, err)
	roots := map[string]reflect.Type{
		"account":                            gtType[Account](),
		"log destinations (every component)": gtType[AppLogDestination](),
	}
	for k, v := range gtOverlayRoots {
		roots[k] = v
	}
	backticked := regexp.MustCompile("`([^`]+)`")
	rows, fields := 0, 0
	for _, line := range strings.Split(string(b), "\n") {
		cells := strings.Split(strings.Trim(strings.TrimSpace(line), "|"), "|")
		if len(cells) != 2 || !strings.HasPrefix(strings.TrimSpace(line), "|") || strings.HasPrefix(strings.TrimSpace(cells[0]), "---") || strings.Contains(cells[0], "schema (spec name)") {
			continue
		}
		schema := strings.Trim(strings.TrimSpace(cells[0]), "`")
		typ, ok := roots[schema]
		if !assert.True(t, ok, "no Go type for row %q", schema) {
			continue
		}
		rows++
		// `services[]`/`workers[]` `.buildpacks` lists the suffix once.
		var paths, pending []string
		for _, m := range backticked.FindAllStringSubmatch(cells[1], -1) {
			tok := m[1]
			switch {
			case strings.HasPrefix(tok, "."):
				for _, p := range pending {
					paths = append(paths, p+tok)
				}
				pending = nil
			case strings.HasSuffix(tok, "[]"):
				pending = append(pending, tok)
			default:
				paths = append(paths, tok)
			}
		}
		require.Empty(t, pending, "row %s: list without a field", schema)
		for _, path := range paths {
			fields++
			cur := typ
			for _, step := range strings.Split(strings.ReplaceAll(path, "[]", ""), ".") {
				for cur.Kind() == reflect.Pointer || cur.Kind() == reflect.Slice {
					cur = cur.Elem()
				}
				f, ok := gtJSONFields(cur)[step]
				if !assert.True(t, ok, "%s: %s has no field %q (listed as %s)", schema, cur, step, path) {
					break
				}
				cur = f.Type
			}
		}
	}
	assert.Equal(t, 13, rows, "table rows")
	assert.Equal(t, 40, fields, "listed fields")
}

// gtErratum is a known spec error: an example key that contradicts the
// schema. The schema wins; the test deletes exactly this key.
type gtErratum struct {
	example string   // components/examples name
	path    []string // key path; "[]" steps into every array element
	why     string
}

var gtErrata = []gtErratum{
	// get_job_invocation / cancel_job_invocation: the example wraps the
	// invocation in a `job_invocation` array (with array-valued trigger and
	// scheduled), but the response schema is app_job_invocation itself.
	{"job_invocation", []string{"job_invocation"}, "example shows job_invocation as an array; the schema says object"},
	// The logs examples carry keys apps_get_logs_response does not define.
	{"logs", []string{"historic_logs"}, "not in apps_get_logs_response (historic_urls is)"},
	{"logs", []string{"url"}, "not in apps_get_logs_response (live_url is)"},
	// The health example lists components at the top level; the schema
	// wraps them in app_health.
	{"app_health", []string{"components"}, "not in app_health_response (app_health.components is)"},
	// Found while writing this test: the list-apps example carries a
	// deployment's cause and progress at the app level (mis-indented).
	{"apps", []string{"apps", "[]", "cause"}, "deployment field at app level"},
	{"apps", []string{"apps", "[]", "progress"}, "deployment field at app level"},
	// Found while writing this test: the job invocations example pastes
	// schema text (type/properties) into trigger.
	{"job_invocations", []string{"job_invocations", "[]", "trigger", "properties"}, "schema text inside the example"},
}

// gtDelete removes path from v and reports how many keys it removed.
func gtDelete(v any, path []string) int {
	if len(path) == 0 {
		return 0
	}
	if path[0] == "[]" {
		n := 0
		for _, e := range gtList(v) {
			n += gtDelete(e, path[1:])
		}
		return n
	}
	m := gtMap(v)
	if m == nil {
		return 0
	}
	if len(path) == 1 {
		if _, ok := m[path[0]]; ok {
			delete(m, path[0])
			return 1
		}
		return 0
	}
	return gtDelete(m[path[0]], path[1:])
}

// gtExample is one named example of an operation's request or response.
type gtExample struct {
	name  string // components/examples name, or "inline"
	value any
}

func (d *gtSpecDoc) examples(mt map[string]any) []gtExample {
	var out []gtExample
	if v, ok := mt["example"]; ok {
		out = append(out, gtExample{"inline", v})
	}
	for key, e := range gtMap(mt["examples"]) {
		em := gtMap(e)
		name := key
		if r, ok := em["$ref"].(string); ok {
			name = r[strings.LastIndex(r, "/")+1:]
		}
		out = append(out, gtExample{name, d.ref(em)["value"]})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].name < out[j].name })
	return out
}

// gtEnvelopeType builds the response envelope for strict decoding.
func gtEnvelopeType(op gtOp) reflect.Type {
	payload := reflect.PointerTo(op.response)
	if op.list {
		payload = reflect.SliceOf(payload)
	}
	raw := reflect.TypeFor[json.RawMessage]()
	return reflect.StructOf([]reflect.StructField{
		{Name: "Payload", Type: payload, Tag: reflect.StructTag(`json:"` + op.envelope + `"`)},
		{Name: "Links", Type: raw, Tag: `json:"links"`},
		{Name: "Meta", Type: raw, Tag: `json:"meta"`},
	})
}

// gtDecodeStrict decodes data into a new t the way the client reads
// responses, rejecting unknown keys at every depth: the app-spec types,
// which keep unknown keys instead of failing, must have kept none.
func gtDecodeStrict(data []byte, t reflect.Type) (reflect.Value, error) {
	v := reflect.New(t)
	if err := jsonv2.Unmarshal(data, v.Interface(), decodeOptions, jsonv2.RejectUnknownMembers(true)); err != nil {
		return v, err
	}
	if unknown := gtSpecUnknownFields(v); len(unknown) > 0 {
		return v, fmt.Errorf("unknown fields in app spec: %v", unknown)
	}
	return v, nil
}

// gtSpecUnknownFields returns the unknown keys kept by every value inside v
// that keeps them (the AppSpec tree's types).
func gtSpecUnknownFields(v reflect.Value) []string {
	type keeper interface {
		appendUnknownFields(paths []string, path string) []string
	}
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if v.IsNil() {
			return nil
		}
		if k, ok := v.Interface().(keeper); ok {
			return k.appendUnknownFields(nil, "")
		}
		return gtSpecUnknownFields(v.Elem())
	case reflect.Slice, reflect.Array:
		var out []string
		for i := range v.Len() {
			out = append(out, gtSpecUnknownFields(v.Index(i))...)
		}
		return out
	case reflect.Map:
		var out []string
		for it := v.MapRange(); it.Next(); {
			out = append(out, gtSpecUnknownFields(it.Value())...)
		}
		return out
	case reflect.Struct:
		if v.CanAddr() {
			if k, ok := v.Addr().Interface().(keeper); ok {
				return k.appendUnknownFields(nil, "")
			}
		}
		var out []string
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() {
				out = append(out, gtSpecUnknownFields(v.Field(i))...)
			}
		}
		return out
	}
	return nil
}

// TestGeneratedTypesDecodeExamples decodes every Apps example of the spec
// (requests and responses) into the Go types, rejecting unknown keys.
func TestGeneratedTypesDecodeExamples(t *testing.T) {
	d := gtSpec(t)
	used := map[int]int{}
	var mu sync.Mutex
	t.Run("all", func(t *testing.T) {
		for id, op := range d.ops {
			goOp := gtOps[id]
			type body struct {
				kind string
				mt   map[string]any
				typ  reflect.Type
			}
			var bodies []body
			if mt := gtMap(gtMap(gtMap(op["requestBody"])["content"])["application/json"]); mt != nil {
				bodies = append(bodies, body{"request", mt, goOp.request})
			}
			for code, mt := range d.responses(op) {
				typ := goOp.response
				if goOp.envelope != "" {
					typ = gtEnvelopeType(goOp)
				}
				bodies = append(bodies, body{"response " + code, mt, typ})
			}
			for _, b := range bodies {
				for _, ex := range d.examples(b.mt) {
					t.Run(id+"/"+b.kind+"/"+ex.name, func(t *testing.T) {
						t.Parallel()
						// Work on a copy: the spec document is shared.
						raw, err := json.Marshal(ex.value)
						require.NoError(t, err)
						var v any
						require.NoError(t, json.Unmarshal(raw, &v))
						for i, e := range gtErrata {
							if e.example == ex.name {
								n := gtDelete(v, e.path)
								require.NotZero(t, n, "erratum %v (%s) no longer applies", e.path, e.why)
								mu.Lock()
								used[i]++
								mu.Unlock()
							}
						}
						data, err := json.Marshal(v)
						require.NoError(t, err)
						_, err = gtDecodeStrict(data, b.typ)
						require.NoError(t, err, "%s", data)
					})
				}
			}
		}
	})
	for i, e := range gtErrata {
		assert.NotZero(t, used[i], "erratum %s %v matched no example", e.example, e.path)
	}
}

const gtUnknownApp = `{
  "id": "c2a93513-8d9b-4223-9d61-5e7272c81cf5",
  "spec": {
    "name": "web",
    "x_top": {"nested": [1, 2, {"k": "v"}]},
    "envs": [{"key": "A", "value": "1", "x_env": "kept"}],
    "services": [{
      "name": "api",
      "instance_count": 2,
      "x_service": [true, null],
      "routes": [{"path": "/api", "x_route": 42}],
      "health_check": {"http_path": "/health", "x_health": "h"},
      "autoscaling": {"min_instance_count": 1, "metrics": {"cpu": {"percent": 70}, "x_metric": {"p": 1}}}
    }],
    "ingress": {
      "x_ingress": "i",
      "rules": [{
        "match": {"path": {"prefix": "/", "x_match": 7}},
        "component": {"name": "api", "preserve_path_prefix": true, "x_component": "c"},
        "x_rule": {"deep": {"deeper": "yes"}}
      }]
    }
  }
}`

// gtUnknownPaths are the invented keys of gtUnknownApp's spec.
var gtUnknownPaths = []string{
	"envs[0].x_env",
	"ingress.rules[0].component.x_component",
	"ingress.rules[0].match.path.x_match",
	"ingress.rules[0].x_rule",
	"ingress.x_ingress",
	"services[0].autoscaling.metrics.x_metric",
	"services[0].health_check.x_health",
	"services[0].routes[0].x_route",
	"services[0].x_service",
	"x_top",
}

// TestAppSpecKeepsUnknownFields decodes an app whose spec carries invented
// keys at several depths, changes known fields, encodes it and checks that
// the invented keys came back unchanged.
func TestAppSpecKeepsUnknownFields(t *testing.T) {
	// The client decodes from a buffer that is reused afterwards: what the
	// spec keeps must not point into it.
	buf := []byte(gtUnknownApp)
	var app App
	require.NoError(t, unmarshalResponse(buf, &app))
	for i := range buf {
		buf[i] = ' '
	}
	require.NotNil(t, app.Spec)
	assert.Equal(t, gtUnknownPaths, app.Spec.UnknownFields())

	app.Spec.Name = "web-renamed"
	svc := app.Spec.Services[0]
	svc.InstanceCount = 3
	svc.Routes[0].Path = "/v2"
	app.Spec.Ingress.Rules[0].Component.Name = "api2"
	app.Spec.Envs[0].Value = "2"

	out, err := json.Marshal(app.Spec)
	require.NoError(t, err)
	var got map[string]any
	require.NoError(t, json.Unmarshal(out, &got))
	var orig map[string]any
	require.NoError(t, json.Unmarshal([]byte(gtUnknownApp), &orig))
	ospec := gtMap(orig["spec"])

	at := func(v any, path ...any) any {
		for _, p := range path {
			switch k := p.(type) {
			case string:
				v = gtMap(v)[k]
			case int:
				v = gtList(v)[k]
			}
		}
		return v
	}
	for _, path := range [][]any{
		{"x_top"},
		{"envs", 0, "x_env"},
		{"services", 0, "x_service"},
		{"services", 0, "routes", 0, "x_route"},
		{"services", 0, "health_check", "x_health"},
		{"services", 0, "autoscaling", "metrics", "x_metric"},
		{"ingress", "x_ingress"},
		{"ingress", "rules", 0, "x_rule"},
		{"ingress", "rules", 0, "match", "path", "x_match"},
		{"ingress", "rules", 0, "component", "x_component"},
	} {
		want := at(ospec, path...)
		require.NotNil(t, want, "fixture lacks %v", path)
		assert.Equal(t, want, at(got, path...), "unknown field %v", path)
	}
	// Modified known fields win.
	assert.Equal(t, "web-renamed", at(got, "name"))
	assert.Equal(t, float64(3), at(got, "services", 0, "instance_count"))
	assert.Equal(t, "/v2", at(got, "services", 0, "routes", 0, "path"))
	assert.Equal(t, "api2", at(got, "ingress", "rules", 0, "component", "name"))
	assert.Equal(t, true, at(got, "ingress", "rules", 0, "component", "preserve_path_prefix"))
	assert.Equal(t, "2", at(got, "envs", 0, "value"))
	assert.Equal(t, float64(70), at(got, "services", 0, "autoscaling", "metrics", "cpu", "percent"))

	// A value (not pointer) AppSpec keeps them too, and an update request
	// carries them.
	out2, err := json.Marshal(AppUpdateRequest{Spec: app.Spec})
	require.NoError(t, err)
	assert.Contains(t, string(out2), `"x_top":{"nested":[1,2,{"k":"v"}]}`)
	out3, err := json.Marshal(*app.Spec)
	require.NoError(t, err)
	assert.JSONEq(t, string(out), string(out3))

	// Decoding the encoded spec again keeps the same keys.
	var again AppSpec
	require.NoError(t, json.Unmarshal(out, &again))
	assert.Equal(t, gtUnknownPaths, again.UnknownFields())

	// Decoding again replaces what the previous decode kept, at every depth.
	var spec AppSpec
	require.NoError(t, json.Unmarshal([]byte(`{"name":"a","x_old":1,"services":[{"name":"s","x_old":2}]}`), &spec))
	require.NoError(t, json.Unmarshal([]byte(`{"name":"b","services":[{"name":"t"}]}`), &spec))
	assert.Nil(t, spec.UnknownFields())
	out4, err := json.Marshal(spec)
	require.NoError(t, err)
	assert.JSONEq(t, `{"name":"b","services":[{"name":"t"}]}`, string(out4))

	// Known fields win over a stale unknown entry of the same name.
	spec.Services = nil
	spec.unknownFields = unknownMembers{"name": json.RawMessage(`"stale"`), "NAME": json.RawMessage(`"stale"`), "x": json.RawMessage(`1`)}
	out5, err := json.Marshal(spec)
	require.NoError(t, err)
	assert.JSONEq(t, `{"name":"b","x":1}`, string(out5))

	// Types without unknown keys allocate nothing for them.
	var plain AppSpec
	require.NoError(t, json.Unmarshal([]byte(`{"name":"p","services":[{"name":"s"}]}`), &plain))
	assert.Nil(t, plain.unknownFields)
	assert.Nil(t, plain.Services[0].unknownFields)
	assert.Nil(t, plain.UnknownFields())
}

// TestAppSpecUnknownKeysMatchLikeEncodingJSON: a key is unknown exactly when
// encoding/json would not decode it into a field, and null or missing
// values are skipped in step with the decoded values.
func TestAppSpecUnknownKeysMatchLikeEncodingJSON(t *testing.T) {
	for _, c := range []struct {
		doc     string
		unknown []string
		check   func(t *testing.T, s *AppSpec)
	}{
		{ // encoding/json matches keys case-insensitively
			doc:     `{"NAME":"n","Services":[{"Name":"s","X_Svc":1}]}`,
			unknown: []string{"services[0].X_Svc"},
			check: func(t *testing.T, s *AppSpec) {
				assert.Equal(t, "n", s.Name)
				assert.Equal(t, "s", s.Services[0].Name)
			},
		},
		{ // with Unicode folding: U+212A KELVIN SIGN folds to k
			doc:     `{"wor` + "\u212a" + `ers":[{"name":"w","x":1}],"ſ":2}`,
			unknown: []string{"workers[0].x", "ſ"},
			check:   func(t *testing.T, s *AppSpec) { assert.Equal(t, "w", s.Workers[0].Name) },
		},
		{ // escaped keys
			doc:     `{"na\u006de":"e","x\u0041":1,"jobs":[{"\u006eame":"j"}]}`,
			unknown: []string{"xA"},
			check: func(t *testing.T, s *AppSpec) {
				assert.Equal(t, "e", s.Name)
				assert.Equal(t, "j", s.Jobs[0].Name)
			},
		},
		{ // null elements and values, empty objects and arrays
			doc:     `{"services":[null,{"name":"a","x":1},{}],"ingress":null,"egress":{},"envs":[],"x":[]}`,
			unknown: []string{"services[1].x", "x"},
			check: func(t *testing.T, s *AppSpec) {
				assert.Nil(t, s.Services[0])
				assert.Nil(t, s.Ingress)
			},
		},
		{ // strings that look like structure
			doc:     `{"name":"{[\"}]","x":"}","services":[{"name":"]\\\"","routes":[{"path":"{","x":"\\\\"}]}]}`,
			unknown: []string{"services[0].routes[0].x", "x"},
			check:   func(t *testing.T, s *AppSpec) { assert.Equal(t, `]\"`, s.Services[0].Name) },
		},
	} {
		var spec AppSpec
		require.NoError(t, json.Unmarshal([]byte(c.doc), &spec), c.doc)
		assert.Equal(t, c.unknown, spec.UnknownFields(), c.doc)
		c.check(t, &spec)
	}
	var spec AppSpec
	require.NoError(t, json.Unmarshal([]byte(`{"x\u0041":{"v":[1]}}`), &spec))
	out, err := json.Marshal(spec)
	require.NoError(t, err)
	assert.JSONEq(t, `{"xA":{"v":[1]}}`, string(out))
}

// TestNestedSpecTypeAloneKeepsUnknownKeys: every type of the AppSpec tree
// keeps the keys it does not know, also decoded on its own (as the spec of
// an AppAlert is), through encoding/json (v1) and the client alike.
func TestNestedSpecTypeAloneKeepsUnknownKeys(t *testing.T) {
	const doc = `{"name":"a","x":1,"routes":[{"path":"/","y":2}]}`
	var svc AppServiceSpec
	require.NoError(t, json.Unmarshal([]byte(doc), &svc))
	out, err := json.Marshal(svc)
	require.NoError(t, err)
	assert.JSONEq(t, doc, string(out))

	var viaClient AppServiceSpec
	require.NoError(t, unmarshalResponse([]byte(doc), &viaClient))
	assert.Equal(t, svc, viaClient)

	var alert AppAlert
	require.NoError(t, unmarshalResponse([]byte(`{"id":"a","spec":{"rule":"CPU_UTILIZATION","next":true}}`), &alert))
	assert.Equal(t, []string{"next"}, alert.Spec.appendUnknownFields(nil, ""))
}

// TestPreservePathPrefixAcceptsBoolAndString: the spec says string, the live
// API sends a boolean.
func TestPreservePathPrefixAcceptsBoolAndString(t *testing.T) {
	for in, want := range map[string]FlexBool{
		`true`: true, `"true"`: true, `false`: false, `"false"`: false, `""`: false, `null`: false, `"TRUE"`: true,
	} {
		var c AppIngressSpecRuleRoutingComponent
		require.NoError(t, json.Unmarshal([]byte(`{"name":"web","preserve_path_prefix":`+in+`}`), &c), in)
		assert.Equal(t, want, c.PreservePathPrefix, in)
		var spec AppSpec
		require.NoError(t, json.Unmarshal([]byte(`{"ingress":{"rules":[{"component":{"preserve_path_prefix":`+in+`}}]}}`), &spec), in)
		assert.Equal(t, want, spec.Ingress.Rules[0].Component.PreservePathPrefix, in)
	}
	var c AppIngressSpecRuleRoutingComponent
	assert.Error(t, json.Unmarshal([]byte(`{"preserve_path_prefix":"maybe"}`), &c))
	assert.Error(t, json.Unmarshal([]byte(`{"preserve_path_prefix":1}`), &c))
	out, err := json.Marshal(AppIngressSpecRuleRoutingComponent{Name: "web", PreservePathPrefix: true})
	require.NoError(t, err)
	assert.JSONEq(t, `{"name":"web","preserve_path_prefix":true}`, string(out))
}

// gtFractionalCosts are the app_propose_response properties the spec types
// as integers while the live API sends fractional USD amounts.
var gtFractionalCosts = map[string]bool{"app_cost": true, "app_tier_downgrade_cost": true}

// TestProposeCostsDecodeWholeAndFractional pins a spec/live disagreement:
// the spec types the proposal's costs as integers, the live API sends
// amounts such as 12.5 (godo types them float32), so the overlay makes them
// float64, which decodes both.
func TestProposeCostsDecodeWholeAndFractional(t *testing.T) {
	d := gtSpec(t)
	props := d.props(map[string]any{"$ref": "#/components/schemas/app_propose_response"})
	for k := range gtFractionalCosts {
		assert.Equal(t, "integer", props[k]["type"], "%s: once the spec says number, drop its retype from the overlay", k)
		f, ok := gtJSONFields(gtType[AppProposeResponse]())[k]
		require.True(t, ok, k)
		assert.Equal(t, reflect.Float64, f.Type.Kind(), k)
	}
	for raw, want := range map[string]float64{"12": 12, "12.5": 12.5, "0.01": 0.01} {
		var p AppProposeResponse
		body := fmt.Sprintf(`{"app_cost":%s,"app_tier_downgrade_cost":%[1]s,"app_tier_upgrade_cost":%[1]s}`, raw)
		require.NoError(t, json.Unmarshal([]byte(body), &p), raw)
		assert.Equal(t, want, p.AppCost, raw)
		assert.Equal(t, want, p.AppTierDowngradeCost, raw)
		assert.Equal(t, want, p.AppTierUpgradeCost, raw)
	}
}

// gtPointerScalars are the only optional scalar fields that are pointers:
// their zero value is a setting of its own (specgen's zeroIsSetting). Every
// other scalar is a plain value whose zero is left out, as in godo.
var gtPointerScalars = map[string]bool{
	"AppIngressSpecRuleStringMatch.Exact":  true, // "" is a valid match
	"AppIngressSpecRuleStringMatch.Prefix": true,
	"AppStringMatch.Exact":                 true,
	"AppStringMatch.Prefix":                true,
	// false turns trusted sources off: it must be sent (the overlay retypes it).
	"AppDatabaseTrustedSourcesRequest.Enable": true,
}

// TestPointerScalarsOnlyWhereZeroIsASetting walks every generated type
// reachable from the Apps operations and lists its pointer-to-scalar fields.
func TestPointerScalarsOnlyWhereZeroIsASetting(t *testing.T) {
	found := map[string]bool{}
	seen := map[reflect.Type]bool{}
	var visit func(reflect.Type)
	visit = func(typ reflect.Type) {
		for typ.Kind() == reflect.Pointer || typ.Kind() == reflect.Slice || typ.Kind() == reflect.Map {
			typ = typ.Elem()
		}
		if typ.Kind() != reflect.Struct || typ.PkgPath() != gtType[App]().PkgPath() || seen[typ] {
			return
		}
		seen[typ] = true
		for _, f := range gtJSONFields(typ) {
			if f.Type.Kind() == reflect.Pointer && f.Type.Elem().Kind() != reflect.Struct {
				found[typ.Name()+"."+f.Name] = true
			}
			visit(f.Type)
		}
	}
	for _, op := range gtOps {
		if op.request != nil {
			visit(op.request)
		}
		if op.response != nil {
			visit(op.response)
		}
	}
	assert.Equal(t, gtPointerScalars, found)

	// instance_count and the other minimum-1 numbers: zero is left out.
	out, err := json.Marshal(AppServiceSpec{Name: "web", Autoscaling: &AppAutoscalingSpec{MinInstanceCount: 2, MaxInstanceCount: 4}})
	require.NoError(t, err)
	assert.JSONEq(t, `{"name":"web","autoscaling":{"min_instance_count":2,"max_instance_count":4}}`, string(out))
	out, err = json.Marshal(DeploymentCreateRequest{})
	require.NoError(t, err)
	assert.JSONEq(t, `{}`, string(out), "force_build false is the default")
	// An exact match on the empty string is sent.
	out, err = json.Marshal(AppStringMatch{Exact: Ptr("")})
	require.NoError(t, err)
	assert.JSONEq(t, `{"exact":""}`, string(out))
}

// gtAppExample returns the JSON of the largest App in the spec's examples.
func gtAppExample(t testing.TB) []byte {
	d := gtSpec(t)
	ex := gtMap(gtMap(d.root["components"])["examples"])
	var best []byte
	candidates := []any{gtMap(gtMap(ex["app"])["value"])["app"]}
	candidates = append(candidates, gtList(gtMap(gtMap(ex["apps"])["value"])["apps"])...)
	for _, c := range candidates {
		b, err := json.Marshal(c)
		require.NoError(t, err)
		if len(b) > len(best) {
			best = b
		}
	}
	return best
}

// gtZonelessTime is a date-time string without a zone.
var gtZonelessTime = regexp.MustCompile(`"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?)"`)

// gtAppFixture is gtAppExample with RFC 3339 date-times, as the live API
// sends them.
func gtAppFixture(t testing.TB) []byte {
	fixed := gtZonelessTime.ReplaceAll(gtAppExample(t), []byte(`"${1}Z"`))
	var app App
	require.NoError(t, json.Unmarshal(fixed, &app), "fixture decodes without the lenient path")
	return fixed
}

// TestZonelessDateTimeInExample: the app example has date-times without a
// zone ("0001-01-01T00:00:00"), which time.Time alone rejects; the client's
// decoding (unmarshalTime, in the same pass) reads them as UTC.
func TestZonelessDateTimeInExample(t *testing.T) {
	d := gtSpec(t)
	ex := gtMap(gtMap(d.root["components"])["examples"])
	raw, err := json.Marshal(gtMap(ex["app"])["value"])
	require.NoError(t, err)
	require.Contains(t, string(raw), `"0001-01-01T00:00:00"`)
	var std struct{ T time.Time }
	require.Error(t, json.Unmarshal([]byte(`{"T":"0001-01-01T00:00:00"}`), &std))

	var env struct {
		App *App `json:"app"`
	}
	require.NoError(t, unmarshalResponse(raw, &env))
	steps := env.App.Domains[0].Progress.Steps
	last := steps[len(steps)-1]
	assert.Equal(t, "configuration-alert", last.Name)
	assert.True(t, last.EndedAt.IsZero())
	assert.True(t, last.StartedAt.IsZero())
	assert.Equal(t, time.Date(2023, 1, 30, 22, 15, 45, 21896292, time.UTC), steps[0].StartedAt.UTC())
	assert.NotEmpty(t, env.App.Spec.Name, "the rest of the app decodes too")

	var step AppDomainProgressStep
	require.NoError(t, unmarshalResponse([]byte(`{"started_at":"2023-01-30T15:43:30","ended_at":null}`), &step))
	assert.Equal(t, time.Date(2023, 1, 30, 15, 43, 30, 0, time.UTC), step.StartedAt)
	assert.True(t, step.EndedAt.IsZero())
	assert.Error(t, unmarshalResponse([]byte(`{"started_at":"yesterday"}`), &step))

	// Inside an app spec, which keeps unknown keys, they are kept too.
	var app App
	require.NoError(t, unmarshalResponse([]byte(`{"created_at":"2023-01-30T15:43:30","spec":{"name":"a","x":1}}`), &app))
	assert.Equal(t, []string{"x"}, app.Spec.UnknownFields())
	assert.Equal(t, time.Date(2023, 1, 30, 15, 43, 30, 0, time.UTC), app.CreatedAt)
}

// gtMirror builds, by reflection, a copy of a generated type without any
// methods (no unknown-key preservation): what plain encoding/json types
// cost. Recursion is unrolled to a fixed depth.
type gtMirrorKey struct {
	t     reflect.Type
	depth int
}

var gtMirrorCache sync.Map

func gtMirror(t reflect.Type, depth int) reflect.Type {
	key := gtMirrorKey{t, depth}
	if m, ok := gtMirrorCache.Load(key); ok {
		return m.(reflect.Type)
	}
	var m reflect.Type
	switch {
	case t == gtTimeType || t == gtFlexBoolType:
		m = t // leaves both sides pay for
	case depth > 10:
		m = reflect.TypeFor[json.RawMessage]()
	case t.Kind() == reflect.Pointer:
		m = reflect.PointerTo(gtMirror(t.Elem(), depth))
	case t.Kind() == reflect.Slice:
		m = reflect.SliceOf(gtMirror(t.Elem(), depth))
	case t.Kind() == reflect.Map:
		m = reflect.MapOf(t.Key(), gtMirror(t.Elem(), depth))
	case t.Kind() == reflect.Struct:
		var fields []reflect.StructField
		for _, f := range reflect.VisibleFields(t) {
			if !f.IsExported() {
				continue
			}
			fields = append(fields, reflect.StructField{Name: f.Name, Type: gtMirror(f.Type, depth+1), Tag: f.Tag})
		}
		m = reflect.StructOf(fields)
	default:
		m = t
	}
	gtMirrorCache.Store(key, m)
	return m
}

func TestMirrorDecodesLikeApp(t *testing.T) {
	data := gtAppFixture(t)
	mirror := reflect.New(gtMirror(gtType[App](), 0))
	require.NoError(t, json.Unmarshal(data, mirror.Interface()))
	var app App
	require.NoError(t, json.Unmarshal(data, &app))
	a, err := json.Marshal(mirror.Interface())
	require.NoError(t, err)
	b, err := json.Marshal(app)
	require.NoError(t, err)
	assert.JSONEq(t, string(a), string(b))
}

// TestAppDecodingCostsAboutAsMuchAsPlainTypes guards the single-pass design:
// the client decoding an App allocates barely more than encoding/json/v2
// decoding a method-less mirror of it. The least of many single runs is
// compared, because sync.Pool may drop v2's pooled decoders (at a GC, and
// at random under the race detector).
func TestAppDecodingCostsAboutAsMuchAsPlainTypes(t *testing.T) {
	data := gtAppFixture(t)
	mt := gtMirror(gtType[App](), 0)
	least := func(decode func() error) float64 {
		low := math.Inf(1)
		for range 50 {
			low = min(low, testing.AllocsPerRun(1, func() { require.NoError(t, decode()) }))
		}
		return low
	}
	plain := least(func() error { return jsonv2.Unmarshal(data, reflect.New(mt).Interface(), decodeOptions) })
	ours := least(func() error { return unmarshalResponse(data, new(App)) })
	t.Logf("allocs per App decode: %v (plain mirror %v)", ours, plain)
	assert.LessOrEqual(t, ours, plain*1.05, "App decoding allocates too much more than plain types")
}

// TestAppSpecUnmarshalJSONEdgeCases covers AppSpec.UnmarshalJSON, the
// encoding/json (v1) entry: trailing bytes, errors (a type error is v1's
// *json.UnmarshalTypeError naming the field), repeated use, big specs.
func TestAppSpecUnmarshalJSONEdgeCases(t *testing.T) {
	var spec AppSpec
	require.NoError(t, spec.UnmarshalJSON([]byte(" {\"name\":\"a\",\"x\":1} \n")))
	assert.Equal(t, "a", spec.Name)
	assert.Equal(t, []string{"x"}, spec.UnknownFields())
	assert.Error(t, spec.UnmarshalJSON([]byte(`{"name":"a"} {}`)))
	assert.Error(t, spec.UnmarshalJSON([]byte(`{"name":"a"`)))
	var typeErr *json.UnmarshalTypeError
	require.ErrorAs(t, spec.UnmarshalJSON([]byte(`{"services":[{"name":"a"},{"name":1}]}`)), &typeErr)
	assert.Equal(t, "services.name", typeErr.Field)
	assert.Equal(t, "number", typeErr.Value)
	assert.Equal(t, reflect.TypeFor[string](), typeErr.Type)
	for range 3 {
		var s AppSpec
		require.NoError(t, json.Unmarshal([]byte(`{"name":"b","services":[{"name":"s","x":2}]}`), &s))
		assert.Equal(t, "b", s.Name)
		assert.Equal(t, []string{"services[0].x"}, s.UnknownFields())
	}
	require.NoError(t, spec.UnmarshalJSON([]byte("null")))
	assert.Equal(t, "a", spec.Name, "null changes nothing")

	big := []byte(`{"name":"big","envs":[`)
	for i := range 3000 {
		if i > 0 {
			big = append(big, ',')
		}
		big = fmt.Appendf(big, `{"key":"K%d","value":"%032d"}`, i, i)
	}
	big = append(big, `],"x":true}`...)
	require.Greater(t, len(big), 1<<16)
	var bigSpec AppSpec
	require.NoError(t, json.Unmarshal(big, &bigSpec))
	assert.Len(t, bigSpec.Envs, 3000)
	assert.Equal(t, []string{"x"}, bigSpec.UnknownFields())
}

// gtDecodeBench decodes data into a fresh newValue() with decode (the
// client's unmarshalResponse, or a plain Unmarshal).
func gtDecodeBench(b *testing.B, data []byte, decode func([]byte, any) error, newValue func() any) {
	b.ReportAllocs()
	b.SetBytes(int64(len(data)))
	var before, after syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &before)
	for b.Loop() {
		if err := decode(data, newValue()); err != nil {
			b.Fatal(err)
		}
	}
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &after)
	// CPU time (all threads, GC included) is steadier than wall time on a
	// shared machine.
	cpu := after.Utime.Nano() + after.Stime.Nano() - before.Utime.Nano() - before.Stime.Nano()
	b.ReportMetric(float64(cpu)/float64(b.N), "cpu-ns/op")
}

// gtDecodeBenches runs the client's decoding into newValue and, for the
// floors, plain encoding/json (v1) and encoding/json/v2 into a method-less
// mirror of its type.
func gtDecodeBenches(b *testing.B, data []byte, newValue func() any) {
	b.Run("Client", func(b *testing.B) { gtDecodeBench(b, data, unmarshalResponse, newValue) })
	mt := gtMirror(reflect.TypeOf(newValue()).Elem(), 0)
	newMirror := func() any { return reflect.New(mt).Interface() }
	b.Run("PlainMirrorV1", func(b *testing.B) { gtDecodeBench(b, data, json.Unmarshal, newMirror) })
	b.Run("PlainMirrorV2", func(b *testing.B) {
		gtDecodeBench(b, data, func(d []byte, v any) error { return jsonv2.Unmarshal(d, v) }, newMirror)
	})
}

// BenchmarkDecodeApp decodes the largest App example of the spec (date-times
// in RFC 3339).
func BenchmarkDecodeApp(b *testing.B) {
	gtDecodeBenches(b, gtAppFixture(b), func() any { return new(App) })
}

// BenchmarkDecodeAppList decodes an Apps.List page of 50 such apps.
func BenchmarkDecodeAppList(b *testing.B) {
	var app map[string]any
	require.NoError(b, json.Unmarshal(gtAppFixture(b), &app))
	apps := make([]any, 50)
	for i := range apps {
		app["id"] = fmt.Sprintf("%08d-1e90-4762-9fee-6cc4a0a9f2cf", i)
		raw, err := json.Marshal(app)
		require.NoError(b, err)
		apps[i] = json.RawMessage(raw)
	}
	data, err := json.Marshal(map[string]any{"apps": apps, "links": map[string]any{"pages": map[string]any{}}, "meta": map[string]any{"total": 50}})
	require.NoError(b, err)
	gtDecodeBenches(b, data, func() any { return new(appsPage) })
}

// TestDecodeStrictRejectsUnknownKeys makes sure the example test's strict
// decoding sees unknown keys everywhere, including inside app specs.
func TestDecodeStrictRejectsUnknownKeys(t *testing.T) {
	for _, doc := range []string{
		`{"id":"a","bogus":1}`,
		`{"spec":{"name":"a","bogus":1}}`,
		`{"active_deployment":{"progress":{"steps":[{"x":1}]}}}`,
		`{"spec":{"services":[{"routes":[{"x":1}]}]}}`,
		`{"active_deployment":{"spec":{"ingress":{"rules":[{"match":{"path":{"x":1}}}]}}}}`,
		`{"created_at":"2023-01-30T15:43:30","spec":{"x":1}}`,
	} {
		_, err := gtDecodeStrict([]byte(doc), gtType[App]())
		assert.Error(t, err, doc)
	}
	v, err := gtDecodeStrict([]byte(`{"created_at":"2023-01-30T15:43:30","spec":{"name":"a","services":[{"name":"s"}]}}`), gtType[App]())
	require.NoError(t, err)
	assert.Equal(t, "s", v.Interface().(*App).Spec.Services[0].Name)
	var app App
	assert.NoError(t, json.Unmarshal([]byte(`{"id":"a","bogus":1,"spec":{"name":"a","bogus":1}}`), &app))
}
