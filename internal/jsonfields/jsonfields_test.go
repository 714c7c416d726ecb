package jsonfields

import (
	"reflect"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

type inner struct {
	Shared string `json:"shared"`
	Deep   int    `json:"deep"`
}

type outer struct {
	*inner
	Name     string    `json:"name,omitempty"`
	Shared   bool      `json:"shared"`
	At       time.Time `json:"at"`
	Untagged string
	Skipped  string `json:"-"`
	hidden   string
}

func TestOf(t *testing.T) {
	s := Of(reflect.TypeFor[outer]())
	assert.Equal(t, []string{"name", "shared", "at", "Untagged", "deep"}, s.Names)
	assert.Equal(t, reflect.TypeFor[bool](), s.ByName["shared"], "the shallower field wins")
	assert.Equal(t, reflect.TypeFor[int](), s.ByName["deep"], "embedded fields are promoted")
	assert.Same(t, s, Of(reflect.TypeFor[outer]()), "cached")
	_ = outer{hidden: ""}
}

func TestLookup(t *testing.T) {
	s := Of(reflect.TypeFor[outer]())
	typ, ok := s.Lookup("AT")
	assert.True(t, ok)
	assert.Equal(t, reflect.TypeFor[time.Time](), typ)
	_, ok = s.Lookup("Skipped")
	assert.False(t, ok)
	_, ok = s.Lookup("hidden")
	assert.False(t, ok)
}
