package appspec

import "github.com/oceankit/digitalocean/internal/specfile"

// Error is one problem in an app spec: a problem in a file (from Parse,
// Load and the deploy template functions, with Line and Column) or in a
// spec value (from Validate, Path only). Its fields are File, Line,
// Column, Path, Key, Suggestion and Msg; Error() reads
// "file:line:column: path: message". AppSpec's UnmarshalYAML reports the
// same type, which is why it is defined in an internal package.
type Error = specfile.Error

// Errors is every problem found in one app spec document, in document
// order: Parse, Load, the deploy template functions and Validate return
// one for any problem. errors.As with an *Error finds the first problem;
// errors.As with an Errors gets them all:
//
//	var problems appspec.Errors
//	if errors.As(err, &problems) {
//		for _, p := range problems { ... p.Line, p.Path, p.Msg ... }
//	}
//
// At most 50 problems are listed; when there were more, a 51st entry with
// no Line and no Path says how many were dropped.
type Errors = specfile.Errors
