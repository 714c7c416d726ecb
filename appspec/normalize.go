package appspec

import (
	"encoding/json"

	do "github.com/oceankit/digitalocean"
	"github.com/oceankit/digitalocean/internal/specmodel"
)

// Normalize returns a copy of spec with the changes applied that the
// live API makes to a spec it accepts on create or update, so that a desired
// spec and the spec the API returns compare equal when the API would change
// nothing. spec itself is not changed; Normalize(nil) is nil, and
// normalizing a normalized spec changes nothing.
//
// The rewrites, in order (numbers are the facts of section (a) of
// testdata/live-api-behaviour.md):
//
//   - a.12–a.14: each route of a service, static site or functions component
//     becomes a top-level ingress rule (match path prefix = the route's
//     path, component = the component and the route's preserve_path_prefix,
//     cors = the component's cors), appended after the ingress rules already
//     there, in component order; routes and cors leave the component. A
//     component's cors stays on it only when no rule was made for it.
//   - a.15, a.16: when no ingress rule and no route is left and exactly one
//     component can be routed to, one rule "/" → that component is added
//     (for a service or static site; a lone functions component gets none).
//     Internal-only services (no http_port, some internal_ports) cannot be
//     routed to. With several routable components no rule is made.
//   - a.18: a service without http_port gets 8080, unless it is internal-only.
//   - a.9, a.10: env type GENERAL reads back absent.
//
// Left as given, as the API does or as far as anyone knows: instance_count
// (a.19), instance_size_slug and region (a.20), legacy size slugs (a.21),
// features, domains and image.deploy_on_push (a.22), jobs[].kind (a.23).
// Values of SECRET env vars and image.registry_credentials are left
// untouched: the API encrypts them (a.1–a.5), which no client can do, so a
// plaintext and the API's EV[...] ciphertext of it still differ after
// normalizing both.
func Normalize(spec *do.AppSpec) *do.AppSpec {
	if spec == nil {
		return nil
	}
	tree, err := specmodel.TreeOf(spec)
	if err != nil {
		// Only invalid JSON planted in unknown keys can get here, and
		// decoding never keeps any; Clone panics on it as well.
		panic("digitalocean: appspec.Normalize: " + err.Error())
	}
	specmodel.Normalize(tree)
	raw, err := json.Marshal(tree)
	if err != nil {
		panic("digitalocean: appspec.Normalize: " + err.Error()) // plain JSON values always encode
	}
	out := new(do.AppSpec)
	if err := json.Unmarshal(raw, out); err != nil {
		panic("digitalocean: appspec.Normalize: " + err.Error())
	}
	return out
}
