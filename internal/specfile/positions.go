package specfile

import (
	"encoding/json"
	"reflect"

	"go.yaml.in/yaml/v3"
)

// Pos is where a value is written in a document: 1-based line and column.
type Pos struct{ Line, Column int }

// Document is what DecodeDocument learned from a document.
type Document struct {
	// Positions maps the path of every value the walk reached ("" or the
	// path DecodeDocument was given for the root, "services[0].name") to
	// where the value is written: a scalar at its value, a mapping or list
	// under a key at its key, a list item at the item.
	Positions map[string]Pos
	// Problems is every problem of the document, as an Errors; nil when
	// it has none.
	Problems error
	// Decoded reports whether out holds the document: always when there
	// are no problems, and, with problems, when every one is a key or a
	// value left out (each bad value read as null) rather than a walk cut
	// short by the node budget or the nesting bound.
	Decoded bool
}

// DecodeDocument is Decode that also reports where each value is written,
// and decodes what it can of a document with problems.
func DecodeDocument(node *yaml.Node, path string, budget int, out any) Document {
	root := reflect.TypeOf(out).Elem()
	w := &specWalker{budget: budget, root: root, positions: map[string]Pos{}}
	w.walk(node, root, path, 0)
	d := Document{Positions: w.positions, Problems: w.problems.Err()}
	if w.stopped {
		return d
	}
	if err := json.Unmarshal(w.out, out); err != nil {
		// The walk checked every key and type, so this is not expected.
		if d.Problems == nil {
			d.Problems = One(&Error{Line: node.Line, Column: node.Column, Path: path, Msg: err.Error()})
		}
		return d
	}
	d.Decoded = true
	return d
}

// place records where the value at path is written, unless its key
// already placed it.
func (w *specWalker) place(path string, n *yaml.Node) {
	if w.positions == nil {
		return // a walker that does not record positions
	}
	if _, placed := w.positions[path]; !placed {
		w.positions[path] = Pos{n.Line, n.Column}
	}
}

// placeAtKey places a mapping or list value at its key: the line that
// names it, where its own first line may be the next one.
func (w *specWalker) placeAtKey(path string, p yamlPair) {
	if w.positions == nil {
		return
	}
	v := p.value
	for v.Kind == yaml.AliasNode && v.Alias != nil {
		v = v.Alias
	}
	if v.Kind == yaml.MappingNode || v.Kind == yaml.SequenceNode {
		w.positions[path] = Pos{p.key.Line, p.key.Column}
	}
}
