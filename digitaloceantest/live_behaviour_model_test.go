package digitaloceantest

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Tests of the fake's own model of the live API's rewrites (livespec.go)
// against the examples of testdata/live-api-behaviour.md, spec JSON in,
// spec JSON out. Each names the fact it checks.

// rewritten is the spec JSON in as the live API stores it, without the
// encryption (secrets_test cases check that).
func rewritten(t *testing.T, in string) string {
	t.Helper()
	var spec specObject
	require.NoError(t, decodeNumbers([]byte(in), &spec))
	rewriteSpec(spec)
	return string(mustJSON(spec))
}

func TestModelRoutesBecomeIngressRules(t *testing.T) {
	// Facts 12, 13, 14: each route is a rule {match: {path: {prefix}},
	// component: {name, preserve_path_prefix}} carrying the component's
	// cors; routes and cors leave the component.
	got := rewritten(t, `{"name":"a","services":[{"name":"api","http_port":3000,
		"routes":[{"path":"/api","preserve_path_prefix":true},{"path":"/v2"}],
		"cors":{"allow_origins":[{"exact":"https://example.com"}],"allow_methods":["GET"]}}]}`)
	assert.JSONEq(t, `{"name":"a","services":[{"name":"api","http_port":3000}],"ingress":{"rules":[
		{"match":{"path":{"prefix":"/api"}},"component":{"name":"api","preserve_path_prefix":true},
		 "cors":{"allow_origins":[{"exact":"https://example.com"}],"allow_methods":["GET"]}},
		{"match":{"path":{"prefix":"/v2"}},"component":{"name":"api"},
		 "cors":{"allow_origins":[{"exact":"https://example.com"}],"allow_methods":["GET"]}}]}}`, got)
}

func TestModelRouteRulesFollowTheSpecsOwnRules(t *testing.T) {
	// Facts 12, 13: rules made of routes come after the rules the spec
	// has, in the order app_spec lists its components (services, static
	// sites, functions); where the live API puts them is not established.
	got := rewritten(t, `{"name":"a",
		"functions":[{"name":"fn","routes":[{"path":"/fn"}]}],
		"static_sites":[{"name":"site","routes":[{"path":"/"}]}],
		"services":[{"name":"api","http_port":3000,"routes":[{"path":"/api"}]}],
		"ingress":{"rules":[{"match":{"path":{"prefix":"/old"}},"redirect":{"uri":"/new"}}]}}`)
	assert.JSONEq(t, `{"name":"a",
		"functions":[{"name":"fn"}],"static_sites":[{"name":"site"}],"services":[{"name":"api","http_port":3000}],
		"ingress":{"rules":[
			{"match":{"path":{"prefix":"/old"}},"redirect":{"uri":"/new"}},
			{"match":{"path":{"prefix":"/api"}},"component":{"name":"api"}},
			{"match":{"path":{"prefix":"/"}},"component":{"name":"site"}},
			{"match":{"path":{"prefix":"/fn"}},"component":{"name":"fn"}}]}}`, got)
}

func TestModelRulesOfOneComponentDoNotShareItsCORS(t *testing.T) {
	// Fact 13: each rule carries the component's cors; a later change to
	// one rule's must not reach the other's.
	var spec specObject
	require.NoError(t, decodeNumbers([]byte(`{"name":"a","static_sites":[{"name":"site",
		"routes":[{"path":"/a"},{"path":"/b"}],"cors":{"allow_methods":["GET"]}}]}`), &spec))
	rewriteSpec(spec)
	rules := objects(object(spec, "ingress"), "rules")
	require.Len(t, rules, 2)
	object(rules[0], "cors")["allow_methods"].([]any)[0] = "PUT"
	assert.Equal(t, "GET", object(rules[1], "cors")["allow_methods"].([]any)[0])
}

func TestModelDefaultRule(t *testing.T) {
	// Fact 15: Terraform's TestAccDigitalOceanApp_Basic (a lone service,
	// legacy size, health_check port 1234 as in fact 38), _Image and
	// _StaticSite read back one rule "/" to their component. Workers,
	// jobs and databases beside it change nothing.
	cases := map[string]struct{ in, want string }{
		"Basic": {
			`{"name":"basic","services":[{"name":"go-service","instance_size_slug":"basic-xxs",
				"github":{"repo":"digitalocean/sample-golang","branch":"main"},"health_check":{"port":1234}}]}`,
			`{"name":"basic","services":[{"name":"go-service","instance_size_slug":"basic-xxs","http_port":8080,
				"github":{"repo":"digitalocean/sample-golang","branch":"main"},"health_check":{"port":1234}}],
			  "ingress":{"rules":[{"match":{"path":{"prefix":"/"}},"component":{"name":"go-service"}}]}}`,
		},
		"Image": {
			`{"name":"image","services":[{"name":"image-service","image":{"registry_type":"DOCKER_HUB","registry":"caddy","repository":"caddy","tag":"2.2.1-alpine"}}],
			  "workers":[{"name":"w","image":{"registry_type":"DOCR","repository":"w"}}],"jobs":[{"name":"j","image":{"registry_type":"DOCR","repository":"j"}}],
			  "databases":[{"name":"db","engine":"PG"}]}`,
			`{"name":"image","services":[{"name":"image-service","http_port":8080,"image":{"registry_type":"DOCKER_HUB","registry":"caddy","repository":"caddy","tag":"2.2.1-alpine"}}],
			  "workers":[{"name":"w","image":{"registry_type":"DOCR","repository":"w"}}],"jobs":[{"name":"j","image":{"registry_type":"DOCR","repository":"j"}}],
			  "databases":[{"name":"db","engine":"PG"}],
			  "ingress":{"rules":[{"match":{"path":{"prefix":"/"}},"component":{"name":"image-service"}}]}}`,
		},
		"StaticSite": {
			`{"name":"static","static_sites":[{"name":"sample-jekyll","build_command":"bundle exec jekyll build -d ./public","output_dir":"/public",
				"github":{"repo":"digitalocean/sample-jekyll","branch":"main"},"cors":{"allow_headers":["X-A"]}}]}`,
			`{"name":"static","static_sites":[{"name":"sample-jekyll","build_command":"bundle exec jekyll build -d ./public","output_dir":"/public",
				"github":{"repo":"digitalocean/sample-jekyll","branch":"main"}}],
			  "ingress":{"rules":[{"match":{"path":{"prefix":"/"}},"component":{"name":"sample-jekyll"},"cors":{"allow_headers":["X-A"]}}]}}`,
		},
	}
	for name, c := range cases {
		assert.JSONEq(t, c.want, rewritten(t, c.in), name)
	}
}

func TestModelNoDefaultRuleWhereNotEstablished(t *testing.T) {
	// Fact 15 establishes the rule for one routable component only: with
	// two, or a lone functions component, the fake makes none.
	for name, in := range map[string]string{
		"two services":   `{"name":"a","services":[{"name":"a","http_port":80},{"name":"b","http_port":81}]}`,
		"service+site":   `{"name":"a","services":[{"name":"a","http_port":80}],"static_sites":[{"name":"b"}]}`,
		"lone functions": `{"name":"a","functions":[{"name":"fn"}]}`,
	} {
		assert.NotContains(t, rewritten(t, in), "ingress", name)
	}
}

func TestModelInternalOnlyService(t *testing.T) {
	// Fact 16: TestAccDigitalOceanApp_makeServiceInternal step 2, an
	// explicit empty ingress and a service with internal_ports only, reads
	// back with zero rules; its http_port reads back absent (fact 10).
	got := rewritten(t, `{"name":"internal","ingress":{},
		"services":[{"name":"go-service","internal_ports":[8080],"github":{"repo":"digitalocean/sample-golang","branch":"main"}}]}`)
	assert.JSONEq(t, `{"name":"internal","ingress":{},
		"services":[{"name":"go-service","internal_ports":[8080],"github":{"repo":"digitalocean/sample-golang","branch":"main"}}]}`, got)

	// The service beside it that is not internal-only gets the rule.
	got = rewritten(t, `{"name":"mixed","services":[{"name":"internal","internal_ports":[9000]},{"name":"web"}]}`)
	assert.JSONEq(t, `{"name":"mixed","services":[{"name":"internal","internal_ports":[9000]},{"name":"web","http_port":8080}],
		"ingress":{"rules":[{"match":{"path":{"prefix":"/"}},"component":{"name":"web"}}]}}`, got)
}

func TestModelDefaultHTTPPort(t *testing.T) {
	// Fact 18: makeServiceInternal step 1, http_port omitted, reads back
	// 8080; a port given is kept. Workers have no port.
	got := rewritten(t, `{"name":"a","ingress":{"rules":[{"match":{"path":{"prefix":"/"}},"component":{"name":"b"}}]},
		"services":[{"name":"a"},{"name":"b","http_port":3000},{"name":"c","http_port":0}],"workers":[{"name":"w"}]}`)
	assert.JSONEq(t, `{"name":"a","ingress":{"rules":[{"match":{"path":{"prefix":"/"}},"component":{"name":"b"}}]},
		"services":[{"name":"a","http_port":8080},{"name":"b","http_port":3000},{"name":"c","http_port":8080}],"workers":[{"name":"w"}]}`, got)
}

func TestModelGeneralEnvTypeReadsBackAbsent(t *testing.T) {
	// Facts 9, 10: type GENERAL is not echoed, at app level and in every
	// component; SECRET is.
	in := `{"name":"a","envs":[{"key":"A","value":"1","type":"GENERAL"},{"key":"B","value":"2","type":"SECRET"}],
		"workers":[{"name":"w","envs":[{"key":"W","type":"GENERAL","scope":"RUN_TIME"}]}],
		"jobs":[{"name":"j","envs":[{"key":"J","type":"GENERAL"}]}],
		"static_sites":[{"name":"s","envs":[{"key":"S","type":"GENERAL"}]}],
		"functions":[{"name":"f","envs":[{"key":"F","type":"GENERAL"}]}]}`
	got := rewritten(t, in)
	assert.Equal(t, 1, strings.Count(got, `"type"`), "only SECRET keeps its type: %s", got)
	assert.Contains(t, got, `"scope":"RUN_TIME"`, "the scope is kept")
}

func TestModelEnvsReadBackSortedByKey(t *testing.T) {
	// Fact 32: envs may read back in another order than sent; the fake
	// sorts each list by key (stable), at app level and per component.
	got := rewritten(t, `{"name":"a","envs":[{"key":"Z","value":"1"},{"key":"A","value":"2"},{"key":"M","value":"3"}],
		"static_sites":[{"name":"s","envs":[{"key":"B","value":"first"},{"key":"A"},{"key":"B","value":"second"}]}]}`)
	assert.JSONEq(t, `{"name":"a","envs":[{"key":"A","value":"2"},{"key":"M","value":"3"},{"key":"Z","value":"1"}],
		"static_sites":[{"name":"s","envs":[{"key":"A"},{"key":"B","value":"first"},{"key":"B","value":"second"}]}],
		"ingress":{"rules":[{"match":{"path":{"prefix":"/"}},"component":{"name":"s"}}]}}`, got)
}

func TestModelLeavesUnestablishedDefaultsOut(t *testing.T) {
	// Facts 19, 20, 21, 22, 23, 36: instance_count, instance_size_slug,
	// region, features, alerts and jobs[].kind are not filled in; a legacy
	// size slug is kept as given.
	in := `{"name":"a","workers":[{"name":"w","instance_size_slug":"basic-xxs"}],"jobs":[{"name":"j"}]}`
	assert.JSONEq(t, in, rewritten(t, in))
}

func TestModelRewritesOnceOnly(t *testing.T) {
	// A spec read back and sent again is stored unchanged: what the API
	// returns does not rewrite again (Get → Update is stable; fact 3 for
	// the secrets).
	in := `{"name":"a","envs":[{"key":"Z","type":"GENERAL"},{"key":"A","type":"SECRET","value":"EV[1:zqiRIeaaYK/NqctZDYzy6t0pTrtRDez8:wqGpZRrsKN5nPhWQrS479cfBiXT0WQ==]"}],
		"services":[{"name":"api","routes":[{"path":"/api"}],"cors":{"allow_methods":["GET"]}},{"name":"in","internal_ports":[9000]}],
		"static_sites":[{"name":"site","routes":[{"path":"/"}]}]}`
	once := rewritten(t, in)
	assert.JSONEq(t, once, rewritten(t, once))
}

func TestModelSecretCiphertextKeptPlaintextEncrypted(t *testing.T) {
	// Facts 2, 3: the subset's ciphertext sent back is kept byte for byte.
	// Facts 1, 4, 5, 8: plaintexts of SECRET envs anywhere and of
	// registry credentials are replaced by a fresh EV[1:…:…]; GENERAL
	// values and empty secrets are not.
	const ev = "EV[1:zqiRIeaaYK/NqctZDYzy6t0pTrtRDez8:wqGpZRrsKN5nPhWQrS479cfBiXT0WQ==]"
	var spec specObject
	require.NoError(t, decodeNumbers([]byte(`{"name":"a",
		"envs":[{"key":"KEPT","type":"SECRET","value":"`+ev+`"},{"key":"EMPTY","type":"SECRET"},{"key":"OPEN","value":"visible"}],
		"jobs":[{"name":"j","envs":[{"key":"P","type":"SECRET","value":"job-plain"}],
			"image":{"registry_type":"GHCR","repository":"j","registry_credentials":"user:ghp_plain"}}]}`), &spec))
	encryptSecrets(spec)
	envs := objects(spec, "envs")
	assert.Equal(t, ev, envs[0]["value"], "fact 3")
	assert.Nil(t, envs[1]["value"], "an empty secret stays empty")
	assert.Equal(t, "visible", envs[2]["value"])
	job := objects(spec, "jobs")[0]
	for _, v := range []any{objects(job, "envs")[0]["value"], object(job, "image")["registry_credentials"]} {
		assert.Regexp(t, ciphertext, v, "fact 5")
		assert.NotContains(t, v, "plain")
	}
}
