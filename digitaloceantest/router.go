package digitaloceantest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"
)

// route is one API operation: method, path pattern ("{name}" segments are
// parameters) and its handler, which runs with the state locked.
type route struct {
	method  string
	pattern []string
	op      string // the spec's operationId
	handle  func(c *call) reply
}

// call is one API request as a handler sees it.
type call struct {
	s      *Server
	r      *http.Request
	op     string
	params map[string]string
	body   []byte
	now    time.Time
}

// reply is a handler's answer: a JSON body (nil for an empty one).
type reply struct {
	status int
	body   any
}

func (c *call) param(name string) string { return c.params[name] }

func sprintf(format string, args ...any) string {
	if len(args) == 0 {
		return format
	}
	return fmt.Sprintf(format, args...)
}

func ok(body any) reply { return reply{status: http.StatusOK, body: body} }

// errorBody is the API's error object.
type errorBody struct {
	ID        string `json:"id"`
	Message   string `json:"message"`
	RequestID string `json:"request_id,omitempty"`
}

// apiError answers with the API's error object; the request id is added
// when the reply is written.
func apiError(status int, message string) reply {
	return reply{status: status, body: &errorBody{ID: errorID(status), Message: message}}
}

func notFound() reply {
	return apiError(http.StatusNotFound, "The resource you requested could not be found.")
}

func badRequest(format string, args ...any) reply {
	return apiError(http.StatusBadRequest, sprintf(format, args...))
}

func unprocessable(format string, args ...any) reply {
	return apiError(http.StatusUnprocessableEntity, sprintf(format, args...))
}

// errorID is the API's short identifier for an error status.
func errorID(status int) string {
	switch status {
	case http.StatusBadRequest:
		return "bad_request"
	case http.StatusUnauthorized:
		return "unauthorized"
	case http.StatusForbidden:
		return "forbidden"
	case http.StatusNotFound:
		return "not_found"
	case http.StatusMethodNotAllowed:
		return "method_not_allowed"
	case http.StatusConflict:
		return "conflict"
	case http.StatusUnsupportedMediaType:
		return "unsupported_media_type"
	case http.StatusUnprocessableEntity:
		return "unprocessable_entity"
	case http.StatusTooManyRequests:
		return "too_many_requests"
	case http.StatusServiceUnavailable:
		return "service_unavailable"
	case http.StatusBadGateway:
		return "bad_gateway"
	case http.StatusGatewayTimeout:
		return "gateway_timeout"
	}
	if status >= 500 {
		return "server_error"
	}
	return strings.ToLower(strings.ReplaceAll(http.StatusText(status), " ", "_"))
}

// match finds the route for a request path. It returns the route for the
// method, or nil and the methods the path allows.
func (s *Server) match(method, escapedPath string) (*route, map[string]string, []string) {
	segs := strings.Split(strings.TrimPrefix(escapedPath, "/"), "/")
	var allowed []string
	var best *route
	var bestParams map[string]string
	bestLiterals := -1
	for i := range s.routes {
		rt := &s.routes[i]
		params, literals, okPath := matchSegments(rt.pattern, segs)
		if !okPath {
			continue
		}
		if rt.method != method {
			allowed = append(allowed, rt.method)
			continue
		}
		// The most literal pattern wins: /v2/apps/regions over /v2/apps/{id}.
		if literals > bestLiterals {
			best, bestParams, bestLiterals = rt, params, literals
		}
	}
	if best != nil {
		return best, bestParams, nil
	}
	sort.Strings(allowed)
	return nil, nil, allowed
}

func matchSegments(pattern, segs []string) (map[string]string, int, bool) {
	if len(pattern) != len(segs) {
		return nil, 0, false
	}
	params := map[string]string{}
	literals := 0
	for i, p := range pattern {
		if strings.HasPrefix(p, "{") {
			v, err := url.PathUnescape(segs[i])
			if err != nil {
				return nil, 0, false
			}
			params[p[1:len(p)-1]] = v
			continue
		}
		if p != segs[i] {
			return nil, 0, false
		}
		literals++
	}
	return params, literals, true
}

// apiHandler serves the API host: faults, authentication, rate limits, then
// the operation.
func (s *Server) apiHandler() http.Handler {
	s.routes = apiRoutes()
	return http.HandlerFunc(s.serveAPI)
}

func (s *Server) serveAPI(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(io.LimitReader(r.Body, 8<<20))
	if err != nil {
		return // the client went away
	}
	requestID := s.newRequestID()
	w.Header().Set("X-Request-Id", requestID)
	rt, params, allowed := s.match(r.Method, r.URL.EscapedPath())
	op := ""
	if rt != nil {
		op = rt.op
	}
	rec := Request{Method: r.Method, Path: r.URL.Path, Query: r.URL.Query(), Operation: op, Body: body,
		Header: r.Header.Clone(), RequestID: requestID}
	rec.Header.Del("Authorization")

	fault, hasFault := s.takeFault(r.Method, r.URL.Path, op)
	if hasFault && !fault.Applied {
		s.writeFault(w, r, fault, &rec)
		return
	}

	result := s.dispatchLocked(w, r, rt, params, allowed, body)

	if hasFault { // applied, then failed: the caller cannot know it worked
		s.writeFault(w, r, fault, &rec)
		return
	}
	rec.Status = result.status
	s.record(rec)
	s.writeReply(w, requestID, result)
}

// dispatchLocked runs dispatch with s.mu held. A handler that panics
// answers 500 naming the panic and leaves the state unlocked, so that a
// test fails instead of hanging on the next request.
func (s *Server) dispatchLocked(w http.ResponseWriter, r *http.Request, rt *route, params map[string]string, allowed []string, body []byte) (result reply) {
	s.mu.Lock()
	defer s.mu.Unlock()
	defer func() {
		if p := recover(); p != nil {
			result = apiError(http.StatusInternalServerError, fmt.Sprintf("digitaloceantest: the handler of %s %s panicked: %v", r.Method, r.URL.Path, p))
		}
	}()
	return s.dispatch(w, r, rt, params, allowed, body)
}

// dispatch authenticates, applies the rate limit and runs the route. s.mu
// is held.
func (s *Server) dispatch(w http.ResponseWriter, r *http.Request, rt *route, params map[string]string, allowed []string, body []byte) reply {
	s.settleLocked()
	rate := s.state.rate.take(time.Now())
	rate.setHeaders(w.Header())
	if !s.authorized(r) {
		return apiError(http.StatusUnauthorized, "Unable to authenticate you")
	}
	if rate.limited {
		return apiError(http.StatusTooManyRequests, "API rate limit exceeded.")
	}
	if rt == nil {
		if len(allowed) > 0 {
			return reply{status: http.StatusMethodNotAllowed, body: &errorBody{ID: "method_not_allowed",
				Message: "Method " + r.Method + " is not allowed here; use " + strings.Join(allowed, ", ") + "."}}
		}
		return notFound()
	}
	if len(body) > 0 || r.Method == http.MethodPost || r.Method == http.MethodPut {
		if ct := r.Header.Get("Content-Type"); len(body) > 0 && !isJSONType(ct) {
			return apiError(http.StatusUnsupportedMediaType, "Content-Type must be application/json, got "+quoteOrEmpty(ct)+".")
		}
	}
	// Every query and body is judged by the operation's parameters and
	// schema in the documents before its handler runs, so routes added
	// later are covered too.
	if bad := validateParameters(rt.op, r.URL.Query(), params); bad != nil {
		return *bad
	}
	if bad := validateRequest(rt.op, body); bad != nil {
		return *bad
	}
	c := &call{s: s, r: r, op: rt.op, params: params, body: body, now: s.nowLocked()}
	return rt.handle(c)
}

func isJSONType(ct string) bool {
	mt, _, _ := strings.Cut(ct, ";")
	return strings.EqualFold(strings.TrimSpace(mt), "application/json")
}

func quoteOrEmpty(s string) string {
	if s == "" {
		return "nothing"
	}
	return `"` + s + `"`
}

// authorized reports whether the request carries the fake's bearer token.
func (s *Server) authorized(r *http.Request) bool {
	scheme, token, found := strings.Cut(r.Header.Get("Authorization"), " ")
	return found && strings.EqualFold(scheme, "Bearer") && token == s.cfg.token
}

func (s *Server) writeReply(w http.ResponseWriter, requestID string, result reply) {
	if e, isErr := result.body.(*errorBody); isErr {
		e.RequestID = requestID
	}
	if result.body == nil {
		w.WriteHeader(result.status)
		return
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(result.body); err != nil {
		http.Error(w, `{"id":"server_error","message":"digitaloceantest: cannot encode the response"}`, http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Content-Length", strconv.Itoa(buf.Len()))
	w.WriteHeader(result.status)
	_, _ = w.Write(buf.Bytes())
}
