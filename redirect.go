package digitalocean

import (
	"net/http"
	"strings"
)

// redirectedUnprocessed reports whether resp, the last response of a
// redirect chain that the redirect policy refused (net/http returns it
// with the policy's error: a redirect to another host, or one too many),
// and every response before it were 307 or 308. Each of those asks for the
// same request elsewhere without acting on it (RFC 9110, sections 15.4.8
// and 15.4.9), so the request was not applied. A 301, 302 or 303 may
// answer a request the server processed ("see other"), so a chain with one
// is not.
func redirectedUnprocessed(resp *http.Response) bool {
	if resp == nil {
		return false
	}
	for r := resp; r != nil; r = r.Request.Response {
		if r.StatusCode != http.StatusTemporaryRedirect && r.StatusCode != http.StatusPermanentRedirect {
			return false
		}
		if r.Request == nil {
			break
		}
	}
	return true
}

// unfollowedCrossHostRedirect returns the *CrossHostRedirectError for a
// 307 or 308 response that net/http handed back without asking the
// redirect policy (it does so for a POST or PATCH, whose body it cannot
// send again) when its Location is on another host; nil otherwise. A 301,
// 302 or 303 is followed as a GET, and sameHostRedirects refuses it there.
func unfollowedCrossHostRedirect(resp *http.Response) error {
	if resp.StatusCode != http.StatusTemporaryRedirect && resp.StatusCode != http.StatusPermanentRedirect {
		return nil
	}
	loc := resp.Header.Get("Location")
	if loc == "" || resp.Request == nil || resp.Request.URL == nil {
		return nil
	}
	from := resp.Request.URL
	to, err := from.Parse(loc)
	if err != nil || to.Host == "" || strings.EqualFold(to.Host, from.Host) {
		return nil
	}
	return &CrossHostRedirectError{From: from.Host, To: to.Host, StatusCode: resp.StatusCode}
}
