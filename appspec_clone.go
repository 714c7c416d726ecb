package digitalocean

import "encoding/json"

// Clone returns a deep copy of the spec, including the JSON keys it keeps
// because their types do not know them; nil for a nil spec. Empty lists
// come back nil: the API makes no difference between the two.
func (a *AppSpec) Clone() *AppSpec {
	if a == nil {
		return nil
	}
	// A JSON round trip: MarshalJSON writes the unknown keys back and
	// UnmarshalJSON keeps them, at every level.
	raw, err := json.Marshal(a)
	if err != nil {
		// Only invalid JSON planted in unknown keys can get here, and
		// decoding never keeps any.
		panic("digitalocean: AppSpec.Clone: " + err.Error())
	}
	out := new(AppSpec)
	if err := json.Unmarshal(raw, out); err != nil {
		panic("digitalocean: AppSpec.Clone: " + err.Error())
	}
	return out
}
