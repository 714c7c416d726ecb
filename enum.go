package digitalocean

import (
	"bytes"
	"errors"
	"unicode/utf8"

	"github.com/go-json-experiment/json/jsontext"
)

// decodeEnum decodes a JSON string into an enum. A known value is assigned
// from its constant, so the status, phase and slug strings that fill a
// response cost no allocation; any other string decodes as it would into a
// string (invalid UTF-8 replaced). null and values of other kinds go back
// to the standard decoding (errors.ErrUnsupported), which leaves a null
// alone and reports any other kind as a type error naming the enum's type
// and the JSON path.
func decodeEnum[E ~string](dec *jsontext.Decoder, dst *E, known []E) error {
	if dec.PeekKind() != '"' {
		return errors.ErrUnsupported
	}
	raw, err := dec.ReadValue()
	if err != nil {
		return err
	}
	text := raw[1 : len(raw)-1]
	if bytes.IndexByte(text, '\\') >= 0 || !utf8.Valid(text) {
		unquoted, _ := jsontext.AppendUnquote(nil, raw) // the decoder accepted it: only invalid UTF-8 errs, replaced
		*dst = E(unquoted)
		return nil
	}
	for _, k := range known {
		if string(text) == string(k) {
			*dst = k
			return nil
		}
	}
	*dst = E(text)
	return nil
}
