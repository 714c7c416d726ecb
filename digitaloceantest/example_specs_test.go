package digitaloceantest_test

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"

	do "github.com/oceankit/digitalocean"
	"github.com/oceankit/digitalocean/appspec"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Every app spec an Example of the module writes as a Go literal passes
// Validate: an Example is what users copy. The literals are read from the
// source (every file with an Example function) and built by reflection;
// constants come from the SDK's own declarations. A value the literal
// takes from a variable stands in as "example" (a valid name) when it is
// a string; any other expression fails the test, naming its place, so that
// Example specs stay literal enough to be checked.
func TestExampleSpecsPassValidate(t *testing.T) {
	consts := sdkConstants(t)
	fset := token.NewFileSet()
	checked := 0
	err := filepath.WalkDir("..", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && path != ".." && (strings.HasPrefix(d.Name(), ".") || d.Name() == "testdata" ||
			fileExists(filepath.Join(path, "go.mod"))) {
			return filepath.SkipDir // other modules, data
		}
		if d.IsDir() || !strings.HasSuffix(path, "_test.go") {
			return nil
		}
		file, err := parser.ParseFile(fset, path, nil, 0)
		if err != nil {
			return err
		}
		if !hasExample(file) {
			return nil
		}
		ast.Inspect(file, func(n ast.Node) bool {
			lit, ok := n.(*ast.CompositeLit)
			if !ok || !isAppSpecType(lit.Type) {
				return true
			}
			where := fset.Position(lit.Pos()).String()
			v, err := (&literalEval{consts: consts}).eval(lit, reflect.TypeFor[do.AppSpec]())
			if !assert.NoError(t, err, where) {
				return false
			}
			spec := v.Addr().Interface().(*do.AppSpec)
			assert.NoError(t, appspec.Validate(spec), "the Example spec at %s", where)
			checked++
			return false
		})
		return nil
	})
	require.NoError(t, err)
	assert.GreaterOrEqual(t, checked, 4, "the Example specs were found (4 today)")
}

func fileExists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

func hasExample(f *ast.File) bool {
	for _, d := range f.Decls {
		if fn, ok := d.(*ast.FuncDecl); ok && fn.Recv == nil && strings.HasPrefix(fn.Name.Name, "Example") {
			return true
		}
	}
	return false
}

// isAppSpecType is AppSpec or <package>.AppSpec.
func isAppSpecType(e ast.Expr) bool {
	switch e := e.(type) {
	case *ast.Ident:
		return e.Name == "AppSpec"
	case *ast.SelectorExpr:
		return e.Sel.Name == "AppSpec"
	}
	return false
}

// sdkConstants reads the SDK's exported constants with a literal value
// (the enum values) from its source.
func sdkConstants(t *testing.T) map[string]*ast.BasicLit {
	t.Helper()
	pkgs, err := filepath.Glob("../*.go")
	require.NoError(t, err)
	out := map[string]*ast.BasicLit{}
	fset := token.NewFileSet()
	for _, path := range pkgs {
		if strings.HasSuffix(path, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, path, nil, 0)
		require.NoError(t, err)
		for _, d := range f.Decls {
			gen, ok := d.(*ast.GenDecl)
			if !ok || gen.Tok != token.CONST {
				continue
			}
			for _, s := range gen.Specs {
				vs := s.(*ast.ValueSpec)
				for i, name := range vs.Names {
					if i < len(vs.Values) {
						if lit, ok := vs.Values[i].(*ast.BasicLit); ok {
							out[name.Name] = lit
						}
					}
				}
			}
		}
	}
	require.Contains(t, out, "AppVariableTypeSecret")
	return out
}

// literalEval builds the value of a Go literal expression of a known type.
type literalEval struct {
	consts map[string]*ast.BasicLit
}

func (e *literalEval) eval(x ast.Expr, t reflect.Type) (reflect.Value, error) {
	switch x := x.(type) {
	case *ast.UnaryExpr:
		if x.Op == token.AND && t.Kind() == reflect.Pointer {
			v, err := e.eval(x.X, t.Elem())
			if err != nil {
				return v, err
			}
			p := reflect.New(t.Elem())
			p.Elem().Set(v)
			return p, nil
		}
	case *ast.CompositeLit:
		return e.composite(x, t)
	case *ast.BasicLit:
		return e.basic(x, t)
	case *ast.ParenExpr:
		return e.eval(x.X, t)
	case *ast.CallExpr: // a conversion: T(v)
		if len(x.Args) == 1 {
			return e.eval(x.Args[0], t)
		}
	case *ast.SelectorExpr:
		if lit, ok := e.consts[x.Sel.Name]; ok {
			return e.basic(lit, t)
		}
	case *ast.Ident:
		switch {
		case x.Name == "true" || x.Name == "false":
			if t.Kind() == reflect.Bool {
				return reflect.ValueOf(x.Name == "true").Convert(t), nil
			}
		case x.Name == "nil":
			return reflect.Zero(t), nil
		case e.consts[x.Name] != nil:
			return e.basic(e.consts[x.Name], t)
		case t.Kind() == reflect.String:
			return reflect.ValueOf("example").Convert(t), nil // a variable
		}
	}
	return reflect.Value{}, fmt.Errorf("cannot evaluate %T as %s", x, t)
}

func (e *literalEval) composite(x *ast.CompositeLit, t reflect.Type) (reflect.Value, error) {
	if t.Kind() == reflect.Pointer { // &T elided in a list of pointers
		v, err := e.composite(x, t.Elem())
		if err != nil {
			return v, err
		}
		p := reflect.New(t.Elem())
		p.Elem().Set(v)
		return p, nil
	}
	switch t.Kind() {
	case reflect.Struct:
		out := reflect.New(t).Elem()
		for _, elt := range x.Elts {
			kv, ok := elt.(*ast.KeyValueExpr)
			if !ok {
				return out, fmt.Errorf("%s literal without field names", t)
			}
			f := out.FieldByName(kv.Key.(*ast.Ident).Name)
			if !f.IsValid() {
				return out, fmt.Errorf("%s has no field %s", t, kv.Key.(*ast.Ident).Name)
			}
			v, err := e.eval(kv.Value, f.Type())
			if err != nil {
				return out, err
			}
			f.Set(v)
		}
		return out, nil
	case reflect.Slice:
		out := reflect.MakeSlice(t, 0, len(x.Elts))
		for _, elt := range x.Elts {
			v, err := e.eval(elt, t.Elem())
			if err != nil {
				return out, err
			}
			out = reflect.Append(out, v)
		}
		return out, nil
	}
	return reflect.Value{}, fmt.Errorf("cannot build a %s literal", t)
}

func (e *literalEval) basic(x *ast.BasicLit, t reflect.Type) (reflect.Value, error) {
	switch x.Kind {
	case token.STRING:
		s, err := strconv.Unquote(x.Value)
		if err == nil && t.Kind() == reflect.String {
			return reflect.ValueOf(s).Convert(t), nil
		}
	case token.INT:
		n, err := strconv.ParseInt(x.Value, 0, 64)
		if err == nil && t.Kind() >= reflect.Int && t.Kind() <= reflect.Int64 {
			return reflect.ValueOf(n).Convert(t), nil
		}
		if err == nil && t.Kind() == reflect.Float64 {
			return reflect.ValueOf(float64(n)).Convert(t), nil
		}
	case token.FLOAT:
		f, err := strconv.ParseFloat(x.Value, 64)
		if err == nil && (t.Kind() == reflect.Float64 || t.Kind() == reflect.Float32) {
			return reflect.ValueOf(f).Convert(t), nil
		}
	}
	return reflect.Value{}, fmt.Errorf("cannot use %s as %s", x.Value, t)
}
