package conformance

import (
	"context"
	"maps"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestOperationsConformToSpec sends every SDK operation through a mock
// that validates each request (method, path, parameters, body, bearer
// token) against the spec and answers with the spec's example, itself
// validated as a response. It then checks that the table reached every
// operation of the spec, so coverage cannot shrink unnoticed.
func TestOperationsConformToSpec(t *testing.T) {
	spec := loadSpec(t)
	st := newSpecTransport(spec)
	client := st.newClient(t)

	reached := map[string]bool{}
	for _, tc := range allCases() {
		t.Run(tc.name, func(t *testing.T) {
			got, err := tc.run(context.Background(), client)
			calls, violations := st.take()
			for _, v := range violations {
				t.Error(v)
			}
			require.NoError(t, err)
			ops := make([]string, len(calls))
			for i, c := range calls {
				ops[i] = c.op
				reached[c.op] = true
			}
			require.Equal(t, tc.ops, ops, "operations sent")
			tc.check(t, got, calls)
		})
	}

	missing := []string{}
	for _, id := range spec.operationIDs() {
		if !reached[id] {
			missing = append(missing, id)
		}
	}
	assert.Empty(t, missing, "operations of the spec that no case sends")
	assert.Len(t, spec.operationIDs(), 51, "the spec subset has 43 operations, the live-API overlay 8")
	t.Logf("%d cases reached %d operations: %v", len(allCases()), len(reached), slices.Sorted(maps.Keys(reached)))
}
