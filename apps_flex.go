package digitalocean

import (
	stdjson "encoding/json"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strconv"
	"strings"

	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"

	"github.com/oceankit/digitalocean/internal/jsonfields"
)

// Ptr returns a pointer to v, for the few optional fields whose zero value
// is a setting of its own (for example AppStringMatch.Exact, where "" is a
// valid match).
func Ptr[T any](v T) *T { return &v }

// FlexBool is a boolean that the API sends either as a JSON boolean or as a
// string. It decodes true, false, "true", "false", "" (false) and null, and
// encodes as a JSON boolean.
type FlexBool bool

// UnmarshalJSONFrom accepts a boolean or a string holding one.
func (b *FlexBool) UnmarshalJSONFrom(dec *jsontext.Decoder) error {
	tok, err := dec.ReadToken()
	if err != nil {
		return err
	}
	switch tok.Kind() {
	case 'n':
		return nil
	case 't', 'f':
		*b = FlexBool(tok.Bool())
		return nil
	case '"':
		switch str := tok.String(); strings.ToLower(strings.TrimSpace(str)) {
		case "", "false":
			*b = false
		case "true":
			*b = true
		default:
			return fmt.Errorf("digitalocean: want a boolean, got %q", truncate(str, 40))
		}
		return nil
	}
	return fmt.Errorf("digitalocean: want a boolean, got %s", truncate(tok.String(), 40))
}

// UnmarshalJSON is UnmarshalJSONFrom for encoding/json (v1).
func (b *FlexBool) UnmarshalJSON(data []byte) error { return unmarshalV1(data, b) }

// MarshalJSON writes a JSON boolean.
func (b FlexBool) MarshalJSON() ([]byte, error) {
	if b {
		return []byte("true"), nil
	}
	return []byte("false"), nil
}

// Unknown keys in app specs. An app spec read from the API and sent back
// must lose nothing, even keys this package does not know yet, so every type
// of the AppSpec tree keeps them (unknownFields) and writes them back. Its
// generated UnmarshalJSONFrom keeps them in the same pass: with the
// client's options by the generated decoders (decode_fields.go), under any
// other options by decoding the type's own fields through a method-less
// conversion of it, beside an embedded fallback member (unknownFallback)
// that encoding/json/v2 fills with the members no field takes.
// MarshalJSONTo writes them back through the same conversion. The
// generated UnmarshalJSON and MarshalJSON serve encoding/json (v1) callers
// through the same methods.

// unknownMembers holds the JSON members a type does not know.
type unknownMembers = map[string]stdjson.RawMessage

// unknownFallback is embedded beside the fields of a type that keeps
// unknown keys. Unknown is an embedded fallback (the embed option on a map):
// encoding/json/v2 puts in it every member that no field takes, and writes
// its members after the fields.
type unknownFallback struct {
	//lint:ignore SA5008 embed is an encoding/json/v2 option, which staticcheck v0.7.0 does not know
	Unknown unknownMembers `json:",embed"`
}

// unmarshalKeepingUnknown decodes the object at dec into v, a struct of a
// type's fields and fallback, then moves the unknown members to *unknown.
// null changes nothing, as in encoding/json (v1).
func unmarshalKeepingUnknown(dec *jsontext.Decoder, v any, fallback *unknownFallback, unknown *unknownMembers) error {
	if dec.PeekKind() == 'n' {
		_, err := dec.ReadToken()
		return err
	}
	if err := json.UnmarshalDecode(dec, v); err != nil {
		return err
	}
	*unknown = fallback.Unknown
	return nil
}

// marshalKeepingUnknown encodes v, a struct of a type's fields and
// fallback, with the unknown members sorted by name. A member whose name
// one of the fields of T would take (as the decoder matches names) is
// dropped, so that known fields win.
func marshalKeepingUnknown[T any](enc *jsontext.Encoder, v any, fallback *unknownFallback) error {
	if len(fallback.Unknown) > 0 {
		fields := jsonfields.Of(reflect.TypeFor[T]())
		var kept unknownMembers
		for name, value := range fallback.Unknown {
			if _, known := fields.Lookup(name); !known {
				if kept == nil {
					kept = make(unknownMembers, len(fallback.Unknown))
				}
				kept[name] = value
			}
		}
		fallback.Unknown = kept
	}
	return json.MarshalEncode(enc, v, json.Deterministic(true))
}

// unmarshalV1 and marshalV1 are the UnmarshalJSON and MarshalJSON of types
// with UnmarshalJSONFrom and MarshalJSONTo, for encoding/json (v1) callers:
// the same decoding and encoding as the client's own.
func unmarshalV1(data []byte, v json.UnmarshalerFrom) error {
	return v1TypeError(json.Unmarshal(data, v, decodeOptions))
}

// v1TypeError turns a JSON value of the wrong kind, which encoding/json/v2
// reports as a *json.SemanticError, into the *json.UnmarshalTypeError that
// encoding/json (v1) callers check for; other errors pass unchanged.
func v1TypeError(err error) error {
	var semErr *json.SemanticError
	if !errors.As(err, &semErr) || semErr.GoType == nil || semErr.JSONKind == 0 {
		return err
	}
	kinds := map[jsontext.Kind]string{'n': "null", 't': "bool", 'f': "bool", '"': "string", '0': "number", '{': "object", '[': "array"}
	return &stdjson.UnmarshalTypeError{
		Value:  kinds[semErr.JSONKind],
		Type:   semErr.GoType,
		Offset: semErr.ByteOffset,
		Field:  fieldPath(semErr.JSONPointer),
	}
}

// fieldPath names the member a JSON pointer ends at as encoding/json (v1)
// names it in UnmarshalTypeError.Field: the member names from the top,
// joined by dots, without array indexes ("/services/0/name" is
// "services.name").
func fieldPath(p jsontext.Pointer) string {
	var names []string
	for tok := range p.Tokens() {
		if _, err := strconv.Atoi(tok); err != nil {
			names = append(names, tok)
		}
	}
	return strings.Join(names, ".")
}

func marshalV1(v json.MarshalerTo) ([]byte, error) { return json.Marshal(v, encodeOptions) }

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

func appendUnknownKeys(paths []string, path string, unknown unknownMembers) []string {
	for k := range unknown {
		paths = append(paths, memberPath(path, k))
	}
	return paths
}
