package appspec_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"testing"

	do "github.com/oceankit/digitalocean"
	"github.com/oceankit/digitalocean/appspec"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// leakSentinel is the plaintext of every secret in these tests: it must
// not appear in any output.
const leakSentinel = "S3NTINEL-plaintext-never-printed"

// formatAll prints v with every fmt verb and flag a user might reach for.
func formatAll(v any) string {
	var b strings.Builder
	for _, f := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%X", "%d", "%10.3v", "%-v"} {
		fmt.Fprintf(&b, f+"\n", v)
	}
	fmt.Fprint(&b, v, "\n")
	fmt.Fprintln(&b, v)
	return b.String()
}

// outputs renders v through every output path: fmt, encoding/json, an
// error, and log/slog's text and JSON handlers (as an attribute and as a
// member of a group).
func outputs(t *testing.T, v any) map[string]string {
	t.Helper()
	out := map[string]string{"fmt": formatAll(v)}
	raw, err := json.Marshal(v)
	require.NoError(t, err)
	out["json"] = string(raw)
	indented, err := json.MarshalIndent(v, "", "  ")
	require.NoError(t, err)
	out["json indented"] = string(indented)
	out["error"] = fmt.Errorf("plan failed: %v", v).Error() + errors.Join(fmt.Errorf("%+v", v)).Error()
	for name, newHandler := range map[string]func(*bytes.Buffer) slog.Handler{
		"slog text": func(b *bytes.Buffer) slog.Handler { return slog.NewTextHandler(b, nil) },
		"slog json": func(b *bytes.Buffer) slog.Handler { return slog.NewJSONHandler(b, nil) },
	} {
		var b bytes.Buffer
		logger := slog.New(newHandler(&b))
		logger.Info("plan", "change", v)
		logger.Info("plan", slog.Any("value", v), slog.Group("g", "inner", v))
		logger.With("bound", v).Info("plan")
		out[name] = b.String()
	}
	return out
}

func assertNoLeak(t *testing.T, what string, v any) {
	t.Helper()
	for path, text := range outputs(t, v) {
		assert.NotContains(t, text, leakSentinel, "%s through %s", what, path)
	}
}

// sensitiveChanges are changes of every shape that holds a secret: a new
// component with a SECRET env and registry credentials (a whole element),
// an app-level env added, a plaintext against a ciphertext (undecidable),
// two plaintexts (decidable), a rotated one (decided by fingerprint), a
// component changing kind.
func sensitiveChanges(t *testing.T) map[string][]appspec.Change {
	t.Helper()
	const ev = "EV[1:zqiRIeaaYK/NqctZDYzy6t0pTrtRDez8:wqGpZRrsKN5nPhWQrS479cfBiXT0WQ==]"
	withSecrets := secretsSpec(leakSentinel, leakSentinel, leakSentinel, leakSentinel)
	encrypted := secretsSpec(ev, ev, ev, ev)
	other := secretsSpec("other", "other", "other", "other")
	h, err := appspec.NewSecretHasher(appspec.NewSecretKey())
	require.NoError(t, err)
	fps := h.Fingerprints(other)

	moved := secretsSpec(leakSentinel, leakSentinel, leakSentinel, leakSentinel)
	moved.Jobs = []*do.AppJobSpec{{Name: "queue", GitHub: moved.Workers[0].GitHub, Envs: moved.Workers[0].Envs}}
	moved.Workers = nil

	return map[string][]appspec.Change{
		"new app":                      appspec.Diff(nil, withSecrets),
		"removed app":                  appspec.Diff(withSecrets, nil),
		"ciphertext against plaintext": appspec.Diff(encrypted, withSecrets),
		"plaintext against plaintext":  appspec.Diff(other, withSecrets),
		"rotated":                      appspec.DiffWith(encrypted, withSecrets, appspec.DiffOptions{Secrets: h, Fingerprints: fps}),
		"component changed kind":       appspec.Diff(withSecrets, moved),
	}
}

// TestSensitiveValuesNeverLeak: no output path shows a secret of a
// Sensitive change — a change, a pointer to one, the list, a struct
// holding them in exported or unexported fields — while Reveal, the
// explicit call, returns it.
func TestSensitiveValuesNeverLeak(t *testing.T) {
	for name, changes := range sensitiveChanges(t) {
		require.NotEmpty(t, changes, name)
		revealed, sensitive := false, 0
		for _, c := range changes {
			if !c.Sensitive {
				assert.NotContains(t, formatAll(c), leakSentinel, "%s: %s", name, c.Path)
				continue
			}
			sensitive++
			assertNoLeak(t, name, c)
			assertNoLeak(t, name+" (pointer)", &c)
			assert.NotContains(t, c.String(), leakSentinel, name)
			assert.NotContains(t, c.GoString(), leakSentinel, name)
			assert.NotContains(t, string(c.Old)+string(c.New), leakSentinel, "%s: Old and New are masked", name)
			old, new := c.Reveal()
			if strings.Contains(string(old)+string(new), leakSentinel) {
				revealed = true
			}
		}
		assert.NotZero(t, sensitive, name)
		assert.True(t, revealed, "%s: Reveal returns the secret", name)
		assertNoLeak(t, name+" (list)", changes)
		assertNoLeak(t, name+" (exported field)", struct{ Changes []appspec.Change }{changes})
		assertNoLeak(t, name+" (unexported field)", struct{ changes []appspec.Change }{changes})
	}
}

// TestSensitiveElementMaskedFieldByField: a new component with one SECRET
// env shows every other field, and only the secret's value is masked.
func TestSensitiveElementMaskedFieldByField(t *testing.T) {
	old := &do.AppSpec{Name: "shop"}
	new := &do.AppSpec{Name: "shop", Services: []*do.AppServiceSpec{{
		Name:       "api",
		RunCommand: "bin/api --port 8080",
		GitHub:     &do.AppGitHubSourceSpec{Repo: "acme/api", Branch: "main"},
		Envs: []*do.AppVariableDefinition{
			{Key: "DB_PASSWORD", Value: leakSentinel, Type: do.AppVariableTypeSecret},
			{Key: "MODE", Value: "production"},
		},
	}}}
	changes := appspec.Diff(old, new)
	require.Len(t, changes, 1)
	c := changes[0]
	assert.True(t, c.Sensitive)
	assert.Nil(t, c.Old)
	assert.JSONEq(t, `{"name":"api","run_command":"bin/api --port 8080","github":{"repo":"acme/api","branch":"main"},
		"envs":[{"key":"DB_PASSWORD","type":"SECRET","value":"(sensitive)"},{"key":"MODE","value":"production"}]}`, string(c.New))
	assert.Equal(t, `+ services[name=api]: `+string(c.New), c.String())
	_, revealed := c.Reveal()
	assert.Contains(t, string(revealed), leakSentinel)
	assert.Contains(t, string(revealed), "bin/api --port 8080")
}

// TestNonSensitiveChangesPrintAsBefore: masking leaves plain changes alone,
// a GENERAL env's EV[...]-looking value included.
func TestNonSensitiveChangesPrintAsBefore(t *testing.T) {
	changes := appspec.Diff(&do.AppSpec{Envs: []*do.AppVariableDefinition{{Key: "K", Value: "EV[1:a:b]"}}},
		&do.AppSpec{Envs: []*do.AppVariableDefinition{{Key: "K", Value: "plain"}}})
	require.Len(t, changes, 1)
	assert.False(t, changes[0].Sensitive)
	assert.Equal(t, `~ envs[key=K].value: "EV[1:a:b]" -> "plain"`, changes[0].String())
	assert.Equal(t, changes[0].String(), fmt.Sprintf("%v", changes[0]))
	old, new := changes[0].Reveal()
	assert.Equal(t, changes[0].Old, old)
	assert.Equal(t, changes[0].New, new)
}

// TestCiphertextsAnywhereAreMasked: an EV[...] ciphertext outside a SECRET
// env and the known credentials (here a Papertrail log destination's
// endpoint, which is not one) is Sensitive and masked like a secret, as a
// value and inside a whole element, field by field; only a GENERAL env's
// value is plain text whatever it looks like.
func TestCiphertextsAnywhereAreMasked(t *testing.T) {
	const oldEV, newEV = "EV[1:b2xkbm9uY2U=:b2xkc2VhbGVk]", "EV[1:bmV3bm9uY2U=:bmV3c2VhbGVk]"
	spec := func(apiKeys ...string) *do.AppSpec {
		s := &do.AppSpec{Name: "shop", Services: []*do.AppServiceSpec{{
			Name: "web", GitHub: &do.AppGitHubSourceSpec{Repo: "acme/web", Branch: "main"},
		}}}
		for i, k := range apiKeys {
			s.Services[0].LogDestinations = append(s.Services[0].LogDestinations, &do.AppLogDestination{
				Name: fmt.Sprintf("dd%d", i), Papertrail: &do.AppLogDestinationPapertrail{Endpoint: k}})
		}
		return s
	}
	changes := appspec.Diff(spec(oldEV), spec(newEV, newEV))
	require.Len(t, changes, 2)
	assert.Equal(t, "~ services[name=web].log_destinations[name=dd0].papertrail.endpoint: (sensitive value)", changes[0].String())
	assert.JSONEq(t, `{"name":"dd1","papertrail":{"endpoint":"(sensitive)"}}`, string(changes[1].New),
		"a whole element: only the ciphertext is masked")
	for _, c := range changes {
		assert.True(t, c.Sensitive, c.Path)
		for path, text := range outputs(t, c) {
			assert.NotContains(t, text, "EV[", "%s through %s", c.Path, path)
		}
	}
	old, new := changes[0].Reveal()
	assert.Equal(t, `"`+oldEV+`"`, string(old))
	assert.Equal(t, `"`+newEV+`"`, string(new))
	_, new = changes[1].Reveal()
	assert.Contains(t, string(new), newEV)
}
