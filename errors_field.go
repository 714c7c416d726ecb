package digitalocean

import "strings"

// The API rejects an invalid app spec with one message naming the field,
// for example
//
//	error validating app spec field "services.health_check.port": health check port "9090" not found in internal_ports
//
// (testdata/live-api-behaviour.md, (d).3). apiErrorField extracts that
// dotted path so that a provider can map the error to an attribute.

// apiErrorFieldWord introduces the quoted field path in the API's
// app-spec validation messages.
const apiErrorFieldWord = "field "

// maxAPIErrorField bounds the field path: a real path is a few members
// long, so anything longer is not one.
const maxAPIErrorField = 256

// apiErrorField returns the field path a validation message names, such as
// "services.health_check.port", or "" when it names none. It only trusts
// the documented shape: a message that mentions "app spec" and then
// `field "<path>"` — the path in double, single or back quotes, the quotes
// possibly backslash-escaped by a proxy that encoded the message twice —
// the path made of dotted JSON member names with optional [index] or
// [name] selectors. A path with anything else in it (spaces, quotes, a
// token-like segment) is not reported, so that Field never carries free
// text from the server.
func apiErrorField(message string) string {
	for i := 0; ; {
		at := strings.Index(message[i:], apiErrorFieldWord)
		if at < 0 {
			return ""
		}
		at += i
		i = at + len(apiErrorFieldWord)
		if !containsFold(message[:at], "app spec") {
			continue
		}
		if path, ok := quotedAt(message[i:]); ok && validAPIErrorField(path) {
			return path
		}
	}
}

// quotedAt returns the quoted text s starts with: "x", 'x', `x`, or the
// same with backslash-escaped quotes (\"x\").
func quotedAt(s string) (string, bool) {
	escaped := strings.HasPrefix(s, `\`)
	if escaped {
		s = s[1:]
	}
	if s == "" || !strings.ContainsRune("\"'`", rune(s[0])) {
		return "", false
	}
	closing := s[:1]
	if escaped {
		closing = `\` + closing
	}
	text, _, ok := strings.Cut(s[1:], closing)
	return text, ok
}

// validAPIErrorField reports whether path looks like a spec field path:
// dot-separated segments, each a member name (lower-case letters, digits,
// '_' and '-') optionally followed by bracketed selectors, and none
// shaped like a token (looksLikeToken, request.go): a server echoing a
// credential inside the quotes must not turn it into a field path.
func validAPIErrorField(path string) bool {
	if path == "" || len(path) > maxAPIErrorField {
		return false
	}
	for segment := range strings.SplitSeq(path, ".") {
		name, selectors, _ := strings.Cut(segment, "[")
		if name == "" || !isFieldName(name) || looksLikeToken(name) {
			return false
		}
		if selectors != "" && !validSelectors("["+selectors) {
			return false
		}
	}
	return true
}

func isFieldName(s string) bool {
	for _, r := range s {
		if !('a' <= r && r <= 'z' || '0' <= r && r <= '9' || r == '_' || r == '-') {
			return false
		}
	}
	return true
}

// validSelectors accepts one or more "[x]" with x made of letters, digits,
// '_', '-' and '=' (an index, or a component name as in "[name=api]").
func validSelectors(s string) bool {
	for s != "" {
		if s[0] != '[' {
			return false
		}
		end := strings.IndexByte(s, ']')
		if end < 2 {
			return false
		}
		for _, r := range s[1:end] {
			if !('a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9' || r == '_' || r == '-' || r == '=') {
				return false
			}
		}
		s = s[end+1:]
	}
	return true
}

// containsFold reports whether s contains the ASCII substring sub, ignoring
// case, without allocating: every API error goes through apiErrorField.
func containsFold(s, sub string) bool {
	for i := 0; i+len(sub) <= len(s); i++ {
		if strings.EqualFold(s[i:i+len(sub)], sub) {
			return true
		}
	}
	return false
}
