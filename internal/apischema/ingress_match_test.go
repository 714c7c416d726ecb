package apischema

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// An ingress match object must carry one of its keys: the subset requires
// exact (authority) or prefix (path), the live API also takes the other key
// (live-api-fields.md), and `authority: {}` is refused (live-api-behaviour.md
// fact 33). "" is a value of these nullable strings (fact 11).
func TestIngressMatchNeedsOneKey(t *testing.T) {
	spec := func(match string) any {
		return decode(t, `{"name":"app","ingress":{"rules":[{"component":{"name":"web"},"match":`+match+`}]}}`)
	}
	for match, want := range map[string][]string{
		`{"authority":{}}`:                   {"ingress.rules[0].match.authority.exact: is required"},
		`{"path":{}}`:                        {"ingress.rules[0].match.path.prefix: is required"},
		`{"authority":{},"path":{}}`:         {"ingress.rules[0].match.authority.exact: is required", "ingress.rules[0].match.path.prefix: is required"},
		`{"authority":{"regex":"a.*"}}`:      {"ingress.rules[0].match.authority.exact: is required"},
		`{"authority":{"exact":"a.com"}}`:    nil,
		`{"authority":{"exact":""}}`:         nil,
		`{"authority":{"prefix":"a."}}`:      nil,
		`{"path":{"prefix":""}}`:             nil,
		`{"path":{"exact":"/x"}}`:            nil,
		`{"path":{"prefix":"/","exact":""}}`: nil,
		`{"authority":{"exact":7}}`:          {"ingress.rules[0].match.authority.exact: must be a string, not the number 7"},
	} {
		for _, opts := range []Options{{SkipReadOnly: true}, strict} { // Validate's and the fake's
			got := paths(ValidateNamed(spec(match), "app_spec", opts))
			assert.Equal(t, append([]string{}, want...), got, match)
		}
	}
}
