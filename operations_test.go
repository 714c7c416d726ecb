package digitalocean

import (
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// operationByID finds a row of the operations table.
func operationByID(t *testing.T, id string) *operation {
	t.Helper()
	for i := range operations {
		if operations[i].id == id {
			return &operations[i]
		}
	}
	t.Fatalf("operation %s is not in the table", id)
	return nil
}

// recordOperations collects the operationIds c's calls name.
func recordOperations(c *Client) *[]string {
	var named []string
	c.testHooks = &clientTestHooks{onCall: func(op opID) { named = append(named, operations[op].id) }}
	return &named
}

// specOperations lists the spec's and the overlay's operations: id →
// method and path.
func specOperations(t *testing.T) map[string][2]string {
	t.Helper()
	out := map[string][2]string{}
	paths := appsYAMLChild(appsSpec(t), "paths")
	for i := 0; i+1 < len(paths.Content); i += 2 {
		item := paths.Content[i+1]
		for j := 0; j+1 < len(item.Content); j += 2 {
			if id := appsYAMLChild(item.Content[j+1], "operationId"); id != nil {
				out[id.Value] = [2]string{strings.ToUpper(item.Content[j].Value), paths.Content[i].Value}
			}
		}
	}
	for id, op := range liveOverlayOperations(t) {
		out[id] = [2]string{op.method, op.path}
	}
	return out
}

// The table has one complete row for each of the 51 operations, with the
// spec's method and path.
func TestOperationTableMatchesTheSpec(t *testing.T) {
	spec := specOperations(t)
	require.Len(t, spec, 51)
	seen := map[string]bool{}
	for i, o := range operations {
		require.NotEmpty(t, o.id, "row %d is missing", i)
		assert.False(t, seen[o.id], "%s twice", o.id)
		seen[o.id] = true
		want, ok := spec[o.id]
		if assert.True(t, ok, "%s is not in the spec or the overlay", o.id) {
			assert.Equal(t, want, [2]string{o.method, o.path}, o.id)
		}
		assert.Contains(t, []opKind{opRead, opConverge, opOnce}, o.kind, o.id)
		assert.NotEmpty(t, o.why, o.id)
		assert.NotEmpty(t, o.ambiguous, o.id)
	}
	assert.Len(t, seen, len(spec))
}

// The writes the issue names, reviewed one by one: each that starts a
// deployment or creates something is never re-sent once it may have been
// applied.
func TestOperationTableWritesThatActAnew(t *testing.T) {
	for _, id := range []string{"apps_create", "apps_update", "apps_create_deployment", "apps_restart",
		"apps_create_rollback", "apps_revert_rollback", "apps_upgrade_buildpack", "apps_reset_database_password",
		"apps_toggle_database_trusted_source", "oneClicks_install_kubernetes"} {
		assert.False(t, operationByID(t, id).resend(), id)
		assert.True(t, operationByID(t, id).write(), id)
	}
	for _, id := range []string{"apps_delete", "apps_cancel_deployment", "apps_cancel_event", "apps_cancel_job_invocation",
		"apps_commit_rollback", "apps_assign_alertDestinations"} {
		assert.True(t, operationByID(t, id).resend(), id)
		assert.True(t, operationByID(t, id).write(), id)
	}
	for _, id := range []string{"apps_validate_appSpec", "apps_validate_rollback", "apps_detect", "apps_list_metrics_bandwidth_daily"} {
		assert.Equal(t, "POST", operationByID(t, id).method)
		assert.False(t, operationByID(t, id).write(), "%s is a read sent as POST", id)
	}
	for _, o := range operations {
		if o.method == "GET" {
			assert.Equal(t, opRead, o.kind, o.id)
		}
	}
}

const (
	operationTableBegin = "<!-- operation-table: generated from operations.go by TestOperationTableInDocs; DIGITALOCEAN_WRITE_DOCS=1 rewrites it -->"
	operationTableEnd   = "<!-- end operation-table -->"
)

// renderOperationTable prints the table as the docs carry it. The ids are
// not in backticks: rows of "| `id` |" are docs/operations.md's map of
// methods, which digitaloceantest's doc test counts.
func renderOperationTable() string {
	var b strings.Builder
	b.WriteString("| operationId | method | re-sent after an attempt that may have been applied | because it | after an ambiguous failure |\n")
	b.WriteString("|---|---|---|---|---|\n")
	for _, o := range operations {
		resend := map[opKind]string{opRead: "yes (a read)", opConverge: "yes", opOnce: "**no**"}[o.kind]
		b.WriteString("| " + o.id + " | " + o.method + " | " + resend + " | " + o.why + " | " + o.ambiguous + " |\n")
	}
	return b.String()
}

// docs/retries.md and docs/operations.md carry the table as the code has
// it. DIGITALOCEAN_WRITE_DOCS=1 go test -run TestOperationTableInDocs .
// rewrites them.
func TestOperationTableInDocs(t *testing.T) {
	want := renderOperationTable()
	for _, path := range []string{"docs/retries.md", "docs/operations.md"} {
		raw, err := os.ReadFile(path)
		require.NoError(t, err)
		doc := string(raw)
		before, rest, ok := strings.Cut(doc, operationTableBegin+"\n")
		require.True(t, ok, "%s has no %s", path, operationTableBegin)
		got, after, ok := strings.Cut(rest, operationTableEnd)
		require.True(t, ok, "%s has no %s", path, operationTableEnd)
		if os.Getenv("DIGITALOCEAN_WRITE_DOCS") == "1" && got != want {
			require.NoError(t, os.WriteFile(path, []byte(before+operationTableBegin+"\n"+want+operationTableEnd+after), 0o644))
			continue
		}
		assert.Equal(t, want, got, "%s: the operation table differs from operations.go; DIGITALOCEAN_WRITE_DOCS=1 go test -run TestOperationTableInDocs . rewrites it", path)
	}
}
