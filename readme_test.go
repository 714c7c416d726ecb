package digitalocean_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestReadmeDoesNotClaimDropIn: the README says the SDK is not a drop-in
// replacement for godo and points to the migration guide, which lists the
// signature changes; no README or doc page calls it a drop-in replacement.
func TestReadmeDoesNotClaimDropIn(t *testing.T) {
	files, err := filepath.Glob("docs/*.md")
	require.NoError(t, err)
	files = append(files, "README.md", "doc.go")
	for _, f := range files {
		raw, err := os.ReadFile(f)
		require.NoError(t, err)
		text := strings.Join(strings.Fields(string(raw)), " ") // lines joined
		if f == "README.md" {
			assert.Contains(t, text, "It is not a drop-in replacement for `godo`")
			assert.Contains(t, text, "(docs/migrating-from-godo.md) lists every change")
		}
		assert.Equal(t, strings.Count(text, "not a drop-in"), strings.Count(text, "drop-in"),
			"%s calls the SDK a drop-in replacement", f)
	}
}
