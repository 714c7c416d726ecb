package digitalocean

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A log or console host that quotes the URL's signature or token in its
// error body, as S3's SignatureDoesNotMatch does, does not get it into the
// returned error: not its text, its fields or %+v.
func TestPresignedErrorBodyDoesNotLeakQuery(t *testing.T) {
	const signature = "SIGNATURE-0123456789abcdef"
	const token = "console-token-0123456789"
	for _, body := range []struct{ name, contentType, format string }{
		{"xml", "application/xml", "<Error><Code>SignatureDoesNotMatch</Code><SignatureProvided>%s</SignatureProvided><Token>%s</Token></Error>"},
		{"json", "application/json", `{"id":"forbidden %s","message":"bad signature %s","request_id":"%[1]s"}`},
	} {
		t.Run(body.name, func(t *testing.T) {
			ls := newLogServer(t, false, func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", body.contentType)
				w.WriteHeader(http.StatusForbidden)
				q := r.URL.Query()
				fmt.Fprintf(w, body.format, q.Get("X-Amz-Signature"), q.Get("token"))
			})
			c := newLogTestClient(t, ls)
			query := "?X-Amz-Signature=" + signature + "&token=" + token
			_, download := c.Apps.DownloadLogs(t.Context(), ls.URL+"/archive.log"+query)
			_, stream := drainLogStream(c, ls.URL+"/live"+query)
			_, console := c.Apps.DialConsole(t.Context(), "ws"+strings.TrimPrefix(ls.URL, "http")+"/v1/exec/web"+query, nil)
			for _, err := range []error{download, stream, console} {
				var apiErr *Error
				require.ErrorAs(t, err, &apiErr)
				assert.Equal(t, http.StatusForbidden, apiErr.StatusCode)
				assert.Contains(t, err.Error(), "REDACTED", "sanity: the body made it into the error")
				for _, text := range []string{err.Error(), fmt.Sprintf("%+v", err), apiErr.ID, apiErr.Message, apiErr.RequestID} {
					assert.NotContains(t, text, signature)
					assert.NotContains(t, text, token)
				}
			}
		})
	}
}
