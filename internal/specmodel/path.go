package specmodel

import (
	"strconv"
	"strings"
)

// Path locates a value in an app spec by meaning rather than by
// position: list elements the API matches by a key are named by that key,
// so a path stays the same when the list is reordered. Its String form is
//
//	services[name=api].envs[key=DB_URL].value
//	ingress.rules[0].match.path.prefix
//
// and JSONPath gives the same location as an RFC 9535 JSONPath query.
type Path []PathElement

// PathElement is one step of an Path: a JSON member and, for
// a list, the element selected in it.
type PathElement struct {
	// Field is the JSON member name ("services", "envs", "value").
	Field string
	// Key is, for a list matched by key, the member that identifies an
	// element ("name", "key", "domain", "rule"), and Value that member's
	// value; Key is empty otherwise.
	Key, Value string
	// Nth counts the earlier elements with the same Value (0 for the
	// first), for a spec that repeats a key.
	Nth int
	// Index is, for an ordered list, the element's position; -1 for a
	// member that is not an element of an ordered list.
	Index int
}

// String renders the path as dotted members with [key=value] and [index]
// selectors. A value with characters that would make it ambiguous is
// quoted; a repeated key carries its occurrence, 1-based: [key=A#2].
func (p Path) String() string {
	var b strings.Builder
	for i, e := range p {
		switch {
		case simpleMember(e.Field):
			if i > 0 {
				b.WriteByte('.')
			}
			b.WriteString(e.Field)
		default:
			b.WriteString("[" + strconv.Quote(e.Field) + "]")
		}
		switch {
		case e.Key != "":
			b.WriteString("[" + e.Key + "=" + pathValue(e.Value))
			if e.Nth > 0 {
				b.WriteString("#" + strconv.Itoa(e.Nth+1))
			}
			b.WriteByte(']')
		case e.Index >= 0:
			b.WriteString("[" + strconv.Itoa(e.Index) + "]")
		}
	}
	return b.String()
}

// JSONPath renders the path as an RFC 9535 JSONPath query, keyed elements
// as filter selectors: $.services[?@.name=='api'].envs[?@.key=='DB_URL'].value.
// JSONPath cannot pick the second of two elements with the same key, so
// for a repeated key (Nth > 0) the query selects all of them.
func (p Path) JSONPath() string {
	var b strings.Builder
	b.WriteByte('$')
	for _, e := range p {
		if simpleMember(e.Field) {
			b.WriteString("." + e.Field)
		} else {
			b.WriteString("[" + jsonPathString(e.Field) + "]")
		}
		switch {
		case e.Key != "":
			b.WriteString("[?@." + e.Key + "==" + jsonPathString(e.Value) + "]")
		case e.Index >= 0:
			b.WriteString("[" + strconv.Itoa(e.Index) + "]")
		}
	}
	return b.String()
}

// comparePaths orders paths element by element, a prefix first, so
// that a list of changes reads top-down and does not depend on the order
// of lists in the specs.
func comparePaths(a, b Path) int {
	for i := range min(len(a), len(b)) {
		x, y := a[i], b[i]
		if c := strings.Compare(x.Field, y.Field); c != 0 {
			return c
		}
		if c := strings.Compare(x.Key, y.Key); c != 0 {
			return c
		}
		if c := strings.Compare(x.Value, y.Value); c != 0 {
			return c
		}
		if x.Nth != y.Nth {
			return x.Nth - y.Nth
		}
		if x.Index != y.Index {
			return x.Index - y.Index
		}
	}
	return len(a) - len(b)
}

// with returns a copy of p extended by e; copies keep changes from
// sharing a backing array.
func (p Path) with(e PathElement) Path {
	out := make(Path, len(p), len(p)+1)
	copy(out, p)
	return append(out, e)
}

func (p Path) member(name string) Path {
	return p.with(PathElement{Field: name, Index: -1})
}

// simpleMember reports whether a member name can be written after a dot.
func simpleMember(s string) bool {
	if s == "" || '0' <= s[0] && s[0] <= '9' {
		return false
	}
	for _, r := range s {
		if !('a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9' || r == '_') {
			return false
		}
	}
	return true
}

// pathValue quotes a key value that is empty or holds a character that
// would end the selector early ("]", "#"), a quote, a backslash, space or
// a character that does not print. Dots are fine: "[...]" delimits.
func pathValue(s string) string {
	if s == "" || strings.ContainsAny(s, "]#\"\\ ") || !isPrintable(s) {
		return strconv.Quote(s)
	}
	return s
}

func isPrintable(s string) bool {
	for _, r := range s {
		if !strconv.IsPrint(r) {
			return false
		}
	}
	return true
}

// jsonPathString writes s as an RFC 9535 single-quoted string literal.
func jsonPathString(s string) string {
	var b strings.Builder
	b.WriteByte('\'')
	for _, r := range s {
		switch {
		case r == '\'' || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r < 0x20:
			b.WriteString(`\u00`)
			b.WriteByte("0123456789abcdef"[r>>4])
			b.WriteByte("0123456789abcdef"[r&0xf])
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('\'')
	return b.String()
}
