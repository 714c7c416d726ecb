package appspec

import (
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/oceankit/digitalocean/internal/apischema"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// appSpecConstraintCounts counts the generated constraints Validate
// checks, by kind, over the schemas reachable from app_spec: each named
// schema once (a base merged into several component kinds counts once per
// kind, since each kind is its own schema), readOnly properties skipped as
// Validate skips them.
func appSpecConstraintCounts() map[string]int {
	counts := map[string]int{}
	seen := map[string]bool{}
	var walk func(s *apischema.Schema)
	walk = func(s *apischema.Schema) {
		switch {
		case s == nil:
			return
		case s.Ref != "":
			if !seen[s.Ref] {
				seen[s.Ref] = true
				walk(apischema.Lookup(s.Ref))
			}
			return
		case s.ReadOnly:
			return
		}
		counts["required"] += len(s.Required)
		for kind, set := range map[string]bool{
			"enum": len(s.Enum) > 0, "pattern": s.Pattern != "", "minLength": s.MinLength > 0,
			"maxLength": s.MaxLength > 0, "minimum": s.HasMinimum, "maximum": s.HasMaximum,
			"maxItems": s.MaxItems > 0, "typed": s.Types != 0,
		} {
			if set {
				counts[kind]++
			}
		}
		for _, p := range s.Properties {
			walk(p)
		}
		walk(s.Items)
		walk(s.AdditionalProperties)
		for _, a := range s.AnyOf {
			walk(a)
		}
	}
	walk(&apischema.Schema{Ref: "app_spec"})
	return counts
}

// docs/validation.md states how many rules of each kind Validate enforces;
// the numbers are counted from the table and the rule list, so the
// documentation (and the closing note) cannot drift from the code.
func TestValidationDocCountsMatchTheCode(t *testing.T) {
	raw, err := os.ReadFile("../docs/validation.md")
	require.NoError(t, err)
	doc := string(raw)

	counts := appSpecConstraintCounts()
	row := regexp.MustCompile(`(?m)^\| (required|enum|pattern|minLength|maxLength|minimum|maximum|maxItems) \| (\d+) \|`)
	rows := row.FindAllStringSubmatch(doc, -1)
	require.Len(t, rows, 8, "one row per kind of generated constraint")
	for _, r := range rows {
		n, _ := strconv.Atoi(r[2])
		assert.Equal(t, counts[r[1]], n, "docs/validation.md: %s", r[1])
	}
	assert.Contains(t, doc, "("+strconv.Itoa(counts["typed"])+" in the tree)", "typed properties")

	section := doc[strings.Index(doc, "### Cross-field rules"):]
	section = section[:strings.Index(section, "Left out on purpose")]
	var documented []string
	for _, m := range regexp.MustCompile("(?m)^\\| `([a-z-]+)` \\| ").FindAllStringSubmatch(section, -1) {
		documented = append(documented, m[1])
	}
	var names []string
	for _, r := range validationRules {
		names = append(names, r.name)
	}
	assert.Equal(t, names, documented, "the cross-field rules table lists validationRules, in order")
}
