package appspec_test

import (
	"strings"
	"testing"

	"github.com/oceankit/digitalocean/appspec"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestBareDeployTemplateErrorSaysHowToFixIt: a deploy template saved
// without its "spec:" wrapper is refused, and doing exactly what the error
// says makes a template that reads as the bare spec does.
func TestBareDeployTemplateErrorSaysHowToFixIt(t *testing.T) {
	bare := "name: sample-nodejs\n" +
		"services:\n" +
		"  - name: web\n" +
		"    git:\n" +
		"      repo_clone_url: https://github.com/digitalocean/sample-nodejs.git\n" +
		"      branch: main\n" +
		"    run_command: |\n" +
		"      npm ci\n" +
		"      npm start\n"
	_, err := appspec.ParseDeployTemplate([]byte(bare))
	require.Error(t, err)
	const fix = `add the line "spec:" at the top and indent every other line by two spaces`
	require.Contains(t, err.Error(), fix)

	var fixed strings.Builder
	fixed.WriteString("spec:\n")
	for line := range strings.Lines(bare) {
		fixed.WriteString("  " + line)
	}
	got, err := appspec.ParseDeployTemplate([]byte(fixed.String()))
	require.NoError(t, err, "the fix the error names works:\n%s", fixed.String())
	want, err := appspec.Parse([]byte(bare))
	require.NoError(t, err)
	assert.Equal(t, want, got)
	assert.Equal(t, "npm ci\nnpm start\n", got.Services[0].RunCommand)
}
