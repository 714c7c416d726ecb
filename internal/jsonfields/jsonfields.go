// Package jsonfields maps the JSON object keys of a Go struct type to the
// types of the fields they decode into, the way encoding/json matches them.
// The lenient date-time decoder, the app spec file loader and the fake
// API's strict request check all walk JSON in parallel with Go types.
package jsonfields

import (
	"reflect"
	"strings"
	"sync"
)

// Set is the JSON keys of one struct type.
type Set struct {
	// ByName maps each key to its field's type.
	ByName map[string]reflect.Type
	// Names lists the keys: direct fields in declaration order, then those
	// promoted from embedded structs.
	Names []string
}

var cache sync.Map // reflect.Type → *Set

// Of returns the keys of struct type t: json tag names (or field names),
// skipping "-" and unexported fields, with the fields of untagged embedded
// structs promoted unless a shallower field has the same key.
func Of(t reflect.Type) *Set {
	if cached, ok := cache.Load(t); ok {
		return cached.(*Set)
	}
	s := &Set{ByName: map[string]reflect.Type{}}
	var embedded []*Set
	for i := range t.NumField() {
		f := t.Field(i)
		tag := f.Tag.Get("json")
		if tag == "-" {
			continue
		}
		name, _, _ := strings.Cut(tag, ",")
		if f.Anonymous && name == "" {
			ft := f.Type
			if ft.Kind() == reflect.Pointer {
				ft = ft.Elem()
			}
			if ft.Kind() == reflect.Struct {
				embedded = append(embedded, Of(ft))
				continue
			}
		}
		if !f.IsExported() {
			continue
		}
		if name == "" {
			name = f.Name
		}
		s.add(name, f.Type)
	}
	for _, e := range embedded {
		for _, name := range e.Names {
			s.add(name, e.ByName[name])
		}
	}
	cached, _ := cache.LoadOrStore(t, s)
	return cached.(*Set)
}

func (s *Set) add(name string, t reflect.Type) {
	if _, taken := s.ByName[name]; taken {
		return
	}
	s.ByName[name] = t
	s.Names = append(s.Names, name)
}

// Lookup finds the field type for key as encoding/json does: an exact
// match first, else one that differs only in case.
func (s *Set) Lookup(key string) (reflect.Type, bool) {
	if t, ok := s.ByName[key]; ok {
		return t, true
	}
	if name := s.Fold(key); name != "" {
		return s.ByName[name], true
	}
	return nil, false
}

// Fold returns the first key in Names that differs from key only in case,
// as encoding/json matches keys case-insensitively, or "".
func (s *Set) Fold(key string) string {
	for _, name := range s.Names {
		if strings.EqualFold(name, key) {
			return name
		}
	}
	return ""
}
