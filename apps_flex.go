package digitalocean

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"sync/atomic"
	"unicode/utf8"
)

// Ptr returns a pointer to v, for optional request fields whose zero value
// means something (for example DeploymentCreateRequest.ForceBuild).
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

// strictDecoding is a test hook: while it is set, the generated UnmarshalJSON
// methods reject JSON keys their type does not know (the nested decodes of
// custom unmarshalers do not inherit json.Decoder.DisallowUnknownFields).
var strictDecoding atomic.Bool

// decodeJSON decodes data into v, the alias of a generated type.
func decodeJSON(data []byte, v any) error {
	if !strictDecoding.Load() {
		return json.Unmarshal(data, v)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	return dec.Decode(v)
}

// collectUnknownFields stores in *dst the members of the JSON object data
// whose keys known does not accept (keys are lower-cased first, matching
// encoding/json's case-insensitive field matching). *dst stays nil when
// there are none. data has already been decoded successfully, so it is
// valid JSON.
func collectUnknownFields(data []byte, dst *map[string]json.RawMessage, known func(string) bool) error {
	*dst = nil
	i := skipSpace(data, 0)
	if i >= len(data) || data[i] != '{' {
		return nil // null: nothing to keep
	}
	i++
	for {
		i = skipSpace(data, i)
		if i >= len(data) || data[i] == '}' {
			return nil
		}
		if data[i] == ',' {
			i++
			continue
		}
		kStart := i
		i = skipString(data, i)
		rawKey := data[kStart:i]
		i = skipSpace(data, i)
		if i < len(data) && data[i] == ':' {
			i++
		}
		i = skipSpace(data, i)
		vStart := i
		i = skipValue(data, i)
		key, err := jsonKey(rawKey)
		if err != nil {
			return err
		}
		if known(strings.ToLower(key)) {
			continue
		}
		if strictDecoding.Load() {
			return fmt.Errorf("json: unknown field %q", key)
		}
		if *dst == nil {
			*dst = make(map[string]json.RawMessage)
		}
		(*dst)[key] = bytes.Clone(data[vStart:i])
	}
}

// jsonKey unquotes an object key, quickly when it has no escapes.
func jsonKey(raw []byte) (string, error) {
	if len(raw) >= 2 && bytes.IndexByte(raw, '\\') < 0 && utf8.Valid(raw) {
		return string(raw[1 : len(raw)-1]), nil
	}
	var s string
	err := json.Unmarshal(raw, &s)
	return s, err
}

func skipSpace(data []byte, i int) int {
	for i < len(data) {
		switch data[i] {
		case ' ', '\t', '\n', '\r':
			i++
		default:
			return i
		}
	}
	return i
}

// skipString returns the index after the string starting at data[i] ('"').
func skipString(data []byte, i int) int {
	i++
	for i < len(data) {
		switch data[i] {
		case '\\':
			i += 2
		case '"':
			return i + 1
		default:
			i++
		}
	}
	return i
}

// skipValue returns the index after the JSON value starting at data[i].
func skipValue(data []byte, i int) int {
	if i >= len(data) {
		return i
	}
	switch data[i] {
	case '"':
		return skipString(data, i)
	case '{', '[':
		depth := 0
		for i < len(data) {
			switch data[i] {
			case '"':
				i = skipString(data, i)
				continue
			case '{', '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					return i + 1
				}
			}
			i++
		}
		return i
	default: // number, true, false, null
		for i < len(data) {
			switch data[i] {
			case ',', '}', ']', ' ', '\t', '\n', '\r':
				return i
			}
			i++
		}
		return i
	}
}

// marshalWithUnknownFields encodes v (the alias of a generated type) and
// appends the unknown members, sorted by key; a key that known accepts is
// dropped, so known fields win.
func marshalWithUnknownFields(v any, unknown map[string]json.RawMessage, known func(string) bool) ([]byte, error) {
	b, err := json.Marshal(v)
	if err != nil || len(unknown) == 0 {
		return b, err
	}
	keys := make([]string, 0, len(unknown))
	for k := range unknown {
		if !known(strings.ToLower(k)) {
			keys = append(keys, k)
		}
	}
	if len(keys) == 0 {
		return b, nil
	}
	slices.Sort(keys)
	out := make([]byte, 0, len(b)+64*len(keys))
	out = append(out, b[:len(b)-1]...) // without the closing brace
	empty := len(bytes.TrimSpace(b[1:len(b)-1])) == 0
	for _, k := range keys {
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
