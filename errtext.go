package digitalocean

import (
	"net/http"
	"strings"
)

// causeText is err's text for use inside another error of this package's,
// which already starts with "digitalocean: ": the prefix is not repeated.
func causeText(err error) string {
	if err == nil {
		return "<nil>" // as %v prints it
	}
	return strings.TrimPrefix(err.Error(), "digitalocean: ")
}

// unfollowedCrossHostRedirect reports a redirect that net/http handed back
// instead of following (a POST or PATCH body it cannot rewind, a 307 or
// 308) when it points away from the host the request went to: the same
// *CrossHostRedirectError that a followed redirect of a GET or PUT gives.
func unfollowedCrossHostRedirect(resp *Response) error {
	if resp.Request == nil || resp.Request.URL == nil {
		return nil
	}
	loc := resp.Header.Get("Location")
	if loc == "" {
		return nil
	}
	from := resp.Request.URL
	to, err := from.Parse(loc)
	if err != nil || to.Host == "" || strings.EqualFold(to.Host, from.Host) {
		return nil
	}
	switch resp.StatusCode {
	case http.StatusMovedPermanently, http.StatusFound, http.StatusSeeOther, http.StatusTemporaryRedirect, http.StatusPermanentRedirect:
		return &CrossHostRedirectError{From: from.Host, To: to.Host, StatusCode: resp.StatusCode}
	}
	return nil
}
