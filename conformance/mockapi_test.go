package conformance

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"

	do "github.com/oceankit/digitalocean"
)

const testToken = "dop_v1_conformance_test_token"

// specTransport is an http.RoundTripper that plays the API from the spec:
// it validates every request against the operation the router matches,
// answers with that operation's example (corrected where the spec
// contradicts itself, see schemaBody), and validates its own answer.
// Nothing leaves the process.
type specTransport struct {
	spec *apiSpec

	mu         sync.Mutex
	calls      []call // in request order
	violations []string
}

// call is one request the mock answered.
type call struct {
	op     string // operationId
	method string
	url    *url.URL
	body   []byte // request body, nil when none
}

func newSpecTransport(spec *apiSpec) *specTransport {
	return &specTransport{spec: spec}
}

// newClient returns an SDK client whose every request goes through st.
func (st *specTransport) newClient(t *testing.T) *do.Client {
	t.Helper()
	c, err := do.New(
		do.WithToken(testToken),
		do.WithHTTPClient(&http.Client{Transport: st}),
	)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// take returns and forgets the calls and the violations recorded so far.
func (st *specTransport) take() (calls []call, violations []string) {
	st.mu.Lock()
	defer st.mu.Unlock()
	calls, violations = st.calls, st.violations
	st.calls, st.violations = nil, nil
	return calls, violations
}

func (st *specTransport) violate(format string, args ...any) {
	st.mu.Lock()
	defer st.mu.Unlock()
	st.violations = append(st.violations, fmt.Sprintf(format, args...))
}

func (st *specTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	var body []byte
	if req.Body != nil {
		var err error
		body, err = io.ReadAll(req.Body)
		req.Body.Close()
		if err != nil {
			return nil, err
		}
		req.Body = io.NopCloser(bytes.NewReader(body))
		if len(body) == 0 {
			// A write the SDK keeps net/http from replaying carries an
			// empty body in place of none: zero bytes on the wire either way.
			body = nil
		}
	}
	route, pathParams, err := st.spec.findRoute(req)
	if err != nil {
		st.violate("%s %s: no operation in the spec: %v", req.Method, req.URL, err)
		return jsonResponse(req, http.StatusNotFound, map[string]any{"id": "not_found", "message": "no such operation"}), nil
	}
	opID := route.Operation.OperationID
	st.mu.Lock()
	st.calls = append(st.calls, call{op: opID, method: req.Method, url: req.URL, body: body})
	st.mu.Unlock()

	// kin-openapi ignores query keys an operation does not declare; a
	// misspelled or invented parameter is a violation here, so that every
	// key the SDK sends is one the spec (or the overlay's
	// x-parameter-additions) defines and the validator checks.
	if undeclared := undeclaredQueryKeys(route, req.URL.Query()); len(undeclared) > 0 {
		st.violate("%s (%s %s): query parameters not in the spec: %v", opID, req.Method, req.URL, undeclared)
		return jsonResponse(req, http.StatusUnprocessableEntity, map[string]any{"id": "unprocessable_entity", "message": "undeclared query parameter"}), nil
	}

	reqInput := &openapi3filter.RequestValidationInput{
		Request:    req,
		PathParams: pathParams,
		Route:      route,
		Options: &openapi3filter.Options{
			MultiError:                        true,
			RejectWhenRequestBodyNotSpecified: true,
			AuthenticationFunc:                requireBearerToken,
			SchemaValidationOptions:           []openapi3.SchemaValidationOption{openapi3.EnableFormatValidation()},
		},
	}
	if err := openapi3filter.ValidateRequest(req.Context(), reqInput); err != nil {
		st.violate("%s (%s %s): request breaks the spec: %v", opID, req.Method, req.URL, err)
		return jsonResponse(req, http.StatusUnprocessableEntity, map[string]any{"id": "unprocessable_entity", "message": err.Error()}), nil
	}

	status, answer, err := st.spec.answer(route, req)
	if err != nil {
		st.violate("%s: cannot build an answer: %v", opID, err)
		return jsonResponse(req, http.StatusInternalServerError, map[string]any{"id": "server_error", "message": err.Error()}), nil
	}
	resp := jsonResponse(req, status, answer)
	encoded, _ := io.ReadAll(resp.Body)
	resp.Body = io.NopCloser(bytes.NewReader(encoded))

	respInput := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: reqInput,
		Status:                 status,
		Header:                 resp.Header,
		Options: &openapi3filter.Options{
			MultiError:              true,
			IncludeResponseStatus:   true,
			SchemaValidationOptions: []openapi3.SchemaValidationOption{openapi3.EnableFormatValidation()},
		},
	}
	respInput.SetBodyBytes(encoded)
	if err := openapi3filter.ValidateResponse(req.Context(), respInput); err != nil {
		st.violate("%s: the mock's own answer breaks the spec: %v", opID, err)
	}
	return resp, nil
}

// findRoute matches req to an operation. apps_get's description says that
// to get an app by name the ID is left out of the path (GET
// /v2/apps/?name=…), which its path template /v2/apps/{id} cannot match;
// such a request is routed to apps_get with a stand-in ID and must carry
// the name.
//
// A request both documents match goes to the path with more literal
// segments: /v2/apps/tiers is the overlay's apps_list_tiers, not the
// spec's apps_get with ID "tiers"; /v2/apps/tiers/instance_sizes is the
// spec's, not the overlay's apps_get_tier with slug "instance_sizes".
func (s *apiSpec) findRoute(req *http.Request) (*routers.Route, map[string]string, error) {
	route, params, err := s.router.FindRoute(req)
	if oRoute, oParams, oErr := s.overlayRouter.FindRoute(req); oErr == nil {
		if err != nil || literalSegments(oRoute.Path) > literalSegments(route.Path) {
			return oRoute, oParams, nil
		}
	}
	if err == nil || req.Method != http.MethodGet || req.URL.Path != "/v2/apps/" {
		return route, params, err
	}
	if req.URL.Query().Get("name") == "" {
		return nil, nil, errors.New("GET /v2/apps/ without an app name")
	}
	byName := req.Clone(req.Context())
	byName.URL.Path = "/v2/apps/by-name"
	route, params, err = s.router.FindRoute(byName)
	if err != nil || route.Operation.OperationID != "apps_get" {
		return nil, nil, fmt.Errorf("routing a get-by-name request: %v", err)
	}
	return route, params, nil
}

// literalSegments counts the path template's segments that are not
// parameters.
func literalSegments(template string) int {
	n := 0
	for _, seg := range strings.Split(template, "/") {
		if seg != "" && !strings.HasPrefix(seg, "{") {
			n++
		}
	}
	return n
}

// requireBearerToken checks the bearer_auth scheme: the SDK must send the
// configured token on every API request.
func requireBearerToken(_ context.Context, in *openapi3filter.AuthenticationInput) error {
	if in.SecuritySchemeName != "bearer_auth" {
		return fmt.Errorf("unexpected security scheme %q", in.SecuritySchemeName)
	}
	if got := in.RequestValidationInput.Request.Header.Get("Authorization"); got != "Bearer "+testToken {
		return errors.New("missing or wrong bearer token")
	}
	return nil
}

// jsonResponse builds a response with the API's usual headers; a nil body
// gives an empty one.
func jsonResponse(req *http.Request, status int, body any) *http.Response {
	var encoded []byte
	if body != nil {
		var err error
		if encoded, err = json.Marshal(body); err != nil {
			panic(err)
		}
	}
	h := http.Header{}
	if body != nil {
		h.Set("Content-Type", "application/json")
	}
	h.Set("Ratelimit-Limit", "5000")
	h.Set("Ratelimit-Remaining", "4999")
	h.Set("Ratelimit-Reset", "1444931833")
	h.Set("X-Request-Id", "515d9a72-7a59-4b0a-8b69-8e2b3f5b1f5f")
	return &http.Response{
		Status:        fmt.Sprintf("%d %s", status, http.StatusText(status)),
		StatusCode:    status,
		Proto:         "HTTP/1.1",
		ProtoMajor:    1,
		ProtoMinor:    1,
		Header:        h,
		Body:          io.NopCloser(bytes.NewReader(encoded)),
		ContentLength: int64(len(encoded)),
		Request:       req,
	}
}

// answer returns the status and body the mock sends for a matched request:
// the operation's first 2xx example, or a body synthesized from the schema
// when the operation has none, made to follow the schema (schemaBody) and
// paginated like the API (paginate).
func (s *apiSpec) answer(route *routers.Route, req *http.Request) (int, any, error) {
	status, resp := successResponse(route.Operation)
	if resp == nil {
		return 0, nil, errors.New("no 2xx response")
	}
	if resp.Content == nil {
		return status, nil, nil
	}
	mt := resp.Content.Get("application/json")
	if mt == nil {
		return 0, nil, errors.New("2xx response is not JSON")
	}
	body, err := schemaBody(route.Operation.OperationID, mt)
	if err != nil {
		return 0, nil, err
	}
	if hasQueryParam(route.Operation, "page") {
		body = paginate(body, req.URL)
	}
	return status, body, nil
}

// schemaBody returns the example of mt corrected to follow the schema:
// where an example contradicts its schema the schema wins (TestSpecErrata
// pins each case). Keys the schema does not declare are dropped.
func schemaBody(opID string, mt *openapi3.MediaType) (any, error) {
	_, example, ok := mediaExample(mt)
	if !ok {
		return synthesize(mt.Schema), nil
	}
	if fix, ok := exampleFixes[opID]; ok {
		var err error
		if example, err = fix(example); err != nil {
			return nil, fmt.Errorf("%s: fix example: %w", opID, err)
		}
	}
	body, _ := pruneUndeclared(mt.Schema, example, "")
	return body, nil
}

// exampleFixes reshape the examples whose shape contradicts their schema,
// keeping their data. Keys that are merely undeclared need no fix: they
// are pruned.
var exampleFixes = map[string]func(any) (any, error){
	// Example: {"job_invocation": [ {...} ]}, with arrays for trigger and
	// trigger.scheduled and an unknown trigger type; schema: the bare
	// app_job_invocation object (see TestJobInvocationExampleShape).
	"apps_get_job_invocation":    repairJobInvocation,
	"apps_cancel_job_invocation": repairJobInvocation,
	// Example: {"components": [...]}; schema: {"app_health": {"components": [...]}}.
	"apps_get_health": func(v any) (any, error) { return map[string]any{"app_health": v}, nil },
	// Example: {"live_url", "url", "historic_logs": [...]}; schema:
	// {"live_url", "historic_urls": [...]}.
	"apps_get_logs":                             renameHistoricLogs,
	"apps_get_logs_aggregate":                   renameHistoricLogs,
	"apps_get_logs_active_deployment":           renameHistoricLogs,
	"apps_get_logs_active_deployment_aggregate": renameHistoricLogs,
	"apps_get_job_invocation_logs":              renameHistoricLogs,
	"apps_get_event_logs":                       renameHistoricLogs,
}

func repairJobInvocation(v any) (any, error) {
	inv, ok := firstElement(v, "job_invocation")
	if !ok {
		return nil, errors.New(`example has no "job_invocation" array`)
	}
	inv = maps.Clone(inv)
	if trigger, ok := firstElement(inv, "trigger"); ok {
		trigger = maps.Clone(trigger)
		if trigger["type"] == "SCHEDULED" {
			trigger["type"] = "SCHEDULE" // the schema's enum value
		}
		if scheduled, ok := firstElement(trigger, "scheduled"); ok {
			trigger["scheduled"] = scheduled
		}
		inv["trigger"] = trigger
	}
	return inv, nil
}

// firstElement returns the first object of the array at v[key].
func firstElement(v any, key string) (map[string]any, bool) {
	m, _ := v.(map[string]any)
	list, _ := m[key].([]any)
	if len(list) == 0 {
		return nil, false
	}
	first, ok := list[0].(map[string]any)
	return first, ok
}

func renameHistoricLogs(v any) (any, error) {
	m, ok := v.(map[string]any)
	if !ok {
		return nil, errors.New("logs example is not an object")
	}
	out := map[string]any{"live_url": m["live_url"]}
	if h, ok := m["historic_logs"]; ok {
		out["historic_urls"] = h
	}
	return out, nil
}

// undeclaredQueryKeys lists, sorted, the query keys that neither the
// operation nor its path item declares.
func undeclaredQueryKeys(route *routers.Route, query url.Values) []string {
	var out []string
	for key := range query {
		declared := hasQueryParam(route.Operation, key)
		if route.PathItem != nil && route.PathItem.Parameters.GetByInAndName("query", key) != nil {
			declared = true
		}
		if !declared {
			out = append(out, key)
		}
	}
	slices.Sort(out)
	return out
}

func hasQueryParam(op *openapi3.Operation, name string) bool {
	for _, p := range op.Parameters {
		if p.Value != nil && p.Value.In == "query" && p.Value.Name == name {
			return true
		}
	}
	return false
}

// mockPages is how many pages every paginated list has in the mock.
const mockPages = 2

// paginate rewrites the links of a list body for the requested page of a
// mockPages-page list, as the API does: next/last up to the last page,
// first/prev after the first. Without it the examples' fixed links would
// point every page at the same next page.
func paginate(body any, reqURL *url.URL) any {
	m, ok := body.(map[string]any)
	if !ok {
		return body
	}
	page, err := strconv.Atoi(reqURL.Query().Get("page"))
	if err != nil || page < 1 {
		page = 1
	}
	link := func(n int) string {
		u := *reqURL
		q := u.Query()
		q.Set("page", strconv.Itoa(n))
		u.RawQuery = q.Encode()
		return u.String()
	}
	pages := map[string]any{}
	if page < mockPages {
		pages["next"] = link(page + 1)
		pages["last"] = link(mockPages)
	}
	if page > 1 {
		pages["first"] = link(1)
		pages["prev"] = link(page - 1)
	}
	out := map[string]any{}
	perPage := 0
	for k, v := range m {
		out[k] = v
		if list, ok := v.([]any); ok {
			perPage = len(list)
			if page > mockPages {
				out[k] = []any{}
			}
		}
	}
	out["links"] = map[string]any{"pages": pages}
	if _, ok := out["meta"]; ok {
		out["meta"] = map[string]any{"total": float64(perPage * mockPages)}
	}
	return out
}
