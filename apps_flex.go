package digitalocean

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"
)

// Ptr returns a pointer to v, for the few optional fields whose zero value
// is a setting of its own (for example AppStringMatch.Exact, where "" is a
// valid match).
func Ptr[T any](v T) *T { return &v }

// FlexBool is a boolean that the API sends either as a JSON boolean or as a
// string. It decodes true, false, "true", "false", "" (false) and null, and
// encodes as a JSON boolean.
type FlexBool bool

// UnmarshalJSON accepts a boolean or a string holding one.
func (b *FlexBool) UnmarshalJSON(data []byte) error {
	s := string(bytes.TrimSpace(data))
	switch s {
	case "null":
		return nil
	case "true":
		*b = true
		return nil
	case "false":
		*b = false
		return nil
	}
	var str string
	if err := json.Unmarshal(data, &str); err != nil {
		return fmt.Errorf("digitalocean: want a boolean, got %s", truncate(s, 40))
	}
	switch strings.ToLower(strings.TrimSpace(str)) {
	case "", "false":
		*b = false
	case "true":
		*b = true
	default:
		return fmt.Errorf("digitalocean: want a boolean, got %q", truncate(str, 40))
	}
	return nil
}

// MarshalJSON writes a JSON boolean.
func (b FlexBool) MarshalJSON() ([]byte, error) {
	if b {
		return []byte("true"), nil
	}
	return []byte("false"), nil
}

// Unknown keys in app specs. An app spec read from the API and sent back
// must lose nothing, even keys this package does not know yet, so every type
// of the AppSpec tree keeps them (unknownFields) and writes them back
// (MarshalJSON). Only AppSpec itself has an UnmarshalJSON: encoding/json
// re-validates the bytes of every value with its own UnmarshalJSON, so one
// per nested type would make decoding cost grow with size × depth. Instead
// the tree is decoded in one standard pass and a generated scanner
// (collectUnknown) then walks the same bytes in parallel with the decoded
// values, allocating only for the unknown keys it keeps. The client goes one
// step further for responses: it decodes the types that hold specs (App,
// Deployment, …) through twins whose specs have no UnmarshalJSON at all,
// then runs the scanner once over the whole body (see wireDecoded).

// UnmarshalJSON decodes an app spec and keeps, in it and in its nested
// values, the JSON keys their types do not know. A nested type decoded on
// its own (for example an AppServiceSpec outside any AppSpec) does not keep
// them.
func (a *AppSpec) UnmarshalJSON(data []byte) error {
	if bytes.Equal(bytes.TrimSpace(data), []byte("null")) {
		return nil // encoding/json's convention: null changes nothing
	}
	type alias AppSpec
	if err := decodeNested(data, (*alias)(a)); err != nil {
		return err
	}
	a.collectUnknown(&jsonCursor{data: data})
	return nil
}

// nestedDecoder is a json.Decoder kept for reuse: unlike json.Unmarshal it
// keeps its decoding state, so a decode from inside UnmarshalJSON costs
// (almost) no allocations.
type nestedDecoder struct {
	src bytes.Reader
	dec *json.Decoder
}

var nestedDecoders = sync.Pool{New: func() any {
	d := new(nestedDecoder)
	d.dec = json.NewDecoder(&d.src)
	return d
}}

// decodeNested is json.Unmarshal for one JSON value (as UnmarshalJSON gets
// it) through a pooled decoder.
func decodeNested(data []byte, v any) error {
	if len(data) > 1<<16 {
		return json.Unmarshal(data, v) // keep big buffers out of the pool
	}
	d := nestedDecoders.Get().(*nestedDecoder)
	d.src.Reset(data)
	start := d.dec.InputOffset()
	if err := d.dec.Decode(v); err != nil {
		return err // a decoder that failed stays failed: drop it
	}
	if d.dec.InputOffset()-start != int64(len(data)) {
		// Bytes after the value: the decoder holds them, so it is dropped;
		// anything but white space is an error, as in json.Unmarshal.
		var whole json.RawMessage
		return json.Unmarshal(data, &whole)
	}
	nestedDecoders.Put(d)
	return nil
}

// UnknownFields returns the JSON paths, such as "services[0].future_flag",
// of the keys that the spec kept when it was decoded because their types do
// not know them, sorted; nil when there are none.
func (a *AppSpec) UnknownFields() []string {
	paths := a.appendUnknownFields(nil, "")
	slices.Sort(paths)
	return paths
}

// memberPath and indexPath build the paths of UnknownFields.
func memberPath(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

func indexPath(path, key string, i int) string {
	return memberPath(path, key) + "[" + strconv.Itoa(i) + "]"
}

func appendUnknownKeys(paths []string, path string, unknown map[string]json.RawMessage) []string {
	for k := range unknown {
		paths = append(paths, memberPath(path, k))
	}
	return paths
}

// elementAt returns s[i], or nil past the end of s.
func elementAt[T any](s []*T, i int) *T {
	if i < len(s) {
		return s[i]
	}
	return nil
}

// jsonCursor walks JSON text that encoding/json has already accepted, so it
// checks nothing; on malformed text it stops early rather than fail.
type jsonCursor struct {
	data []byte
	pos  int
	key  []byte // the last key nextMember read, with its quotes
	// plainKey says key is lower-case ASCII without escapes (see fieldKey).
	plainKey bool
}

func (c *jsonCursor) peek() byte {
	for c.pos < len(c.data) {
		switch b := c.data[c.pos]; b {
		case ' ', '\t', '\n', '\r':
			c.pos++
		default:
			return b
		}
	}
	return 0
}

// nextMember reads the key of the next member of the object at the cursor
// (which starts at the object or after a member's value) and stops at its
// value. It reports false after the object's end, and after skipping a value
// that is not an object (null).
func (c *jsonCursor) nextMember() bool {
	switch c.peek() {
	case '{', ',':
		c.pos++
		if b := c.peek(); b != '"' {
			if b == '}' { // an empty object
				c.pos++
			}
			return false
		}
		start, d := c.pos, c.data
		c.plainKey = true
		i := start + 1
		for ; i < len(d) && d[i] != '"'; i++ {
			if b := d[i]; b == '\\' || b >= utf8.RuneSelf || 'A' <= b && b <= 'Z' {
				c.plainKey = false
				if b == '\\' {
					i++
				}
			}
		}
		c.pos = min(i+1, len(d))
		c.key = d[start:c.pos]
		if c.peek() == ':' {
			c.pos++
		}
		return true
	case '}':
		c.pos++
		return false
	}
	c.skip()
	return false
}

// nextElement moves to the next element of the array at the cursor (which
// starts at the array or after an element). It reports false after the
// array's end, and after skipping a value that is not an array (null).
func (c *jsonCursor) nextElement() bool {
	switch c.peek() {
	case '[':
		c.pos++
		if c.peek() == ']' {
			c.pos++
			return false
		}
		return true
	case ',':
		c.pos++
		return true
	case ']':
		c.pos++
		return false
	}
	c.skip()
	return false
}

// skip moves past the value at the cursor.
func (c *jsonCursor) skip() {
	d := c.data
	var i int
	switch c.peek() {
	case 0:
		return
	case '"':
		c.pos = skipString(d, c.pos)
		return
	case '{', '[':
		depth := 0
		for i = c.pos; i < len(d); i++ {
			switch d[i] {
			case '"':
				i = skipString(d, i) - 1
			case '{', '[':
				depth++
			case '}', ']':
				if depth--; depth == 0 {
					c.pos = i + 1
					return
				}
			}
		}
		c.pos = i
		return
	}
	for i = c.pos; i < len(d); i++ {
		switch d[i] {
		case ',', '}', ']', ' ', '\t', '\n', '\r':
			c.pos = i
			return
		}
	}
	c.pos = i
}

// skipString returns the index after the string that starts at d[i]. It
// jumps from quote to quote (bytes.IndexByte is vectorised): a quote ends
// the string unless an odd number of backslashes precedes it.
func skipString(d []byte, i int) int {
	for from := i + 1; from < len(d); {
		k := bytes.IndexByte(d[from:], '"')
		if k < 0 {
			break
		}
		q := from + k
		escapes := 0
		for b := q - 1; b > i && d[b] == '\\'; b-- {
			escapes++
		}
		if escapes%2 == 0 {
			return q + 1
		}
		from = q + 1
	}
	return len(d)
}

// keepValue stores the value at the cursor under the current key in
// *unknown, copied: the decoded bytes may be a reused buffer.
func (c *jsonCursor) keepValue(unknown *map[string]json.RawMessage) {
	key := c.keyString()
	c.peek()
	start := c.pos
	c.skip()
	if *unknown == nil {
		*unknown = make(map[string]json.RawMessage)
	}
	(*unknown)[key] = bytes.Clone(c.data[start:c.pos])
}

// keyString unquotes the current key.
func (c *jsonCursor) keyString() string {
	raw := c.key
	if len(raw) >= 2 && bytes.IndexByte(raw, '\\') < 0 && utf8.Valid(raw) {
		return string(raw[1 : len(raw)-1])
	}
	var s string
	if json.Unmarshal(raw, &s) != nil {
		return string(raw)
	}
	return s
}

// fieldKey returns the current key unquoted, or, when encoding/json would
// match it case-insensitively to one of keys (the type's JSON keys, sorted),
// that key. Keys that are lower-case ASCII without escapes, the usual case,
// are returned as they are without allocating: the generator checks that
// every known key is lower-case ASCII, so only an exact match could select
// one.
func (c *jsonCursor) fieldKey(keys []string) []byte {
	if len(c.key) < 2 {
		return nil
	}
	if c.plainKey {
		return c.key[1 : len(c.key)-1]
	}
	unquoted := []byte(c.keyString())
	if k := matchKey(keys, unquoted); k != "" {
		return []byte(k)
	}
	return unquoted
}

// matchKey finds key in keys (sorted) as encoding/json matches object keys
// to struct fields: exactly, else case-insensitively (see foldKey).
func matchKey(keys []string, key []byte) string {
	lo, hi := 0, len(keys)
	for lo < hi {
		mid := int(uint(lo+hi) >> 1)
		if keys[mid] < string(key) {
			lo = mid + 1
		} else {
			hi = mid
		}
	}
	if lo < len(keys) && keys[lo] == string(key) {
		return keys[lo]
	}
	// The generated keys are lower-case ASCII: a key without upper-case
	// or non-ASCII letters can only match exactly.
	if !slices.ContainsFunc(key, func(b byte) bool { return b >= utf8.RuneSelf || 'A' <= b && b <= 'Z' }) {
		return ""
	}
	folded := foldKey(string(key))
	for _, k := range keys {
		if foldKey(k) == folded {
			return k
		}
	}
	return ""
}

// foldKey folds s as encoding/json does for case-insensitive key matching:
// ASCII letters to upper case, other runes to the smallest rune of their
// Unicode fold set (so "ſ" matches "s" and "K", the Kelvin sign, "k").
func foldKey(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r < utf8.RuneSelf {
			if 'a' <= r && r <= 'z' {
				r -= 'a' - 'A'
			}
			b.WriteByte(byte(r))
			continue
		}
		for {
			next := unicode.SimpleFold(r)
			if next <= r {
				r = next
				break
			}
			r = next
		}
		b.WriteRune(r)
	}
	return b.String()
}

// marshalWithUnknownFields encodes v (the alias of a generated type) and
// appends the unknown members, sorted by key; a member whose key one of keys
// (the type's JSON keys) would select is dropped, so known fields win.
func marshalWithUnknownFields(v any, unknown map[string]json.RawMessage, keys []string) ([]byte, error) {
	b, err := json.Marshal(v)
	if err != nil || len(unknown) == 0 {
		return b, err
	}
	names := make([]string, 0, len(unknown))
	for k := range unknown {
		if matchKey(keys, []byte(k)) == "" {
			names = append(names, k)
		}
	}
	if len(names) == 0 {
		return b, nil
	}
	slices.Sort(names)
	out := make([]byte, 0, len(b)+64*len(names))
	out = append(out, b[:len(b)-1]...) // without the closing brace
	empty := len(bytes.TrimSpace(b[1:len(b)-1])) == 0
	for _, k := range names {
		val := unknown[k]
		if len(val) == 0 {
			val = json.RawMessage("null")
		}
		if !empty {
			out = append(out, ',')
		}
		empty = false
		qk, err := json.Marshal(k)
		if err != nil {
			return nil, err
		}
		out = append(out, qk...)
		out = append(out, ':')
		out = append(out, val...) // encoding/json compacts and validates MarshalJSON output
	}
	return append(out, '}'), nil
}
