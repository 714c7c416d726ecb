package digitalocean

import (
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
