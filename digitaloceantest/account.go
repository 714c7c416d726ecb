package digitaloceantest

import (
	"net/http"
	"strconv"
	"time"

	do "github.com/oceankit/digitalocean"
)

// defaultAccount is the account of the spec's example.
func defaultAccount() do.Account {
	return do.Account{
		DropletLimit:    25,
		FloatingIPLimit: 5,
		ReservedIPLimit: 5,
		VolumeLimit:     100,
		Email:           "sammy@digitalocean.com",
		Name:            "Sammy the Shark",
		UUID:            "b6fr89dbf6d9156cace5f3c78dc9851d957381ef",
		EmailVerified:   true,
		Status:          do.AccountStatusActive,
		StatusMessage:   " ",
		Team:            &do.Team{UUID: "5df3e3004a17e242b7c20ca6c9fc25b701a47ece", Name: "My Team"},
	}
}

func getAccount(c *call) reply {
	acct := c.s.cfg.account
	return ok(map[string]any{"account": acct})
}

// actionState is an action that completes a while after it starts.
type actionState struct {
	action   do.Action
	finishAt time.Time // zero when already finished
	fails    bool
}

func (a *actionState) settle(now time.Time) bool {
	if a.finishAt.IsZero() || now.Before(a.finishAt) {
		return false
	}
	a.action.CompletedAt = a.finishAt
	a.action.Status = do.ActionStatusCompleted
	if a.fails {
		a.action.Status = do.ActionStatusErrored
	}
	a.finishAt = time.Time{}
	return true
}

var nyc3 = &do.Region{
	Name:      "New York 3",
	Slug:      "nyc3",
	Features:  []string{"private_networking", "backups", "ipv6", "metadata", "install_agent", "storage", "image_transfer"},
	Available: true,
	Sizes:     []string{"s-1vcpu-1gb", "s-1vcpu-2gb", "s-2vcpu-2gb", "s-2vcpu-4gb", "s-4vcpu-8gb"},
}

// seedActions are a completed action like the spec's example and one still
// in progress that completes after one phase.
func seedActions(now time.Time, phase time.Duration) []*actionState {
	return []*actionState{
		{action: do.Action{ID: 36804636, Status: do.ActionStatusCompleted, Type: "create",
			StartedAt: now.Add(-2 * time.Hour), CompletedAt: now.Add(-2*time.Hour + 45*time.Second),
			ResourceID: 3164444, ResourceType: "droplet", Region: nyc3, RegionSlug: "nyc3"}},
		{action: do.Action{ID: 36804637, Status: do.ActionStatusCompleted, Type: "power_cycle",
			StartedAt: now.Add(-time.Hour), CompletedAt: now.Add(-time.Hour + 20*time.Second),
			ResourceID: 3164444, ResourceType: "droplet", Region: nyc3, RegionSlug: "nyc3"}},
		{action: do.Action{ID: 36804638, Status: do.ActionStatusInProgress, Type: "snapshot",
			StartedAt: now, ResourceID: 3164444, ResourceType: "droplet", Region: nyc3, RegionSlug: "nyc3"},
			finishAt: now.Add(phase)},
	}
}

// AddAction records a new in-progress action on a resource, as a Droplet
// or volume operation would, and returns it. It completes (or, with
// errored, fails) after one phase duration.
func (s *Server) AddAction(actionType, resourceType string, resourceID int, errored bool) do.Action {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.nowLocked()
	s.state.nextActionID++
	a := &actionState{
		action: do.Action{ID: s.state.nextActionID, Status: do.ActionStatusInProgress, Type: actionType,
			StartedAt: now, ResourceID: resourceID, ResourceType: resourceType, Region: nyc3, RegionSlug: "nyc3"},
		finishAt: now.Add(s.cfg.phaseDuration),
		fails:    errored,
	}
	s.state.actions = append(s.state.actions, a)
	return a.action
}

func listActions(c *call) reply {
	all := make([]do.Action, 0, len(c.s.state.actions))
	for i := len(c.s.state.actions) - 1; i >= 0; i-- { // newest first
		all = append(all, c.s.state.actions[i].action)
	}
	page, envelope := paginate(c, all, true)
	envelope["actions"] = page
	return ok(envelope)
}

func getAction(c *call) reply {
	id, err := strconv.Atoi(c.param("action_id"))
	if err != nil || id < 1 {
		return notFound()
	}
	for _, a := range c.s.state.actions {
		if a.action.ID == id {
			return ok(map[string]any{"action": a.action})
		}
	}
	return notFound()
}

// seedOneClicks are the 1-Click applications of the spec's examples.
func seedOneClicks() []do.OneClick {
	return []do.OneClick{
		{Slug: "monitoring", Type: do.OneClickTypeKubernetes},
		{Slug: "wordpress-18-04", Type: do.OneClickTypeDroplet},
		{Slug: "kube-state-metrics", Type: do.OneClickTypeKubernetes},
		{Slug: "loki", Type: do.OneClickTypeKubernetes},
		{Slug: "docker-20-04", Type: do.OneClickTypeDroplet},
	}
}

func listOneClicks(c *call) reply {
	typ := c.r.URL.Query().Get("type") // checked against the documents' enum
	out := []do.OneClick{}
	for _, oc := range c.s.state.oneClicks {
		if typ == "" || oc.Type == typ {
			out = append(out, oc)
		}
	}
	return ok(map[string]any{"1_clicks": out})
}

func installKubernetesOneClicks(c *call) reply {
	var req do.InstallKubernetesRequest
	if bad := decodeStrict(c.body, &req, true); bad != nil {
		return *bad
	}
	if len(req.AddonSlugs) == 0 {
		return unprocessable("addon_slugs must name at least one 1-Click application.")
	}
	for _, slug := range req.AddonSlugs {
		if !c.s.hasOneClick(slug, do.OneClickTypeKubernetes) {
			return unprocessable("%q is not a Kubernetes 1-Click application.", slug)
		}
	}
	c.applied() // the installer jobs start on the cluster
	return reply{status: http.StatusOK, body: &do.InstallKubernetesResponse{Message: "Successfully kicked off addon job."}}
}

func (s *Server) hasOneClick(slug, typ string) bool {
	for _, oc := range s.state.oneClicks {
		if oc.Slug == slug && oc.Type == typ {
			return true
		}
	}
	return false
}
