package digitalocean_test

import (
	"context"
	"reflect"
	"testing"

	do "github.com/oceankit/digitalocean"
	"github.com/oceankit/digitalocean/digitaloceantest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestCloneOfAFakeSpecIsExact: a spec as the fake returns it, with empty
// lists set on top as a provider's configuration may hold them, clones to
// a deeply equal copy, and the copy is accepted by an update.
func TestCloneOfAFakeSpecIsExact(t *testing.T) {
	srv := digitaloceantest.New(t)
	c := srv.Client(do.WithRetry(do.RetryPolicy{}))
	ctx := context.Background()
	app := createShop(t, c)
	app, _, err := c.Apps.Get(ctx, app.ID)
	require.NoError(t, err)

	spec := app.Spec
	spec.StaticSites = []*do.AppStaticSiteSpec{}
	spec.Services[0].Envs = []*do.AppVariableDefinition{}
	clone := spec.Clone()
	assert.True(t, reflect.DeepEqual(spec, clone), "clone differs:\n%#v\n%#v", spec, clone)
	require.NotNil(t, clone.StaticSites)

	_, _, err = c.Apps.Update(ctx, app.ID, &do.AppUpdateRequest{Spec: clone})
	require.NoError(t, err)
}
