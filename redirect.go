package digitalocean

import (
	"net/http"
	"strings"
)

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
