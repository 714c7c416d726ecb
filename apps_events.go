package digitalocean

import (
	"context"
	"fmt"
	"iter"
	"time"
)

// EventListOptions selects a page of an app's events.
type EventListOptions struct {
	ListOptions
	// EventTypes keeps only events of these types; empty keeps all. Sent as
	// repeated event_types parameters.
	EventTypes []AppEventType `url:"event_types,omitempty"`
	// DeploymentTypes keeps only deployment events of these causes; empty
	// keeps all. Sent as repeated deployment_types parameters. The live API
	// takes it though the spec lacks it (testdata/live-api-overlay.yaml,
	// x-parameter-additions; godo's ListEventsOptions.DeploymentTypes). The
	// value set is not documented, so any non-empty value is sent.
	DeploymentTypes []DeploymentType `url:"deployment_types,omitempty"`
}

var eventTypes = []AppEventType{AppEventTypeUnknown, AppEventTypeDeployment, AppEventTypeAutoscaling}

func (o *EventListOptions) validate() error {
	if o == nil {
		return nil
	}
	if err := o.ListOptions.validate(); err != nil {
		return err
	}
	for _, t := range o.EventTypes {
		if err := requireEnum("EventListOptions.EventTypes", t, eventTypes); err != nil {
			return err
		}
	}
	for i, t := range o.DeploymentTypes {
		if t == "" {
			return &ArgumentError{Name: fmt.Sprintf("EventListOptions.DeploymentTypes[%d]", i), Reason: "must not be empty"}
		}
	}
	return nil
}

func (o *EventListOptions) page() *ListOptions {
	if o == nil {
		return nil
	}
	return &o.ListOptions
}

// EventLogsOptions selects an event's logs.
type EventLogsOptions struct {
	// Type is the kind of logs; empty means AppLogTypeAutoscaleEvent, the
	// logs of an autoscaling event.
	Type AppLogType
	// Follow asks for a LiveURL that keeps streaming new lines.
	Follow bool
	// PodConnectionTimeout is how long the API waits for a component
	// instance that is not available yet (the API's default is 3m).
	PodConnectionTimeout time.Duration
	// TailLines asks for only the last lines; 0 leaves tail_lines out (all
	// lines) and TailAllLines sends -1, as for LogsOptions.TailLines.
	TailLines int
}

// ListEvents returns one page of the app's events: deployments and
// autoscaling.
//
// API: https://docs.digitalocean.com/reference/api/digitalocean/#tag/Apps/operation/apps_list_events
func (s *AppsService) ListEvents(ctx context.Context, appID string, opts *EventListOptions) ([]AppEvent, *Response, error) {
	if err := requireID("appID", appID); err != nil {
		return nil, nil, err
	}
	if err := opts.validate(); err != nil {
		return nil, nil, err
	}
	var out eventsPage
	resp, err := s.client.call(ctx, opAppsListEvents, escapePath("v2/apps/%s/events", appID), opts, nil, &out)
	if err != nil {
		return nil, resp, err
	}
	return out.Events, resp, nil
}

// AllEvents iterates over every event of the app, fetching pages of
// MaxPerPage as needed; opts may set the first page, a smaller page size
// and the type filter.
func (s *AppsService) AllEvents(ctx context.Context, appID string, opts *EventListOptions) iter.Seq2[AppEvent, error] {
	return paginate(ctx, opts.page(), func(ctx context.Context, page ListOptions) ([]AppEvent, *Response, error) {
		o := EventListOptions{ListOptions: page}
		if opts != nil {
			o.EventTypes, o.DeploymentTypes = opts.EventTypes, opts.DeploymentTypes
		}
		return s.ListEvents(ctx, appID, &o)
	})
}

// GetEvent returns one event of the app.
//
// API: https://docs.digitalocean.com/reference/api/digitalocean/#tag/Apps/operation/apps_get_event
func (s *AppsService) GetEvent(ctx context.Context, appID, eventID string) (*AppEvent, *Response, error) {
	if err := requireIDs("appID", appID, "eventID", eventID); err != nil {
		return nil, nil, err
	}
	return s.eventCall(ctx, opAppsGetEvent, escapePath("v2/apps/%s/events/%s", appID, eventID))
}

// CancelEvent cancels an in-progress event, such as an autoscaling
// operation, and returns it. It is re-sent after an attempt that may have
// been applied; if a re-send then fails, the event is read, and one
// already canceled is returned with Response.Recovered set
// (docs/retries.md, "Recovery").
//
// API: https://docs.digitalocean.com/reference/api/digitalocean/#tag/Apps/operation/apps_cancel_event
func (s *AppsService) CancelEvent(ctx context.Context, appID, eventID string) (*AppEvent, *Response, error) {
	if err := requireIDs("appID", appID, "eventID", eventID); err != nil {
		return nil, nil, err
	}
	e, resp, err := s.eventCall(ctx, opAppsCancelEvent, escapePath("v2/apps/%s/events/%s/cancel", appID, eventID))
	if err != nil && s.recovers(ctx, err) {
		return s.recoverCancelEvent(ctx, appID, eventID, resp, err)
	}
	return e, resp, err
}

// GetEventLogs returns the URLs of an event's logs. opts may be nil.
//
// API: https://docs.digitalocean.com/reference/api/digitalocean/#tag/Apps/operation/apps_get_event_logs
func (s *AppsService) GetEventLogs(ctx context.Context, appID, eventID string, opts *EventLogsOptions) (*AppLogs, *Response, error) {
	if err := requireIDs("appID", appID, "eventID", eventID); err != nil {
		return nil, nil, err
	}
	o := EventLogsOptions{Type: AppLogTypeAutoscaleEvent}
	if opts != nil {
		o = *opts
		if o.Type == "" {
			o.Type = AppLogTypeAutoscaleEvent
		}
	}
	if err := requireEnum("EventLogsOptions.Type", o.Type, logTypes); err != nil {
		return nil, nil, err
	}
	q, err := logsQuery("EventLogsOptions", o.Type, o.Follow, o.PodConnectionTimeout)
	if err == nil {
		err = setTailLines(q, "EventLogsOptions.TailLines", o.TailLines)
	}
	if err != nil {
		return nil, nil, err
	}
	return s.logsCall(ctx, opAppsGetEventLogs, escapePath("v2/apps/%s/events/%s/logs", appID, eventID), q)
}

func (s *AppsService) eventCall(ctx context.Context, op opID, path string) (*AppEvent, *Response, error) {
	var out eventRoot
	resp, err := s.client.call(ctx, op, path, nil, nil, &out)
	if err != nil {
		return nil, resp, err
	}
	if out.Event == nil {
		return nil, resp, missingObject(resp, "event")
	}
	return out.Event, resp, nil
}
