package digitalocean

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"reflect"
	"sync"
	"time"

	"github.com/oceankit/digitalocean/internal/jsonfields"
)

// Response bodies are decoded with the standard library into plain
// time.Time fields: the fast path. Only when a date-time in the body is not
// RFC 3339 (the API's own examples carry the zone-less
// "0001-01-01T00:00:00") is the body normalised and decoded again, so
// leniency costs nothing on well-formed responses.

var bodyBuffers = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// readJSON decodes the JSON body r into out (see unmarshalLenient).
func readJSON(r io.Reader, out any) error {
	buf := bodyBuffers.Get().(*bytes.Buffer)
	defer func() {
		if buf.Cap() <= 4<<20 { // keep huge buffers out of the pool
			buf.Reset()
			bodyBuffers.Put(buf)
		}
	}()
	if _, err := buf.ReadFrom(r); err != nil {
		return err
	}
	return unmarshalLenient(buf.Bytes(), out)
}

// unmarshalLenient is json.Unmarshal, except that date-times decoding into
// time.Time fields may also be zone-less (read as UTC). out must be a
// non-nil pointer.
func unmarshalLenient(data []byte, out any) error {
	err := json.Unmarshal(data, out)
	if err == nil {
		return nil // before parseErr below, whose address makes it escape
	}
	var parseErr *time.ParseError
	if !errors.As(err, &parseErr) {
		return err
	}
	fixed, ok := normalizeTimes(data, reflect.TypeOf(out))
	if !ok {
		return err
	}
	reflect.ValueOf(out).Elem().SetZero()
	return json.Unmarshal(fixed, out)
}

var timeType = reflect.TypeFor[time.Time]()

// normalizeTimes rewrites, guided by the Go type t, every JSON string that
// will decode into a time.Time and parses leniently into RFC 3339. Strings
// in other fields are never touched.
func normalizeTimes(data []byte, t reflect.Type) ([]byte, bool) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber() // numbers keep their exact text
	var tree any
	if dec.Decode(&tree) != nil {
		return nil, false
	}
	tree = fixTimes(tree, t)
	var out bytes.Buffer
	enc := json.NewEncoder(&out)
	enc.SetEscapeHTML(false)
	if enc.Encode(tree) != nil {
		return nil, false
	}
	return out.Bytes(), true
}

func fixTimes(v any, t reflect.Type) any {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch node := v.(type) {
	case string:
		if t == timeType {
			if node == "" {
				return nil // an empty date-time means none
			}
			if parsed, err := parseTime(node); err == nil {
				return parsed.Format(time.RFC3339Nano)
			}
		}
	case []any:
		if t.Kind() == reflect.Slice || t.Kind() == reflect.Array {
			for i := range node {
				node[i] = fixTimes(node[i], t.Elem())
			}
		}
	case map[string]any:
		switch t.Kind() {
		case reflect.Map:
			for k, child := range node {
				node[k] = fixTimes(child, t.Elem())
			}
		case reflect.Struct:
			fields := jsonfields.Of(t)
			for k, child := range node {
				if ft, ok := fields.Lookup(k); ok {
					node[k] = fixTimes(child, ft)
				}
			}
		}
	}
	return v
}
