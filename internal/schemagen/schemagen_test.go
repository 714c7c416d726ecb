package main

import (
	"os"
	"strings"
	"testing"

	"github.com/oceankit/digitalocean/internal/apischema"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.yaml.in/yaml/v3"
)

const (
	subset = "../../testdata/digitalocean-v2-subset.yaml"
	live   = "../../testdata/live-api-overlay.yaml"
	fields = "../specgen/overlay.yaml"
)

// The committed table is what the generator makes of the documents now.
func TestGeneratedUpToDate(t *testing.T) {
	want, err := generate(subset, live, fields)
	require.NoError(t, err)
	have, err := os.ReadFile("../apischema/schemas.gen.go")
	require.NoError(t, err)
	assert.True(t, string(want) == string(have), "internal/apischema/schemas.gen.go is stale: run go generate")
}

// Every operation of both documents is in the table (43 + 8).
func TestOperationsOfBothDocuments(t *testing.T) {
	m, err := load(subset, live, fields)
	require.NoError(t, err)
	assert.Len(t, m.ops, 51)
	for _, id := range []string{"apps_create", "apps_update", "apps_validate_appSpec", "apps_detect",
		"apps_upgrade_buildpack", "apps_toggle_database_trusted_source"} {
		require.Contains(t, m.ops, id)
		assert.NotNil(t, m.ops[id].body, id)
	}
	assert.Nil(t, m.ops["apps_list"].body)
}

// The overlay's live-API fields and enum values reach the schemas, and the
// live-API adjustments are applied.
func TestOverlayAndLiveAPIApplied(t *testing.T) {
	m, err := load(subset, live, fields)
	require.NoError(t, err)
	appSpec := m.schemas["app_spec"]
	for _, name := range []string{"envs", "alerts", "features"} {
		assert.NotNil(t, appSpec.Properties.Get(name), "app_spec.%s from the overlay", name)
	}
	rule, err := m.walkPath("app_alert_spec_rule", "")
	require.NoError(t, err)
	assert.Contains(t, rule.Enum, "DEPLOYMENT_STARTED")
	assert.Contains(t, rule.Enum, "CPU_UTILIZATION")
	assert.False(t, m.schemas["apps_vpc"].ReadOnly, "spec.vpc is accepted in requests (erratum)")
	_, ppp, err := m.findProp(m.schemas["app_ingress_spec_rule_routing_component"], "preserve_path_prefix")
	require.NoError(t, err)
	assert.Equal(t, []string{"boolean", "string"}, ppp.liveTypes)
	assert.NotNil(t, m.schemas["apps_toggle_database_trusted_source_request"].Properties.Get("Enable"))
}

func TestGenerateRejectsBrokenInput(t *testing.T) {
	_, err := generate("../../testdata/missing.yaml", live, fields)
	assert.Error(t, err)
	dir := t.TempDir()
	bad := dir + "/overlay.yaml"
	require.NoError(t, os.WriteFile(bad, []byte("fields:\n  - schema: app_spec\n    name: name\n    type: string\n"), 0o644))
	_, err = generate(subset, live, bad)
	assert.ErrorContains(t, err, "already exists")
}

// Each operation's path and query parameters reach the table, with the
// overlay's x-parameter-additions added to their operations.
func TestParametersAndAdditions(t *testing.T) {
	m, err := load(subset, live, fields)
	require.NoError(t, err)
	names := func(op string) []string {
		var out []string
		for _, p := range m.ops[op].params {
			out = append(out, p.In+":"+p.Name)
		}
		return out
	}
	assert.Equal(t, []string{"path:app_id", "query:follow", "query:type", "query:pod_connection_timeout",
		"query:tail_lines", "query:component_name"}, names("apps_get_logs_active_deployment_aggregate"))
	assert.Contains(t, names("apps_get_logs_aggregate"), "query:component_name")
	assert.Contains(t, names("apps_get_event_logs"), "query:tail_lines")
	assert.Contains(t, names("apps_list_events"), "query:deployment_types")
	assert.Equal(t, []string{"path:action_id"}, names("actions_get"))
	assert.Empty(t, names("apps_list_instanceSizes"))

	src, err := generate(subset, live, fields)
	require.NoError(t, err)
	assert.Contains(t, string(src), `{Name: "tail_lines", In: "query", Schema: &Schema{Types: TypeString, Pattern: "^-?[0-9]+$"}}`,
		"format int64 on a string parameter is a decimal integer")
	assert.Contains(t, string(src), `{Name: "deployment_types", In: "query", Schema: &Schema{Types: TypeArray, Items: &Schema{Types: TypeString, Enum: []string{"MANUAL",`)
}

// An addition for an operation that is not there, on another path, or for
// a parameter the documents already have, stops the generator.
func TestParameterAdditionsRejectMistakes(t *testing.T) {
	doc, err := os.ReadFile(live)
	require.NoError(t, err)
	for name, edit := range map[string][3]string{
		"unknown operation": {"  - operationId: apps_list_events\n", "  - operationId: apps_list_eventz\n", "unknown operation apps_list_eventz"},
		"other path":        {"    path: /v2/apps/{app_id}/events\n", "    path: /v2/apps/{app_id}/eventz\n", "not GET /v2/apps/{app_id}/eventz"},
		"already there": {"      - $ref: '#/components/parameters/event_deployment_types'\n",
			"      - $ref: '#/components/parameters/event_deployment_types'\n      - $ref: './digitalocean-v2-subset.yaml#/components/parameters/page'\n",
			"query parameter page is already defined"},
		"unknown parameter": {"      - $ref: '#/components/parameters/event_deployment_types'\n", "      - $ref: '#/components/parameters/nope'\n", "unknown parameter"},
	} {
		edited := strings.Replace(string(doc), edit[0], edit[1], 1)
		require.NotEqual(t, string(doc), edited, name)
		path := t.TempDir() + "/live-api-overlay.yaml"
		require.NoError(t, os.WriteFile(path, []byte(edited), 0o644))
		_, err := generate(subset, path, fields)
		assert.ErrorContains(t, err, edit[2], name)
	}
}

// Every key a schema of the documents requires is checked by the table:
// validating {} against the schema reports it missing, or, for a key the
// live API lets another key stand in for (liveAPI), reports one of the two
// missing. Only the documented errata relax a requirement entirely. Read
// from the YAML directly, so that no adjustment can drop a requirement
// unnoticed (as one did with ingress match authority, fact 33).
func TestEveryRequiredKeyIsChecked(t *testing.T) {
	dropped := map[string]bool{"app_log_destination_logtail_spec.endpoint": true} // subset erratum
	standIns := map[string]string{
		"app_ingress_spec_rule_string_match_prefix.prefix": "exact",
		"app_ingress_spec_rule_string_match_exact.exact":   "prefix",
	}
	checked := 0
	for _, file := range []string{subset, live} {
		var doc struct {
			Components struct {
				Schemas map[string]struct {
					Required []string `yaml:"required"`
				} `yaml:"schemas"`
			} `yaml:"components"`
		}
		b, err := os.ReadFile(file)
		require.NoError(t, err)
		require.NoError(t, yaml.Unmarshal(b, &doc))
		for name, s := range doc.Components.Schemas {
			table := apischema.Lookup(name)
			if table == nil || len(s.Required) == 0 {
				continue // not reachable from a request body
			}
			reported := map[string]bool{}
			for _, p := range apischema.Validate(map[string]any{}, table, apischema.Options{}) {
				if p.Kind == apischema.Required {
					reported[p.Path] = true
				}
			}
			for _, key := range s.Required {
				where := name + "." + key
				checked++
				switch other, standIn := standIns[where]; {
				case dropped[where]:
					assert.False(t, reported[key], "%s: the erratum is gone; drop it here and in liveAPI", where)
				case standIn:
					assert.True(t, reported[key] || reported[other], "%s (or %s) must be required", where, other)
				default:
					assert.True(t, reported[key], "%s must be required", where)
				}
			}
		}
	}
	assert.GreaterOrEqual(t, checked, 20)
}
