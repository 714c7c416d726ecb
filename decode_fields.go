package digitalocean

import (
	"bytes"
	"encoding/binary"
	stdjson "encoding/json"
	"errors"
	"math/bits"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
	jsonv1 "github.com/go-json-experiment/json/v1"
)

// Generated decoders. Every struct type of apps_types.gen.go has a
// generated decodeMember that assigns one member to its field by name, so
// that an App, a Deployment or an AppSpec is decoded member by member from
// the jsontext.Decoder's tokens and values instead of through
// encoding/json/v2's reflection. The helpers below read the kinds of values
// that fill responses (objects of generated types, arrays of them, strings,
// booleans, date-times, enums) and leave every other value, and every value
// of an unexpected kind, to json.UnmarshalDecode, so that nulls, type errors
// and their messages stay exactly encoding/json/v2's. They run only under
// the client's own decodeOptions (decodingAsTheClient); under any other
// options (a caller's own json.Unmarshal, encoding/json (v1) on Go 1.27's
// v2, strict decoding in tests) the generated UnmarshalJSONFrom leaves the
// value to encoding/json/v2's reflection, as before.

// objectDecoder is a pointer to a generated struct type.
type objectDecoder[T any] interface {
	*T
	// decodeJSON decodes the JSON object at dec (the next token is '{').
	decodeJSON(dec *jsontext.Decoder, s *decodeState) error
	// decodeMember decodes the value of the member name into its field
	// and reports whether the type has a field of that exact JSON name.
	decodeMember(dec *jsontext.Decoder, s *decodeState, name []byte) (bool, error)
}

// decodeState is the scratch space of one generated decode: an unquoting
// buffer and a cache of the strings decoded so far, so that the values that
// repeat through a response (phases, regions, slugs, ids) are allocated once,
// as encoding/json/v2 caches them too.
type decodeState struct {
	unquoted []byte
	strings  [256]string
}

var decodeStates = sync.Pool{New: func() any { return new(decodeState) }}

// timeUnmarshalers read the API's date-times (see unmarshalTime). Its
// identity tells the generated decoders that they run under decodeOptions.
var timeUnmarshalers = json.UnmarshalFromFunc(unmarshalTime)

// clientFlags are the options of decodeOptions that the generated decoders
// implement, and otherOptions the ones they assume unset.
var (
	clientFlags = []func(bool) json.Options{
		jsontext.AllowDuplicateNames, jsontext.AllowInvalidUTF8,
		json.MatchCaseInsensitiveNames, jsonv1.MatchCaseSensitiveDelimiter,
	}
	otherOptions = []func(bool) json.Options{
		json.RejectUnknownMembers, json.StringifyNumbers,
		jsonv1.CallMethodsWithLegacySemantics, jsonv1.MergeWithLegacySemantics,
		jsonv1.ReportErrorsWithLegacySemantics, jsonv1.StringifyWithLegacySemantics,
		jsonv1.ParseTimeWithLooseRFC3339, jsonv1.UnmarshalArrayFromAnyLength,
	}
)

// decodingAsTheClient reports whether dec decodes with decodeOptions.
func decodingAsTheClient(dec *jsontext.Decoder) bool {
	opts := dec.Options()
	if u, _ := json.GetOption(opts, json.WithUnmarshalers); u != timeUnmarshalers {
		return false
	}
	for _, o := range clientFlags {
		if v, _ := json.GetOption(opts, o); !v {
			return false
		}
	}
	for _, o := range otherOptions {
		if v, _ := json.GetOption(opts, o); v {
			return false
		}
	}
	return true
}

// unmarshalGenerated is the UnmarshalJSONFrom of a generated struct type
// outside the AppSpec tree: generated decoding when generatedDecodes, else
// encoding/json/v2's own (errors.ErrUnsupported, nothing read).
func unmarshalGenerated[T any, P objectDecoder[T]](dec *jsontext.Decoder, v P) error {
	if !generatedDecodes(dec) {
		return errors.ErrUnsupported
	}
	return decodeGenerated(dec, v)
}

// generatedDecodes reports whether the generated decoding takes the next
// value: an object, decoded with decodeOptions.
func generatedDecodes(dec *jsontext.Decoder) bool {
	return dec.PeekKind() == '{' && decodingAsTheClient(dec)
}

// decodeGenerated decodes the object at dec into v by generated code.
func decodeGenerated[T any, P objectDecoder[T]](dec *jsontext.Decoder, v P) error {
	s := decodeStates.Get().(*decodeState)
	err := v.decodeJSON(dec, s)
	decodeStates.Put(s)
	return err
}

// decodeObject decodes the JSON object at dec into v member by member, as
// encoding/json/v2 does under decodeOptions: a name is matched exactly
// first, then as strings.EqualFold matches (names lists the type's JSON
// names, no two of which fold alike); a repeated member decodes again into
// its field; the members no field takes are skipped, or kept in *unknown
// when unknown is not nil (the types of the AppSpec tree), replacing what
// *unknown held.
func decodeObject[T any, P objectDecoder[T]](dec *jsontext.Decoder, s *decodeState, v P, names []string, unknown *unknownMembers) error {
	if _, err := dec.ReadToken(); err != nil { // '{'
		return err
	}
	var kept unknownMembers
	for dec.PeekKind() != '}' {
		name, err := s.readName(dec)
		if err != nil {
			return err
		}
		known, err := v.decodeMember(dec, s, name)
		if !known && err == nil {
			if folded := foldedName(name, names); folded != "" {
				known, err = v.decodeMember(dec, s, []byte(folded))
			}
		}
		switch {
		case err != nil:
		case known:
		case unknown != nil:
			err = keepUnknown(dec, &kept, name)
		default:
			err = dec.SkipValue()
		}
		if err != nil {
			return err
		}
	}
	if _, err := dec.ReadToken(); err != nil { // '}'
		return err
	}
	if unknown != nil {
		*unknown = kept
	}
	return nil
}

// readName reads a member name, unquoted; it is valid until the next read.
func (s *decodeState) readName(dec *jsontext.Decoder) ([]byte, error) {
	raw, err := dec.ReadValue()
	if err != nil {
		return nil, err
	}
	return s.unquote(raw), nil
}

// unquote returns the text of the JSON string raw (invalid UTF-8 replaced,
// as the decoder allows it), in raw itself when it has no escapes.
func (s *decodeState) unquote(raw []byte) []byte {
	text := raw[1 : len(raw)-1]
	plain := true // ASCII without escapes, as most names and values are
	for _, c := range text {
		if c == '\\' || c >= utf8.RuneSelf {
			plain = false
			break
		}
	}
	if plain || (bytes.IndexByte(text, '\\') < 0 && utf8.Valid(text)) {
		return text
	}
	s.unquoted, _ = jsontext.AppendUnquote(s.unquoted[:0], raw) // the decoder accepted it: only invalid UTF-8 errs, replaced
	return s.unquoted
}

// makeString returns text as a string, from the cache when the same text
// was decoded before.
func (s *decodeState) makeString(text []byte) string {
	if len(text) < 2 || len(text) > 256 { // one-byte strings cost no allocation
		return string(text)
	}
	slot := &s.strings[stringSlot(text)]
	if *slot != string(text) {
		*slot = string(text)
	}
	return *slot
}

// stringSlot hashes text, of two bytes or more, to a slot of the cache:
// its length, its first and its last eight bytes (or fewer) mixed.
func stringSlot(text []byte) uint8 {
	n := len(text)
	var h uint64
	if n >= 8 {
		h = binary.LittleEndian.Uint64(text) ^ bits.RotateLeft64(binary.LittleEndian.Uint64(text[n-8:]), 29)
	} else {
		for _, c := range text {
			h = h<<8 | uint64(c)
		}
	}
	h = (h ^ uint64(n)) * 0x9e3779b97f4a7c15
	return uint8(h >> 56)
}

// foldedName returns the name of names that name matches as
// strings.EqualFold matches, or "".
func foldedName(name []byte, names []string) string {
	ascii := true
	for _, c := range name {
		if c >= utf8.RuneSelf {
			ascii = false
			break
		}
	}
	for _, n := range names {
		if (!ascii || len(n) == len(name)) && strings.EqualFold(n, string(name)) {
			return n
		}
	}
	return ""
}

// keepUnknown adds the member name and its value, as received, to *kept.
func keepUnknown(dec *jsontext.Decoder, kept *unknownMembers, name []byte) error {
	key := string(name)
	raw, err := dec.ReadValue()
	if err != nil {
		return err
	}
	if *kept == nil {
		*kept = make(unknownMembers)
	}
	(*kept)[key] = append(stdjson.RawMessage(nil), raw...)
	return nil
}

// decodeStruct decodes a member whose field points to a generated type.
func decodeStruct[T any, P objectDecoder[T]](dec *jsontext.Decoder, s *decodeState, dst **T) error {
	if dec.PeekKind() != '{' {
		return json.UnmarshalDecode(dec, dst)
	}
	if *dst == nil {
		*dst = new(T)
	}
	return P(*dst).decodeJSON(dec, s)
}

// decodeStructs decodes a member whose field is a slice of pointers to a
// generated type: a new value per element, as encoding/json/v2 makes them;
// [] is an empty slice, not nil.
func decodeStructs[T any, P objectDecoder[T]](dec *jsontext.Decoder, s *decodeState, dst *[]*T) error {
	if dec.PeekKind() != '[' {
		return json.UnmarshalDecode(dec, dst)
	}
	if _, err := dec.ReadToken(); err != nil {
		return err
	}
	out := (*dst)[:0]
	for dec.PeekKind() != ']' {
		elem, err := decodeElement[T, P](dec, s)
		if err != nil {
			return err
		}
		out = append(out, elem)
	}
	if _, err := dec.ReadToken(); err != nil {
		return err
	}
	if out == nil {
		out = []*T{}
	}
	*dst = out
	return nil
}

// decodeElement decodes an element of decodeStructs.
func decodeElement[T any, P objectDecoder[T]](dec *jsontext.Decoder, s *decodeState) (*T, error) {
	if dec.PeekKind() == '{' {
		elem := new(T)
		return elem, P(elem).decodeJSON(dec, s)
	}
	return unmarshalElement[T](dec)
}

// unmarshalElement is decodeElement for anything but an object (in a
// function of its own, so that only this path moves elem to the heap).
func unmarshalElement[T any](dec *jsontext.Decoder) (*T, error) {
	var elem *T
	err := json.UnmarshalDecode(dec, &elem)
	return elem, err
}

// decodeString decodes a member whose field is a string.
func decodeString(dec *jsontext.Decoder, s *decodeState, dst *string) error {
	if dec.PeekKind() != '"' {
		return json.UnmarshalDecode(dec, dst)
	}
	raw, err := dec.ReadValue()
	if err != nil {
		return err
	}
	*dst = s.makeString(s.unquote(raw))
	return nil
}

// decodeStrings decodes a member whose field is a []string; [] is an empty
// slice, not nil.
func decodeStrings(dec *jsontext.Decoder, s *decodeState, dst *[]string) error {
	if dec.PeekKind() != '[' {
		return json.UnmarshalDecode(dec, dst)
	}
	if _, err := dec.ReadToken(); err != nil {
		return err
	}
	out := (*dst)[:0]
	for dec.PeekKind() != ']' {
		var elem string
		if err := decodeString(dec, s, &elem); err != nil {
			return err
		}
		out = append(out, elem)
	}
	if _, err := dec.ReadToken(); err != nil {
		return err
	}
	if out == nil {
		out = []string{}
	}
	*dst = out
	return nil
}

// decodeBool decodes a member whose field is a bool.
func decodeBool(dec *jsontext.Decoder, dst *bool) error {
	if k := dec.PeekKind(); k != 't' && k != 'f' {
		return json.UnmarshalDecode(dec, dst)
	}
	tok, err := dec.ReadToken()
	if err != nil {
		return err
	}
	*dst = tok.Bool()
	return nil
}

// decodeInt decodes a member whose field is an int32 or int64 (bitSize 32 or
// 64): an integer that fits, or the error encoding/json/v2 reports for a
// number that is not one (a fraction, an exponent) or does not fit.
func decodeInt[I int32 | int64](dec *jsontext.Decoder, dst *I, bitSize int) error {
	if dec.PeekKind() != '0' {
		return json.UnmarshalDecode(dec, dst)
	}
	raw, err := dec.ReadValue()
	if err != nil {
		return err
	}
	n, err := parseInteger(raw, bitSize)
	if err != nil {
		return &json.SemanticError{
			ByteOffset:  dec.InputOffset() - int64(len(raw)),
			JSONPointer: dec.StackPointer(),
			JSONKind:    '0',
			JSONValue:   raw.Clone(),
			GoType:      reflect.TypeFor[I](),
			Err:         err,
		}
	}
	*dst = I(n)
	return nil
}

// parseInteger reads the JSON number raw as a signed integer of bitSize bits:
// strconv.ErrSyntax for a fraction or an exponent, strconv.ErrRange when it
// does not fit.
func parseInteger(raw []byte, bitSize int) (int64, error) {
	digits := raw
	neg := len(raw) > 0 && raw[0] == '-'
	if neg {
		digits = raw[1:]
	}
	var v uint64
	for _, c := range digits {
		if c < '0' || c > '9' {
			return 0, strconv.ErrSyntax
		}
		v = 10*v + uint64(c-'0')
	}
	limit := uint64(1) << (bitSize - 1) // -limit is the least value, limit-1 the greatest
	switch {
	case len(digits) == 0:
		return 0, strconv.ErrSyntax
	case len(digits) > 19, neg && v > limit, !neg && v > limit-1: // 19 digits never wrap a uint64
		return 0, strconv.ErrRange
	case neg:
		return -int64(v), nil
	}
	return int64(v), nil
}

// decodeEnumMember decodes a member whose field is an enum (see decodeEnum).
func decodeEnumMember[E ~string](dec *jsontext.Decoder, dst *E, known []E) error {
	if dec.PeekKind() != '"' {
		return json.UnmarshalDecode(dec, dst)
	}
	return decodeEnum(dec, dst, known)
}

// decodeTime decodes a member whose field is a time.Time, as unmarshalTime
// does, and reports a date-time it cannot read as encoding/json/v2 reports
// unmarshalTime's error.
func decodeTime(dec *jsontext.Decoder, dst *time.Time) error {
	if dec.PeekKind() != '"' {
		return json.UnmarshalDecode(dec, dst)
	}
	raw, err := dec.ReadValue()
	if err != nil {
		return err
	}
	if err := setTime(raw, dst); err != nil { // wrapped as encoding/json/v2 wraps unmarshalTime's
		if _, ok := err.(*jsontext.SyntacticError); ok {
			return err // as encoding/json/v2 passes it on
		}
		return &json.SemanticError{
			ByteOffset:  dec.InputOffset() - int64(len(raw)),
			JSONPointer: dec.StackPointer(),
			GoType:      reflect.TypeFor[*time.Time](),
			Err:         err,
		}
	}
	return nil
}
