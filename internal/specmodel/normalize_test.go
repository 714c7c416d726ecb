package specmodel

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// Every rewrite names its fact and how sure it is.
func TestRewriteTable(t *testing.T) {
	for _, r := range rewrites {
		assert.NotEmpty(t, r.fact)
		assert.NotEmpty(t, r.confidence)
		assert.NotNil(t, r.apply)
	}
}
