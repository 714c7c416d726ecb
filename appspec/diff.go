package appspec

import (
	do "github.com/oceankit/digitalocean"
	"github.com/oceankit/digitalocean/internal/specmodel"
)

// Change is one semantic difference between two app specs, as Diff
// reports it. Its fields:
//   - Path locates the value (in the new spec for a component that moved
//     to another kind); OldPath is set only for such a component (a worker
//     that became a service, both named "api"), the change then being one
//     Modified change of the whole component;
//   - Kind is Added, Removed or Modified;
//   - Old and New are the values as compact JSON, zero-valued members left
//     out and object keys sorted; nil for the side where the value is
//     absent (or zero, which the API does not tell apart);
//   - Sensitive marks values that hold a secret (a SECRET environment
//     variable's value, registry credentials, an EV[...] ciphertext, or a
//     whole element that contains one). Old and New then hold the values
//     with each secret replaced by Masked, field by field; every output
//     of the change (String, fmt, encoding/json, log/slog) shows only
//     that, and Reveal is the one way to read the secrets;
//   - Undecidable marks a value that cannot be compared: an EV[...]
//     ciphertext on one side and a plaintext on the other. The API
//     encrypts with a fresh nonce every time, so whether the plaintext is
//     what was encrypted cannot be known without the key. Kind is then
//     Modified. HasChanges ignores these changes: re-sending the plaintext
//     would only produce another ciphertext. DiffWith, given the
//     fingerprints of the secrets last applied (SecretHasher), decides
//     them: unchanged, or a change that is Rotated.
//
// String describes the change on one line, secrets masked:
// `~ services[name=api].http_port: 8080 -> 9090`. The type is
// defined in an internal package shared with the SDK's root package.
type Change = specmodel.Change

// ChangeKind says how a value differs between two app specs.
type ChangeKind = specmodel.ChangeKind

// The kinds of Change.
const (
	// Added is a value only the new spec has.
	Added = specmodel.Added
	// Removed is a value only the old spec has.
	Removed = specmodel.Removed
	// Modified is a value both have, different.
	Modified = specmodel.Modified
)

// Path locates a value in an app spec by meaning rather than by position:
// list elements the API matches by a key are named by that key, so a path
// stays the same when the list is reordered. Its String form is
//
//	services[name=api].envs[key=DB_URL].value
//	ingress.rules[0].match.path.prefix
//
// and its JSONPath method gives the same location as an RFC 9535 JSONPath
// query.
type Path = specmodel.Path

// PathElement is one step of a Path: a JSON member (Field) and, for a
// list, the element selected in it (by Key and Value, with Nth counting
// earlier elements with the same Value, or by Index, -1 otherwise).
type PathElement = specmodel.PathElement

// HasChanges reports whether changes holds a change that is not
// Undecidable: whether an update would change anything that can be known.
func HasChanges(changes []Change) bool { return specmodel.HasChanges(changes) }

// Diff lists the semantic differences from old to new, sorted by
// path; none when the API would treat the two specs as the same. A nil
// spec is an empty one. For a provider's plan, compare the spec the API
// returns with the desired spec normalised:
//
//	changes := appspec.Diff(app.Spec, appspec.Normalize(desired))
//
// What is compared how (docs/providers.md has the full table):
//   - absent, null, zero, false, "" and empty lists and objects are equal,
//     and so is a value equal to the API's documented default or an enum's
//     "unset" value (env type GENERAL, http_port 8080, instance_count 1, …;
//     see Defaults in internal/specmodel), since the API omits zero values and fills
//     defaults;
//   - components are matched by name across services, static sites,
//     workers, jobs, functions and databases; one that changes kind is a
//     single change with OldPath set;
//   - envs are matched by key, domains by domain, alerts by rule and log
//     destinations by name, in any order; internal_ports and features are
//     sets; every other list, ingress rules included, is compared in order;
//   - a SECRET env value (or another credential: registry_credentials, a
//     Datadog api_key, a Logtail token, OpenSearch basic_auth.password,
//     ingress.secure_header.value; or any string) that is an EV[...]
//     ciphertext on one side and plaintext on the other is an Undecidable
//     change; two ciphertexts or two plaintexts are compared; either way
//     the change is Sensitive;
//   - keys this package does not know are compared like known ones.
func Diff(old, new *do.AppSpec) []Change {
	oldTree, errOld := specmodel.TreeOf(old)
	newTree, errNew := specmodel.TreeOf(new)
	if errOld != nil || errNew != nil {
		// Unreachable for specs built in Go or decoded: their unknown keys
		// hold valid JSON. Report that they cannot be told apart.
		return []Change{{Kind: Modified, Undecidable: true}}
	}
	return specmodel.Diff(oldTree, newTree)
}
