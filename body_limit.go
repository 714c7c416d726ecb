package digitalocean

import (
	"fmt"
	"io"
	"net/http"
)

// DefaultMaxResponseBody is the largest successful response body the
// client decodes unless WithMaxResponseBody says otherwise. The largest
// real responses (a page of 200 apps with full specs) are about 1.2 MB.
const DefaultMaxResponseBody = 64 << 20

// WithMaxResponseBody caps the size of a successful (2xx) response body
// the client reads and decodes; a larger one fails the call with a
// *DecodeError wrapping a *ResponseTooLargeError, instead of allocating
// without bound (or until the deadline, for a body that never ends).
// Error bodies are read up to 64 KiB whatever this says.
func WithMaxResponseBody(bytes int64) Option {
	return func(c *config) error {
		if bytes <= 0 {
			return &ArgumentError{Name: "WithMaxResponseBody", Reason: "the limit must be positive"}
		}
		c.maxResponseBody = bytes
		return nil
	}
}

// ResponseTooLargeError is a successful response body longer than the
// client's limit (DefaultMaxResponseBody, or WithMaxResponseBody's).
type ResponseTooLargeError struct {
	// Limit is the cap, in bytes, that the body went past.
	Limit int64
}

func (e *ResponseTooLargeError) Error() string {
	return fmt.Sprintf("response body larger than the limit of %s (WithMaxResponseBody)", byteSize(e.Limit))
}

// byteSize prints n in the largest binary unit that divides it.
func byteSize(n int64) string {
	for _, u := range []struct {
		name string
		size int64
	}{{"GiB", 1 << 30}, {"MiB", 1 << 20}, {"KiB", 1 << 10}} {
		if n >= u.size && n%u.size == 0 {
			return fmt.Sprintf("%d %s", n/u.size, u.name)
		}
	}
	return fmt.Sprintf("%d bytes", n)
}

// cappedBody reads at most limit bytes of a response body; a body that
// goes on past it fails the read with a *ResponseTooLargeError.
type cappedBody struct {
	body  io.ReadCloser
	left  int64 // bytes still allowed
	limit int64
}

// capBody wraps body so that reading it stops at limit bytes.
func capBody(body io.ReadCloser, limit int64) io.ReadCloser {
	if body == nil || body == http.NoBody {
		return body
	}
	return &cappedBody{body: body, left: limit, limit: limit}
}

func (b *cappedBody) Read(p []byte) (int, error) {
	if b.left <= 0 {
		// At the limit: a body that ends here fits, one more byte does not.
		var probe [1]byte
		n, err := b.body.Read(probe[:])
		if n > 0 {
			return 0, &ResponseTooLargeError{Limit: b.limit}
		}
		return 0, err
	}
	if int64(len(p)) > b.left {
		p = p[:b.left]
	}
	n, err := b.body.Read(p)
	b.left -= int64(n)
	return n, err
}

func (b *cappedBody) Close() error { return b.body.Close() }
