package digitalocean

import (
	"bytes"
	"errors"
	"io"
	"sync"
	"time"

	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
	jsonv1 "github.com/go-json-experiment/json/v1"
)

// The SDK's JSON goes through encoding/json/v2 (the go-json-experiment
// mirror, which is the standard library's package when built with Go 1.27):
// one pass per response, unknown app-spec keys kept by the generated
// UnmarshalJSONFrom methods, and request bodies written as encoding/json
// (v1) wrote them.

// decodeOptions accept every response that encoding/json (v1) accepted:
// repeated member names (the last wins), invalid UTF-8 (replaced), member
// names matched case-insensitively as strings.EqualFold does, and
// date-times without a zone (see unmarshalTime).
var decodeOptions = json.JoinOptions(
	jsontext.AllowDuplicateNames(true),
	jsontext.AllowInvalidUTF8(true),
	json.MatchCaseInsensitiveNames(true),
	jsonv1.MatchCaseSensitiveDelimiter(true),
	json.WithUnmarshalers(timeUnmarshalers),
)

// encodeOptions write request bodies byte for byte as encoding/json (v1)
// did: v1's omitempty (false, 0 and nil pointers are omitted too), nil
// slices and maps as null, map keys sorted, <, >, & and U+2028/U+2029
// escaped, invalid UTF-8 replaced, repeated names (in unknown members, kept
// as received) written as they are.
var encodeOptions = json.JoinOptions(
	jsonv1.OmitEmptyWithLegacySemantics(true),
	json.FormatNilSliceAsNull(true),
	json.FormatNilMapAsNull(true),
	json.Deterministic(true),
	jsontext.EscapeForHTML(true),
	jsontext.EscapeForJS(true),
	jsontext.AllowInvalidUTF8(true),
	jsontext.AllowDuplicateNames(true), // in unknown members, kept as received
)

// encodeBody encodes a request body.
func encodeBody(in any) ([]byte, error) { return json.Marshal(in, encodeOptions) }

var bodyBuffers = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// readJSON reads the body r to its end (a body past the client's cap fails
// the read, whatever its JSON) and decodes it into out in one pass.
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
	return unmarshalResponse(buf.Bytes(), out)
}

// unmarshalResponse is readJSON for a body already in memory.
func unmarshalResponse(data []byte, out any) error { return json.Unmarshal(data, out, decodeOptions) }

// unmarshalTime reads an API date-time into a time.Time: RFC 3339, or the
// zone-less form of the API's own examples ("0001-01-01T00:00:00", read as
// UTC); an empty string is no time. Anything but a string is left to the
// standard decoding (null is no time, other kinds are type errors).
func unmarshalTime(dec *jsontext.Decoder, t *time.Time) error {
	if dec.PeekKind() != '"' {
		return errors.ErrUnsupported
	}
	raw, err := dec.ReadValue()
	if err != nil {
		return err
	}
	return setTime(raw, t)
}

// setTime is unmarshalTime for the JSON string raw.
func setTime(raw jsontext.Value, t *time.Time) error {
	text := raw[1 : len(raw)-1]
	if len(text) > 0 && t.UnmarshalText(text) == nil { // RFC 3339 without an allocation
		return nil
	}
	unquoted, err := jsontext.AppendUnquote(nil, raw)
	if err != nil {
		return err
	}
	if len(unquoted) == 0 {
		*t = time.Time{}
		return nil
	}
	parsed, err := parseTime(string(unquoted))
	if err != nil {
		return err
	}
	*t = parsed
	return nil
}

// truncatedJSON reports a JSON body that ended before its value did.
func truncatedJSON(err error) bool {
	var syntaxErr *jsontext.SyntacticError
	return errors.As(err, &syntaxErr) && errors.Is(err, io.ErrUnexpectedEOF)
}
