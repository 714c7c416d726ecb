package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const moduleRoot = "../.."

// generateInRoot runs the generator on the module's documents.
func generateInRoot(t *testing.T) (types, envelopes []byte) {
	t.Helper()
	paths := defaultInputs
	for _, p := range []*string{&paths.Spec, &paths.APIOverlay, &paths.Overlay} {
		*p = filepath.Join(moduleRoot, *p)
	}
	types, envelopes, err := generate(paths, defaultInputs)
	if err != nil {
		t.Fatal(err)
	}
	return types, envelopes
}

// TestGeneratedUpToDate regenerates apps_types.gen.go and
// apps_envelopes.gen.go and compares them with the committed files.
func TestGeneratedUpToDate(t *testing.T) {
	types, envelopes := generateInRoot(t)
	for file, got := range map[string][]byte{"apps_types.gen.go": types, "apps_envelopes.gen.go": envelopes} {
		want, err := os.ReadFile(filepath.Join(moduleRoot, file))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s is stale: run `go generate` in the module root", file)
		}
	}
}

// TestDeterministic generates twice and expects identical output.
func TestDeterministic(t *testing.T) {
	a, ae := generateInRoot(t)
	b, be := generateInRoot(t)
	if !bytes.Equal(a, b) || !bytes.Equal(ae, be) {
		t.Fatal("two runs of the generator differ")
	}
}

func TestCamel(t *testing.T) {
	for in, want := range map[string]string{
		"owner_uuid":              "OwnerUUID",
		"live_url_base":           "LiveURLBase",
		"http_port":               "HTTPPort",
		"egress_ips":              "EgressIPs",
		"cpus":                    "CPUs",
		"bandwidth_allowance_gib": "BandwidthAllowanceGiB",
		"db_name":                 "DBName",
		"github":                  "GitHub",
		"open_search":             "OpenSearch",
		"p95_milliseconds":        "P95Milliseconds",
		"app_ids":                 "AppIDs",
		"tls_insecure":            "TLSInsecure",
		"vpc":                     "VPC",
		"ttl":                     "TTL",
		"dns_name":                "DNSName",
		"cidr":                    "CIDR",
		"api_key":                 "APIKey",
	} {
		if got := camel(in); got != want {
			t.Errorf("camel(%q) = %q, want %q", in, got, want)
		}
	}
	for _, c := range []struct{ typ, v, want string }{
		{"DeploymentPhase", "PENDING_BUILD", "PendingBuild"},
		{"TLSVersion", "1.2", "1_2"},
		{"InstanceSizeSlug", "apps-s-1vcpu-0.5gb", "AppsS1VCPU0_5GB"},
		{"AppRegionSlug", "nyc", "NYC"},
		{"MediaType", "application/json", "ApplicationJSON"},
	} {
		if got := constIdent(c.typ, c.v); got != c.want {
			t.Errorf("constIdent(%q, %q) = %q, want %q", c.typ, c.v, got, c.want)
		}
	}
}

func TestParagraphs(t *testing.T) {
	got := paragraphs("See [the docs](https://x.example/a).  Two\n  spaces.<br><br>**Note:** b\n- ONE: first\n- TWO: second")
	want := []string{"See the docs (https://x.example/a). Two spaces.", "Note: b", "- ONE: first", "- TWO: second"}
	if len(got) != len(want) {
		t.Fatalf("paragraphs = %q, want %q", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("paragraph %d = %q, want %q", i, got[i], want[i])
		}
	}
}

func TestZeroIsSetting(t *testing.T) {
	one, zero := 1.0, 0.0
	for _, c := range []struct {
		name string
		sc   Schema
		typ  string
		want bool
	}{
		{"nullable string", Schema{Nullable: true}, "string", true},
		{"plain string", Schema{}, "string", false},
		{"bool defaulting to true", Schema{Default: true}, "bool", true},
		{"bool defaulting to false", Schema{Default: false}, "bool", false},
		{"bool without default", Schema{}, "bool", false},
		{"count with default 1 and minimum 1", Schema{Default: 1, Minimum: &one}, "int64", false},
		{"percent with default 80 and minimum 1", Schema{Default: 80, Minimum: &one}, "int64", false},
		{"number with default 5, zero allowed", Schema{Default: 5, Minimum: &zero}, "int32", true},
		{"number with default 5, no minimum", Schema{Default: 5}, "float64", true},
		{"number without default", Schema{}, "int64", false},
	} {
		if got := zeroIsSetting(&c.sc, c.typ); got != c.want {
			t.Errorf("%s: zeroIsSetting = %v, want %v", c.name, got, c.want)
		}
	}
}

func TestOverlayEnumValues(t *testing.T) {
	spec := func() *Spec {
		s := &Spec{}
		s.Components.Schemas = map[string]*Schema{
			"rule": {Type: "string", Enum: []string{"A", "B"}},
			"obj": {Type: "object", Properties: Props{
				{Name: "kind", Schema: &Schema{Type: "string", Enum: []string{"X"}}},
				{Name: "name", Schema: &Schema{Type: "string"}},
			}},
		}
		return s
	}
	s := spec()
	err := applyOverlay(s, &Overlay{Enums: []*OverlayEnum{
		{Schema: "rule", Source: "src", Values: []OverlayEnumValue{{Value: "C", Description: "See C."}}},
		{Schema: "obj", Path: "kind", Source: "src", Values: []OverlayEnumValue{{Value: "Y", Description: "See Y."}}},
	}})
	if err != nil {
		t.Fatal(err)
	}
	if got := s.Components.Schemas["rule"].Enum; len(got) != 3 || got[2] != "C" {
		t.Errorf("rule enum = %v", got)
	}
	kind := s.Components.Schemas["obj"].Properties.Get("kind")
	if len(kind.Enum) != 2 || kind.Enum[1] != "Y" {
		t.Errorf("kind enum = %v", kind.Enum)
	}
	if d := kind.AddedValueDocs["Y"]; d != "See Y.\n\nNot in the OpenAPI spec; source: src." {
		t.Errorf("value doc = %q", d)
	}
	for name, bad := range map[string]*OverlayEnum{
		"value the spec has": {Schema: "rule", Source: "src", Values: []OverlayEnumValue{{Value: "A", Description: "d"}}},
		"no source":          {Schema: "rule", Values: []OverlayEnumValue{{Value: "C", Description: "d"}}},
		"no description":     {Schema: "rule", Source: "src", Values: []OverlayEnumValue{{Value: "C"}}},
		"no values":          {Schema: "rule", Source: "src"},
		"not an enum":        {Schema: "obj", Path: "name", Source: "src", Values: []OverlayEnumValue{{Value: "C", Description: "d"}}},
		"unknown path":       {Schema: "obj", Path: "nope", Source: "src", Values: []OverlayEnumValue{{Value: "C", Description: "d"}}},
	} {
		if err := applyOverlay(spec(), &Overlay{Enums: []*OverlayEnum{bad}}); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}

// TestMergeAPIOverlay: the operations document's refs into the spec become
// local, its own refs follow a schema renamed for a clash, and refs to
// other files or operations the spec has are errors.
func TestMergeAPIOverlay(t *testing.T) {
	dir := t.TempDir()
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	specPath := write("spec.yaml", `
paths:
  /v2/things/{id}:
    get:
      operationId: things_get
      tags: [Apps]
components:
  parameters:
    id: {name: id, in: path, schema: {type: string}}
  schemas:
    thing: {type: object, properties: {id: {type: string}}}
`)
	ops := `
paths:
  /v2/things/{id}/parts:
    post:
      operationId: things_add_part
      tags: [Apps]
      parameters:
        - $ref: './spec.yaml#/components/parameters/id'
      requestBody:
        content:
          application/json:
            schema: {$ref: '#/components/schemas/part'}
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: {$ref: '#/components/schemas/thing'}
components:
  schemas:
    part:
      type: object
      x-godo-type: Part
      properties:
        of: {$ref: './spec.yaml#/components/schemas/thing'}
    thing: {type: object, properties: {name: {type: string}}}
`
	load := func(t *testing.T, overlay string) (*Spec, error) {
		t.Helper()
		spec, err := loadSpec(specPath)
		if err != nil {
			t.Fatal(err)
		}
		taken := func(kind, name string) bool { _, ok := spec.Components.Schemas[name]; return kind == "schemas" && ok }
		return spec, mergeAPIOverlay(spec, specPath, write("ops.yaml", overlay), taken)
	}
	spec, err := load(t, ops)
	if err != nil {
		t.Fatal(err)
	}
	op := spec.Operations[len(spec.Operations)-1]
	if op.OperationID != "things_add_part" || op.Overlay != "ops.yaml" {
		t.Fatalf("last operation = %s from %q", op.OperationID, op.Overlay)
	}
	if got := op.Parameters[0].Ref; got != "#/components/parameters/id" {
		t.Errorf("parameter ref = %q", got)
	}
	if got := op.Responses["200"].Content["application/json"].Schema.Ref; got != "#/components/schemas/ops:thing" {
		t.Errorf("the clashing schema's ref = %q, want the renamed one", got)
	}
	part := spec.Components.Schemas["part"]
	if part == nil || part.Properties.Get("of").Ref != "#/components/schemas/thing" {
		t.Errorf("part.of should point at the spec's thing: %+v", part)
	}
	if part.Source != "ops.yaml (godo Part)" {
		t.Errorf("part.Source = %q", part.Source)
	}
	if spec.Components.Schemas["thing"].Properties.Get("id") == nil || spec.Components.Schemas["ops:thing"].Properties.Get("name") == nil {
		t.Error("the spec's thing and the document's thing must both be kept")
	}

	for name, bad := range map[string]string{
		"ref to another file": strings.Replace(ops, "./spec.yaml#/components/parameters/id", "./other.yaml#/components/parameters/id", 1),
		"dangling local ref":  strings.Replace(ops, "'#/components/schemas/part'", "'#/components/schemas/nope'", 1),
		"operation in spec":   strings.Replace(ops, "things_add_part", "things_get", 1),
	} {
		if _, err := load(t, bad); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}

// TestOverlayAliases: an alias needs a source, an existing property and a
// spelling that is not a property of its own.
func TestOverlayAliases(t *testing.T) {
	spec := func() *Spec {
		s := &Spec{}
		s.Components.Schemas = map[string]*Schema{
			"resp": {Type: "object", Properties: Props{
				{Name: "is_enabled", Schema: &Schema{Type: "boolean"}},
				{Name: "other", Schema: &Schema{Type: "string"}},
			}},
		}
		return s
	}
	s := spec()
	if err := applyOverlay(s, &Overlay{Aliases: []*OverlayAlias{{Schema: "resp", Name: "is_enabled", Alias: "isEnabled", Source: "src"}}}); err != nil {
		t.Fatal(err)
	}
	if got := s.aliases["resp"]; len(got) != 1 || got[0].Alias != "isEnabled" {
		t.Errorf("aliases = %+v", got)
	}
	for name, bad := range map[string]*OverlayAlias{
		"no source":        {Schema: "resp", Name: "is_enabled", Alias: "isEnabled"},
		"no alias":         {Schema: "resp", Name: "is_enabled", Source: "src"},
		"unknown schema":   {Schema: "nope", Name: "is_enabled", Alias: "isEnabled", Source: "src"},
		"unknown property": {Schema: "resp", Name: "enabled", Alias: "isEnabled", Source: "src"},
		"alias is a field": {Schema: "resp", Name: "is_enabled", Alias: "other", Source: "src"},
	} {
		if err := applyOverlay(spec(), &Overlay{Aliases: []*OverlayAlias{bad}}); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}

// TestEnvelopeNames: one object is a Root, a paginated list a Page, a
// plain list a List; two envelopes of one name must agree.
func TestEnvelopeNames(t *testing.T) {
	for _, c := range []struct {
		e    envelope
		want string
	}{
		{envelope{Prop: "app", Payload: "*App"}, "appRoot"},
		{envelope{Prop: "apps", Payload: "[]*App", Extra: []string{"links", "meta"}}, "appsPage"},
		{envelope{Prop: "job_invocations", Payload: "[]*JobInvocation", Extra: []string{"links"}}, "jobInvocationsPage"},
		{envelope{Prop: "connection_details", Payload: "[]*AppDatabaseConnectionDetails"}, "connectionDetailsList"},
	} {
		if got := envelopeName(c.e); got != c.want {
			t.Errorf("envelopeName(%s) = %s, want %s", c.e.Prop, got, c.want)
		}
	}
	m := &model{envelopes: []envelope{
		{Origin: "a", Prop: "deployment", Payload: "*Deployment", Ops: []string{"x"}},
		{Origin: "b", Prop: "deployment", Payload: "*Deployment", Ops: []string{"y"}},
	}}
	envs, err := m.goEnvelopes()
	if err != nil || len(envs) != 1 || len(envs[0].Ops) != 2 || envs[0].Type != "*Deployment" {
		t.Fatalf("goEnvelopes = %+v, %v", envs, err)
	}
	m.envelopes = append(m.envelopes, envelope{Origin: "c", Prop: "deployment", Payload: "*App", Ops: []string{"z"}})
	if _, err := m.goEnvelopes(); err == nil {
		t.Error("two deploymentRoot envelopes with different payloads: no error")
	}
}
