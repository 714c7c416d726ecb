package digitalocean

import (
	"context"
	"fmt"
)

// ListAlerts returns the app's alerts and where they are sent. The API
// does not paginate this list.
//
// API: https://docs.digitalocean.com/reference/api/digitalocean/#tag/Apps/operation/apps_list_alerts
func (s *AppsService) ListAlerts(ctx context.Context, appID string) ([]AppAlert, *Response, error) {
	if err := requireID("appID", appID); err != nil {
		return nil, nil, err
	}
	var out alertsList
	resp, err := s.client.call(ctx, opAppsListAlerts, escapePath("v2/apps/%s/alerts", appID), nil, nil, &out)
	if err != nil {
		return nil, resp, err
	}
	return out.Alerts, resp, nil
}

// UpdateAlertDestinations replaces the emails and Slack webhooks an alert
// is sent to and returns the alert. Emails must belong to users with access
// to the app.
//
// API: https://docs.digitalocean.com/reference/api/digitalocean/#tag/Apps/operation/apps_assign_alertDestinations
func (s *AppsService) UpdateAlertDestinations(ctx context.Context, appID, alertID string, req *AlertDestinationsUpdateRequest) (*AppAlert, *Response, error) {
	if err := requireIDs("appID", appID, "alertID", alertID); err != nil {
		return nil, nil, err
	}
	if req == nil {
		return nil, nil, &ArgumentError{Name: "req", Reason: "must not be nil"}
	}
	if err := requireNames("req.Emails", req.Emails); err != nil {
		return nil, nil, err
	}
	for i, hook := range req.SlackWebhooks {
		if hook == nil {
			return nil, nil, &ArgumentError{Name: "req.SlackWebhooks", Reason: fmt.Sprintf("must not contain nil (index %d)", i)}
		}
	}
	var out alertRoot
	path := escapePath("v2/apps/%s/alerts/%s/destinations", appID, alertID)
	resp, err := s.client.call(ctx, opAppsAssignAlertDestinations, path, nil, req, &out)
	if err != nil {
		return nil, resp, err
	}
	if out.Alert == nil {
		return nil, resp, missingObject(resp, "alert")
	}
	return out.Alert, resp, nil
}
