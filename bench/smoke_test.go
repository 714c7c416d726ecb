package bench

import (
	"context"
	"reflect"
	"testing"
	"time"

	"github.com/digitalocean/godo"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	do "github.com/oceankit/digitalocean"
)

// The smoke tests check that every benchmarked client decodes the same
// data, so that the benchmarks compare like with like.

func TestClientsDecodeTheSameData(t *testing.T) {
	ctx := context.Background()
	base := srv.base(0, 200)
	sdk, g, bare := newSDK(t, base), newGodo(t, base), newBare(t, base)

	acct, _, err := sdk.Account.Get(ctx)
	require.NoError(t, err)
	var bareAcct sdkAccountRoot
	require.NoError(t, bare.get(ctx, "v2/account", &bareAcct))
	assert.Equal(t, bareAcct.Account, acct)
	assert.Equal(t, "sammy@digitalocean.com", acct.Email)
	gAcct, _, err := g.Account.Get(ctx)
	require.NoError(t, err)
	var bareGAcct godoAccountRoot
	require.NoError(t, bare.get(ctx, "v2/account", &bareGAcct))
	assert.Equal(t, bareGAcct.Account, gAcct)

	actions, _, err := sdk.Actions.List(ctx, &do.ListOptions{PerPage: 200})
	require.NoError(t, err)
	var bareActions sdkActionsPage
	require.NoError(t, bare.get(ctx, "v2/actions?per_page=200", &bareActions))
	require.Len(t, actions, 200)
	assert.Equal(t, bareActions.Actions, actions)
	assert.Equal(t, 200, actions[199].ID)
	assert.Equal(t, "nyc3", actions[0].Region.Slug)
	gActions, _, err := g.Actions.List(ctx, &godo.ListOptions{PerPage: 200})
	require.NoError(t, err)
	require.Len(t, gActions, 200)

	app, _, err := sdk.Apps.Get(ctx, "some-id")
	require.NoError(t, err)
	var bareApp sdkAppRoot
	require.NoError(t, bare.get(ctx, "v2/apps/some-id", &bareApp))
	assert.Equal(t, bareApp.App, app)
	assert.Equal(t, srv.f.appName, app.Spec.Name)
	gApp, _, err := g.Apps.Get(ctx, "some-id")
	require.NoError(t, err)
	assert.Equal(t, srv.f.appName, gApp.Spec.Name)

	ours, theirs := setLeaves(reflect.ValueOf(app)), setLeaves(reflect.ValueOf(gApp))
	t.Logf("largest example app: %d fields set by this SDK, %d by godo", ours, theirs)
	assert.GreaterOrEqual(t, ours, theirs, "this SDK keeps at least what godo keeps")

	apps, _, err := sdk.Apps.List(ctx, &do.AppListOptions{ListOptions: do.ListOptions{PerPage: 50}})
	require.NoError(t, err)
	require.Len(t, apps, 50)
	assert.NotEqual(t, apps[0].ID, apps[1].ID)
	gApps, _, err := g.Apps.List(ctx, &godo.ListOptions{PerPage: 50})
	require.NoError(t, err)
	require.Len(t, gApps, 50)
}

// The v2 floor decodes the same values as the v1 floor, into this SDK's
// types, on every workload. (godo's types cannot be decoded by v2 at all:
// godo.Meta's tag `json:"page, omitempty"` is malformed for v2.)
func TestBareV2DecodesLikeBareV1(t *testing.T) {
	ctx := context.Background()
	base := srv.base(0, 200)
	v1, v2 := newBare(t, base), newBareV2(t, base)
	same := func(path string, newRoot func() any) {
		t.Helper()
		want, got := newRoot(), newRoot()
		require.NoError(t, v1.get(ctx, path, want), path)
		require.NoError(t, v2.get(ctx, path, got), path)
		assert.Equal(t, want, got, path)
		assert.NotZero(t, setLeaves(reflect.ValueOf(got)), path)
	}
	same("v2/account", func() any { return new(sdkAccountRoot) })
	same("v2/actions?per_page=200", func() any { return new(sdkActionsPage) })
	same("v2/apps/some-id", func() any { return new(sdkAppRoot) })
	same("v2/apps?per_page=50", func() any { return new(sdkAppsPage) })
}

func TestEnumeratorsSeeEveryActionWithExpectedRequests(t *testing.T) {
	const n = 10_000
	ctx := context.Background()
	want := map[string]int64{"sdk": 50, "sdk-prefetch4": 50, "sdk-prefetch8": 50, "godo-default": 500, "godo-perpage200": 50}
	for _, e := range enumeratorsFor(t, srv.base(0, n)) {
		before := srv.requests.Load()
		got, err := e.run(ctx, nil)
		require.NoError(t, err, e.name)
		assert.Equal(t, n, got, e.name)
		assert.Equal(t, want[e.name], srv.requests.Load()-before, "%s: requests", e.name)
	}
}

func TestLatencyServerDelaysEachRequest(t *testing.T) {
	c := newSDK(t, srv.base(20*time.Millisecond, 0))
	start := time.Now()
	_, _, err := c.Account.Get(context.Background())
	require.NoError(t, err)
	assert.GreaterOrEqual(t, time.Since(start), 20*time.Millisecond)
}

// setLeaves counts the non-zero scalar fields reachable from v: how much
// of a payload a type kept.
func setLeaves(v reflect.Value) int {
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if v.IsNil() {
			return 0
		}
		return setLeaves(v.Elem())
	case reflect.Struct:
		if v.Type().PkgPath() == "time" {
			if !v.IsZero() {
				return 1
			}
			return 0
		}
		n := 0
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() {
				n += setLeaves(v.Field(i))
			}
		}
		return n
	case reflect.Slice, reflect.Array:
		n := 0
		for i := range v.Len() {
			n += setLeaves(v.Index(i))
		}
		return n
	case reflect.Map:
		n := 0
		for it := v.MapRange(); it.Next(); {
			n += setLeaves(it.Value())
		}
		return n
	default:
		if v.IsZero() {
			return 0
		}
		return 1
	}
}
