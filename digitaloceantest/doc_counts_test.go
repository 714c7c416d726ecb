package digitaloceantest

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/oceankit/digitalocean/internal/oasdoc"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// operationIDs are the operationIds of an OpenAPI document's paths.
func operationIDs(t *testing.T, path string) []string {
	t.Helper()
	var doc struct {
		Paths map[string]map[string]any `yaml:"paths"`
	}
	require.NoError(t, oasdoc.ReadYAML(path, &doc, false))
	var out []string
	for _, item := range doc.Paths {
		for _, op := range item {
			if m, ok := op.(map[string]any); ok && m["operationId"] != nil {
				out = append(out, m["operationId"].(string))
			}
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// The operation counts the README and the docs state are the code's: the
// spec subset's, the live-API overlay's, and their sum, which the fake
// serves and docs/operations.md maps.
func TestDocsStateTheOperationCounts(t *testing.T) {
	spec := operationIDs(t, "../testdata/digitalocean-v2-subset.yaml")
	overlay := operationIDs(t, "../testdata/live-api-overlay.yaml")
	total := len(spec) + len(overlay)
	require.Empty(t, slices.DeleteFunc(slices.Clone(overlay), func(id string) bool { return !slices.Contains(spec, id) }),
		"the overlay adds operations the subset lacks")

	var served []string
	for _, r := range apiRoutes() {
		served = append(served, r.op)
	}
	slices.Sort(served)
	assert.Equal(t, slices.Sorted(slices.Values(append(slices.Clone(spec), overlay...))), served,
		"the fake serves every operation once")

	table, err := os.ReadFile("../docs/operations.md")
	require.NoError(t, err)
	rows := regexp.MustCompile("(?m)^\\| `([a-zA-Z_]+)` \\|").FindAllSubmatch(table, -1)
	assert.Len(t, rows, total, "docs/operations.md has a row per operation")

	files, err := filepath.Glob("../docs/*.md")
	require.NoError(t, err)
	files = append(files, "../README.md")
	texts := map[string]string{}
	for _, f := range files {
		raw, err := os.ReadFile(f)
		require.NoError(t, err)
		texts[filepath.Base(f)] = strings.Join(strings.Fields(string(raw)), " ") // lines joined
	}

	// Claims whose number has one right value.
	claims := []struct {
		file, pattern string
		want          []int
	}{
		{"README.md", `all (\d+) operations of the official OpenAPI description plus the (\d+) App Platform operations`, []int{len(spec), len(overlay)}},
		{"README.md", `## The (\d+) operations`, []int{total}},
		{"README.md", `All (\d+) operations of the spec and the (\d+) App Platform operations`, []int{len(spec), len(overlay)}},
		{"operations.md", "digitalocean-v2-subset.yaml` \\((\\d+)\\)", []int{len(spec)}},
		{"operations.md", `\((\d+), the operations godo uses`, []int{len(overlay)}},
		{"operations.md", `(\d+) in all`, []int{total}},
		{"validation.md", `the OpenAPI subset \((\d+) operations\)`, []int{len(spec)}},
		{"validation.md", `the (\d+) operations the subset lacks`, []int{len(overlay)}},
		{"validation.md", `each of the (\d+) operationIds`, []int{total}},
		{"architecture.md", `all (\d+) operations against kin-openapi`, []int{total}},
		{"migrating-from-godo.md", `The (\d+) operations godo has beyond the spec`, []int{len(overlay)}},
	}
	for _, c := range claims {
		m := regexp.MustCompile(c.pattern).FindStringSubmatch(texts[c.file])
		if !assert.NotNil(t, m, "%s still says %q", c.file, c.pattern) {
			continue
		}
		for i, want := range c.want {
			assert.Equal(t, strconv.Itoa(want), m[i+1], "%s: %s", c.file, m[0])
		}
	}
	// Whatever says how much the fake serves says all of it.
	fake := regexp.MustCompile(`(?:digitaloceantest|fake)\b[^.]{0,80}?\b(\d+) operations`)
	found := 0
	for file, text := range texts {
		for _, m := range fake.FindAllStringSubmatch(text, -1) {
			found++
			assert.Equal(t, strconv.Itoa(total), m[1], "%s: %s", file, m[0])
		}
	}
	assert.GreaterOrEqual(t, found, 2, "README and the migration guide say what the fake serves")
	// Any other count of operations is one of the three.
	counts := regexp.MustCompile(`\b(\d+) (?:[A-Za-z-]+ ){0,3}operations?\b|\b(\d+) operationIds\b`)
	for file, text := range texts {
		for _, m := range counts.FindAllStringSubmatch(text, -1) {
			n, _ := strconv.Atoi(m[1] + m[2])
			assert.Contains(t, []int{len(spec), len(overlay), total}, n, "%s: %q", file, m[0])
		}
	}
}
