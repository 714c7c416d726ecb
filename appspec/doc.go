// Package appspec is the App Platform app-spec toolkit of the
// github.com/oceankit/digitalocean SDK: app spec files and deploy
// templates (Load, Parse, LoadDeployTemplate, ParseDeployTemplate,
// Marshal, MarshalDeployTemplate), offline validation (Validate), the
// rewrites the live API makes to a stored spec (Normalize) and semantic
// differences between two specs (Diff, HasChanges).
//
// The spec types (digitalocean.AppSpec and its parts) are the API's and
// stay in the SDK's root package, with the methods that must be theirs:
// Clone, UnknownFields, Components and the YAML methods, which read and
// write the format this package does. Problems are reported as an Errors
// of *Error values, whatever found them.
//
// A provider plans an update by comparing the spec the API returns with
// the desired spec normalised:
//
//	changes := appspec.Diff(app.Spec, appspec.Normalize(desired))
//	if appspec.HasChanges(changes) { ... }
//
// See docs/appspec-files.md, docs/validation.md and docs/providers.md.
package appspec
