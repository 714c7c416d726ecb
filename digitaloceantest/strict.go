package digitaloceantest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"

	"github.com/oceankit/digitalocean/internal/apischema"
)

// validateRequest checks a request body against the operation's request
// schema in the OpenAPI documents (the generated table of
// internal/apischema), before any handler runs, the way the API does:
//
//   - malformed JSON and unknown keys: 400 bad_request;
//   - a problem inside the app spec of apps_create, apps_update or
//     apps_validate_appSpec: 400 invalid_argument, first problem only, in
//     the live API's words (live-api-behaviour.md, section d);
//   - any other missing required key, type, enum, pattern, length or range
//     problem: 422 unprocessable_entity, every problem listed.
//
// It judges the SDK by the documents, never by the SDK's own Go types.
func validateRequest(op string, body []byte) *reply {
	o, known := apischema.OperationFor(op)
	if !known || o.Body == nil || len(bytes.TrimSpace(body)) == 0 {
		// A missing body is the handler's call (decodeStrict): several
		// operations take an optional one.
		return nil
	}
	v, err := apischema.Decode(body)
	switch {
	case errors.Is(err, apischema.ErrTrailingData):
		r := badRequest("The request body must hold one JSON object, with nothing after it.")
		return &r
	case err != nil:
		r := badRequest("The request body is not valid: %s.", jsonProblem(err))
		return &r
	}
	problems := apischema.Validate(v, o.Body, apischema.Options{RefuseUnknown: true, SkipReadOnly: true})
	if len(problems) == 0 {
		return nil
	}
	var unknown, inSpec, other []apischema.Problem
	for _, p := range problems {
		switch {
		case p.Kind == apischema.Unknown:
			unknown = append(unknown, p)
		case appSpecOperations[op] && strings.HasPrefix(p.Path, "spec."):
			inSpec = append(inSpec, p)
		default:
			other = append(other, p)
		}
	}
	switch {
	case len(unknown) > 0:
		names := make([]string, len(unknown))
		for i, p := range unknown {
			names[i] = fmt.Sprintf("%q", p.Path)
		}
		r := badRequest("unknown field %s", strings.Join(names, ", "))
		return &r
	case len(other) > 0:
		msgs := make([]string, len(other))
		for i, p := range other {
			msgs[i] = p.String()
		}
		r := unprocessable("%s", strings.Join(msgs, "; "))
		return &r
	default:
		r := invalidAppSpec(inSpec[0].Path, inSpec[0].Message)
		return &r
	}
}

// validateParameters checks a request's path and query parameters against
// the operation's parameters in the OpenAPI documents (with
// live-api-overlay.yaml's x-parameter-additions), before any handler runs:
//
//   - a path parameter of the wrong type or range (an action id that is
//     not a positive integer): 404 not_found, as the path names nothing;
//   - a query key the operation does not define, a missing required one,
//     a value of the wrong type, outside the enum or the range: 400
//     bad_request naming the parameter, every problem listed (the live
//     API's gRPC gateway answers an unparsable query with 400).
//
// Handlers then read values the documents allow, never checking them
// against the SDK's enum constants.
func validateParameters(op string, query url.Values, path map[string]string) *reply {
	o, known := apischema.OperationFor(op)
	if !known {
		return nil
	}
	if len(apischema.ValidatePath(o, path)) > 0 {
		r := notFound()
		return &r
	}
	problems := apischema.ValidateQuery(o, query)
	if len(problems) == 0 {
		return nil
	}
	msgs := make([]string, len(problems))
	for i, p := range problems {
		if p.Kind == apischema.Unknown {
			msgs[i] = fmt.Sprintf("unknown query parameter %q", p.Path)
			continue
		}
		msgs[i] = "query parameter " + p.String()
	}
	r := badRequest("%s.", strings.Join(msgs, "; "))
	return &r
}

// appSpecOperations take an app spec and answer its problems as the live
// API does.
var appSpecOperations = map[string]bool{
	"apps_create":           true,
	"apps_update":           true,
	"apps_validate_appSpec": true,
}

var arrayIndex = regexp.MustCompile(`\[\d+\]`)

// invalidAppSpec is the live API's answer to a spec problem: 400,
// invalid_argument, the field as a dotted path from the spec without array
// indexes (live-api-behaviour.md, section d; the id is the choice the
// facts file suggests for a gRPC-backed product).
func invalidAppSpec(path, problem string) reply {
	field := arrayIndex.ReplaceAllString(strings.TrimPrefix(path, "spec."), "")
	return reply{status: http.StatusBadRequest, body: &errorBody{ID: "invalid_argument",
		Message: fmt.Sprintf("error validating app spec field %q: %s", field, problem)}}
}

// decodeStrict decodes a request body into v (a pointer to one of the
// SDK's request types) for a handler. The body has already passed
// validateRequest against the documents; what is left is the handler's
// own rule on an empty body and a body the Go type cannot hold.
func decodeStrict(body []byte, v any, required bool) *reply {
	if len(bytes.TrimSpace(body)) == 0 {
		if required {
			r := badRequest("The request body is required and must be a JSON object.")
			return &r
		}
		return nil
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	if err := dec.Decode(v); err != nil {
		r := badRequest("The request body is not valid: %s.", jsonProblem(err))
		return &r
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		r := badRequest("The request body must hold one JSON object, with nothing after it.")
		return &r
	}
	return nil
}

// jsonProblem words a decoding error without Go type names where it can.
func jsonProblem(err error) string {
	var typeErr *json.UnmarshalTypeError
	if errors.As(err, &typeErr) {
		where := typeErr.Field
		if where == "" {
			where = "the body"
		}
		return fmt.Sprintf("%s must not be a JSON %s", where, typeErr.Value)
	}
	var syntaxErr *json.SyntaxError
	if errors.As(err, &syntaxErr) {
		return fmt.Sprintf("malformed JSON at byte %d: %v", syntaxErr.Offset, syntaxErr)
	}
	if errors.Is(err, io.ErrUnexpectedEOF) {
		return "malformed JSON: unexpected end of the body"
	}
	return strings.TrimPrefix(err.Error(), "json: ")
}
