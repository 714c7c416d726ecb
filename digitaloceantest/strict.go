package digitaloceantest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"sort"
	"strings"
	"time"

	"github.com/oceankit/digitalocean"
	"github.com/oceankit/digitalocean/internal/jsonfields"
)

// decodeStrict decodes a request body into v (a pointer to one of the SDK's
// request types) the way the API validates it: malformed JSON and unknown
// keys are 400 bad_request; missing required keys and values outside an
// enum are 422 unprocessable_entity. It returns nil when the body is good.
//
// The SDK's app spec types keep unknown keys through custom UnmarshalJSON
// methods, which json.Decoder.DisallowUnknownFields does not reach, so
// unknown keys are found by walking the JSON against the Go types' json
// tags instead.
func decodeStrict(body []byte, v any, required bool) *reply {
	if len(bytes.TrimSpace(body)) == 0 {
		if required {
			r := badRequest("The request body is required and must be a JSON object.")
			return &r
		}
		return nil
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		r := badRequest("The request body is not valid: %s.", jsonProblem(err))
		return &r
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		r := badRequest("The request body must hold one JSON object, with nothing after it.")
		return &r
	}
	var generic any
	gdec := json.NewDecoder(bytes.NewReader(body))
	gdec.UseNumber()
	if err := gdec.Decode(&generic); err != nil {
		r := badRequest("The request body is not valid JSON: %v.", err)
		return &r
	}
	var p problems
	p.walk(generic, reflect.TypeOf(v), "")
	if len(p.unknown) > 0 {
		r := badRequest("unknown field %s", strings.Join(p.unknown, ", "))
		return &r
	}
	if len(p.invalid) > 0 {
		r := unprocessable("%s", strings.Join(p.invalid, "; "))
		return &r
	}
	return nil
}

// jsonProblem words a decoding error without Go type names where it can.
func jsonProblem(err error) string {
	var typeErr *json.UnmarshalTypeError
	if errors.As(err, &typeErr) {
		where := typeErr.Field
		if where == "" {
			where = "the body"
		}
		return fmt.Sprintf("%s must not be a JSON %s", where, typeErr.Value)
	}
	var syntaxErr *json.SyntaxError
	if errors.As(err, &syntaxErr) {
		return fmt.Sprintf("malformed JSON at byte %d: %v", syntaxErr.Offset, syntaxErr)
	}
	return strings.TrimPrefix(err.Error(), "json: ")
}

// problems collects what the walk finds, each with its JSON path.
type problems struct {
	unknown []string
	invalid []string
}

var (
	timeType        = reflect.TypeFor[time.Time]()
	unmarshalerType = reflect.TypeFor[json.Unmarshaler]()
)

func (p *problems) walk(val any, t reflect.Type, at string) {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if val == nil {
		return
	}
	if allowed, isEnum := enumValues(t); isEnum {
		if s, isString := val.(string); isString && s != "" && !allowed[s] {
			p.invalid = append(p.invalid, fmt.Sprintf("%s: %q is not one of %s", pathOrBody(at), s, enumList(allowed)))
		}
		return
	}
	switch t.Kind() {
	case reflect.Struct:
		obj, isObject := val.(map[string]any)
		if !isObject || t == timeType {
			return
		}
		if t.NumField() == 0 || (reflect.PointerTo(t).Implements(unmarshalerType) && !hasJSONFields(t)) {
			return // a scalar with its own decoding, such as a lenient time
		}
		fields := jsonfields.Of(t).ByName
		keys := make([]string, 0, len(obj))
		for k := range obj {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			f, known := fields[k] // the API matches keys exactly, unlike encoding/json
			if !known {
				p.unknown = append(p.unknown, fmt.Sprintf("%q", join(at, k)))
				continue
			}
			p.walk(obj[k], f, join(at, k))
		}
		for _, key := range requiredKeys[t] {
			if v, present := obj[key]; !present || v == nil || v == "" {
				p.invalid = append(p.invalid, fmt.Sprintf("%s is required", join(at, key)))
			}
		}
	case reflect.Slice, reflect.Array:
		if arr, isArray := val.([]any); isArray {
			for i, e := range arr {
				p.walk(e, t.Elem(), fmt.Sprintf("%s[%d]", at, i))
			}
		}
	case reflect.Map:
		if obj, isObject := val.(map[string]any); isObject {
			for k, e := range obj {
				p.walk(e, t.Elem(), join(at, k))
			}
		}
	}
}

func join(at, key string) string {
	if at == "" {
		return key
	}
	return at + "." + key
}

func pathOrBody(at string) string {
	if at == "" {
		return "the body"
	}
	return at
}

func hasJSONFields(t reflect.Type) bool { return len(jsonfields.Of(t).Names) > 0 }

// requiredKeys lists the keys the spec requires in request objects.
var requiredKeys = map[reflect.Type][]string{
	reflect.TypeFor[digitalocean.AppCreateRequest]():                   {"spec"},
	reflect.TypeFor[digitalocean.AppUpdateRequest]():                   {"spec"},
	reflect.TypeFor[digitalocean.AppProposeRequest]():                  {"spec"},
	reflect.TypeFor[digitalocean.AppMetricsBandwidthUsageRequest]():    {"app_ids"},
	reflect.TypeFor[digitalocean.InstallKubernetesRequest]():           {"addon_slugs", "cluster_uuid"},
	reflect.TypeFor[digitalocean.AppSpec]():                            {"name"},
	reflect.TypeFor[digitalocean.AppServiceSpec]():                     {"name"},
	reflect.TypeFor[digitalocean.AppStaticSiteSpec]():                  {"name"},
	reflect.TypeFor[digitalocean.AppJobSpec]():                         {"name"},
	reflect.TypeFor[digitalocean.AppWorkerSpec]():                      {"name"},
	reflect.TypeFor[digitalocean.AppFunctionsSpec]():                   {"name"},
	reflect.TypeFor[digitalocean.AppDatabaseSpec]():                    {"name"},
	reflect.TypeFor[digitalocean.AppDomainSpec]():                      {"domain"},
	reflect.TypeFor[digitalocean.AppVariableDefinition]():              {"key"},
	reflect.TypeFor[digitalocean.AppLogDestination]():                  {"name"},
	reflect.TypeFor[digitalocean.AppLogDestinationPapertrail]():        {"endpoint"},
	reflect.TypeFor[digitalocean.AppLogDestinationDatadog]():           {"api_key"},
	reflect.TypeFor[digitalocean.AppLogDestinationHeader]():            {"key"},
	reflect.TypeFor[digitalocean.AppIngressSpecRuleRoutingComponent](): {"name"},
}
