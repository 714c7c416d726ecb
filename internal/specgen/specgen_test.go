package main

import (
	"bytes"
	"os"
	"path/filepath"
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

// TestMarkWire: structs outside the AppSpec tree that hold a spec, directly
// or through each other, get twins; others do not; a holder the scanner
// cannot walk (a map) is an error.
func TestMarkWire(t *testing.T) {
	st := func(name string, fields ...*goField) *goStruct { return &goStruct{Name: name, Fields: fields} }
	m := &model{structs: map[string]*goStruct{
		"AppSpec":        st("AppSpec", &goField{Name: "Name", JSON: "name", Type: "string"}),
		"Deployment":     st("Deployment", &goField{Name: "Spec", JSON: "spec", Type: "*AppSpec"}),
		"App":            st("App", &goField{Name: "Active", JSON: "active_deployment", Type: "*Deployment"}),
		"Event":          st("Event", &goField{Name: "Apps", JSON: "apps", Type: "[]*App"}),
		"Region":         st("Region", &goField{Name: "Slug", JSON: "slug", Type: "string"}),
		"ByName":         st("ByName", &goField{Name: "Specs", JSON: "specs", Type: "map[string]*AppSpec"}),
		"AppServiceSpec": st("AppServiceSpec", &goField{Name: "Name", JSON: "name", Type: "string"}),
	}}
	m.markPreserved()
	m.markWire()
	for name, want := range map[string]bool{"Deployment": true, "App": true, "Event": true, "ByName": true, "Region": false, "AppSpec": false} {
		if got := m.structs[name].Wire; got != want {
			t.Errorf("%s.Wire = %v, want %v", name, got, want)
		}
	}
	if got := m.wireName("App"); got != "appWire" {
		t.Errorf("wireName(App) = %q", got)
	}
	if got := m.wireName("AppSpec"); got != "appSpecWire" {
		t.Errorf("wireName(AppSpec) = %q", got)
	}
	if got := m.wireName("Region"); got != "" {
		t.Errorf("wireName(Region) = %q", got)
	}
	if len(m.errs) != 1 || !bytes.Contains([]byte(m.errs[0]), []byte("ByName.Specs")) {
		t.Errorf("errors = %q, want one about ByName.Specs", m.errs)
	}
}
