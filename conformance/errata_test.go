package conformance

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// knownErrata are the places where the spec contradicts itself. In each
// the schema wins: the SDK follows the schema, and the mock corrects the
// example (exampleFixes, pruneUndeclared) before serving it. A new finding
// fails TestSpecErrata, and so does a fixed one, so this list stays exact.
var knownErrata = []string{
	// get_job_invocation / cancel_job_invocation: the example wraps the
	// invocation as {"job_invocation": [ {...} ]}, an array under a key the
	// schema does not have; the schema is the bare app_job_invocation object.
	`apps_get_job_invocation 200 example "job_invocation": undeclared key /job_invocation`,
	`apps_cancel_job_invocation 200 example "job_invocation": undeclared key /job_invocation`,

	// The logs examples carry url/historic_logs; the schema
	// (apps_get_logs_response) names them live_url/historic_urls.
	`apps_get_logs 200 example "logs": undeclared key /historic_logs`,
	`apps_get_logs 200 example "logs": undeclared key /url`,
	`apps_get_logs_aggregate 200 example "logs": undeclared key /historic_logs`,
	`apps_get_logs_aggregate 200 example "logs": undeclared key /url`,
	`apps_get_logs_active_deployment 200 example "logs": undeclared key /historic_logs`,
	`apps_get_logs_active_deployment 200 example "logs": undeclared key /url`,
	`apps_get_logs_active_deployment_aggregate 200 example "logs": undeclared key /historic_logs`,
	`apps_get_logs_active_deployment_aggregate 200 example "logs": undeclared key /url`,
	`apps_get_job_invocation_logs 200 example "logs": undeclared key /historic_logs`,
	`apps_get_job_invocation_logs 200 example "logs": undeclared key /url`,
	`apps_get_event_logs 200 example "logs": undeclared key /historic_logs`,
	`apps_get_event_logs 200 example "logs": undeclared key /url`,

	// The health example puts components at the top level; the schema
	// (app_health_response) nests them under app_health.
	`apps_get_health 200 example "app_health": undeclared key /components`,

	// The apps list example gives an app cause and progress, which belong
	// to deployments; the app schema has neither.
	`apps_list 200 example "apps": undeclared key /apps/0/cause`,
	`apps_list 200 example "apps": undeclared key /apps/0/progress`,

	// The job invocations example pastes a schema fragment ("properties")
	// into the trigger.
	`apps_list_job_invocations 200 example "job_invocations": undeclared key /job_invocations/0/trigger/properties`,

	// The propose example has max_free_static_apps, which the
	// app_propose_response schema does not declare.
	`apps_validate_appSpec 200 example "propose": undeclared key /max_free_static_apps`,

	// The create example sets spec.vpc, which the schema marks readOnly and
	// so forbids in requests. The SDK's conformance cases leave it unset.
	`apps_create request example: /spec/vpc: readOnly property "vpc" in request`,

	// The example of page_links.pages repeats the "pages" key inside itself
	// ({"pages": {"pages": {...}}}). Mocks that build list bodies from
	// property examples (Prism) serve it, so their lists have no next page.
	`schema page_links/pages example: undeclared key /pages`,

	// The logtail log destination requires "endpoint" but declares only
	// "token" (the live API has endpoint, see testdata/live-api-fields.md).
	`schema app_log_destination_logtail_spec: requires undeclared property "endpoint"`,
}

// TestSpecErrata lists every example in the spec that breaks its own
// schema (validation errors and keys the schema does not declare) and
// every required property that is never declared, and compares the list
// with knownErrata.
func TestSpecErrata(t *testing.T) {
	spec := loadSpec(t)
	var found []string
	found = append(found, operationExampleErrata(spec)...)
	found = append(found, schemaErrata(spec)...)
	assert.ElementsMatch(t, knownErrata, found)
}

func operationExampleErrata(spec *apiSpec) []string {
	var found []string
	ops := spec.operations()
	for _, id := range slices.Sorted(maps.Keys(ops)) {
		op := ops[id].op
		if op.RequestBody != nil && op.RequestBody.Value != nil {
			for _, mt := range op.RequestBody.Value.Content {
				for name, ex := range allExamples(mt) {
					label := id + " request example"
					if name != "" {
						label += fmt.Sprintf(" %q", name)
					}
					found = append(found, exampleErrata(label, mt.Schema, ex, openapi3.VisitAsRequest())...)
				}
			}
		}
		for code, resp := range op.Responses.Map() {
			if resp.Value == nil {
				continue
			}
			for _, mt := range resp.Value.Content {
				for name, ex := range allExamples(mt) {
					label := fmt.Sprintf("%s %s example %q", id, code, name)
					found = append(found, exampleErrata(label, mt.Schema, ex, openapi3.VisitAsResponse())...)
				}
			}
		}
	}
	return found
}

// allExamples returns the examples of mt by name ("" for a lone example).
func allExamples(mt *openapi3.MediaType) map[string]any {
	out := map[string]any{}
	if mt.Example != nil {
		out[""] = normalizeJSON(mt.Example)
	}
	for name, ex := range mt.Examples {
		if ex != nil && ex.Value != nil && ex.Value.Value != nil {
			out[name] = normalizeJSON(ex.Value.Value)
		}
	}
	return out
}

func exampleErrata(label string, schema *openapi3.SchemaRef, example any, opts ...openapi3.SchemaValidationOption) []string {
	var found []string
	opts = append(opts, openapi3.MultiErrors(), openapi3.EnableFormatValidation())
	if err := schema.Value.VisitJSON(example, opts...); err != nil {
		for _, e := range flattenSchemaErrors(err) {
			found = append(found, fmt.Sprintf("%s: %s", label, e))
		}
	}
	for _, key := range undeclaredKeys(schema, example) {
		found = append(found, fmt.Sprintf("%s: undeclared key %s", label, key))
	}
	return found
}

// flattenSchemaErrors renders each schema error as "pointer: reason".
func flattenSchemaErrors(err error) []string {
	var multi openapi3.MultiError
	if errors.As(err, &multi) {
		var out []string
		for _, e := range multi {
			out = append(out, flattenSchemaErrors(e)...)
		}
		return out
	}
	var se *openapi3.SchemaError
	if errors.As(err, &se) {
		return []string{"/" + joinPointer(se.JSONPointer()) + ": " + se.Reason}
	}
	return []string{err.Error()}
}

func joinPointer(parts []string) string {
	out := ""
	for i, p := range parts {
		if i > 0 {
			out += "/"
		}
		out += p
	}
	return out
}

// schemaErrata walks every component schema: property-level examples that
// break their schema, and required properties that are never declared. A
// $ref is not followed: its target is checked as a component of its own,
// so each finding is reported once, under the component that has it.
func schemaErrata(spec *apiSpec) []string {
	var found []string
	var walk func(ref *openapi3.SchemaRef, at string, inAllOf bool)
	walk = func(ref *openapi3.SchemaRef, at string, inAllOf bool) {
		if ref == nil || ref.Value == nil {
			return
		}
		s := ref.Value
		if s.Example != nil {
			found = append(found, exampleErrata("schema "+at+" example", ref, normalizeJSON(s.Example))...)
		}
		// An allOf branch may require what a sibling declares, so required
		// is checked on the whole composition, not on its branches.
		if !inAllOf {
			props, open := collectProperties(s)
			for _, name := range allRequired(s) {
				if _, ok := props[name]; !ok && !open {
					found = append(found, fmt.Sprintf("schema %s: requires undeclared property %q", at, name))
				}
			}
		}
		child := func(r *openapi3.SchemaRef, at string, inAllOf bool) {
			if r != nil && r.Ref == "" {
				walk(r, at, inAllOf)
			}
		}
		for _, name := range slices.Sorted(maps.Keys(s.Properties)) {
			child(s.Properties[name], at+"/"+name, false)
		}
		for i, branch := range s.AllOf {
			child(branch, fmt.Sprintf("%s/allOf/%d", at, i), true)
		}
		for _, group := range []openapi3.SchemaRefs{s.AnyOf, s.OneOf} {
			for i, branch := range group {
				child(branch, fmt.Sprintf("%s/%d", at, i), false)
			}
		}
		child(s.Items, at+"/items", false)
		child(s.AdditionalProperties.Schema, at+"/additionalProperties", false)
	}
	for _, name := range slices.Sorted(maps.Keys(spec.doc.Components.Schemas)) {
		walk(spec.doc.Components.Schemas[name], name, false)
	}
	return found
}

// allRequired returns the required properties of s and its allOf branches.
func allRequired(s *openapi3.Schema) []string {
	req := slices.Clone(s.Required)
	for _, branch := range s.AllOf {
		if branch.Value != nil {
			req = append(req, allRequired(branch.Value)...)
		}
	}
	return req
}

// TestJobInvocationExampleShape pins what is wrong inside the
// job_invocation example, below the envelope knownErrata reports: besides
// the array around the invocation, trigger and trigger.scheduled are
// arrays where the schema has objects, and the trigger type SCHEDULED is
// not in the schema's enum (MANUAL, SCHEDULE, UNKNOWN). repairJobInvocation
// undoes each of these for the mock.
func TestJobInvocationExampleShape(t *testing.T) {
	spec := loadSpec(t)
	ex := spec.doc.Components.Examples["job_invocation"]
	require.NotNil(t, ex)
	example := normalizeJSON(ex.Value.Value).(map[string]any)

	invocations, ok := example["job_invocation"].([]any)
	require.True(t, ok, "job_invocation is an array")
	require.Len(t, invocations, 1)
	inv := invocations[0].(map[string]any)
	triggers, ok := inv["trigger"].([]any)
	require.True(t, ok, "trigger is an array")
	trigger := triggers[0].(map[string]any)
	assert.Equal(t, "SCHEDULED", trigger["type"])
	_, ok = trigger["scheduled"].([]any)
	assert.True(t, ok, "trigger.scheduled is an array")

	schema := spec.doc.Components.Schemas["app_job_invocation"]
	require.NotNil(t, schema)
	assert.Error(t, schema.Value.VisitJSON(inv), "the unwrapped invocation still breaks the schema")
	repaired, err := repairJobInvocation(example)
	require.NoError(t, err)
	assert.NoError(t, schema.Value.VisitJSON(repaired, openapi3.MultiErrors()))
	assert.Empty(t, undeclaredKeys(schema, repaired))
}
