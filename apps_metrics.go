package digitalocean

import (
	"context"
	"net/url"
	"strconv"
	"time"
)

// maxBandwidthApps is the most app IDs one ListBandwidthDaily request may
// name (the spec's maxItems).
const maxBandwidthApps = 100

// BandwidthDailyOptions selects the day of GetBandwidthDaily.
type BandwidthDailyOptions struct {
	// Date is the day to report; only its date counts. Zero means
	// yesterday.
	Date time.Time
}

// GetBandwidthDaily returns one day's bandwidth use of the app. opts may
// be nil.
//
// API: https://docs.digitalocean.com/reference/api/digitalocean/#tag/Apps/operation/apps_get_metrics_bandwidth_daily
func (s *AppsService) GetBandwidthDaily(ctx context.Context, appID string, opts *BandwidthDailyOptions) (*AppMetricsBandwidthUsage, *Response, error) {
	if err := requireID("appID", appID); err != nil {
		return nil, nil, err
	}
	var q url.Values
	if opts != nil && !opts.Date.IsZero() {
		q = url.Values{"date": {opts.Date.UTC().Format(time.RFC3339)}}
	}
	out := new(AppMetricsBandwidthUsage)
	resp, err := s.client.call(ctx, opAppsGetMetricsBandwidthDaily, escapePath("v2/apps/%s/metrics/bandwidth_daily", appID), q, nil, out)
	if err != nil {
		return nil, resp, err
	}
	return out, resp, nil
}

// ListBandwidthDaily returns one day's bandwidth use of up to 100 apps.
// It is a POST only to carry the IDs; it changes nothing.
//
// API: https://docs.digitalocean.com/reference/api/digitalocean/#tag/Apps/operation/apps_list_metrics_bandwidth_daily
func (s *AppsService) ListBandwidthDaily(ctx context.Context, req *AppMetricsBandwidthUsageRequest) (*AppMetricsBandwidthUsage, *Response, error) {
	if req == nil {
		return nil, nil, &ArgumentError{Name: "req", Reason: "must not be nil"}
	}
	switch n := len(req.AppIDs); {
	case n == 0:
		return nil, nil, &ArgumentError{Name: "req.AppIDs", Reason: "must name at least one app"}
	case n > maxBandwidthApps:
		return nil, nil, &ArgumentError{Name: "req.AppIDs", Reason: "must name at most " + strconv.Itoa(maxBandwidthApps) + " apps, got " + strconv.Itoa(n)}
	}
	if err := requireNames("req.AppIDs", req.AppIDs); err != nil {
		return nil, nil, err
	}
	out := new(AppMetricsBandwidthUsage)
	resp, err := s.client.call(ctx, opAppsListMetricsBandwidthDaily, "v2/apps/metrics/bandwidth_daily", nil, req, out)
	if err != nil {
		return nil, resp, err
	}
	return out, resp, nil
}
