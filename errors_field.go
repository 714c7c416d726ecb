package digitalocean

import "strings"

// The API rejects an invalid app spec with one message naming the field,
// for example
//
//	error validating app spec field "services.health_check.port": health check port "9090" not found in internal_ports
//
// (testdata/live-api-behaviour.md, (d).3). apiErrorField extracts that
// dotted path so that a provider can map the error to an attribute.

// apiErrorFieldMarker introduces the quoted field path in the API's
// app-spec validation messages.
const apiErrorFieldMarker = `field "`

// maxAPIErrorField bounds the field path: a real path is a few members
// long, so anything longer is not one.
const maxAPIErrorField = 256

// apiErrorField returns the field path a validation message names, such as
// "services.health_check.port", or "" when it names none. It only trusts
// the documented shape: a message that mentions "app spec" and then
// `field "<path>"`, the path made of dotted JSON member names with optional
// [index] or [name] selectors. A path with anything else in it (spaces,
// quotes, a token-like segment) is not reported, so that Field never
// carries free text from the server.
func apiErrorField(message string) string {
	before, rest, ok := strings.Cut(message, apiErrorFieldMarker)
	if !ok || !containsFold(before, "app spec") {
		return ""
	}
	path, _, ok := strings.Cut(rest, `"`)
	if !ok || !validAPIErrorField(path) {
		return ""
	}
	return path
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
