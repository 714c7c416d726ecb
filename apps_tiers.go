package digitalocean

import (
	"context"
)

// ListTiers returns the legacy App Platform pricing tiers.
//
// Deprecated: tiers are no longer tied to instance sizes and are being
// retired (godo deprecates its ListTiers too); use ListInstanceSizes.
//
// API: not in the public API reference (removed in 2024); the live-API
// description is apps_list_tiers in testdata/live-api-overlay.yaml, as godo
// calls it: https://pkg.go.dev/github.com/digitalocean/godo#AppsServiceOp.ListTiers
func (s *AppsService) ListTiers(ctx context.Context) ([]AppTier, *Response, error) {
	var out tiersList
	resp, err := s.client.call(ctx, opAppsListTiers, "v2/apps/tiers", nil, nil, &out)
	if err != nil {
		return nil, resp, err
	}
	return out.Tiers, resp, nil
}

// GetTier returns the legacy tier with the given slug, such as "basic".
//
// Deprecated: tiers are no longer tied to instance sizes and are being
// retired (godo deprecates its GetTier too); use GetInstanceSize.
//
// API: not in the public API reference (removed in 2024); the live-API
// description is apps_get_tier in testdata/live-api-overlay.yaml, as godo
// calls it: https://pkg.go.dev/github.com/digitalocean/godo#AppsServiceOp.GetTier
func (s *AppsService) GetTier(ctx context.Context, slug string) (*AppTier, *Response, error) {
	if err := requireID("slug", slug); err != nil {
		return nil, nil, err
	}
	var out tierRoot
	resp, err := s.client.call(ctx, opAppsGetTier, escapePath("v2/apps/tiers/%s", slug), nil, nil, &out)
	if err != nil {
		return nil, resp, err
	}
	if out.Tier == nil {
		return nil, resp, missingObject(resp, "tier")
	}
	return out.Tier, resp, nil
}
