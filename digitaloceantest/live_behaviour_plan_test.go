package digitaloceantest_test

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"testing"

	do "github.com/oceankit/digitalocean"
	"github.com/oceankit/digitalocean/appspec"
	"github.com/oceankit/digitalocean/digitaloceantest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The SDK held against the fake's own model of the live API (livespec.go,
// which shares no code with the SDK's normaliser): for every component
// kind, source kind and rewrite, a spec created from a desired spec and
// read back plans nothing by the documented plan (docs/providers.md:
// diff(live, normalize(desired)) + has-changes), and one change to the
// desired spec plans exactly that change. A disagreement between the SDK's
// rewrite table and the fake's shows up here as a planned change.

// plan is the documented plan of desired against live.
func plan(live, desired *do.AppSpec) ([]appspec.Change, bool) {
	changes := appspec.Diff(live, appspec.Normalize(desired))
	return changes, appspec.HasChanges(changes)
}

// planCase is one desired spec, one change to it and where the plan must
// place that change.
type planCase struct {
	name    string
	desired string                    // the spec's JSON, without its name
	change  func(spec map[string]any) // one change to the desired spec
	want    string                    // the path of the one change planned
}

// specJSON decodes a spec written as JSON, named name.
func specJSON(t *testing.T, name string, spec map[string]any) *do.AppSpec {
	t.Helper()
	spec["name"] = name
	raw, err := json.Marshal(spec)
	require.NoError(t, err)
	out := new(do.AppSpec)
	require.NoError(t, json.Unmarshal(raw, out))
	return out
}

func decodeObject(t *testing.T, raw string) map[string]any {
	t.Helper()
	var out map[string]any
	require.NoError(t, json.Unmarshal([]byte(raw), &out), raw)
	return out
}

// component is the first component of the list named kind.
func component(spec map[string]any, kind string) map[string]any {
	return spec[kind].([]any)[0].(map[string]any)
}

// sourceKinds are the sources a component may build from, each with a
// change to it: JSON, the member changed and its new value.
var sourceKinds = []struct {
	key, json, member string
	value             any
}{
	{"github", `{"repo":"acme/app","branch":"main","deploy_on_push":true}`, "branch", "release"},
	{"gitlab", `{"repo":"acme/app","branch":"main"}`, "branch", "release"},
	{"bitbucket", `{"repo":"acme/app","branch":"main"}`, "branch", "release"},
	{"git", `{"repo_clone_url":"https://git.example.com/acme/app.git","branch":"main"}`, "branch", "release"},
	{"image", `{"registry_type":"DOCKER_HUB","registry":"acme","repository":"app","tag":"1.0"}`, "tag", "1.1"},
}

// componentKinds are the component lists, each with a minimal component of
// that kind (its source added by the case) and whether it takes an image.
var componentKinds = []struct {
	key, json string
	image     bool
}{
	{"services", `{"name":"comp","instance_size_slug":"apps-s-1vcpu-0.5gb","instance_count":1}`, true},
	{"static_sites", `{"name":"comp","output_dir":"public"}`, true},
	{"workers", `{"name":"comp","instance_size_slug":"apps-s-1vcpu-0.5gb"}`, true},
	{"jobs", `{"name":"comp","kind":"PRE_DEPLOY"}`, true},
	{"functions", `{"name":"comp"}`, false},
}

// componentCases: every component kind from every source it takes,
// changed in its source.
func componentCases() []planCase {
	var out []planCase
	for _, k := range componentKinds {
		for _, s := range sourceKinds {
			if s.key == "image" && !k.image {
				continue
			}
			c := decodeTemplate(k.json)
			c[s.key] = decodeTemplate(s.json)
			desired := map[string]any{k.key: []any{c}}
			if k.key == "jobs" || k.key == "workers" {
				// Workers and jobs serve nothing: they sit beside a service, as in an app.
				desired["services"] = []any{decodeTemplate(`{"name":"web","github":{"repo":"acme/web","branch":"main"}}`)}
			}
			out = append(out, planCase{
				name:    k.key + "/" + s.key,
				desired: string(mustMarshal(desired)),
				change: func(spec map[string]any) {
					component(spec, k.key)[s.key].(map[string]any)[s.member] = s.value
				},
				want: fmt.Sprintf("%s[name=comp].%s.%s", k.key, s.key, s.member),
			})
		}
	}
	out = append(out, planCase{
		name:    "databases",
		desired: `{"services":[{"name":"web","github":{"repo":"acme/web","branch":"main"}}],"databases":[{"name":"db","engine":"PG","version":"16"}]}`,
		change:  func(spec map[string]any) { component(spec, "databases")["version"] = "17" },
		want:    "databases[name=db].version",
	})
	return out
}

func decodeTemplate(raw string) map[string]any {
	var out map[string]any
	if err := json.Unmarshal([]byte(raw), &out); err != nil {
		panic(err)
	}
	return out
}

func mustMarshal(v any) []byte {
	raw, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return raw
}

const gh = `"github":{"repo":"acme/app","branch":"main"}`

// rewriteCases: every rewrite of the fake's model (doc.go's table), each
// with a change that touches what the rewrite produced.
var rewriteCases = []planCase{{
	name: "routes and cors become rules (facts 12-14)",
	desired: `{"services":[{"name":"api",` + gh + `,"routes":[{"path":"/api","preserve_path_prefix":true}],
		"cors":{"allow_methods":["GET"],"allow_origins":[{"exact":"https://example.com"}]}}],
		"static_sites":[{"name":"site",` + gh + `,"routes":[{"path":"/"}]}]}`,
	change: func(spec map[string]any) {
		component(spec, "services")["routes"].([]any)[0].(map[string]any)["path"] = "/v2"
	},
	want: "ingress.rules[0].match.path.prefix",
}, {
	name:    "cors moves with its route (fact 13)",
	desired: `{"services":[{"name":"api",` + gh + `,"routes":[{"path":"/api"}],"cors":{"allow_methods":["GET"]}}]}`,
	change: func(spec map[string]any) {
		component(spec, "services")["cors"].(map[string]any)["allow_methods"] = []any{"GET", "POST"}
	},
	want: "ingress.rules[0].cors.allow_methods",
}, {
	name:    "functions routes become rules (facts 12-14)",
	desired: `{"functions":[{"name":"fn",` + gh + `,"routes":[{"path":"/fn"}]}]}`,
	change: func(spec map[string]any) {
		component(spec, "functions")["routes"].([]any)[0].(map[string]any)["path"] = "/api"
	},
	want: "ingress.rules[0].match.path.prefix",
}, {
	name:    "functions cors moves with its route (fact 13)",
	desired: `{"functions":[{"name":"fn",` + gh + `,"routes":[{"path":"/fn"}],"cors":{"allow_origins":[{"prefix":"https://"}]}}]}`,
	change: func(spec map[string]any) {
		component(spec, "functions")["cors"].(map[string]any)["allow_credentials"] = true
	},
	want: "ingress.rules[0].cors.allow_credentials",
}, {
	name:    "rules written as rules stay (facts 12, 15)",
	desired: `{"ingress":{"rules":[{"match":{"path":{"prefix":"/"}},"component":{"name":"web","rewrite":"/v1/"}}]},"services":[{"name":"web",` + gh + `}]}`,
	change: func(spec map[string]any) {
		spec["ingress"].(map[string]any)["rules"].([]any)[0].(map[string]any)["component"].(map[string]any)["rewrite"] = "/v2/"
	},
	want: "ingress.rules[0].component.rewrite",
}, {
	name:    "routes after the spec's own rules (facts 12, 13)",
	desired: `{"ingress":{"rules":[{"match":{"path":{"prefix":"/old"}},"redirect":{"uri":"/new"}}]},"services":[{"name":"api",` + gh + `,"routes":[{"path":"/api"}]}]}`,
	change: func(spec map[string]any) {
		component(spec, "services")["routes"].([]any)[0].(map[string]any)["preserve_path_prefix"] = true
	},
	want: "ingress.rules[1].component.preserve_path_prefix",
}, {
	name:    "default rule for a lone service (fact 15)",
	desired: `{"services":[{"name":"web",` + gh + `,"instance_size_slug":"basic-xxs"}],"workers":[{"name":"queue",` + gh + `}]}`,
	change:  func(spec map[string]any) { component(spec, "services")["instance_size_slug"] = "apps-s-1vcpu-1gb" },
	want:    "services[name=web].instance_size_slug",
}, {
	name:    "default rule for a lone static site, with its cors (fact 15)",
	desired: `{"static_sites":[{"name":"site",` + gh + `,"cors":{"allow_headers":["X-A"]}}]}`,
	change: func(spec map[string]any) {
		component(spec, "static_sites")["cors"].(map[string]any)["allow_headers"] = []any{"X-B"}
	},
	want: "ingress.rules[0].cors.allow_headers",
}, {
	name:    "no rule for an internal-only service (fact 16)",
	desired: `{"ingress":{},"services":[{"name":"go-service",` + gh + `,"internal_ports":[8080]}]}`,
	change:  func(spec map[string]any) { component(spec, "services")["internal_ports"] = []any{8080, 9090} },
	want:    "services[name=go-service].internal_ports",
}, {
	name:    "default rule for the one service that is not internal-only (facts 15, 16)",
	desired: `{"services":[{"name":"internal",` + gh + `,"internal_ports":[9000]}],"static_sites":[{"name":"site",` + gh + `}]}`,
	change:  func(spec map[string]any) { component(spec, "static_sites")["index_document"] = "main.html" },
	want:    "static_sites[name=site].index_document",
}, {
	name:    "http_port 8080 by default (fact 18)",
	desired: `{"services":[{"name":"web",` + gh + `}]}`,
	change:  func(spec map[string]any) { component(spec, "services")["http_port"] = 9090 },
	want:    "services[name=web].http_port",
}, {
	name:    "a health-check port of its own (fact 38)",
	desired: `{"services":[{"name":"web",` + gh + `,"instance_size_slug":"basic-xxs","health_check":{"port":1234}}]}`,
	change:  func(spec map[string]any) { component(spec, "services")["health_check"].(map[string]any)["port"] = 1235 },
	want:    "services[name=web].health_check.port",
}, {
	name: "env type GENERAL reads back absent (fact 9)",
	desired: `{"envs":[{"key":"A","value":"1","type":"GENERAL"}],
		"workers":[{"name":"queue",` + gh + `,"envs":[{"key":"B","value":"2","type":"GENERAL","scope":"RUN_TIME"}]}]}`,
	change: func(spec map[string]any) {
		component(spec, "workers")["envs"].([]any)[0].(map[string]any)["value"] = "3"
	},
	want: "workers[name=queue].envs[key=B].value",
}, {
	name: "envs read back in another order (fact 32)",
	desired: `{"envs":[{"key":"Z","value":"1"},{"key":"A","value":"2"},{"key":"M","value":"3"}],
		"services":[{"name":"web",` + gh + `,"envs":[{"key":"Y","value":"1"},{"key":"B","value":"2"}]}]}`,
	change: func(spec map[string]any) {
		spec["envs"] = append(spec["envs"].([]any), map[string]any{"key": "C", "value": "4"})
	},
	want: "envs[key=C]",
}, {
	name: "SECRET envs and registry credentials come back encrypted (facts 1-5)",
	desired: `{"envs":[{"key":"TOKEN","value":"s3cret","type":"SECRET"},{"key":"MODE","value":"prod"}],
		"services":[{"name":"web","image":{"registry_type":"DOCKER_HUB","registry":"acme","repository":"web","tag":"1",
			"registry_credentials":"acme:dckr_pat_x"},"envs":[{"key":"KEY","value":"k","type":"SECRET"}]}]}`,
	change: func(spec map[string]any) { spec["envs"].([]any)[1].(map[string]any)["value"] = "dev" },
	want:   "envs[key=MODE].value",
}, {
	name: "a ciphertext sent back is kept (fact 3)",
	desired: `{"envs":[{"key":"TOKEN","type":"SECRET","value":"EV[1:zqiRIeaaYK/NqctZDYzy6t0pTrtRDez8:wqGpZRrsKN5nPhWQrS479cfBiXT0WQ==]"}],
		"services":[{"name":"web",` + gh + `}]}`,
	change: func(spec map[string]any) { spec["envs"].([]any)[0].(map[string]any)["scope"] = "RUN_TIME" },
	want:   "envs[key=TOKEN].scope",
}}

func TestPlanAgainstTheFakesModel(t *testing.T) {
	srv := digitaloceantest.New(t)
	client := srv.Client()
	ctx := context.Background()
	require.Len(t, componentCases(), 4*5+4+1, "5 kinds from each source they take (functions have no image), and databases")
	cases := append(componentCases(), rewriteCases...)
	for i, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			name := fmt.Sprintf("plan-%d", i)
			desired := specJSON(t, name, decodeObject(t, c.desired))
			require.NoError(t, appspec.Validate(desired), "the desired spec is one the SDK accepts")

			app, _, err := client.Apps.Create(ctx, &do.AppCreateRequest{Spec: desired})
			require.NoError(t, err)
			for what, live := range map[string]*do.AppSpec{"create's answer": app.Spec, "read back": mustGet(t, client, app.ID).Spec} {
				changes, apply := plan(live, desired)
				assert.False(t, apply, "%s: nothing to apply: %v", what, changes)
				for _, ch := range changes {
					assert.True(t, ch.Undecidable, "%s: only secrets stay undecided: %v", what, ch)
				}
			}

			changedObject := decodeObject(t, c.desired)
			c.change(changedObject)
			changed := specJSON(t, name, changedObject)
			require.NoError(t, appspec.Validate(changed))
			live := mustGet(t, client, app.ID).Spec
			changes, apply := plan(live, changed)
			assert.True(t, apply, "the change is planned")
			var decided []string
			for _, ch := range changes {
				if !ch.Undecidable {
					decided = append(decided, ch.Path.String())
				}
			}
			assert.Equal(t, []string{c.want}, decided, "exactly the change is planned")

			_, _, err = client.Apps.Update(ctx, app.ID, &do.AppUpdateRequest{Spec: changed})
			require.NoError(t, err)
			changes, apply = plan(mustGet(t, client, app.ID).Spec, changed)
			assert.False(t, apply, "applied, nothing is left to plan: %v", changes)
		})
	}
}

// Fact 35: a setting made in the control panel is a spec field; the plan
// shows it as drift, and applying the desired spec overwrites it.
func TestPlanSeesControlPanelDrift(t *testing.T) {
	srv := digitaloceantest.New(t)
	client := srv.Client()
	ctx := context.Background()
	desired := specJSON(t, "drift", decodeObject(t, `{"services":[{"name":"web",`+gh+`}]}`))
	app, _, err := client.Apps.Create(ctx, &do.AppCreateRequest{Spec: desired})
	require.NoError(t, err)

	require.NoError(t, srv.EditInControlPanel(app.ID, func(spec *do.AppSpec) {
		spec.Egress = &do.AppEgressSpec{Type: do.AppEgressTypeDedicatedIP}
		spec.Maintenance = &do.AppMaintenanceSpec{Enabled: true}
	}))
	live := mustGet(t, client, app.ID)
	assert.NotEmpty(t, live.DedicatedIPs, "the console's egress is in effect")
	changes, apply := plan(live.Spec, desired)
	require.True(t, apply, "the drift is planned away")
	var paths []string
	for _, ch := range changes {
		paths = append(paths, ch.Path.String())
	}
	assert.Equal(t, []string{"egress", "maintenance"}, paths)

	_, _, err = client.Apps.Update(ctx, app.ID, &do.AppUpdateRequest{Spec: desired})
	require.NoError(t, err)
	live = mustGet(t, client, app.ID)
	assert.Nil(t, live.Spec.Egress, "the update overwrote the console's egress")
	assert.Nil(t, live.Spec.Maintenance)
	assert.Empty(t, live.DedicatedIPs)
	_, apply = plan(live.Spec, desired)
	assert.False(t, apply)
}

// Terraform's digitalocean_app acceptance scenarios (testdata/appspecs/
// terraform, specs written from the facts): each created and read back,
// then applied again, plans nothing.
func TestPlanTerraformScenariosAgainstTheFakesModel(t *testing.T) {
	files, err := filepath.Glob("../testdata/appspecs/terraform/*.yaml")
	require.NoError(t, err)
	require.Len(t, files, 23)
	srv := digitaloceantest.New(t)
	client := srv.Client()
	ctx := context.Background()
	for _, file := range files {
		t.Run(filepath.Base(file), func(t *testing.T) {
			desired, err := appspec.Load(file)
			require.NoError(t, err)
			app, _, err := client.Apps.Create(ctx, &do.AppCreateRequest{Spec: desired})
			require.NoError(t, err)
			changes, apply := plan(mustGet(t, client, app.ID).Spec, desired)
			assert.False(t, apply, "created: %v", changes)
			_, _, err = client.Apps.Update(ctx, app.ID, &do.AppUpdateRequest{Spec: desired})
			require.NoError(t, err)
			changes, apply = plan(mustGet(t, client, app.ID).Spec, desired)
			assert.False(t, apply, "applied again: %v", changes)
		})
	}
}
