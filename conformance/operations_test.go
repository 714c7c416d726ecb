package conformance

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	do "github.com/oceankit/digitalocean"
)

// opCase drives one SDK call. ops are the operationIds it must send, in
// order. run makes the call; check asserts on its result when the answer
// came from the schema-corrected mock (Prism serves the raw examples).
type opCase struct {
	name  string
	ops   []string
	run   func(ctx context.Context, c *do.Client) (any, error)
	check func(t *testing.T, got any, calls []call)
}

// newCase ties run and check together with one result type.
func newCase[T any](name string, ops []string, run func(ctx context.Context, c *do.Client) (T, error), check func(t *testing.T, got T, calls []call)) opCase {
	return opCase{
		name: name,
		ops:  ops,
		run: func(ctx context.Context, c *do.Client) (any, error) {
			return run(ctx, c)
		},
		check: func(t *testing.T, got any, calls []call) {
			t.Helper()
			v, ok := got.(T)
			require.Truef(t, ok, "result is %T", got)
			if check != nil {
				check(t, v, calls)
			}
		},
	}
}

// collect drains an iterator into a slice, stopping at the first error.
func collect[T any](seq func(yield func(T, error) bool)) ([]T, error) {
	var out []T
	for v, err := range seq {
		if err != nil {
			return out, err
		}
		out = append(out, v)
	}
	return out, nil
}

// drop discards the *Response of a call.
func drop[T any](v T, _ *do.Response, err error) (T, error) { return v, err }

// allCases is every SDK operation with realistic arguments.
func allCases() []opCase {
	cases := coreCases()
	cases = append(cases, appsCases()...)
	return cases
}

func coreCases() []opCase {
	return []opCase{
		newCase("Account.Get", []string{"account_get"},
			func(ctx context.Context, c *do.Client) (*do.Account, error) {
				return drop(c.Account.Get(ctx))
			},
			func(t *testing.T, a *do.Account, _ []call) {
				require.NotNil(t, a)
				assert.Equal(t, "sammy@digitalocean.com", a.Email)
				assert.Equal(t, 25, a.DropletLimit)
				assert.Equal(t, do.AccountStatusActive, a.Status)
				require.NotNil(t, a.Team)
				assert.Equal(t, "My Team", a.Team.Name)
			}),
		newCase("Actions.List", []string{"actions_list"},
			func(ctx context.Context, c *do.Client) ([]do.Action, error) {
				return drop(c.Actions.List(ctx, &do.ListOptions{Page: 1, PerPage: 50}))
			},
			func(t *testing.T, actions []do.Action, calls []call) {
				require.Len(t, actions, 1)
				assert.Equal(t, 36804636, actions[0].ID)
				assert.Equal(t, do.ActionStatusCompleted, actions[0].Status)
				assert.False(t, actions[0].StartedAt.IsZero())
				q := calls[0].url.Query()
				assert.Equal(t, "1", q.Get("page"))
				assert.Equal(t, "50", q.Get("per_page"))
			}),
		newCase("Actions.List/defaults", []string{"actions_list"},
			func(ctx context.Context, c *do.Client) ([]do.Action, error) {
				return drop(c.Actions.List(ctx, nil))
			},
			func(t *testing.T, actions []do.Action, _ []call) {
				assert.Len(t, actions, 1)
			}),
		newCase("Actions.Get", []string{"actions_get"},
			func(ctx context.Context, c *do.Client) (*do.Action, error) {
				return drop(c.Actions.Get(ctx, 36804636))
			},
			func(t *testing.T, a *do.Action, calls []call) {
				require.NotNil(t, a)
				assert.Equal(t, 36804636, a.ID)
				assert.Equal(t, "/v2/actions/36804636", calls[0].url.Path)
			}),
		newCase("Actions.Wait", []string{"actions_get"},
			func(ctx context.Context, c *do.Client) (*do.Action, error) {
				return c.Actions.Wait(ctx, 36804636, nil)
			},
			func(t *testing.T, a *do.Action, _ []call) {
				require.NotNil(t, a)
				assert.Equal(t, do.ActionStatusCompleted, a.Status, "the first poll finds it completed")
			}),
		newCase("Actions.All", []string{"actions_list", "actions_list"},
			func(ctx context.Context, c *do.Client) ([]do.Action, error) {
				return collect(c.Actions.All(ctx, nil))
			},
			func(t *testing.T, actions []do.Action, calls []call) {
				assert.Len(t, actions, mockPages, "one action per page")
				assert.Equal(t, "1", calls[0].url.Query().Get("page"))
				assert.Equal(t, "2", calls[1].url.Query().Get("page"))
				assert.Equal(t, "200", calls[1].url.Query().Get("per_page"))
			}),
		newCase("Actions.All/prefetch", []string{"actions_list", "actions_list"},
			func(ctx context.Context, c *do.Client) ([]do.Action, error) {
				return collect(c.Actions.All(ctx, &do.ListOptions{PerPage: 1, Prefetch: 2}))
			},
			func(t *testing.T, actions []do.Action, calls []call) {
				assert.Len(t, actions, mockPages)
				assert.Equal(t, "1", calls[0].url.Query().Get("per_page"))
			}),
		newCase("OneClicks.List", []string{"oneClicks_list"},
			func(ctx context.Context, c *do.Client) ([]do.OneClick, error) {
				return drop(c.OneClicks.List(ctx, ""))
			},
			func(t *testing.T, apps []do.OneClick, calls []call) {
				assert.NotEmpty(t, apps)
				assert.False(t, calls[0].url.Query().Has("type"))
			}),
		newCase("OneClicks.List/droplet", []string{"oneClicks_list"},
			func(ctx context.Context, c *do.Client) ([]do.OneClick, error) {
				return drop(c.OneClicks.List(ctx, do.OneClickTypeDroplet))
			},
			func(t *testing.T, apps []do.OneClick, calls []call) {
				assert.NotEmpty(t, apps)
				assert.Equal(t, "droplet", calls[0].url.Query().Get("type"))
			}),
		newCase("OneClicks.List/kubernetes", []string{"oneClicks_list"},
			func(ctx context.Context, c *do.Client) ([]do.OneClick, error) {
				return drop(c.OneClicks.List(ctx, do.OneClickTypeKubernetes))
			},
			func(t *testing.T, apps []do.OneClick, calls []call) {
				assert.NotEmpty(t, apps)
				assert.Equal(t, "kubernetes", calls[0].url.Query().Get("type"))
			}),
		newCase("OneClicks.InstallKubernetes", []string{"oneClicks_install_kubernetes"},
			func(ctx context.Context, c *do.Client) (*do.InstallKubernetesResponse, error) {
				return drop(c.OneClicks.InstallKubernetes(ctx, &do.InstallKubernetesRequest{
					AddonSlugs:  []string{"kube-state-metrics", "loki"},
					ClusterUUID: "50a994b6-c303-438f-9495-7e896cfe6b08",
				}))
			},
			func(t *testing.T, r *do.InstallKubernetesResponse, calls []call) {
				require.NotNil(t, r)
				assert.Equal(t, "Successfully kicked off addon job.", r.Message)
				assert.JSONEq(t, `{"addon_slugs":["kube-state-metrics","loki"],"cluster_uuid":"50a994b6-c303-438f-9495-7e896cfe6b08"}`, string(calls[0].body))
			}),
	}
}
