package digitalocean

import (
	"context"
	"errors"
	"regexp"
	"strconv"
)

// AppNotFoundError is returned by Apps.Find when no app has the given ID
// or name. It matches ErrNotFound and wraps the API's *Error.
type AppNotFoundError struct {
	// NameOrID is what was looked up.
	NameOrID string
	// ByID reports whether it was looked up as an app ID (it looks like
	// one) rather than as a name.
	ByID bool
	// Err is the API's answer, an *Error with status 404.
	Err error
}

func (e *AppNotFoundError) Error() string {
	what := "named"
	if e.ByID {
		what = "with ID"
	}
	return "digitalocean: no app " + what + " " + strconv.Quote(e.NameOrID)
}

// Unwrap returns the API's error.
func (e *AppNotFoundError) Unwrap() error { return e.Err }

// Is reports whether target is ErrNotFound.
func (e *AppNotFoundError) Is(target error) bool { return target == ErrNotFound }

// appIDPattern matches an app ID: a UUID, in either case.
var appIDPattern = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)

// Find returns the app named by nameOrID: an app ID (a UUID) is looked up
// by ID, anything else by name, in one request. No app name looks like an
// ID (names are at most 32 characters, an ID is 36), so a UUID that is not
// found is not tried as a name. An app that does not exist gives an
// *AppNotFoundError, which matches ErrNotFound; other errors are as Get
// and GetByName return them. This is what a provider's import by ID or
// name needs.
//
// API: https://docs.digitalocean.com/reference/api/digitalocean/#tag/Apps/operation/apps_get
func (s *AppsService) Find(ctx context.Context, nameOrID string) (*App, *Response, error) {
	if err := requireID("nameOrID", nameOrID); err != nil {
		return nil, nil, err
	}
	byID := appIDPattern.MatchString(nameOrID)
	var (
		app  *App
		resp *Response
		err  error
	)
	if byID {
		app, resp, err = s.Get(ctx, nameOrID)
	} else {
		app, resp, err = s.GetByName(ctx, nameOrID)
	}
	var apiErr *Error
	if errors.As(err, &apiErr) && errors.Is(apiErr, ErrNotFound) {
		return nil, resp, &AppNotFoundError{NameOrID: nameOrID, ByID: byID, Err: err}
	}
	return app, resp, err
}
