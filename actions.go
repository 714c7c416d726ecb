package digitalocean

import (
	"context"
	"fmt"
	"iter"
	"strconv"
	"time"

	"github.com/go-json-experiment/json/jsontext"
)

// ActionsService lists and reads actions: records of events that changed a
// resource, such as a Droplet power cycle or an image transfer.
type ActionsService service

// ActionStatus is the progress of an action.
type ActionStatus string

// Action statuses.
const (
	ActionStatusInProgress ActionStatus = "in-progress"
	ActionStatusCompleted  ActionStatus = "completed"
	ActionStatusErrored    ActionStatus = "errored"
)

var actionStatusValues = [...]ActionStatus{ActionStatusInProgress, ActionStatusCompleted, ActionStatusErrored}

// UnmarshalJSONFrom decodes the statuses above without allocating a string.
func (e *ActionStatus) UnmarshalJSONFrom(dec *jsontext.Decoder) error {
	return decodeEnum(dec, e, actionStatusValues[:])
}

// Action is an event that changed a resource.
type Action struct {
	// ID identifies the action.
	ID int `json:"id"`
	// Status is in-progress, completed or errored.
	Status ActionStatus `json:"status"`
	// Type is the kind of action, such as "create" or "transfer".
	Type string `json:"type"`
	// StartedAt is when the action began.
	StartedAt time.Time `json:"started_at,omitzero"`
	// CompletedAt is when the action finished; zero while in progress.
	CompletedAt time.Time `json:"completed_at,omitzero"`
	// ResourceID identifies the resource the action is about (0 if none).
	ResourceID int `json:"resource_id,omitempty"`
	// ResourceType is the kind of resource, such as "droplet".
	ResourceType string `json:"resource_type"`
	// Region is where the action happened.
	Region *Region `json:"region,omitempty"`
	// RegionSlug is the region's slug, such as "nyc3".
	RegionSlug string `json:"region_slug,omitempty"`
}

// Region is a DigitalOcean datacenter region.
type Region struct {
	// Name is the display name, such as "New York 3".
	Name string `json:"name"`
	// Slug identifies the region, such as "nyc3".
	Slug string `json:"slug"`
	// Features lists what the region offers.
	Features []string `json:"features"`
	// Available is true when new Droplets can be created in the region.
	Available bool `json:"available"`
	// Sizes lists the Droplet size slugs available in the region.
	Sizes []string `json:"sizes"`
}

type actionsPage struct {
	Actions []Action `json:"actions"`
	pageData
}

// List returns one page of the account's actions, newest first.
//
// API: https://docs.digitalocean.com/reference/api/digitalocean/#tag/Actions/operation/actions_list
func (s *ActionsService) List(ctx context.Context, opts *ListOptions) ([]Action, *Response, error) {
	if err := opts.validate(); err != nil {
		return nil, nil, err
	}
	var out actionsPage
	resp, err := s.client.call(ctx, opActionsList, "v2/actions", opts, nil, &out)
	if err != nil {
		return nil, resp, err
	}
	return out.Actions, resp, nil
}

// All iterates over every action, fetching pages of MaxPerPage as needed.
// opts may set the first page or a smaller page size.
func (s *ActionsService) All(ctx context.Context, opts *ListOptions) iter.Seq2[Action, error] {
	return paginate(ctx, opts, func(ctx context.Context, page ListOptions) ([]Action, *Response, error) {
		return s.List(ctx, &page)
	})
}

// Get returns one action.
//
// API: https://docs.digitalocean.com/reference/api/digitalocean/#tag/Actions/operation/actions_get
func (s *ActionsService) Get(ctx context.Context, id int) (*Action, *Response, error) {
	if err := requirePositive("action id", id); err != nil {
		return nil, nil, err
	}
	var out struct {
		Action *Action `json:"action"`
	}
	resp, err := s.client.call(ctx, opActionsGet, "v2/actions/"+strconv.Itoa(id), nil, nil, &out)
	if err != nil {
		return nil, resp, err
	}
	if out.Action == nil {
		return nil, resp, missingObject(resp, "action")
	}
	return out.Action, resp, nil
}

// ActionFailedError is returned by Wait when the action ends errored.
type ActionFailedError struct {
	Action *Action
}

func (e *ActionFailedError) Error() string {
	return fmt.Sprintf("digitalocean: action %d (%s on %s %d) errored", e.Action.ID, e.Action.Type, e.Action.ResourceType, e.Action.ResourceID)
}

// Wait polls the action until it completes, with capped exponential
// backoff. It returns an *ActionFailedError carrying the action when it
// errors. Cancelling ctx stops the waiting, not the action. opts may be nil.
func (s *ActionsService) Wait(ctx context.Context, id int, opts *WaitOptions) (*Action, error) {
	if err := requirePositive("action id", id); err != nil {
		return nil, err
	}
	var last *Action
	err := poll(ctx, opts, func(ctx context.Context, n int) (bool, error) {
		a, _, err := s.Get(ctx, id)
		if err != nil {
			return false, err
		}
		last = a
		opts.report(WaitProgress{Poll: n, State: string(a.Status), Action: a})
		switch a.Status {
		case ActionStatusCompleted:
			return true, nil
		case ActionStatusErrored:
			return true, &ActionFailedError{Action: a}
		}
		return false, nil
	})
	return last, err
}
