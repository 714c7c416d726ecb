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

// encodeBody encodes a request body.
func encodeBody(in any) ([]byte, error) { return json.Marshal(in) }

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
// time.Time fields may also be zone-less (read as UTC), and that app specs
// inside out keep their unknown keys in one extra scan instead of through
// AppSpec.UnmarshalJSON (see wireDecoded). out must be a non-nil pointer.
func unmarshalLenient(data []byte, out any) error {
	target := out
	if w, ok := out.(wireDecoded); ok {
		target = w.wire()
	}
	err := json.Unmarshal(data, target)
	if err != nil {
		var parseErr *time.ParseError
		if !errors.As(err, &parseErr) {
			return err
		}
		fixed, ok := normalizeTimes(data, reflect.TypeOf(target))
		if !ok {
			return err
		}
		reflect.ValueOf(target).Elem().SetZero()
		if err := json.Unmarshal(fixed, target); err != nil {
			return err
		}
		data = fixed
	}
	if u, ok := out.(unknownCollector); ok {
		u.collectUnknown(&jsonCursor{data: data})
	}
	return nil
}

// wireDecoded is implemented by the types that hold app specs (App,
// Deployment, the response envelopes, …). wire returns the value as its
// twin: a struct of the same fields, tags and layout whose specs are the
// method-less appSpecWire. encoding/json re-scans the bytes of every value
// that has its own UnmarshalJSON, twice; decoding through the twin avoids
// that for every spec in a response, about a sixth of the time an app list
// takes to decode.
type wireDecoded interface{ wire() any }

// unknownCollector walks decoded JSON again, in parallel with the values,
// to keep the unknown keys of the app specs inside (see AppSpec.UnknownFields).
type unknownCollector interface{ collectUnknown(c *jsonCursor) }

// collectMember walks the object at c and hands the member named key (as
// encoding/json matches it) to walk; other members are skipped.
func collectMember(c *jsonCursor, key []string, walk func(*jsonCursor)) {
	for c.nextMember() {
		if string(c.fieldKey(key)) == key[0] {
			walk(c)
		} else {
			c.skip()
		}
	}
}

// collectElements walks the array at c in parallel with s.
func collectElements[T any, P interface {
	*T
	unknownCollector
}](c *jsonCursor, s []T) {
	for i := 0; c.nextElement(); i++ {
		if i < len(s) {
			P(&s[i]).collectUnknown(c)
		} else {
			c.skip()
		}
	}
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
