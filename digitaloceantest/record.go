package digitaloceantest

import (
	"net/http"
	"net/url"
)

// Request is an API request the fake received.
type Request struct {
	Method string
	// Path is the unescaped URL path, such as "/v2/apps".
	Path  string
	Query url.Values
	// Operation is the spec's operationId; empty for unknown paths.
	Operation string
	// Header holds the request headers without Authorization.
	Header http.Header
	Body   []byte
	// Status is the status answered; 0 when the connection was dropped or
	// the stream reset.
	Status    int
	RequestID string
}

// LogRequest is a request to the log host.
type LogRequest struct {
	Path string
	// HadAuthorization is true when the request carried an Authorization
	// header, which a pre-signed URL must never get.
	HadAuthorization bool
	Status           int
}

func (s *Server) record(r Request) {
	s.mu.Lock()
	s.state.requests = append(s.state.requests, r)
	s.mu.Unlock()
}

// Requests returns the API requests received so far, oldest first.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Request(nil), s.state.requests...)
}

// LogRequests returns the requests the log host received, oldest first.
func (s *Server) LogRequests() []LogRequest {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]LogRequest(nil), s.state.logRequests...)
}

// LogRequestsWithAuth counts the requests to the log host that carried an
// Authorization header. A client that leaks its API token to pre-signed
// log URLs makes it non-zero.
func (s *Server) LogRequestsWithAuth() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, r := range s.state.logRequests {
		if r.HadAuthorization {
			n++
		}
	}
	return n
}
