package digitalocean

// The App Platform types in apps_types.gen.go and their response envelopes
// in apps_envelopes.gen.go are generated from the OpenAPI spec and the
// live-API operations in testdata and the live-API field overlay of
// internal/specgen.
//go:generate go run ./internal/specgen

// The request schema table of internal/apischema (used by the fake server and
// AppSpec.Validate) is generated from the same documents.
//go:generate go run ./internal/schemagen
