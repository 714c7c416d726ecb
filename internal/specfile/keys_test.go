package specfile

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.yaml.in/yaml/v3"
)

func TestClosestSpecKeyRules(t *testing.T) {
	known := []string{"name", "region", "time_zone", "http_port", "preserve_path_prefix", "deploy_on_push", "health_check", "instance_count", "envs", "cpu", "url"}
	tests := []struct{ key, want string }{
		// 1. equal without separators, any case
		{"timezone", "time_zone"}, {"Time-Zone", "time_zone"}, {"httpPort", "http_port"}, {"HEALTHCHECK", "health_check"},
		// 2. same words, other order
		{"port_http", "http_port"}, {"count_instance", "instance_count"},
		// 3. one word left out, two or more left
		{"preserve_prefix", "preserve_path_prefix"}, {"deploy_push", "deploy_on_push"},
		// 4. edit distance: 1 up to 4 characters, 2 up to 10, 3 beyond
		{"nmae", "name"}, {"envss", "envs"}, {"regoin", "region"}, {"helth_chek", "health_check"}, {"instanse_cont", "instance_count"},
		{"cpus", "cpu"}, {"uri", "url"},
		// not close to anything
		{"username", ""}, {"sidecars", ""}, {"grace_window", ""}, {"prefix", ""}, {"port", ""}, {"cp", "cpu"},
		{"ab", ""}, {"regionnnn", ""}, {strings.Repeat("x", 65), ""},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, ClosestKey(tt.key, known), "key %q", tt.key)
	}
	assert.Equal(t, "port", ClosestKey("pert", []string{"port", "part"}), "ties go to the first listed")
	assert.Equal(t, "part", ClosestKey("pert", []string{"part", "port"}), "ties go to the first listed")
	assert.Equal(t, "time_zone", ClosestKey("timezone", []string{"timezones", "time_zone"}), "rule 1 ranks first")
}

func TestSpecWalkerRejectsKeysItCannotKeep(t *testing.T) {
	// A struct without the generated unknownFields would drop an unknown
	// key silently, so the loader refuses every unknown key there.
	type plain struct {
		Port int `json:"port"`
	}
	var root yaml.Node
	require.NoError(t, yaml.Unmarshal([]byte("port: 1\nsidecar: x\nprot: 2\n"), &root))
	w := &specWalker{budget: 100}
	w.walk(root.Content[0], reflect.TypeFor[plain](), "", 0)
	require.Len(t, w.problems.list, 2)
	assert.Equal(t, "sidecar", w.problems.list[0].Key)
	assert.Empty(t, w.problems.list[0].Suggestion)
	assert.Equal(t, "port", w.problems.list[1].Suggestion)

	type keeping struct {
		Port          int `json:"port"`
		unknownFields map[string]json.RawMessage
	}
	assert.True(t, keepsUnknownFields(reflect.TypeFor[keeping]()))
	assert.False(t, keepsUnknownFields(reflect.TypeFor[plain]()))
	_ = keeping{}.unknownFields
}
