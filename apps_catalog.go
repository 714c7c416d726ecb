package digitalocean

import (
	"context"
)

// ListInstanceSizes returns the instance sizes components can run on, with
// the account's discount. It returns the whole response rather than only
// the sizes so that DiscountPercent is not lost. The API does not paginate
// this list.
//
// API: https://docs.digitalocean.com/reference/api/digitalocean/#tag/Apps/operation/apps_list_instanceSizes
func (s *AppsService) ListInstanceSizes(ctx context.Context) (*AppInstanceSizesResponse, *Response, error) {
	out := new(AppInstanceSizesResponse)
	resp, err := s.client.call(ctx, opAppsListInstanceSizes, "v2/apps/tiers/instance_sizes", nil, nil, out)
	if err != nil {
		return nil, resp, err
	}
	return out, resp, nil
}

// GetInstanceSize returns the instance size with the given slug, such as
// "apps-s-1vcpu-0.5gb".
//
// API: https://docs.digitalocean.com/reference/api/digitalocean/#tag/Apps/operation/apps_get_instanceSize
func (s *AppsService) GetInstanceSize(ctx context.Context, slug string) (*AppInstanceSize, *Response, error) {
	if err := requireID("slug", slug); err != nil {
		return nil, nil, err
	}
	var out instanceSizeRoot
	resp, err := s.client.call(ctx, opAppsGetInstanceSize, escapePath("v2/apps/tiers/instance_sizes/%s", slug), nil, nil, &out)
	if err != nil {
		return nil, resp, err
	}
	if out.InstanceSize == nil {
		return nil, resp, missingObject(resp, "instance_size")
	}
	return out.InstanceSize, resp, nil
}

// ListRegions returns the regions apps can be deployed to. The API does
// not paginate this list.
//
// API: https://docs.digitalocean.com/reference/api/digitalocean/#tag/Apps/operation/apps_list_regions
func (s *AppsService) ListRegions(ctx context.Context) ([]AppRegion, *Response, error) {
	var out regionsList
	resp, err := s.client.call(ctx, opAppsListRegions, "v2/apps/regions", nil, nil, &out)
	if err != nil {
		return nil, resp, err
	}
	return out.Regions, resp, nil
}
