package digitalocean

// Fuzz targets for the parsers that read what servers send and the path
// builder that places caller input in URLs. Seed corpora live in
// testdata/fuzz/<FuzzName>/; scripts/fuzz.sh runs each target briefly.

import (
	"bytes"
	"fmt"
	"io"
	"math"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// FuzzErrorBody: any error body gives a one-line, valid UTF-8 error of
// bounded size, and never panics.
func FuzzErrorBody(f *testing.F) {
	f.Add(404, []byte(`{"id":"not_found","message":"The resource you were accessing could not be found.","request_id":"r-1"}`))
	f.Fuzz(func(t *testing.T, status int, body []byte) {
		status = 400 + faultAbs(status%200)
		resp := &Response{Response: &http.Response{
			StatusCode: status,
			Status:     fmt.Sprintf("%d Whatever", status),
			Header:     http.Header{"X-Request-Id": {"hdr-id"}},
			Body:       io.NopCloser(bytes.NewReader(body)),
		}, RequestID: "hdr-id"}
		e := newAPIError(http.MethodGet, "/v2/apps", resp, 2)
		if e.StatusCode != status || e.Attempts != 2 || e.Response != resp {
			t.Fatalf("fields lost: %+v", e)
		}
		if e.RequestID == "" {
			t.Fatal("request id lost: the header is the fallback")
		}
		msg := e.Error()
		if strings.ContainsAny(msg, "\r\n") {
			t.Fatalf("error is not one line: %q", msg)
		}
		if !utf8.ValidString(msg) {
			t.Fatalf("error is not valid UTF-8: %q", msg)
		}
		if len(msg) > 2*maxErrorBody+500 {
			t.Fatalf("error of %d bytes from a body of %d", len(msg), len(body))
		}

		// newAPIError reads at most maxErrorBody; so does this check.
		excerpt := bodyExcerpt(body[:min(len(body), maxErrorBody)], 200)
		if len(excerpt) > 200+len("…") {
			t.Fatalf("excerpt of %d bytes", len(excerpt))
		}
		if strings.ContainsAny(excerpt, "<>\r\n") || !utf8.ValidString(excerpt) {
			t.Fatalf("excerpt keeps markup or control characters: %q", excerpt)
		}
		for _, r := range excerpt {
			if r < ' ' {
				t.Fatalf("excerpt keeps control character %q: %q", r, excerpt)
			}
		}
	})
}

func faultAbs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}

// FuzzPageNumber: a link yields a page number of at least 1 or nothing,
// and a well-formed link round-trips its page.
func FuzzPageNumber(f *testing.F) {
	f.Add("https://api.digitalocean.com/v2/actions?page=2&per_page=20", 7)
	f.Fuzz(func(t *testing.T, link string, page int) {
		if n, ok := pageNumber(link); ok && n < 1 {
			t.Fatalf("pageNumber(%q) = %d", link, n)
		}
		if page < 1 {
			return
		}
		for _, l := range []string{
			fmt.Sprintf("https://api.digitalocean.com/v2/actions?page=%d&per_page=20", page),
			fmt.Sprintf("https://api.digitalocean.com/v2/apps?per_page=200&page=%d", page),
		} {
			if n, ok := pageNumber(l); !ok || n != page {
				t.Fatalf("pageNumber(%q) = %d, %v", l, n, ok)
			}
		}
	})
}

// fuzzDecimal is an independent reading of a header count: optional
// surrounding white space, an optional '+', ASCII digits only. Values
// past the int range report overflow.
func fuzzDecimal(s string) (n uint64, overflow, ok bool) {
	s = strings.TrimSpace(s)
	s = strings.TrimPrefix(s, "+")
	if s == "" {
		return 0, false, false
	}
	for _, c := range []byte(s) {
		if c < '0' || c > '9' {
			return 0, false, false
		}
		d := uint64(c - '0')
		if overflow || n > (math.MaxInt64-d)/10 {
			overflow = true
			continue
		}
		n = n*10 + d
	}
	return n, overflow, true
}

// fuzzExpectedRetryAfter is what RFC 9110 makes of a retry-after value,
// written without parseRetryAfter: delta-seconds (saturating at
// maxRetryAfter) or an HTTP date in the future.
func fuzzExpectedRetryAfter(v string, now time.Time) time.Duration {
	if n, overflow, ok := fuzzDecimal(v); ok {
		if overflow || n > uint64(maxRetryAfter/time.Second) {
			return maxRetryAfter
		}
		return time.Duration(n) * time.Second
	}
	v = strings.TrimSpace(v)
	for _, layout := range []string{http.TimeFormat, time.RFC850, time.ANSIC} {
		if t, err := time.Parse(layout, v); err == nil {
			if !t.After(now) {
				return 0
			}
			return min(t.Sub(now), maxRetryAfter)
		}
	}
	return 0
}

// FuzzParseRate: header values give what an independent reading of the
// headers expects, never negative counts or overflowed waits, and nothing
// downstream panics.
func FuzzParseRate(f *testing.F) {
	now := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	f.Add("5000", "4999", "1740830400", "30")
	f.Add(" +12 ", "0", "253402300800", now.Add(90*time.Second).Format(http.TimeFormat))
	f.Add("-1", "x", "0", now.Add(-time.Hour).Format(time.RFC850))
	f.Add("99999999999999999999", "1", "1", "99999999999999999999")
	f.Add("1", "1", "1", now.AddDate(0, 0, 3).Format(time.ANSIC))
	f.Fuzz(func(t *testing.T, limit, remaining, reset, retryAfter string) {
		h := http.Header{}
		h.Set("Ratelimit-Limit", limit)
		h.Set("Ratelimit-Remaining", remaining)
		h.Set("Ratelimit-Reset", reset)
		h.Set("Retry-After", retryAfter)
		r := parseRate(h, now)
		if r.Limit < 0 || r.Remaining < 0 {
			t.Fatalf("negative counts: %+v", r)
		}
		if r.RetryAfter < 0 || r.RetryAfter > maxRetryAfter {
			t.Fatalf("retry-after %q gave %v", retryAfter, r.RetryAfter)
		}
		if want := fuzzExpectedRetryAfter(retryAfter, now); r.RetryAfter != want {
			t.Fatalf("retry-after %q gave %v, want %v", retryAfter, r.RetryAfter, want)
		}
		for _, c := range []struct {
			name, value string
			got         int
		}{{"limit", limit, r.Limit}, {"remaining", remaining, r.Remaining}} {
			want := 0
			if n, overflow, ok := fuzzDecimal(c.value); ok && !overflow {
				want = int(n)
			}
			if c.got != want {
				t.Fatalf("%s %q gave %d, want %d", c.name, c.value, c.got, want)
			}
		}
		wantReset := time.Time{}
		if n, overflow, ok := fuzzDecimal(reset); ok && !overflow && n > 0 && n < 253402300800 {
			wantReset = time.Unix(int64(n), 0)
			// One response never holds the client past MaxRateLimitWait.
			if latest := now.Add(MaxRateLimitWait); wantReset.After(latest) {
				wantReset = latest
			}
		}
		if !r.Reset.Equal(wantReset) {
			t.Fatalf("reset %q gave %v, want %v", reset, r.Reset, wantReset)
		}
		if !r.Reset.IsZero() && (r.Reset.Year() > 9999 || r.Reset.Unix() <= 0) {
			t.Fatalf("reset %q gave %v", reset, r.Reset)
		}
		for _, status := range []int{429, 503} {
			if d := serverDelay(&Error{StatusCode: status}, r, now); d < 0 || d > maxRetryAfter {
				t.Fatalf("server delay %v from %+v", d, r)
			}
		}
		var s rateState
		s.record(429, r, now)
		if until, _ := s.sendAfter(now); until.Before(now) {
			t.Fatalf("pacing goes back in time: %v", until)
		}
	})
}

// FuzzEscapePath: an argument always stays one path segment: no '/' of its
// own, no dot segment, no query or fragment, and it unescapes to itself.
func FuzzEscapePath(f *testing.F) {
	f.Add("a3b1c2d4-0000-4000-8000-000000000001")
	f.Add("..")
	f.Add("a%2Fb/../c")
	c, err := New(WithToken("t"), WithBaseURL("https://api.digitalocean.com/pre%20fix/"))
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, arg string) {
		p := escapePath("v2/apps/%s/deployments", arg)
		parts := strings.Split(p, "/")
		if len(parts) != 4 || parts[0] != "v2" || parts[1] != "apps" || parts[3] != "deployments" {
			t.Fatalf("argument %q changed the path's shape: %q", arg, p)
		}
		seg := parts[2]
		if seg == "." || seg == ".." {
			t.Fatalf("argument %q is a dot segment: %q", arg, p)
		}
		if got, err := url.PathUnescape(seg); err != nil || got != arg {
			t.Fatalf("segment %q unescapes to %q, %v; want %q", seg, got, err, arg)
		}
		u, err := c.resolve(p)
		if err != nil {
			t.Fatalf("resolve(%q): %v", p, err)
		}
		if u.EscapedPath() != "/pre%20fix/"+p || u.RawQuery != "" || u.Fragment != "" || u.Host != "api.digitalocean.com" {
			t.Fatalf("argument %q moved the request: %q", arg, u.String())
		}
		if u.Path != "/pre fix/v2/apps/"+arg+"/deployments" {
			t.Fatalf("argument %q: decoded path %q", arg, u.Path)
		}
	})
}
