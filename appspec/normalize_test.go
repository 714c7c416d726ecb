package appspec

import (
	"encoding/json"
	"testing"

	do "github.com/oceankit/digitalocean"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A false preserve_path_prefix (a.13, a.15) reads back absent (a.10), so the
// expected outputs leave it out.
//
// The expected outputs below are written from the facts and examples of
// testdata/live-api-behaviour.md, section (a), not from the fake API: a
// normaliser and a fake that share one table would agree with each other
// whatever the table says.
var normalizeCases = []struct {
	name, fact, in, want string
}{
	{
		name: "routes and cors become ingress rules",
		fact: "a.12, a.13, a.14",
		in: `{"name":"shop","services":[{"name":"api","http_port":3000,
			"routes":[{"path":"/api","preserve_path_prefix":true},{"path":"/v2"}],
			"cors":{"allow_origins":[{"exact":"https://example.com"}],"allow_methods":["GET"]}}]}`,
		want: `{"name":"shop","services":[{"name":"api","http_port":3000}],
			"ingress":{"rules":[
			  {"match":{"path":{"prefix":"/api"}},"component":{"name":"api","preserve_path_prefix":true},
			   "cors":{"allow_origins":[{"exact":"https://example.com"}],"allow_methods":["GET"]}},
			  {"match":{"path":{"prefix":"/v2"}},"component":{"name":"api"},
			   "cors":{"allow_origins":[{"exact":"https://example.com"}],"allow_methods":["GET"]}}]}}`,
	},
	{
		name: "routes of several kinds, in component order",
		fact: "a.12, a.13 (order: choice)",
		in: `{"name":"shop","static_sites":[{"name":"web","routes":[{"path":"/"}]}],
			"services":[{"name":"api","http_port":3000,"routes":[{"path":"/api"}]}],
			"functions":[{"name":"fn","routes":[{"path":"/fn"}]}]}`,
		want: `{"name":"shop","services":[{"name":"api","http_port":3000}],"static_sites":[{"name":"web"}],"functions":[{"name":"fn"}],
			"ingress":{"rules":[
			  {"match":{"path":{"prefix":"/api"}},"component":{"name":"api"}},
			  {"match":{"path":{"prefix":"/"}},"component":{"name":"web"}},
			  {"match":{"path":{"prefix":"/fn"}},"component":{"name":"fn"}}]}}`,
	},
	{
		name: "a lone service gets the rule / and port 8080",
		fact: "a.15, a.18",
		in:   `{"name":"basic","region":"ams","services":[{"name":"go-service","instance_count":1,"instance_size_slug":"basic-xxs","git":{"repo_clone_url":"https://github.com/digitalocean/sample-golang.git","branch":"main"}}]}`,
		want: `{"name":"basic","region":"ams","services":[{"name":"go-service","instance_count":1,"instance_size_slug":"basic-xxs","http_port":8080,"git":{"repo_clone_url":"https://github.com/digitalocean/sample-golang.git","branch":"main"}}],
			"ingress":{"rules":[{"match":{"path":{"prefix":"/"}},"component":{"name":"go-service"}}]}}`,
	},
	{
		name: "a lone static site gets the rule /, with its cors",
		fact: "a.15, a.13",
		in:   `{"name":"site","static_sites":[{"name":"sample-jekyll","output_dir":"/public","cors":{"allow_headers":["X-Custom"]}}]}`,
		want: `{"name":"site","static_sites":[{"name":"sample-jekyll","output_dir":"/public"}],
			"ingress":{"rules":[{"match":{"path":{"prefix":"/"}},"component":{"name":"sample-jekyll"},"cors":{"allow_headers":["X-Custom"]}}]}}`,
	},
	{
		name: "a worker next to the service does not stop the default rule",
		fact: "a.15, a.17",
		in:   `{"name":"two","services":[{"name":"web"}],"workers":[{"name":"queue"}]}`,
		want: `{"name":"two","services":[{"name":"web","http_port":8080}],"workers":[{"name":"queue"}],
			"ingress":{"rules":[{"match":{"path":{"prefix":"/"}},"component":{"name":"web"}}]}}`,
	},
	{
		name: "several routable components get no default rule",
		fact: "a.15 (not established: choice)",
		in:   `{"name":"many","services":[{"name":"api"}],"static_sites":[{"name":"web"}]}`,
		want: `{"name":"many","services":[{"name":"api","http_port":8080}],"static_sites":[{"name":"web"}]}`,
	},
	{
		name: "explicit ingress rules are kept and block the default rule",
		fact: "a.15",
		in:   `{"name":"ing","services":[{"name":"api"}],"ingress":{"rules":[{"match":{"path":{"prefix":"/go"}},"component":{"name":"api"}}]}}`,
		want: `{"name":"ing","services":[{"name":"api","http_port":8080}],"ingress":{"rules":[{"match":{"path":{"prefix":"/go"}},"component":{"name":"api"}}]}}`,
	},
	{
		name: "an internal-only service with an empty ingress keeps zero rules and no port",
		fact: "a.16",
		in:   `{"name":"internal","region":"nyc","services":[{"name":"go-service","instance_count":1,"internal_ports":[8080]}],"ingress":{}}`,
		want: `{"name":"internal","region":"nyc","services":[{"name":"go-service","instance_count":1,"internal_ports":[8080]}],"ingress":{}}`,
	},
	{
		name: "http_port given is kept",
		fact: "a.18",
		in:   `{"name":"p","services":[{"name":"web","http_port":80,"internal_ports":[5000]}],"ingress":{"rules":[{"component":{"name":"web"},"match":{"path":{"prefix":"/"}}}]}}`,
		want: `{"name":"p","services":[{"name":"web","http_port":80,"internal_ports":[5000]}],"ingress":{"rules":[{"component":{"name":"web"},"match":{"path":{"prefix":"/"}}}]}}`,
	},
	{
		name: "instance_count, size, region, jobs kind and features stay as given",
		fact: "a.19, a.20, a.21, a.22, a.23",
		in:   `{"name":"d","workers":[{"name":"w","instance_size_slug":"basic-xxs"}],"jobs":[{"name":"j","kind":"UNSPECIFIED"}],"features":["buildpack-stack=ubuntu-22"]}`,
		want: `{"name":"d","workers":[{"name":"w","instance_size_slug":"basic-xxs"}],"jobs":[{"name":"j","kind":"UNSPECIFIED"}],"features":["buildpack-stack=ubuntu-22"]}`,
	},
	{
		name: "env type GENERAL reads back absent; secrets are untouched",
		fact: "a.9, a.10, a.1-a.5",
		in: `{"name":"e","envs":[{"key":"A","value":"1","type":"GENERAL"},{"key":"S","value":"plain","type":"SECRET"}],
			"workers":[{"name":"w","envs":[{"key":"B","type":"GENERAL","scope":"RUN_TIME"},
			  {"key":"T","type":"SECRET","value":"EV[1:zqiRIeaaYK/NqctZDYzy6t0pTrtRDez8:wqGpZRrsKN5nPhWQrS479cfBiXT0WQ==]"}],
			  "image":{"registry_type":"DOCKER_HUB","repository":"r","registry_credentials":"user:token"}}]}`,
		want: `{"name":"e","envs":[{"key":"A","value":"1"},{"key":"S","value":"plain","type":"SECRET"}],
			"workers":[{"name":"w","envs":[{"key":"B","scope":"RUN_TIME"},
			  {"key":"T","type":"SECRET","value":"EV[1:zqiRIeaaYK/NqctZDYzy6t0pTrtRDez8:wqGpZRrsKN5nPhWQrS479cfBiXT0WQ==]"}],
			  "image":{"registry_type":"DOCKER_HUB","repository":"r","registry_credentials":"user:token"}}]}`,
	},
	{
		name: "unknown keys survive",
		fact: "lossless specs",
		in:   `{"name":"u","future_flag":true,"services":[{"name":"web","http_port":8080,"next_gen":{"x":1},"routes":[{"path":"/"}]}]}`,
		want: `{"name":"u","future_flag":true,"services":[{"name":"web","http_port":8080,"next_gen":{"x":1}}],
			"ingress":{"rules":[{"match":{"path":{"prefix":"/"}},"component":{"name":"web"}}]}}`,
	},
}

func TestNormalizeFacts(t *testing.T) {
	for _, tc := range normalizeCases {
		t.Run(tc.name, func(t *testing.T) {
			in := normSpec(t, tc.in)
			before := normJSON(t, in)

			got := Normalize(in)
			assert.JSONEq(t, tc.want, normJSON(t, got), "fact %s", tc.fact)
			assert.Equal(t, before, normJSON(t, in), "the input is not changed")

			again := Normalize(got)
			assert.Equal(t, normJSON(t, got), normJSON(t, again), "normalizing twice changes nothing")
			assert.JSONEq(t, tc.want, normJSON(t, Normalize(normSpec(t, tc.want))), "the expected output is a fixed point")
		})
	}
}

func TestNormalizeNil(t *testing.T) {
	assert.Nil(t, Normalize(nil))
}

// Rules made from one component's routes do not share its cors: changing
// one leaves the others alone.
func TestNormalizeRulesDoNotShareCORS(t *testing.T) {
	got := Normalize(normSpec(t, `{"name":"c","services":[{"name":"api",
		"routes":[{"path":"/a"},{"path":"/b"}],"cors":{"allow_origins":[{"prefix":"https://x"}],"allow_methods":["GET"]}}]}`))
	require.Len(t, got.Ingress.Rules, 2)
	got.Ingress.Rules[0].CORS.AllowMethods[0] = "PUT"
	*got.Ingress.Rules[0].CORS.AllowOrigins[0].Prefix = "https://y"
	got.Ingress.Rules[0].CORS.AllowOrigins[0] = nil
	assert.Equal(t, "GET", got.Ingress.Rules[1].CORS.AllowMethods[0])
	require.NotNil(t, got.Ingress.Rules[1].CORS.AllowOrigins[0])
	assert.Equal(t, "https://x", *got.Ingress.Rules[1].CORS.AllowOrigins[0].Prefix)
}

func normSpec(t *testing.T, raw string) *do.AppSpec {
	t.Helper()
	spec := new(do.AppSpec)
	require.NoError(t, json.Unmarshal([]byte(raw), spec))
	return spec
}

func normJSON(t *testing.T, v any) string {
	t.Helper()
	raw, err := json.Marshal(v)
	require.NoError(t, err)
	return string(raw)
}

// Normalizing is idempotent and leaves its input alone, whatever the spec.
func FuzzNormalize(f *testing.F) {
	for _, tc := range normalizeCases {
		f.Add(tc.in)
	}
	f.Add(`{"name":"x","services":[null,{"name":"a","routes":[null,{}]}],"static_sites":[{"name":"b","cors":{}}],"ingress":{"rules":[null]}}`)
	f.Fuzz(func(t *testing.T, raw string) {
		spec := new(do.AppSpec)
		if json.Unmarshal([]byte(raw), spec) != nil {
			return
		}
		before, err := json.Marshal(spec)
		if err != nil {
			return
		}
		once := Normalize(spec)
		after, _ := json.Marshal(spec)
		if string(before) != string(after) {
			t.Fatalf("the input changed:\n%s\n%s", before, after)
		}
		a, _ := json.Marshal(once)
		b, _ := json.Marshal(Normalize(once))
		if string(a) != string(b) {
			t.Fatalf("not idempotent:\n%s\n%s", a, b)
		}
	})
}

func BenchmarkNormalize(b *testing.B) {
	spec := new(do.AppSpec)
	require.NoError(b, json.Unmarshal([]byte(normalizeCases[0].in), spec))
	b.Run("Clone", func(b *testing.B) {
		for b.Loop() {
			_ = spec.Clone()
		}
	})
	b.Run("Normalize", func(b *testing.B) {
		for b.Loop() {
			_ = Normalize(spec)
		}
	})
}
