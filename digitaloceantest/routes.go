package digitaloceantest

import "strings"

// apiRoutes lists the 43 operations of the spec and the 8 of the live-API
// overlay (testdata/live-api-overlay.yaml).
func apiRoutes() []route {
	r := func(method, pattern, op string, h func(c *call) reply) route {
		return route{method: method, pattern: strings.Split(strings.TrimPrefix(pattern, "/"), "/"), op: op, handle: h}
	}
	const (
		get, post, put, del = "GET", "POST", "PUT", "DELETE"
		app                 = "/v2/apps/{app_id}"
		dep                 = app + "/deployments/{deployment_id}"
	)
	return []route{
		r(get, "/v2/1-clicks", "oneClicks_list", listOneClicks),
		r(post, "/v2/1-clicks/kubernetes", "oneClicks_install_kubernetes", installKubernetesOneClicks),
		r(get, "/v2/account", "account_get", getAccount),
		r(get, "/v2/actions", "actions_list", listActions),
		r(get, "/v2/actions/{action_id}", "actions_get", getAction),

		r(get, "/v2/apps", "apps_list", listApps),
		r(post, "/v2/apps", "apps_create", createApp),
		// Live-API overlay: concrete paths before the templated /v2/apps/{id}
		// (match also prefers the route with more literal segments).
		r(get, "/v2/apps/tiers", "apps_list_tiers", listTiers),
		r(get, "/v2/apps/buildpacks", "apps_list_buildpacks", listBuildpacks),
		r(post, "/v2/apps/detect", "apps_detect", detect),
		r(del, "/v2/apps/{id}", "apps_delete", deleteApp),
		r(get, "/v2/apps/{id}", "apps_get", getApp),
		r(put, "/v2/apps/{id}", "apps_update", updateApp),
		r(post, app+"/restart", "apps_restart", restartApp),
		r(get, app+"/components/{component_name}/logs", "apps_get_logs_active_deployment", getDeploymentLogs),
		r(get, app+"/components/{component_name}/exec", "apps_get_exec_active_deployment", getExec),
		r(get, app+"/instances", "apps_get_instances", getInstances),
		r(get, app+"/deployments", "apps_list_deployments", listDeployments),
		r(post, app+"/deployments", "apps_create_deployment", createDeployment),
		r(get, dep, "apps_get_deployment", getDeployment),
		r(post, dep+"/cancel", "apps_cancel_deployment", cancelDeployment),
		r(get, dep+"/components/{component_name}/logs", "apps_get_logs", getDeploymentLogs),
		r(get, dep+"/logs", "apps_get_logs_aggregate", getDeploymentLogs),
		r(get, dep+"/components/{component_name}/exec", "apps_get_exec", getExec),
		r(get, app+"/logs", "apps_get_logs_active_deployment_aggregate", getDeploymentLogs),
		r(get, app+"/job-invocations", "apps_list_job_invocations", listJobInvocations),
		r(get, app+"/job-invocations/{job_invocation_id}", "apps_get_job_invocation", getJobInvocation),
		r(post, app+"/job-invocations/{job_invocation_id}/cancel", "apps_cancel_job_invocation", cancelJobInvocation),
		r(get, app+"/jobs/{job_name}/invocations/{job_invocation_id}/logs", "apps_get_job_invocation_logs", getJobInvocationLogs),
		r(get, app+"/events", "apps_list_events", listEvents),
		r(get, app+"/events/{event_id}", "apps_get_event", getEvent),
		r(post, app+"/events/{event_id}/cancel", "apps_cancel_event", cancelEvent),
		r(get, app+"/events/{event_id}/logs", "apps_get_event_logs", getEventLogs),
		r(get, "/v2/apps/tiers/instance_sizes", "apps_list_instanceSizes", listInstanceSizes),
		r(get, "/v2/apps/tiers/instance_sizes/{slug}", "apps_get_instanceSize", getInstanceSize),
		r(get, "/v2/apps/tiers/{slug}", "apps_get_tier", getTier), // after instance_sizes
		r(get, "/v2/apps/regions", "apps_list_regions", listRegions),
		r(post, "/v2/apps/propose", "apps_validate_appSpec", proposeApp),
		r(get, app+"/alerts", "apps_list_alerts", listAlerts),
		r(post, app+"/alerts/{alert_id}/destinations", "apps_assign_alertDestinations", assignAlertDestinations),
		r(post, app+"/rollback", "apps_create_rollback", createRollback),
		r(post, app+"/rollback/validate", "apps_validate_rollback", validateRollback),
		r(post, app+"/rollback/commit", "apps_commit_rollback", commitRollback),
		r(post, app+"/rollback/revert", "apps_revert_rollback", revertRollback),
		r(get, app+"/metrics/bandwidth_daily", "apps_get_metrics_bandwidth_daily", getBandwidthDaily),
		r(post, "/v2/apps/metrics/bandwidth_daily", "apps_list_metrics_bandwidth_daily", listBandwidthDaily),
		r(get, app+"/health", "apps_get_health", getHealth),

		// The rest of the live-API overlay (appextras.go).
		r(post, app+"/upgrade_buildpack", "apps_upgrade_buildpack", upgradeBuildpack),
		r(get, app+"/database_connection_details", "apps_get_database_connection_details", getDatabaseConnectionDetails),
		r(post, app+"/components/{component_name}/reset_password", "apps_reset_database_password", resetDatabasePassword),
		r(post, app+"/components/{component_name}/trusted_sources", "apps_toggle_database_trusted_source", toggleDatabaseTrustedSource),
	}
}

// Operations lists the operationIds of the spec and the live-API overlay
// that the fake serves.
func Operations() []string {
	routes := apiRoutes()
	ops := make([]string, len(routes))
	for i, r := range routes {
		ops[i] = r.op
	}
	return ops
}
