package digitalocean

import (
	"bytes"
	"fmt"
	"time"
	"unicode/utf8"
)

// zonelessLayout is the date-time form without an offset that appears in the
// API's own examples (for example "0001-01-01T00:00:00"); it is read as UTC.
const zonelessLayout = "2006-01-02T15:04:05.999999999"

// parseTime reads an API date-time leniently: RFC 3339 first, then the
// zone-less form.
func parseTime(s string) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t, nil
	}
	t, err := time.ParseInLocation(zonelessLayout, s, time.UTC)
	if err != nil {
		return time.Time{}, fmt.Errorf("digitalocean: cannot parse date-time %q: want RFC 3339", s)
	}
	return t, nil
}

// lenientTime decodes one JSON date-time with parseTime. The API types keep
// plain time.Time fields and get their leniency from unmarshalLenient
// (decode.go) instead, which costs nothing on well-formed bodies; nothing
// but its own test uses lenientTime any more.
type lenientTime time.Time

// UnmarshalJSON accepts RFC 3339, the zone-less form, null and "".
func (t *lenientTime) UnmarshalJSON(b []byte) error {
	if bytes.Equal(b, []byte("null")) {
		return nil
	}
	if len(b) < 2 || b[0] != '"' || b[len(b)-1] != '"' {
		return fmt.Errorf("digitalocean: date-time must be a JSON string, got %s", truncate(string(b), 40))
	}
	s := string(b[1 : len(b)-1])
	if s == "" {
		*t = lenientTime{}
		return nil
	}
	parsed, err := parseTime(s)
	if err != nil {
		return err
	}
	*t = lenientTime(parsed)
	return nil
}

// MarshalJSON writes RFC 3339 (the zero time as the API's zero value).
func (t lenientTime) MarshalJSON() ([]byte, error) {
	return time.Time(t).MarshalJSON()
}

// truncate shortens s to at most n bytes plus an ellipsis, for error
// messages, without splitting a UTF-8 sequence.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}
