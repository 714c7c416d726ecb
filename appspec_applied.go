package digitalocean

import "github.com/oceankit/digitalocean/internal/specmodel"

// specIsApplied reports whether the live spec (as the API returns it)
// already is the requested one: requested, normalised as the API would
// store it, differs from live in nothing decidable. This is what
// appspec.HasChanges(appspec.Diff(live, appspec.Normalize(requested)))
// answers, for code in this package, which cannot import appspec (it
// imports this package). A retried create or update uses it to tell
// whether an attempt whose response was lost took effect. A difference
// that cannot be decided (a SECRET value as plaintext against the API's
// ciphertext) does not count. A spec that cannot be encoded is not applied.
func specIsApplied(live, requested *AppSpec) bool {
	liveTree, errLive := specmodel.TreeOf(live)
	requestedTree, errRequested := specmodel.TreeOf(requested)
	if errLive != nil || errRequested != nil {
		return false
	}
	specmodel.Normalize(requestedTree)
	return !specmodel.HasChanges(specmodel.Diff(liveTree, requestedTree))
}
