package digitaloceantest

import (
	"fmt"
	"net/http"
	"net/mail"
	"slices"
	"strconv"
	"strings"
	"time"

	do "github.com/oceankit/digitalocean"
)

// instances are the running instances of the active deployment's services
// and workers, named like Kubernetes pods.
func (s *Server) instances(a *appState) []do.AppInstance {
	out := []do.AppInstance{}
	if a.active == nil {
		return out
	}
	add := func(name string, kind do.AppInstanceComponentType, n int) {
		rs := shortHash(10, a.active.id, name)
		for i := range n {
			out = append(out, do.AppInstance{
				ComponentName: name, ComponentType: kind,
				InstanceName:  fmt.Sprintf("%s-%s-%s", name, rs, shortHash(5, a.active.id, name, strconv.Itoa(i))),
				InstanceAlias: fmt.Sprintf("%s-%d", name, i),
			})
		}
	}
	for _, c := range a.active.spec.Services {
		add(c.Name, do.AppInstanceComponentTypeService, instanceCount(c.InstanceCount, c.Autoscaling))
	}
	for _, c := range a.active.spec.Workers {
		add(c.Name, do.AppInstanceComponentTypeWorker, instanceCount(c.InstanceCount, c.Autoscaling))
	}
	return out
}

func getInstances(c *call) reply {
	a, bad := appOf(c)
	if bad != nil {
		return *bad
	}
	return ok(map[string]any{"instances": c.s.instances(a)})
}

func getExec(c *call) reply {
	a, bad := appOf(c)
	if bad != nil {
		return *bad
	}
	d := a.active
	if id := c.param("deployment_id"); id != "" {
		if d = a.findDeployment(id); d == nil {
			return notFound()
		}
	}
	if d == nil || (d != a.active) {
		return badRequest("Exec is only available in the instances of the active deployment.")
	}
	comp := c.param("component_name")
	var names []string
	for _, in := range c.s.instances(a) {
		if in.ComponentName == comp {
			names = append(names, in.InstanceName)
		}
	}
	if len(names) == 0 {
		return notFound()
	}
	instance := c.r.URL.Query().Get("instance_name")
	if instance == "" {
		instance = names[0]
	} else if !slices.Contains(names, instance) {
		return notFound()
	}
	token := shortHash(40, c.s.state.newID("exec-token"))
	c.s.consoles.issue(token, consoleTarget{appID: a.id, component: comp, instance: instance})
	return ok(&do.AppExec{URL: c.s.consoleURL(token, instance)})
}

func getHealth(c *call) reply {
	a, bad := appOf(c)
	if bad != nil {
		return *bad
	}
	h := &do.AppHealth{}
	if a.active != nil {
		for _, comp := range a.active.components() {
			switch comp.kind {
			case do.AppInstanceComponentTypeService, do.AppInstanceComponentTypeWorker:
				n := int64(0)
				for _, in := range c.s.instances(a) {
					if in.ComponentName == comp.name {
						n++
					}
				}
				h.Components = append(h.Components, &do.AppComponentHealth{Name: comp.name, ReplicasDesired: n, ReplicasReady: n,
					State: do.AppComponentHealthStateHealthy, CPUUsagePercent: 5.5, MemoryUsagePercent: 20.3})
			}
		}
		for _, fn := range a.active.spec.Functions {
			h.FunctionsComponents = append(h.FunctionsComponents, &do.AppFunctionsComponentHealth{Name: fn.Name,
				FunctionsComponentHealthMetrics: []*do.AppFunctionsComponentHealthMetric{{MetricLabel: "activations_count", MetricValue: 100, TimeWindow: "1h"}}})
		}
	}
	return ok(map[string]any{"app_health": h})
}

// alerts are the app's alert rules: the spec's app-level ones and each
// component's, with the destinations assigned to them.
func (s *Server) alerts(a *appState) []*do.AppAlert {
	phase := do.AppAlertPhasePending
	if a.active != nil {
		phase = do.AppAlertPhaseActive
	}
	var out []*do.AppAlert
	seen := map[string]int{} // the IDs survive reordering: keyed by component and rule
	add := func(comp string, _ int, spec *do.AppAlertSpec) {
		if spec == nil {
			return
		}
		key := comp + "/" + string(spec.Rule)
		seen[key]++
		id := shortUUID(a.id, "alert", comp, strconv.Itoa(seen[key]), string(spec.Rule))
		alert := &do.AppAlert{ID: id, ComponentName: comp, Spec: spec, Phase: phase, Emails: []string{}}
		if dest, found := a.alertDest[id]; found {
			alert.Emails, alert.SlackWebhooks = dest.emails, dest.slack
		}
		if a.active != nil {
			at := a.active.activeAt
			alert.Progress = &do.AppAlertProgress{Steps: []*do.AppAlertProgressStep{{Name: "alert-configure-insight-alert",
				Status: do.AppAlertProgressStepStatusSuccess, StartedAt: at, EndedAt: at}}}
		}
		out = append(out, alert)
	}
	spec := cloneSpec(a.spec)
	for i, al := range spec.Alerts {
		add("", i, al)
	}
	for _, c := range spec.Services {
		for i, al := range c.Alerts {
			add(c.Name, i, al)
		}
	}
	for _, c := range spec.Workers {
		for i, al := range c.Alerts {
			add(c.Name, i, al)
		}
	}
	for _, c := range spec.Jobs {
		for i, al := range c.Alerts {
			add(c.Name, i, al)
		}
	}
	for _, c := range spec.Functions {
		for i, al := range c.Alerts {
			add(c.Name, i, al)
		}
	}
	return out
}

func listAlerts(c *call) reply {
	a, bad := appOf(c)
	if bad != nil {
		return *bad
	}
	alerts := c.s.alerts(a)
	if alerts == nil {
		alerts = []*do.AppAlert{}
	}
	return ok(map[string]any{"alerts": alerts})
}

func assignAlertDestinations(c *call) reply {
	a, bad := appOf(c)
	if bad != nil {
		return *bad
	}
	var alert *do.AppAlert
	for _, al := range c.s.alerts(a) {
		if al.ID == c.param("alert_id") {
			alert = al
		}
	}
	if alert == nil {
		return notFound()
	}
	var req do.AlertDestinationsUpdateRequest
	if bad := decodeStrict(c.body, &req, true); bad != nil {
		return *bad
	}
	allowed := append([]string{c.s.cfg.account.Email}, c.s.cfg.teamEmails...)
	for _, e := range req.Emails {
		if _, err := mail.ParseAddress(e); err != nil {
			return unprocessable("%q is not an email address.", e)
		}
		if !slices.ContainsFunc(allowed, func(x string) bool { return strings.EqualFold(x, e) }) {
			return unprocessable("%q does not belong to a user with access to the app.", e)
		}
	}
	for _, w := range req.SlackWebhooks {
		if w == nil || !strings.HasPrefix(w.URL, "https://") {
			return unprocessable("slack_webhooks need an https URL.")
		}
	}
	emails := append([]string{}, req.Emails...)
	if !sameDestinations(alert, emails, req.SlackWebhooks) {
		c.applied()
	}
	a.alertDest[alert.ID] = alertDestinations{emails: emails, slack: req.SlackWebhooks}
	alert.Emails, alert.SlackWebhooks = emails, req.SlackWebhooks
	return ok(map[string]any{"alert": alert})
}

// bandwidth is a stable made-up daily bandwidth of an app.
func bandwidth(appID string, day time.Time) string {
	n, _ := strconv.ParseUint(shortHash(6, appID, day.Format(time.DateOnly)), 16, 64)
	return strconv.FormatUint(n*7, 10)
}

// metricsDay reads a date-time and keeps its date; the default is
// yesterday.
func metricsDay(raw string, now time.Time) (time.Time, *reply) {
	if raw == "" {
		y := now.AddDate(0, 0, -1)
		return time.Date(y.Year(), y.Month(), y.Day(), 0, 0, 0, 0, time.UTC), nil
	}
	t, err := time.Parse(time.RFC3339, raw)
	if err != nil {
		r := badRequest("date must be an RFC 3339 date-time, got %q.", raw)
		return time.Time{}, &r
	}
	t = t.UTC()
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC), nil
}

func getBandwidthDaily(c *call) reply {
	a, bad := appOf(c)
	if bad != nil {
		return *bad
	}
	day, bad := metricsDay(c.r.URL.Query().Get("date"), c.now)
	if bad != nil {
		return *bad
	}
	return ok(&do.AppMetricsBandwidthUsage{Date: day, AppBandwidthUsage: []*do.AppBandwidthUsage{{AppID: a.id, BandwidthBytes: bandwidth(a.id, day)}}})
}

func listBandwidthDaily(c *call) reply {
	var req do.AppMetricsBandwidthUsageRequest
	if bad := decodeStrict(c.body, &req, true); bad != nil {
		return *bad
	}
	if len(req.AppIDs) == 0 || len(req.AppIDs) > 100 {
		return unprocessable("app_ids must list 1 to 100 app IDs.")
	}
	day, bad := metricsDay("", c.now)
	if bad != nil {
		return *bad
	}
	if !req.Date.IsZero() {
		d := req.Date.UTC()
		day = time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, time.UTC)
	}
	out := &do.AppMetricsBandwidthUsage{Date: day}
	for _, id := range req.AppIDs {
		if c.s.findApp(id) == nil {
			return apiError(http.StatusNotFound, fmt.Sprintf("app %s was not found", id))
		}
		out.AppBandwidthUsage = append(out.AppBandwidthUsage, &do.AppBandwidthUsage{AppID: id, BandwidthBytes: bandwidth(id, day)})
	}
	return ok(out)
}

func listInstanceSizes(c *call) reply {
	out := &do.AppInstanceSizesResponse{}
	for i := range instanceSizes {
		size := instanceSizes[i]
		out.InstanceSizes = append(out.InstanceSizes, &size)
	}
	return ok(out)
}

func getInstanceSize(c *call) reply {
	size := findInstanceSize(do.InstanceSizeSlug(c.param("slug")))
	if size == nil || c.param("slug") == "" {
		return notFound()
	}
	return ok(map[string]any{"instance_size": size})
}

func listRegions(c *call) reply {
	return ok(map[string]any{"regions": appRegions})
}

func proposeApp(c *call) reply {
	var req do.AppProposeRequest
	if bad := decodeStrict(c.body, &req, true); bad != nil {
		return *bad
	}
	if bad := validateSpec(req.Spec); bad != nil {
		return *bad
	}
	var self *appState
	if req.AppID != "" {
		if self = c.s.findApp(req.AppID); self == nil {
			return notFound()
		}
	}
	raw, bad := requestSpec(c.body)
	if bad != nil {
		return *bad
	}
	out := &do.AppProposeResponse{Spec: proposedSpec(raw), // rewritten, not encrypted: nothing is stored
		AppNameAvailable: true, MaxFreeStaticApps: "3"}
	if other := c.s.findAppByName(req.Spec.Name); other != nil && other != self {
		out.AppNameAvailable = false
		for i := 2; ; i++ {
			candidate := fmt.Sprintf("%s-%d", req.Spec.Name, i)
			if c.s.findAppByName(candidate) == nil {
				out.AppNameSuggestion = candidate
				break
			}
		}
	}
	cost := 0.0
	for _, slug := range instanceSlugs(req.Spec) {
		if size := findInstanceSize(slug); size != nil {
			v, _ := strconv.ParseFloat(size.USDPerMonth, 64)
			cost += v
		}
	}
	out.AppCost = cost
	out.AppIsStatic = len(req.Spec.StaticSites) > 0 && len(instanceSlugs(req.Spec)) == 0 && len(req.Spec.Functions) == 0
	static := 0
	for _, a := range c.s.state.apps {
		if a != self && len(a.spec.StaticSites) > 0 && len(instanceSlugs(a.spec)) == 0 {
			static++
		}
	}
	out.ExistingStaticApps = strconv.Itoa(static)
	return ok(out)
}

// sameDestinations reports whether alert already has these destinations.
func sameDestinations(alert *do.AppAlert, emails []string, slack []*do.AppAlertSlackWebhook) bool {
	return slices.Equal(alert.Emails, emails) && slices.EqualFunc(alert.SlackWebhooks, slack,
		func(a, b *do.AppAlertSlackWebhook) bool { return a != nil && b != nil && *a == *b })
}
