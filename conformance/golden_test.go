package conformance

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var updateGolden = flag.Bool("update", false, "rewrite testdata/golden/request-bodies.json from the SDK's current requests")

const requestBodiesGolden = "testdata/golden/request-bodies.json"

// sentRequest is one request of the golden file: the body exactly as the
// SDK sent it (a JSON string, so that every byte is compared), null when the
// request had none.
type sentRequest struct {
	Case   string  `json:"case"`
	Op     string  `json:"op"`
	Method string  `json:"method"`
	URL    string  `json:"url"`
	Body   *string `json:"body"`
}

// TestRequestBodiesMatchGolden sends every case of TestOperationsConformToSpec
// (all 51 operations, with realistic inputs and the answers decoded on the
// way, as in get → modify → update) and compares each request, its body byte
// for byte, with the golden file recorded before the SDK's JSON layer moved
// to encoding/json/v2. Run with -update only when a body is meant to change.
func TestRequestBodiesMatchGolden(t *testing.T) {
	st := newSpecTransport(loadSpec(t))
	client := st.newClient(t)

	var got []sentRequest
	for _, tc := range allCases() {
		_, err := tc.run(context.Background(), client)
		require.NoError(t, err, tc.name)
		calls, _ := st.take()
		for _, c := range calls {
			r := sentRequest{Case: tc.name, Op: c.op, URL: c.url.RequestURI(), Method: c.method}
			if c.body != nil {
				body := string(c.body)
				r.Body = &body
			}
			got = append(got, r)
		}
	}
	encoded, err := json.MarshalIndent(got, "", "  ")
	require.NoError(t, err)
	encoded = append(encoded, '\n')

	if *updateGolden {
		require.NoError(t, os.MkdirAll(filepath.Dir(requestBodiesGolden), 0o755))
		require.NoError(t, os.WriteFile(requestBodiesGolden, encoded, 0o644))
	}
	want, err := os.ReadFile(requestBodiesGolden)
	require.NoError(t, err, "run go test -run TestRequestBodiesMatchGolden -update to record it")

	var wantRequests []sentRequest
	require.NoError(t, json.Unmarshal(want, &wantRequests))
	require.Len(t, got, len(wantRequests), "requests sent")
	ops := map[string]bool{}
	for i, w := range wantRequests {
		g := got[i]
		ops[g.Op] = true
		assert.Equal(t, w.Case+" "+w.Op+" "+w.Method+" "+w.URL, g.Case+" "+g.Op+" "+g.Method+" "+g.URL, "request %d", i)
		assert.Equal(t, w.Body, g.Body, "%s: body of %s", w.Case, w.Op)
	}
	assert.Len(t, ops, 51, "operations in the golden file")
	assert.True(t, bytes.Equal(want, encoded), "golden file differs from the requests sent")
}
