package apischema

import (
	"net/url"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestValidateQuery(t *testing.T) {
	op, found := OperationFor("apps_list_deployments")
	require.True(t, found)
	q := func(s string) url.Values {
		v, err := url.ParseQuery(s)
		require.NoError(t, err)
		return v
	}
	assert.Empty(t, ValidateQuery(op, q("")))
	assert.Empty(t, ValidateQuery(op, q("page=2&per_page=200&deployment_types=MANUAL&deployment_types=AUTOSCALED")))
	assert.Equal(t, []string{
		"page: must be an integer, not the number 1.5",
		"per_page: must be at least 1, is 0",
		`deployment_types[1]: "UNKNOWN" is not one of MANUAL, DEPLOY_ON_PUSH, MAINTENANCE, MANUAL_ROLLBACK, AUTO_ROLLBACK, UPDATE_DATABASE_TRUSTED_SOURCES, AUTOSCALED`,
		"deploymenttypes: unknown query parameter",
	}, paths(ValidateQuery(op, q("deployment_types=MANUAL&deployment_types=UNKNOWN&page=1.5&per_page=0&deploymenttypes=MANUAL"))))
	kinds := ValidateQuery(op, q("page=0x10&per_page=Inf&x=1"))
	require.Len(t, kinds, 3)
	assert.Equal(t, []Kind{WrongType, WrongType, Unknown}, []Kind{kinds[0].Kind, kinds[1].Kind, kinds[2].Kind})

	logs, found := OperationFor("apps_get_logs_active_deployment_aggregate")
	require.True(t, found)
	assert.Equal(t, []string{"type: is required"}, paths(ValidateQuery(logs, q("tail_lines=-1"))))
	assert.Empty(t, ValidateQuery(logs, q("type=RUN&follow=true&tail_lines=-1&component_name=web")))
	assert.Equal(t, []string{"follow: must be a boolean, not the string \"1\"", `tail_lines: "1e3" does not match the pattern ^-?[0-9]+$`},
		paths(ValidateQuery(logs, q("type=RUN&follow=1&tail_lines=1e3"))))
}

func TestValidatePath(t *testing.T) {
	op, found := OperationFor("actions_get")
	require.True(t, found)
	assert.Empty(t, ValidatePath(op, map[string]string{"action_id": "42"}))
	assert.Len(t, ValidatePath(op, map[string]string{"action_id": "abc"}), 1)
	assert.Len(t, ValidatePath(op, map[string]string{"action_id": "0"}), 1)
	get, found := OperationFor("apps_get")
	require.True(t, found)
	assert.Empty(t, ValidatePath(get, map[string]string{"id": ""}), "apps_get by name leaves the id out")
}
