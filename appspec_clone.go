package digitalocean

import (
	"encoding/json"
	"reflect"
)

// Clone returns a deep copy of the spec, including the JSON keys it keeps
// because their types do not know them; nil for a nil spec. An empty list
// stays empty and a nil one nil (static_sites: [] does not come back nil),
// so code that tells the two apart sees the copy as the original.
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
	keepEmptySlices(reflect.ValueOf(a).Elem(), reflect.ValueOf(out).Elem())
	return out
}

// keepEmptySlices gives dst an empty slice wherever src, a value of the
// same type, has a non-nil empty one: the round trip's omitempty drops
// them. It follows exported fields, pointers and list elements.
func keepEmptySlices(src, dst reflect.Value) {
	switch src.Kind() {
	case reflect.Pointer:
		if !src.IsNil() && !dst.IsNil() {
			keepEmptySlices(src.Elem(), dst.Elem())
		}
	case reflect.Struct:
		for i := range src.NumField() {
			if src.Type().Field(i).IsExported() {
				keepEmptySlices(src.Field(i), dst.Field(i))
			}
		}
	case reflect.Slice:
		switch {
		case src.IsNil():
		case src.Len() == 0 && dst.IsNil() && dst.CanSet():
			dst.Set(reflect.MakeSlice(src.Type(), 0, 0))
		case src.Len() == dst.Len():
			for i := range src.Len() {
				keepEmptySlices(src.Index(i), dst.Index(i))
			}
		}
	}
}
