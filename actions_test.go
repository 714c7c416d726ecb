package digitalocean

import (
	"context"
	"encoding/json"
	"net/http"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// specAction is the spec's example action.
func specAction(t *testing.T) map[string]any {
	return specSchemaExample(t, "action")
}

// assertSpecAction checks every field against the spec's property examples.
func assertSpecAction(t *testing.T, a Action) {
	t.Helper()
	assert.Equal(t, 36804636, a.ID)
	assert.Equal(t, ActionStatusCompleted, a.Status)
	assert.Equal(t, "create", a.Type)
	assert.True(t, a.StartedAt.Equal(time.Date(2020, 11, 14, 16, 29, 21, 0, time.UTC)), "started_at %v", a.StartedAt)
	assert.True(t, a.CompletedAt.Equal(time.Date(2020, 11, 14, 16, 30, 6, 0, time.UTC)), "completed_at %v", a.CompletedAt)
	assert.Equal(t, 3164444, a.ResourceID)
	assert.Equal(t, "droplet", a.ResourceType)
	assert.Equal(t, "nyc3", a.RegionSlug)
	require.NotNil(t, a.Region)
	assert.Equal(t, "New York 3", a.Region.Name)
	assert.Equal(t, "nyc3", a.Region.Slug)
	assert.True(t, a.Region.Available)
	assert.Equal(t, []string{"private_networking", "backups", "ipv6", "metadata", "install_agent", "storage", "image_transfer"}, a.Region.Features)
	assert.Len(t, a.Region.Sizes, 14)
	assert.Equal(t, "s-1vcpu-1gb", a.Region.Sizes[0])
}

func TestActionsList(t *testing.T) {
	var log requestLog
	c, _ := newTestClient(t, log.wrap(jsonHandler(200, map[string]any{
		"actions": []any{specAction(t)},
		"links":   map[string]any{"pages": map[string]any{"next": "https://api.digitalocean.com/v2/actions?page=3&per_page=1"}},
		"meta":    map[string]any{"total": 5},
	})))

	actions, resp, err := c.Actions.List(context.Background(), &ListOptions{Page: 2, PerPage: 1})
	require.NoError(t, err)
	require.Len(t, actions, 1)
	assertSpecAction(t, actions[0])
	assert.Equal(t, 5, resp.Meta.Total)
	next, _ := resp.NextPage()
	assert.Equal(t, 3, next)

	got := log.only(t)
	assert.Equal(t, http.MethodGet, got.Method)
	assert.Equal(t, "/v2/actions", got.Path)
	assert.Equal(t, "2", got.Query.Get("page"))
	assert.Equal(t, "1", got.Query.Get("per_page"))
	assert.Len(t, got.Query, 2)
	assert.Empty(t, got.Body)
}

func TestActionsListWithoutOptionsSendsNoQuery(t *testing.T) {
	var log requestLog
	c, _ := newTestClient(t, log.wrap(jsonHandler(200, `{"actions":[],"meta":{"total":0}}`)))
	for _, opts := range []*ListOptions{nil, {}} {
		actions, _, err := c.Actions.List(context.Background(), opts)
		require.NoError(t, err)
		assert.Empty(t, actions)
	}
	for _, r := range log.all() {
		assert.Equal(t, "/v2/actions", r.RequestURI)
	}
}

func TestActionsGet(t *testing.T) {
	var log requestLog
	c, _ := newTestClient(t, log.wrap(jsonHandler(200, envelope("action", specAction(t)))))
	a, resp, err := c.Actions.Get(context.Background(), 36804636)
	require.NoError(t, err)
	require.NotNil(t, resp)
	assertSpecAction(t, *a)

	got := log.only(t)
	assert.Equal(t, http.MethodGet, got.Method)
	assert.Equal(t, "/v2/actions/36804636", got.RequestURI)
}

func TestActionsGetNullableFields(t *testing.T) {
	c, _ := newTestClient(t, jsonHandler(200,
		`{"action":{"id":9,"status":"in-progress","type":"transfer","started_at":"2020-11-14T16:29:21Z",
		"completed_at":null,"resource_id":null,"resource_type":"image","region":null,"region_slug":null}}`))
	a, _, err := c.Actions.Get(context.Background(), 9)
	require.NoError(t, err)
	assert.Equal(t, ActionStatusInProgress, a.Status)
	assert.True(t, a.CompletedAt.IsZero())
	assert.Zero(t, a.ResourceID)
	assert.Nil(t, a.Region)
	assert.Empty(t, a.RegionSlug)
}

func TestActionJSONRoundTrip(t *testing.T) {
	raw := mustJSON(t, specAction(t))
	var a Action
	require.NoError(t, json.Unmarshal(raw, &a))
	again, err := json.Marshal(a)
	require.NoError(t, err)
	var b Action
	require.NoError(t, json.Unmarshal(again, &b))
	assert.Equal(t, a, b)
	assertSpecAction(t, b)
}

func TestActionsGetWithoutActionObject(t *testing.T) {
	c, _ := newTestClient(t, jsonHandler(200, `{"actions":[]}`))
	a, resp, err := c.Actions.Get(context.Background(), 1)
	assert.Nil(t, a)
	assert.NotNil(t, resp)
	var decErr *DecodeError
	require.ErrorAs(t, err, &decErr)
	assert.Equal(t, "/v2/actions/1", decErr.Path)
	assert.Contains(t, err.Error(), `"action"`)
}

func TestActionsGetNotFound(t *testing.T) {
	c, _ := newTestClient(t, jsonHandler(404, `{"id":"not_found","message":"The resource you were accessing could not be found."}`))
	a, resp, err := c.Actions.Get(context.Background(), 5)
	assert.Nil(t, a)
	require.NotNil(t, resp)
	assert.Equal(t, 404, resp.StatusCode)
	assert.ErrorIs(t, err, ErrNotFound)
}

// actionSequence serves GET /v2/actions/{id} with the statuses in turn
// (the last one repeats) and records when each poll arrived.
type actionSequence struct {
	mu       sync.Mutex
	statuses []ActionStatus
	hits     []time.Time
}

func (s *actionSequence) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	s.hits = append(s.hits, time.Now())
	n := len(s.hits)
	status := s.statuses[min(n, len(s.statuses))-1]
	s.mu.Unlock()
	if n > 100 { // a waiter that never stops fails fast instead of hanging
		writeJSON(w, 500, `{"id":"too_many_polls","message":"the waiter does not stop"}`)
		return
	}
	writeJSON(w, 200, map[string]any{"action": map[string]any{
		"id": 77, "status": status, "type": "power_cycle", "resource_type": "droplet", "resource_id": 3164444,
	}})
}

// intervals returns the time between consecutive polls.
func (s *actionSequence) intervals() []time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []time.Duration
	for i := 1; i < len(s.hits); i++ {
		out = append(out, s.hits[i].Sub(s.hits[i-1]))
	}
	return out
}

func repeatStatus(s ActionStatus, n int) []ActionStatus {
	out := make([]ActionStatus, n)
	for i := range out {
		out[i] = s
	}
	return out
}

func TestActionsWaitPollsWithCappedBackoff(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		seq := &actionSequence{statuses: append(repeatStatus(ActionStatusInProgress, 7), ActionStatusCompleted)}
		c := newMemClient(t, seq)
		var polled []string
		start := time.Now()

		a, err := c.Actions.Wait(context.Background(), 77, &WaitOptions{
			MinInterval: time.Second, MaxInterval: 8 * time.Second,
			OnPoll: func(state string) { polled = append(polled, state) },
		})
		require.NoError(t, err)
		require.NotNil(t, a)
		assert.Equal(t, ActionStatusCompleted, a.Status)
		assert.Equal(t, 77, a.ID)

		s := time.Second
		assert.Equal(t, []time.Duration{1 * s, 2 * s, 4 * s, 8 * s, 8 * s, 8 * s, 8 * s}, seq.intervals())
		assert.Equal(t, 39*s, time.Since(start))
		assert.Equal(t, append(repeatStatus("in-progress", 7), "completed"), toStrings(polled))
	})
}

func toStrings(ss []string) []ActionStatus {
	out := make([]ActionStatus, len(ss))
	for i, s := range ss {
		out[i] = ActionStatus(s)
	}
	return out
}

func TestActionsWaitDefaultIntervals(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		seq := &actionSequence{statuses: append(repeatStatus(ActionStatusInProgress, 8), ActionStatusCompleted)}
		c := newMemClient(t, seq)
		_, err := c.Actions.Wait(context.Background(), 77, nil)
		require.NoError(t, err)
		s := time.Second
		assert.Equal(t, []time.Duration{1 * s, 2 * s, 4 * s, 8 * s, 16 * s, 30 * s, 30 * s, 30 * s}, seq.intervals())
	})
}

func TestActionsWaitReturnsAtOnceWhenAlreadyDone(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		seq := &actionSequence{statuses: []ActionStatus{ActionStatusCompleted}}
		c := newMemClient(t, seq)
		start := time.Now()
		_, err := c.Actions.Wait(context.Background(), 77, nil)
		require.NoError(t, err)
		assert.Zero(t, time.Since(start))
		assert.Len(t, seq.hits, 1)
	})
}

func TestActionsWaitErrored(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		seq := &actionSequence{statuses: []ActionStatus{ActionStatusInProgress, ActionStatusErrored}}
		c := newMemClient(t, seq)
		a, err := c.Actions.Wait(context.Background(), 77, nil)
		var failed *ActionFailedError
		require.ErrorAs(t, err, &failed)
		require.NotNil(t, failed.Action)
		assert.Equal(t, 77, failed.Action.ID)
		assert.Equal(t, ActionStatusErrored, failed.Action.Status)
		assert.Same(t, failed.Action, a, "the errored action is also returned")
		assert.Equal(t, "digitalocean: action 77 (power_cycle on droplet 3164444) errored", err.Error())
		assert.Len(t, seq.hits, 2)
	})
}

func TestActionsWaitStopsOnContextCancel(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		seq := &actionSequence{statuses: []ActionStatus{ActionStatusInProgress}}
		c := newMemClient(t, seq)
		ctx, cancel := context.WithCancel(context.Background())
		polls := 0
		a, err := c.Actions.Wait(ctx, 77, &WaitOptions{OnPoll: func(string) {
			if polls++; polls == 3 {
				cancel()
			}
		}})
		require.ErrorIs(t, err, context.Canceled)
		assert.Contains(t, err.Error(), "stopped waiting")
		require.NotNil(t, a, "the last action seen is returned")
		assert.Equal(t, ActionStatusInProgress, a.Status)
		assert.Len(t, seq.hits, 3, "no poll after cancellation")
	})
}

func TestActionsWaitStopsAtDeadline(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		seq := &actionSequence{statuses: []ActionStatus{ActionStatusInProgress}}
		c := newMemClient(t, seq)
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		start := time.Now()
		_, err := c.Actions.Wait(ctx, 77, nil)
		require.ErrorIs(t, err, context.DeadlineExceeded)
		assert.Equal(t, 10*time.Second, time.Since(start), "the wait ends at the deadline, not at the next poll")
		assert.Len(t, seq.hits, 4, "polls at 0s, 1s, 3s, 7s")
	})
}

func TestActionsWaitStopsOnAPIError(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var log requestLog
		c := newMemClient(t, log.wrap(jsonHandler(404, `{"id":"not_found","message":"no such action"}`)))
		a, err := c.Actions.Wait(context.Background(), 77, nil)
		assert.Nil(t, a)
		assert.ErrorIs(t, err, ErrNotFound)
		assert.Equal(t, 1, log.count())
	})
}
