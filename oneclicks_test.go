package digitalocean

import (
	"context"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestOneClicksList(t *testing.T) {
	cases := map[string]string{
		"":                     "/v2/1-clicks",
		OneClickTypeDroplet:    "/v2/1-clicks?type=droplet",
		OneClickTypeKubernetes: "/v2/1-clicks?type=kubernetes",
	}
	for typ, wantURI := range cases {
		t.Run("type="+typ, func(t *testing.T) {
			var log requestLog
			c, _ := newTestClient(t, log.wrap(jsonHandler(200, specResponseExample(t, "oneClicks_all"))))
			apps, resp, err := c.OneClicks.List(context.Background(), typ)
			require.NoError(t, err)
			require.NotNil(t, resp)
			assert.Equal(t, []OneClick{{Slug: "monitoring", Type: "kubernetes"}, {Slug: "wordpress-18-04", Type: "droplet"}}, apps)
			got := log.only(t)
			assert.Equal(t, http.MethodGet, got.Method)
			assert.Equal(t, wantURI, got.RequestURI)
		})
	}
}

func TestOneClicksListRejectsUnknownType(t *testing.T) {
	var log requestLog
	c, _ := newTestClient(t, log.wrap(nil))
	for _, typ := range []string{"vm", "Droplet", "droplet&type=kubernetes", " kubernetes"} {
		apps, resp, err := c.OneClicks.List(context.Background(), typ)
		assert.Nil(t, apps)
		assert.Nil(t, resp)
		mustBeArgumentError(t, err, "oneClickType")
	}
	assert.Equal(t, 0, log.count())
}

func TestOneClicksInstallKubernetes(t *testing.T) {
	var log requestLog
	c, _ := newTestClient(t, log.wrap(jsonHandler(200, specResponseExample(t, "oneClicks_create"))))
	out, resp, err := c.OneClicks.InstallKubernetes(context.Background(), &InstallKubernetesRequest{
		AddonSlugs:  []string{"kube-state-metrics", "loki"},
		ClusterUUID: "50a994b6-c303-438f-9495-7e896cfe6b08",
	})
	require.NoError(t, err)
	require.NotNil(t, resp)
	assert.Equal(t, "Successfully kicked off addon job.", out.Message)

	got := log.only(t)
	assert.Equal(t, http.MethodPost, got.Method)
	assert.Equal(t, "/v2/1-clicks/kubernetes", got.RequestURI)
	assert.Equal(t, "application/json", got.Header.Get("Content-Type"))
	assert.Equal(t, "Bearer "+testToken, got.Header.Get("Authorization"))
	assert.Equal(t, `{"addon_slugs":["kube-state-metrics","loki"],"cluster_uuid":"50a994b6-c303-438f-9495-7e896cfe6b08"}`, string(got.Body))
}

func TestOneClicksInstallKubernetesValidation(t *testing.T) {
	var log requestLog
	c, _ := newTestClient(t, log.wrap(nil))
	cases := map[string]*InstallKubernetesRequest{
		"nil request":   nil,
		"no cluster":    {AddonSlugs: []string{"loki"}},
		"blank cluster": {ClusterUUID: " ", AddonSlugs: []string{"loki"}},
		"nil addons":    {ClusterUUID: "c1"},
		"empty addons":  {ClusterUUID: "c1", AddonSlugs: []string{}},
		"empty slug":    {ClusterUUID: "c1", AddonSlugs: []string{"loki", ""}},
		"blank slug":    {ClusterUUID: "c1", AddonSlugs: []string{"\t"}},
	}
	for name, req := range cases {
		out, resp, err := c.OneClicks.InstallKubernetes(context.Background(), req)
		assert.Nil(t, out, name)
		assert.Nil(t, resp, name)
		var argErr *ArgumentError
		assert.ErrorAs(t, err, &argErr, name)
		assert.ErrorIs(t, err, ErrInvalidArgument, name)
	}
	assert.Equal(t, 0, log.count(), "invalid requests are never sent")
}

func TestOneClicksInstallKubernetesIsNotResentAfterServerError(t *testing.T) {
	var log requestLog
	c, _ := newTestClient(t, log.wrap(jsonHandler(500, specResponseExample(t, "server_error"))),
		WithRetry(DefaultRetryPolicy()))
	_, _, err := c.OneClicks.InstallKubernetes(context.Background(),
		&InstallKubernetesRequest{ClusterUUID: "c1", AddonSlugs: []string{"loki"}})
	var apiErr *Error
	require.ErrorAs(t, err, &apiErr)
	assert.True(t, apiErr.OutcomeUnknown, "a POST that got a 5xx may have been applied")
	assert.Equal(t, "server_error", apiErr.ID)
	assert.Equal(t, 1, log.count())
}
