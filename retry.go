package digitalocean

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"reflect"
	"strings"
	"time"
)

// RetryPolicy controls automatic retries. DefaultRetryPolicy is used
// unless WithRetry says otherwise, or WithRetryPolicy for one call;
// RetryPolicy{} turns retries off.
//
// Whether an attempt is sent again depends on what the operation does, not
// on its HTTP method (docs/retries.md has the table of all operations).
// Reads, and writes that converge (Delete, the cancels), are retried on
// 429, 500, 502, 503, 504 and on network failures such as a reset
// connection, an HTTP/2 stream reset or an http.Client or response-header
// timeout (not the caller's own context ending). A write that acts anew
// (Create, Update, CreateDeployment, Restart, ...) is re-sent only when it
// certainly never reached the server (a dial, DNS or TLS handshake
// failure) or was refused unprocessed (429, an HTTP/2 REFUSED_STREAM): the API has no idempotency keys, so
// such a write that may have been applied is never sent twice, by this
// loop or by the transport, and its error matches ErrOutcomeUnknown.
// Apps.Create, Apps.Update and the writes that start a deployment then
// read back instead (unless NoRecovery): an applied call succeeds with
// Response.Recovered, and one the read shows was not applied is sent once
// more (docs/retries.md, "Recovery").
//
// Waits use exponential backoff with full jitter; a retry-after header, or
// on a 429 without one the ratelimit-reset header, sets the wait instead.
type RetryPolicy struct {
	// MaxAttempts is the most times one request is sent; 0 or 1 means no
	// retries.
	MaxAttempts int
	// BaseDelay is the first backoff ceiling; it doubles each attempt.
	// Zero means 250ms.
	BaseDelay time.Duration
	// MaxDelay caps one backoff; a longer wait the server asks for is still
	// honoured, within MaxWait. Zero means 30s.
	MaxDelay time.Duration
	// MaxWait caps the total time spent waiting between attempts of one
	// request. Zero means 2 minutes.
	MaxWait time.Duration
	// NoRecovery turns off reading back after a write that may have been
	// applied (docs/retries.md: an Apps.Create looked up by name, the
	// deployment an Apps.Update or Restart started, a cancel's object,
	// ...), and the read a write that starts a deployment makes before
	// sending: the call then fails with ErrOutcomeUnknown at once.
	NoRecovery bool
}

// DefaultRetryPolicy returns 5 attempts, backoff from 250ms doubling up to
// 30s, at most 2 minutes of waiting in all.
func DefaultRetryPolicy() RetryPolicy {
	return RetryPolicy{MaxAttempts: 5, BaseDelay: 250 * time.Millisecond, MaxDelay: 30 * time.Second, MaxWait: 2 * time.Minute}
}

// WithRetry sets the retry policy; RetryPolicy{} turns retries off.
func WithRetry(p RetryPolicy) Option {
	return func(c *config) error {
		if err := p.validate(); err != nil {
			return err
		}
		c.retry = &p
		return nil
	}
}

func (p RetryPolicy) validate() error {
	if p.MaxAttempts < 0 || p.BaseDelay < 0 || p.MaxDelay < 0 || p.MaxWait < 0 {
		return &ArgumentError{Name: "RetryPolicy", Reason: "fields must not be negative"}
	}
	return nil
}

// retryPolicyKey is the context key of WithRetryPolicy.
type retryPolicyKey struct{}

// WithRetryPolicy returns a copy of ctx under which calls use p instead of
// the client's retry policy: no retries for one call (RetryPolicy{}),
// another MaxWait, no recovery (NoRecovery). Every request made with the
// context uses it, the polls of a Wait… method included.
//
// It is a context value, as httptrace.WithClientTrace is, because every
// method already takes a context and the policy belongs to the call, not
// to the client: a call option would add a variadic parameter to every
// method, and a second client would split the rate-limit state the
// client's calls share. A policy with a negative field fails the call
// with an *ArgumentError before anything is sent.
func WithRetryPolicy(ctx context.Context, p RetryPolicy) context.Context {
	return context.WithValue(ctx, retryPolicyKey{}, p)
}

// retryPolicy is the policy of a call made with ctx, defaults filled in.
func (c *Client) retryPolicy(ctx context.Context) (RetryPolicy, error) {
	p, ok := ctx.Value(retryPolicyKey{}).(RetryPolicy)
	if !ok {
		return c.retry.withDefaults(), nil
	}
	if err := p.validate(); err != nil {
		return RetryPolicy{}, err
	}
	return p.withDefaults(), nil
}

// withDefaults fills zero durations from DefaultRetryPolicy.
func (p RetryPolicy) withDefaults() RetryPolicy {
	d := DefaultRetryPolicy()
	if p.BaseDelay == 0 {
		p.BaseDelay = d.BaseDelay
	}
	if p.MaxDelay == 0 {
		p.MaxDelay = d.MaxDelay
	}
	if p.MaxWait == 0 {
		p.MaxWait = d.MaxWait
	}
	return p
}

func retryableStatus(code int) bool {
	switch code {
	case http.StatusTooManyRequests, http.StatusInternalServerError, http.StatusBadGateway,
		http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return true
	}
	return false
}

// retryDecision is what the policy makes of one failed attempt.
type retryDecision struct {
	retry bool
	delay time.Duration
	// giveUp explains a stop the caller could change (MaxWait); empty when
	// the error is final or the attempts ran out.
	giveUp string
}

// next decides whether attempt's failure is retried and after what delay.
// p must have its defaults filled in.
func (p RetryPolicy) next(op *operation, resp *Response, err error, attempt int, waited time.Duration, now time.Time) retryDecision {
	if attempt >= p.MaxAttempts {
		return retryDecision{}
	}
	var apiErr *Error
	var reqErr *RequestError
	var rate Rate
	switch {
	case errors.As(err, &apiErr):
		if !retryableStatus(apiErr.StatusCode) {
			return retryDecision{}
		}
		if apiErr.StatusCode != http.StatusTooManyRequests && !op.resend() {
			return retryDecision{} // a write that got a 5xx may have been applied
		}
		if resp != nil {
			rate = resp.Rate
		}
	case errors.As(err, &reqErr):
		if reqErr.ctxEnded || !transientNetworkError(reqErr.Err) || !(op.resend() || reqErr.NotSent) {
			return retryDecision{}
		}
	default:
		return retryDecision{} // decode errors and the like: the response arrived
	}
	delay := p.backoff(attempt)
	if server := serverDelay(apiErr, rate, now); server > 0 {
		// Honour the server's wait, plus a little jitter so that clients
		// told the same instant don't all come back at once.
		delay = server + serverWaitJitter(server, p.BaseDelay)
	}
	if waited+delay > p.MaxWait {
		return retryDecision{giveUp: fmt.Sprintf("waiting %s more would pass RetryPolicy.MaxWait (%s)", delay.Round(time.Millisecond), p.MaxWait)}
	}
	return retryDecision{retry: true, delay: delay}
}

// serverWaitJitter is added to a wait the server set (retry-after,
// ratelimit-reset): uniform in [0, min(base, wait/10)], so that requests
// released at one instant spread out without coming back much later.
func serverWaitJitter(wait, base time.Duration) time.Duration {
	return rand.N(min(base, wait/10) + 1)
}

// backoff is exponential with full jitter: uniform in [0, min(MaxDelay,
// BaseDelay*2^(attempt-1))].
func (p RetryPolicy) backoff(attempt int) time.Duration {
	ceiling := p.BaseDelay << min(attempt-1, 30)
	if ceiling <= 0 || ceiling > p.MaxDelay {
		ceiling = p.MaxDelay
	}
	if ceiling <= 0 {
		return 0
	}
	return rand.N(ceiling + 1)
}

// serverDelay is the wait the server asked for: retry-after, or on a 429
// without it, the time until ratelimit-reset.
func serverDelay(apiErr *Error, rate Rate, now time.Time) time.Duration {
	if apiErr == nil {
		return 0
	}
	if rate.RetryAfter > 0 {
		return rate.RetryAfter
	}
	if apiErr.StatusCode == http.StatusTooManyRequests && rate.Reset.After(now) {
		return min(rate.Reset.Sub(now), maxRetryAfter)
	}
	return 0
}

// transientNetworkError reports whether a failure to get a response may
// go away on its own: resets, refused or timed-out connections, EOFs, an
// http.Client.Timeout or Transport.ResponseHeaderTimeout (these match
// context.DeadlineExceeded; the caller's own context ending is told apart
// before, by RequestError.ctxEnded). A cancellation, a failing token
// source, an untrusted certificate, an unknown host or a refused redirect
// will not.
func transientNetworkError(err error) bool {
	if errors.Is(err, context.Canceled) {
		return false
	}
	var tokenErr *TokenError
	var certErr *tls.CertificateVerificationError
	var authorityErr x509.UnknownAuthorityError
	var hostErr x509.HostnameError
	var recordErr tls.RecordHeaderError
	var dnsErr *net.DNSError
	switch {
	case errors.As(err, &tokenErr), errors.As(err, &certErr), errors.As(err, &authorityErr),
		errors.As(err, &hostErr), errors.As(err, &recordErr):
		return false
	case errors.As(err, &dnsErr):
		return !dnsErr.IsNotFound
	case errors.Is(err, context.DeadlineExceeded):
		return true // a timeout of this attempt: the caller's context is alive
	}
	var netErr net.Error
	return errors.As(err, &netErr) || errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) || isStreamError(err)
}

// isStreamError reports an HTTP/2 stream reset (RST_STREAM) or a lost
// HTTP/2 connection. Go 1.26's transport replays some of these by itself
// and Go 1.27's does not; the loop retries them the same on both, for the
// operations that may be re-sent.
//
// net/http's HTTP/2 types are unexported (Go 1.26) or internal (1.27).
// Its StreamError is found by errors.As all the same (see h2StreamError);
// its GoAwayError has no such method, so it is told by its type name. When
// the transport cannot rewind a body to replay a request after a stream
// error, it reports the stream error as text inside its own error, which
// is told by that text.
func isStreamError(err error) bool {
	var streamErr h2StreamError
	if errors.As(err, &streamErr) {
		return true
	}
	for e := err; e != nil; {
		switch reflect.TypeOf(e).Name() {
		case "GoAwayError", "http2GoAwayError":
			return true
		}
		switch u := e.(type) {
		case interface{ Unwrap() error }:
			e = u.Unwrap()
		default:
			e = nil
		}
	}
	msg := err.Error()
	return strings.Contains(msg, unrewindableStreamError) || strings.Contains(msg, "http2: server sent GOAWAY")
}

// unrewindableStreamError starts net/http's text for a stream error after
// which it could not replay the request, the body being written and not
// rewindable: "http2: Transport: cannot retry err [stream error: stream ID
// 3; REFUSED_STREAM; received from peer] after Request.Body was written".
const unrewindableStreamError = "cannot retry err [stream error: "

// h2StreamError has the fields of net/http's HTTP/2 StreamError (and of
// golang.org/x/net/http2.StreamError). That type's As method copies it into
// any struct with the same field names and convertible types, which lets
// errors.As find it although net/http does not export it.
type h2StreamError struct {
	StreamID uint32
	Code     uint32 // an HTTP/2 error code (RFC 9113, section 7)
	Cause    error
}

func (e h2StreamError) Error() string {
	return fmt.Sprintf("stream error: stream ID %d; error code %#x", e.StreamID, e.Code)
}

// h2RefusedStream is the HTTP/2 error code REFUSED_STREAM.
const h2RefusedStream = 0x7

// refusedStream reports an HTTP/2 stream the server reset with
// REFUSED_STREAM, which says it closed the stream before any processing
// (RFC 9113, section 8.7): the request was not applied, and may be sent
// again whatever it does. net/http replays such a request by itself only
// when it can rewind the body; otherwise it reports the stream error as
// text (unrewindableStreamError).
func refusedStream(err error) bool {
	var streamErr h2StreamError
	if errors.As(err, &streamErr) {
		return streamErr.Code == h2RefusedStream
	}
	msg := err.Error()
	_, rest, found := strings.Cut(msg, unrewindableStreamError)
	if !found {
		return false
	}
	inner, _, closed := strings.Cut(rest, "]")
	return closed && strings.Contains(inner, "; REFUSED_STREAM")
}

// neverReachedServer reports whether a transport error certainly happened
// before the server could see the request: a failing token source (the
// token is fetched before sending), a dial, DNS or certificate failure, a
// TLS handshake the server refused or that timed out, and a proxy that
// would not connect.
func neverReachedServer(err error) bool {
	var (
		tokenErr *TokenError
		dnsErr   *net.DNSError
		certErr  *tls.CertificateVerificationError
		alert    tls.AlertError
		opErr    *net.OpError
	)
	switch {
	case errors.As(err, &tokenErr), errors.As(err, &dnsErr), errors.As(err, &certErr), errors.As(err, &alert):
		return true
	case errors.As(err, &opErr) && (opErr.Op == "dial" || opErr.Op == "proxyconnect"):
		return true
	}
	// net/http's handshake timeout has no exported type.
	return strings.Contains(err.Error(), "TLS handshake timeout")
}
