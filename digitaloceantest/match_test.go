package digitaloceantest

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestMatch(t *testing.T) {
	cases := []struct {
		m                Match
		method, path, op string
		want             bool
	}{
		{Match{}, "GET", "/v2/apps", "apps_list", true},
		{Match{Method: "post"}, "POST", "/v2/apps", "apps_create", true},
		{Match{Method: "POST"}, "GET", "/v2/apps", "apps_list", false},
		{Match{Path: "/v2/apps/*/deployments"}, "GET", "/v2/apps/x/deployments", "", true},
		{Match{Path: "/v2/apps/*/deployments"}, "GET", "/v2/apps/x/deployments/y", "", false},
		{Match{Path: "/v2/apps/**"}, "GET", "/v2/apps/x/deployments/y", "", true},
		{Match{Path: "/v2/apps/**"}, "GET", "/v2/appsx", "", false},
		{Match{Operation: "apps_get"}, "GET", "/v2/apps/x", "apps_get", true},
		{Match{Operation: "apps_get"}, "GET", "/v2/apps", "apps_list", false},
	}
	for _, tc := range cases {
		assert.Equal(t, tc.want, tc.m.matches(tc.method, tc.path, tc.op), "%+v %s %s", tc.m, tc.method, tc.path)
	}
}
