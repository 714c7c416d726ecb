package digitaloceantest

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The fake uses nothing of the SDK's app-spec toolkit (normaliser,
// validator, diff, file loading, component walking, Clone): its model of
// the live API is its own, so that tests against it can catch a wrong rule
// in the SDK's. The SDK's types and constants are fine: they are the API's.
func TestFakeUsesNoneOfTheAppSpecToolkit(t *testing.T) {
	const sdk = "github.com/oceankit/digitalocean"
	toolkitFuncs, specMethods := sdkToolkit(t)
	require.NotEmpty(t, specMethods, "the SDK's AppSpec methods are found")

	paths, err := filepath.Glob("*.go")
	require.NoError(t, err)
	fset := token.NewFileSet()
	checked := 0
	for _, p := range paths {
		if strings.HasSuffix(p, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, p, nil, 0)
		require.NoError(t, err)
		packages := map[string]bool{} // the names imports are known by
		sdkName := ""
		for _, imp := range f.Imports {
			path, _ := strconv.Unquote(imp.Path.Value)
			for _, toolkit := range []string{sdk + "/appspec", sdk + "/internal/specmodel", sdk + "/internal/specfile"} {
				assert.False(t, strings.HasPrefix(path, toolkit), "%s imports the toolkit (%s)", p, toolkit)
			}
			name := path[strings.LastIndex(path, "/")+1:]
			if imp.Name != nil {
				name = imp.Name.Name
			}
			packages[name] = true
			if path == sdk {
				sdkName = name
			}
		}
		ast.Inspect(f, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok {
				return true
			}
			sel, ok := call.Fun.(*ast.SelectorExpr)
			if !ok {
				return true
			}
			checked++
			where := fset.Position(sel.Pos()).String()
			if x, ok := sel.X.(*ast.Ident); ok && packages[x.Name] {
				assert.False(t, x.Name == sdkName && toolkitFuncs[sel.Sel.Name], "%s calls the toolkit's %s", where, sel.Sel.Name)
				return true
			}
			if inner, ok := sel.X.(*ast.SelectorExpr); ok && inner.Sel.Name == "Header" && sel.Sel.Name == "Clone" {
				return true // http.Header's Clone
			}
			assert.False(t, specMethods[sel.Sel.Name], "%s calls %s, a method of the SDK's AppSpec or AppComponent", where, sel.Sel.Name)
			return true
		})
	}
	assert.Greater(t, checked, 100, "the fake's calls were read")
}

// sdkToolkit reads the SDK's root package: the functions declared in its
// appspec_*.go files, and the methods on AppSpec and AppComponent other
// than the JSON and YAML ones that encoding calls.
func sdkToolkit(t *testing.T) (funcs, methods map[string]bool) {
	t.Helper()
	paths, err := filepath.Glob("../*.go")
	require.NoError(t, err)
	funcs, methods = map[string]bool{}, map[string]bool{}
	fset := token.NewFileSet()
	for _, p := range paths {
		if strings.HasSuffix(p, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, p, nil, 0)
		require.NoError(t, err)
		for _, d := range f.Decls {
			fn, ok := d.(*ast.FuncDecl)
			if !ok || !fn.Name.IsExported() {
				continue
			}
			if fn.Recv == nil {
				if strings.HasPrefix(filepath.Base(p), "appspec") {
					funcs[fn.Name.Name] = true
				}
				continue
			}
			recv := fn.Recv.List[0].Type
			if star, ok := recv.(*ast.StarExpr); ok {
				recv = star.X
			}
			id, ok := recv.(*ast.Ident)
			encoding := []string{"MarshalJSON", "UnmarshalJSON", "UnmarshalYAML", "MarshalYAML", "UnknownFields", "String"}
			if ok && (id.Name == "AppSpec" || id.Name == "AppComponent") && !slices.Contains(encoding, fn.Name.Name) {
				methods[fn.Name.Name] = true
			}
		}
	}
	return funcs, methods
}
