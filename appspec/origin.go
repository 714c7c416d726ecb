package appspec

import (
	"reflect"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"weak"

	do "github.com/oceankit/digitalocean"
	"github.com/oceankit/digitalocean/internal/specfile"
	"github.com/oceankit/digitalocean/internal/specmodel"
)

// A spec read by Load, Parse or the deploy template functions remembers
// where each of its values is written, so that Validate places its
// problems in the file as loading places its own. The memory is kept
// beside the spec, not in it (AppSpec is the API's type, and two specs
// that hold the same values stay equal however they were made), keyed by
// a weak pointer and dropped when the spec is collected.

// origin is where a spec's values are written.
type origin struct {
	file      string
	positions map[string]specfile.Pos // by path in the spec ("" for the spec)
	// loaded is the spec as it was read, as Validate sees it: a position
	// is used only while the value at its path is still the one read.
	loaded map[string]any
}

var origins sync.Map // weak.Pointer[do.AppSpec] -> *origin

// remember records where the values of spec, just read from file ("" for
// bytes), are written; prefix is the path of the spec in the document
// ("spec" for a wrapped one), which the positions drop.
func remember(spec *do.AppSpec, file, prefix string, positions map[string]specfile.Pos) {
	loaded, err := specmodel.TreeOf(spec)
	if err != nil {
		return // Validate cannot encode it either, and says so
	}
	o := &origin{file: file, positions: make(map[string]specfile.Pos, len(positions)), loaded: loaded}
	for path, pos := range positions {
		switch {
		case prefix == "":
			o.positions[path] = pos
		case path == prefix:
			o.positions[""] = pos
		case strings.HasPrefix(path, prefix+"."):
			o.positions[path[len(prefix)+1:]] = pos
		}
	}
	key := weak.Make(spec)
	origins.Store(key, o)
	runtime.AddCleanup(spec, func(key weak.Pointer[do.AppSpec]) { origins.Delete(key) }, key)
}

// originOf returns where spec was read from, nil for a spec that was not
// read from a document.
func originOf(spec *do.AppSpec) *origin {
	o, found := origins.Load(weak.Make(spec))
	if !found {
		return nil
	}
	return o.(*origin)
}

// place sets File, Line and Column of a problem of the spec, whose values
// are now current: at the problem's path, or, for a value the document
// does not write (a missing required key), at the nearest object that
// holds it. A position whose value has changed since the spec was read is
// not used, so that a spec edited after loading is never placed wrongly.
func (o *origin) place(e *Error, current map[string]any) {
	if e.Path == "" {
		return // about the spec as a whole, or the count of dropped problems
	}
	for path := e.Path; ; path = parentPath(path) {
		if pos, found := o.positions[path]; found {
			if !reflect.DeepEqual(valueAt(o.loaded, path), valueAt(current, path)) {
				return // changed since it was read
			}
			e.File, e.Line, e.Column = o.file, pos.Line, pos.Column
			return
		}
		if path == "" {
			return
		}
	}
}

// parentPath is the path of the object or list holding path's value:
// "services[0]" for "services[0].name", "services" for "services[0]", ""
// for "name".
func parentPath(path string) string {
	if strings.HasSuffix(path, "]") {
		if i := strings.LastIndexByte(path, '['); i >= 0 {
			return path[:i]
		}
	}
	if i := strings.LastIndexByte(path, '.'); i >= 0 {
		return path[:i]
	}
	return ""
}

// missingValue marks a path that leads nowhere in a tree.
type missingValue struct{}

// valueAt returns the value at path in tree, missingValue{} when there is
// none.
func valueAt(tree map[string]any, path string) any {
	var v any = tree
	for path != "" {
		var step string
		if strings.HasPrefix(path, "[") {
			end := strings.IndexByte(path, ']')
			if end < 0 {
				return missingValue{}
			}
			step, path = path[:end+1], path[end+1:]
		} else {
			end := strings.IndexAny(path, ".[")
			if end < 0 {
				end = len(path)
			}
			step, path = path[:end], path[end:]
		}
		path = strings.TrimPrefix(path, ".")
		switch x := v.(type) {
		case map[string]any:
			next, found := x[step]
			if !found {
				return missingValue{}
			}
			v = next
		case []any:
			i, err := strconv.Atoi(strings.Trim(step, "[]"))
			if err != nil || !strings.HasPrefix(step, "[") || i < 0 || i >= len(x) {
				return missingValue{}
			}
			v = x[i]
		default:
			return missingValue{}
		}
	}
	return v
}
