package digitalocean

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// endlessBody is a 200 body that does not end, as far as a client with a
// cap of less than guard bytes can tell: a JSON array that keeps going.
// Past guard it fails, so that a client without a cap fails the test
// instead of reading until memory runs out.
type endlessBody struct{ read, guard int64 }

var errEndlessGuard = errors.New("endless body: read past the guard")

var endlessChunk = []byte("[" + strings.Repeat("1,", 32<<10))

func (b *endlessBody) Read(p []byte) (int, error) {
	if b.read >= b.guard {
		return 0, errEndlessGuard
	}
	n := 0
	for n < len(p) {
		off := int(b.read % int64(len(endlessChunk)-1))
		if b.read > 0 {
			off++ // the "[" opens the array once
		}
		c := copy(p[n:], endlessChunk[off:])
		n += c
		b.read += int64(c)
	}
	return n, nil
}

func (b *endlessBody) Close() error { return nil }

func TestWithMaxResponseBodyValidates(t *testing.T) {
	for _, n := range []int64{0, -1} {
		_, err := New(WithToken("t"), WithMaxResponseBody(n))
		assert.ErrorIs(t, err, ErrInvalidArgument, "limit %d", n)
	}
	c, err := New(WithToken("t"))
	require.NoError(t, err)
	assert.Equal(t, int64(DefaultMaxResponseBody), c.maxResponseBody)
	assert.Equal(t, int64(64<<20), c.maxResponseBody, "the default is 64 MiB")
}

// A body of exactly the limit decodes; one byte more fails with an error
// that names the limit, and is not retried.
func TestResponseBodyCapIsExact(t *testing.T) {
	limit := int64(len(faultAccountJSON))
	for _, tc := range []struct {
		limit   int64
		wantErr bool
	}{{limit, false}, {limit - 1, true}} {
		rt := &faultRT{reply: faultOK}
		c, _ := faultClient(t, rt, WithMaxResponseBody(tc.limit))
		_, err := faultGet(context.Background(), c)
		if !tc.wantErr {
			require.NoError(t, err, "limit %d", tc.limit)
			continue
		}
		var tooLarge *ResponseTooLargeError
		require.ErrorAs(t, err, &tooLarge, "limit %d", tc.limit)
		assert.Equal(t, tc.limit, tooLarge.Limit)
		var decodeErr *DecodeError
		require.ErrorAs(t, err, &decodeErr)
		assert.Equal(t, http.StatusOK, decodeErr.StatusCode)
		assert.Contains(t, err.Error(), fmt.Sprintf("larger than the limit of %d bytes (WithMaxResponseBody)", tc.limit))
		assert.Len(t, rt.requests(), 1, "not retried")
	}
}

// At the limit the capped body ends (EOF) or fails (ResponseTooLargeError);
// it never answers a read with nothing and no error, which would spin its
// reader forever. The reads are counted, so a broken cap fails this test
// instead of hanging it.
func TestCappedBodyEndsAtTheLimit(t *testing.T) {
	const limit = 64
	for _, tc := range []struct {
		size    int
		wantErr error
	}{{limit - 1, io.EOF}, {limit, io.EOF}, {limit + 1, &ResponseTooLargeError{Limit: limit}}, {10 * limit, &ResponseTooLargeError{Limit: limit}}} {
		body := capBody(io.NopCloser(strings.NewReader(strings.Repeat("x", tc.size))), limit)
		buf := make([]byte, 16)
		read, err := 0, error(nil)
		for range 2 * limit { // a cap: each read returns at least one byte or an error
			var n int
			n, err = body.Read(buf)
			read += n
			if err != nil {
				break
			}
			require.NotZero(t, n, "size %d: a read with no bytes and no error, at %d bytes", tc.size, read)
		}
		assert.Equal(t, tc.wantErr, err, "size %d", tc.size)
		assert.Equal(t, min(tc.size, limit), read, "size %d", tc.size)
	}
}

// A 200 body that never ends stops at the cap, not at the deadline (the
// context here has none that the test would reach).
func TestEndlessResponseBodyStopsAtTheCap(t *testing.T) {
	// The default (64 MiB, checked above) works the same way; a smaller
	// cap keeps the test light.
	for _, limit := range []int64{1 << 20, 3 << 20} {
		body := &endlessBody{guard: 16 * limit}
		rt := &faultRT{reply: func(int, *http.Request) (*http.Response, error) {
			resp := faultResp(200, "")
			resp.Body, resp.ContentLength = body, -1
			resp.Header.Set("Content-Type", "application/json")
			return resp, nil
		}}
		c, _ := faultClient(t, rt, WithMaxResponseBody(limit))
		want := limit
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		_, err := faultGet(ctx, c)
		cancel()
		var tooLarge *ResponseTooLargeError
		require.ErrorAs(t, err, &tooLarge)
		assert.Equal(t, want, tooLarge.Limit)
		assert.False(t, errors.Is(err, context.DeadlineExceeded))
		assert.LessOrEqual(t, body.read, want+maxDrainedBody+1, "reading stopped at the cap")
		assert.Equal(t, 1, strings.Count(err.Error(), "digitalocean:"))
	}
	assert.Equal(t, "response body larger than the limit of 64 MiB (WithMaxResponseBody)", (&ResponseTooLargeError{Limit: 64 << 20}).Error())
}

var _ io.ReadCloser = (*endlessBody)(nil)
