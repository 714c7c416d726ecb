package main

import (
	"os"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
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
		assert.NotNil(t, appSpec.Properties.get(name), "app_spec.%s from the overlay", name)
	}
	rule, err := m.walkPath("app_alert_spec_rule", "")
	require.NoError(t, err)
	assert.Contains(t, rule.Enum, "DEPLOYMENT_STARTED")
	assert.Contains(t, rule.Enum, "CPU_UTILIZATION")
	assert.False(t, m.schemas["apps_vpc"].ReadOnly, "spec.vpc is accepted in requests (erratum)")
	_, ppp, err := m.findProp(m.schemas["app_ingress_spec_rule_routing_component"], "preserve_path_prefix")
	require.NoError(t, err)
	assert.Equal(t, []string{"boolean", "string"}, ppp.liveTypes)
	assert.NotNil(t, m.schemas["apps_toggle_database_trusted_source_request"].Properties.get("Enable"))
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
