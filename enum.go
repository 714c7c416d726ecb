package digitalocean

import (
	"bytes"
	"encoding/json"
	"reflect"
	"unicode/utf8"
)

// decodeEnum decodes a JSON string into an enum. A known value is assigned
// from its constant, so the status, phase and slug strings that fill a
// response cost no allocation; any other string decodes as encoding/json
// would decode it into a string, and null changes nothing.
func decodeEnum[E ~string](data []byte, dst *E, known []E) error {
	if n := len(data); n >= 2 && data[0] == '"' && data[n-1] == '"' {
		raw := data[1 : n-1]
		if bytes.IndexByte(raw, '\\') < 0 && utf8.Valid(raw) {
			for _, k := range known {
				if string(raw) == string(k) {
					*dst = k
					return nil
				}
			}
			*dst = E(raw)
			return nil
		}
	}
	var s *string
	if err := json.Unmarshal(data, &s); err != nil {
		if typeErr, ok := err.(*json.UnmarshalTypeError); ok {
			typeErr.Type = reflect.TypeFor[E]()
		}
		return err
	}
	if s != nil {
		*dst = E(*s)
	}
	return nil
}
