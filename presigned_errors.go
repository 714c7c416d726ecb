package digitalocean

import (
	"errors"
	"net/http"
	"net/url"
	"time"
)

// presignedAPIError is the *Error of a non-2xx answer to a GET of a
// pre-signed log or console URL. The URL's query is its credential, and a
// host may quote it in its error body (S3's SignatureDoesNotMatch names the
// signature it got): what the body gave the error is scrubbed of the
// query's values, as the error's Path leaves the query out.
func presignedAPIError(u *url.URL, resp *http.Response) *Error {
	e := newAPIError(http.MethodGet, redactedURL(u), newResponse(resp, time.Now()), 1)
	scrub := func(s string) string {
		if s == "" {
			return s
		}
		return withoutQuery(errors.New(s), u).Error()
	}
	e.ID, e.Message, e.RequestID = scrub(e.ID), scrub(e.Message), scrub(e.RequestID)
	return e
}
