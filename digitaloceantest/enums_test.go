package digitaloceantest

import (
	"go/ast"
	"go/parser"
	"go/token"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestEnumRegistryMatchesSDK checks that the enum registry holds every
// value the SDK declares for each registered type, so that a regenerated
// apps_types.gen.go cannot make the fake reject a valid value.
func TestEnumRegistryMatchesSDK(t *testing.T) {
	f, err := parser.ParseFile(token.NewFileSet(), "../apps_types.gen.go", nil, 0)
	require.NoError(t, err)
	declared := map[string]map[string]bool{}
	for _, decl := range f.Decls {
		g, isGen := decl.(*ast.GenDecl)
		if !isGen || g.Tok != token.CONST {
			continue
		}
		for _, spec := range g.Specs {
			vs := spec.(*ast.ValueSpec)
			typ, named := vs.Type.(*ast.Ident)
			if !named || len(vs.Values) != 1 {
				continue
			}
			lit, isLit := vs.Values[0].(*ast.BasicLit)
			if !isLit {
				continue
			}
			v, err := strconv.Unquote(lit.Value)
			require.NoError(t, err)
			if declared[typ.Name] == nil {
				declared[typ.Name] = map[string]bool{}
			}
			declared[typ.Name][v] = true
		}
	}
	require.NotEmpty(t, declared)
	for typ, values := range enums {
		assert.Equal(t, declared[typ.Name()], values, "enum %s", typ.Name())
	}
	assert.Len(t, enums, 18)
}

func TestMatch(t *testing.T) {
	cases := []struct {
		m                Match
		method, path, op string
		want             bool
	}{
		{Match{}, "GET", "/v2/apps", "apps_list", true},
		{Match{Method: "post"}, "POST", "/v2/apps", "apps_create", true},
		{Match{Method: "POST"}, "GET", "/v2/apps", "apps_list", false},
		{Match{Path: "/v2/apps/*/deployments"}, "GET", "/v2/apps/x/deployments", "", true},
		{Match{Path: "/v2/apps/*/deployments"}, "GET", "/v2/apps/x/deployments/y", "", false},
		{Match{Path: "/v2/apps/**"}, "GET", "/v2/apps/x/deployments/y", "", true},
		{Match{Path: "/v2/apps/**"}, "GET", "/v2/appsx", "", false},
		{Match{Operation: "apps_get"}, "GET", "/v2/apps/x", "apps_get", true},
		{Match{Operation: "apps_get"}, "GET", "/v2/apps", "apps_list", false},
	}
	for _, tc := range cases {
		assert.Equal(t, tc.want, tc.m.matches(tc.method, tc.path, tc.op), "%+v %s %s", tc.m, tc.method, tc.path)
	}
}
