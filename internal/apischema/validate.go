package apischema

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"
)

// Kind classifies a problem; the fake server maps kinds to statuses.
type Kind uint8

// The kinds of problems.
const (
	Unknown  Kind = iota + 1 // a key the schema does not define
	Required                 // a required property is missing
	WrongType
	NotInEnum
	NoMatch // pattern
	Length  // minLength / maxLength
	Range   // minimum / maximum
	Count   // minItems / maxItems
)

// Problem is one way a value breaks its schema.
type Problem struct {
	// Path locates the value, as in "spec.services[0].instance_count";
	// empty for the whole value.
	Path string
	Kind Kind
	// Message says what is wrong, without the path.
	Message string
}

// String returns "path: message".
func (p Problem) String() string {
	if p.Path == "" {
		return "the body: " + p.Message
	}
	return p.Path + ": " + p.Message
}

// Options tune a validation.
type Options struct {
	// RefuseUnknown reports keys an object schema does not define.
	RefuseUnknown bool
	// SkipReadOnly leaves readOnly properties unchecked (values the server
	// fills in, which a client may echo back).
	SkipReadOnly bool
}

// Validate checks v, a value decoded from JSON with numbers as json.Number
// (see Decode), against s and returns every problem, in a stable order.
// null is treated as an absent value.
func Validate(v any, s *Schema, opts Options) []Problem {
	table()
	w := walker{opts: opts}
	w.walk(v, s, "")
	return w.problems
}

// ValidateNamed is Validate against a named schema of the table.
func ValidateNamed(v any, name string, opts Options) []Problem {
	table()
	s := schemas[name]
	if s == nil {
		return []Problem{{Kind: WrongType, Message: "no schema " + name}}
	}
	return Validate(v, s, opts)
}

// ErrTrailingData is returned by Decode for a body with more than one value.
var ErrTrailingData = errors.New("more than one JSON value")

// Decode decodes one JSON value with numbers kept as json.Number.
func Decode(data []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, ErrTrailingData
	}
	return v, nil
}

type walker struct {
	opts     Options
	problems []Problem
}

func (w *walker) add(path string, kind Kind, format string, args ...any) {
	w.problems = append(w.problems, Problem{Path: path, Kind: kind, Message: fmt.Sprintf(format, args...)})
}

func (w *walker) walk(v any, s *Schema, path string) {
	s, _, _ = resolve(s)
	if v == nil { // null is "absent" on the API's proto3 backend, nullable or not
		return
	}
	if len(s.AnyOf) > 0 && !w.anyOf(v, s.AnyOf, path) {
		return
	}
	if !typeOK(v, s.Types) {
		w.add(path, WrongType, "must be %s, not %s", typeNames(s.Types), jsonKind(v))
		return
	}
	switch x := v.(type) {
	case map[string]any:
		w.object(x, s, path)
	case []any:
		w.array(x, s, path)
	case string:
		w.str(x, s, path)
	case json.Number:
		w.number(x, s, path)
	}
	if len(s.Enum) > 0 {
		if lit, scalar := scalarText(v); scalar && !slices.Contains(s.Enum, lit) {
			w.add(path, NotInEnum, "%s is not one of %s", quoteIfString(v, lit), strings.Join(s.Enum, ", "))
		}
	}
}

// anyOf reports whether the caller should go on checking v against the
// rest of the schema: true when an alternative accepts v.
func (w *walker) anyOf(v any, alts []*Schema, path string) bool {
	var first []Problem
	for i, a := range alts {
		sub := walker{opts: w.opts}
		sub.walk(v, a, path)
		if len(sub.problems) == 0 {
			return true
		}
		if i == 0 {
			first = sub.problems
		}
	}
	w.problems = append(w.problems, first...)
	return false
}

func (w *walker) object(obj map[string]any, s *Schema, path string) {
	keys := make([]string, 0, len(obj))
	for k := range obj {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		at := join(path, k)
		ps, known := s.Properties[k]
		if !known {
			switch {
			case s.AdditionalProperties != nil:
				w.walk(obj[k], s.AdditionalProperties, at)
			case w.opts.RefuseUnknown && len(s.Properties) > 0:
				w.add(at, Unknown, "unknown field")
			}
			continue
		}
		if _, readOnly, _ := resolve(ps); readOnly && w.opts.SkipReadOnly {
			continue
		}
		w.walk(obj[k], ps, at)
	}
	for _, r := range s.Required {
		if missing(obj, r, s.Properties[r]) {
			w.add(join(path, r), Required, "is required")
		}
	}
}

// missing reports whether a required key is missing: absent, or null or ""
// (the API's proto3 backend cannot tell those from absent) unless the
// property is nullable, where null and "" are values of their own (the
// ingress match strings).
func missing(obj map[string]any, key string, prop *Schema) bool {
	v, present := obj[key]
	if !present {
		return true
	}
	if prop != nil {
		if _, _, nullable := resolve(prop); nullable {
			return false
		}
	}
	return v == nil || v == ""
}

func (w *walker) array(arr []any, s *Schema, path string) {
	if s.MinItems > 0 && len(arr) < s.MinItems {
		w.add(path, Count, "must have at least %d items", s.MinItems)
	}
	if s.MaxItems > 0 && len(arr) > s.MaxItems {
		w.add(path, Count, "must have at most %d items, has %d", s.MaxItems, len(arr))
	}
	if s.Items == nil {
		return
	}
	for i, e := range arr {
		w.walk(e, s.Items, path+"["+strconv.Itoa(i)+"]")
	}
}

func (w *walker) str(x string, s *Schema, path string) {
	n := utf8.RuneCountInString(x)
	if s.MinLength > 0 && n < s.MinLength {
		w.add(path, Length, "must be at least %d characters long, is %d", s.MinLength, n)
	}
	if s.MaxLength > 0 && n > s.MaxLength {
		w.add(path, Length, "must be at most %d characters long, is %d", s.MaxLength, n)
	}
	if s.Pattern != "" && !compiled(s.Pattern).MatchString(x) {
		w.add(path, NoMatch, "%q does not match the pattern %s", x, s.Pattern)
	}
}

func (w *walker) number(x json.Number, s *Schema, path string) {
	f, err := strconv.ParseFloat(string(x), 64)
	if err != nil {
		w.add(path, WrongType, "%s is not a number", x)
		return
	}
	if s.HasMinimum && (f < s.Minimum || (s.ExclusiveMinimum && f == s.Minimum)) {
		w.add(path, Range, "must be at least %s, is %s", bound(s.Minimum, s.ExclusiveMinimum, "more than "), x)
	}
	if s.HasMaximum && (f > s.Maximum || (s.ExclusiveMaximum && f == s.Maximum)) {
		w.add(path, Range, "must be at most %s, is %s", bound(s.Maximum, s.ExclusiveMaximum, "less than "), x)
	}
}

func bound(f float64, exclusive bool, word string) string {
	s := strconv.FormatFloat(f, 'g', -1, 64)
	if exclusive {
		return word + s
	}
	return s
}

func typeOK(v any, t Type) bool {
	if t == 0 {
		return true
	}
	switch x := v.(type) {
	case map[string]any:
		return t&TypeObject != 0
	case []any:
		return t&TypeArray != 0
	case string:
		return t&TypeString != 0
	case bool:
		return t&TypeBoolean != 0
	case json.Number:
		if t&TypeNumber != 0 {
			return true
		}
		if t&TypeInteger != 0 {
			f, err := strconv.ParseFloat(string(x), 64)
			return err == nil && f == math.Trunc(f) && !math.IsInf(f, 0)
		}
	case float64: // decoded without UseNumber
		return t&TypeNumber != 0 || (t&TypeInteger != 0 && x == math.Trunc(x))
	}
	return false
}

func typeNames(t Type) string {
	var names []string
	for _, n := range []struct {
		bit  Type
		name string
	}{{TypeObject, "an object"}, {TypeArray, "an array"}, {TypeString, "a string"},
		{TypeInteger, "an integer"}, {TypeNumber, "a number"}, {TypeBoolean, "a boolean"}} {
		if t&n.bit != 0 {
			names = append(names, n.name)
		}
	}
	return strings.Join(names, " or ")
}

func jsonKind(v any) string {
	switch x := v.(type) {
	case map[string]any:
		return "an object"
	case []any:
		return "an array"
	case string:
		return fmt.Sprintf("the string %q", x)
	case bool:
		return fmt.Sprintf("the boolean %t", x)
	case json.Number:
		return "the number " + string(x)
	case float64:
		return "the number " + strconv.FormatFloat(x, 'g', -1, 64)
	}
	return fmt.Sprintf("%T", v)
}

func scalarText(v any) (string, bool) {
	switch x := v.(type) {
	case string:
		return x, true
	case json.Number:
		return string(x), true
	case bool:
		return strconv.FormatBool(x), true
	}
	return "", false
}

func quoteIfString(v any, lit string) string {
	if _, isString := v.(string); isString {
		return strconv.Quote(lit)
	}
	return lit
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

var patterns sync.Map // pattern -> *regexp.Regexp

// compiled compiles a pattern of the table once; the generator has
// checked that each compiles.
func compiled(p string) *regexp.Regexp {
	if re, found := patterns.Load(p); found {
		return re.(*regexp.Regexp)
	}
	re := regexp.MustCompile(p)
	patterns.Store(p, re)
	return re
}
