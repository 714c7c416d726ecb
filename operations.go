package digitalocean

// opID names one API operation. Every service call names its operation,
// and the request loop looks up in operations whether it may be re-sent:
// App Platform decides safety by what an operation does, not by its HTTP
// method (an app update is a PUT, yet every update starts a deployment).
type opID uint8

// The operations, in the order of docs/operations.md.
const (
	opOneClicksList opID = iota
	opOneClicksInstallKubernetes
	opAccountGet
	opActionsList
	opActionsGet
	opAppsList
	opAppsCreate
	opAppsGet
	opAppsUpdate
	opAppsDelete
	opAppsRestart
	opAppsValidateAppSpec
	opAppsGetInstances
	opAppsGetHealth
	opAppsListDeployments
	opAppsCreateDeployment
	opAppsGetDeployment
	opAppsCancelDeployment
	opAppsGetLogs
	opAppsGetLogsAggregate
	opAppsGetLogsActiveDeployment
	opAppsGetLogsActiveDeploymentAggregate
	opAppsGetExec
	opAppsGetExecActiveDeployment
	opAppsListJobInvocations
	opAppsGetJobInvocation
	opAppsCancelJobInvocation
	opAppsGetJobInvocationLogs
	opAppsListEvents
	opAppsGetEvent
	opAppsCancelEvent
	opAppsGetEventLogs
	opAppsListInstanceSizes
	opAppsGetInstanceSize
	opAppsListRegions
	opAppsListAlerts
	opAppsAssignAlertDestinations
	opAppsCreateRollback
	opAppsValidateRollback
	opAppsCommitRollback
	opAppsRevertRollback
	opAppsGetMetricsBandwidthDaily
	opAppsListMetricsBandwidthDaily
	opAppsListTiers
	opAppsGetTier
	opAppsListBuildpacks
	opAppsDetect
	opAppsUpgradeBuildpack
	opAppsGetDatabaseConnectionDetails
	opAppsResetDatabasePassword
	opAppsToggleDatabaseTrustedSource

	opCount // not an operation: the number of them
)

// opKind is what an operation does to the account, which decides whether
// an attempt that may have been applied can be sent again.
type opKind uint8

const (
	// opRead changes nothing: it is re-sent after any transient failure.
	opRead opKind = iota + 1
	// opConverge changes state to a value the request names (delete this
	// app, cancel that deployment): applying it twice leaves the account as
	// applying it once, so it is re-sent; a later error may come from the
	// earlier attempt's success.
	opConverge
	// opOnce acts anew each time it is applied (an app, a deployment, a
	// password): re-sent only when it certainly never reached the server or
	// the API refused it unprocessed (429); net/http may not replay it.
	opOnce
)

// operation is one row of the table below.
type operation struct {
	id     string // the spec's operationId
	method string
	path   string // the spec's path template
	kind   opKind
	// why says what the operation does on App Platform that makes kind
	// right; docs/retries.md and docs/operations.md print it.
	why string
	// ambiguous says what a call does after an attempt that may have been
	// applied (a 5xx, a connection lost after sending): for the docs.
	ambiguous string
}

// resend reports whether an attempt that may have been applied may be
// followed by another.
func (o *operation) resend() bool { return o.kind != opOnce }

// write reports whether the operation changes anything: its errors then
// say when it may have been applied (ErrOutcomeUnknown).
func (o *operation) write() bool { return o.kind != opRead }

// Texts shared by many rows.
const (
	whyRead          = "reads only"
	ambiguousResend  = "re-sent"
	whyDeploys       = "starts a new deployment each time it is applied, restarting components and `PRE_DEPLOY` jobs"
	ambiguousUnknown = "`ErrOutcomeUnknown`"
	// A write that starts a deployment is resolved by it: the newest
	// deployment is noted before sending (one more request), and the ones
	// listed before it afterwards are new.
	ambiguousDeploys = "the deployments started since the call are read: one of this operation's cause is success with `Recovered`; none, re-sent once; more, one of unclear cause, or a failed read, " + ambiguousUnknown
	// A converging write is re-sent; if a later attempt fails, the earlier
	// one may still have succeeded: the object is read.
	ambiguousConverges = ambiguousResend + "; if that fails, the object is read: "
)

// operations is the table of every operation the SDK calls: the spec's 43
// and the live-API overlay's 8. docs/retries.md and docs/operations.md
// carry it, checked by TestOperationTableInDocs.
var operations = [opCount]operation{
	opOneClicksList:              {"oneClicks_list", "GET", "/v2/1-clicks", opRead, whyRead, ambiguousResend},
	opOneClicksInstallKubernetes: {"oneClicks_install_kubernetes", "POST", "/v2/1-clicks/kubernetes", opOnce, "starts installer jobs on the cluster each time it is applied; the API has no read that shows them", ambiguousUnknown},
	opAccountGet:                 {"account_get", "GET", "/v2/account", opRead, whyRead, ambiguousResend},
	opActionsList:                {"actions_list", "GET", "/v2/actions", opRead, whyRead, ambiguousResend},
	opActionsGet:                 {"actions_get", "GET", "/v2/actions/{action_id}", opRead, whyRead, ambiguousResend},
	opAppsList:                   {"apps_list", "GET", "/v2/apps", opRead, whyRead, ambiguousResend},
	opAppsCreate: {"apps_create", "POST", "/v2/apps", opOnce,
		"creates an app and its first deployment each time it is applied (a second create of the name gets 409)",
		"looked up by name: the requested spec is success with `Recovered`; no app of the name, re-sent once; another spec, `*AppNameTakenError`; a failed lookup, `ErrOutcomeUnknown`"},
	opAppsGet: {"apps_get", "GET", "/v2/apps/{id}", opRead, whyRead, ambiguousResend},
	opAppsUpdate: {"apps_update", "PUT", "/v2/apps/{id}", opOnce,
		"a PUT, but every update starts a deployment that restarts every component and `PRE_DEPLOY` job, even with the same spec (live-api-behaviour fact 31)",
		"the deployments started since the call are read (the live spec alone cannot tell an update that changed nothing): one update deployment of the requested spec is success with `Recovered` and the app read back; none, re-sent once; more, one of unclear cause or spec, or a failed read, `ErrOutcomeUnknown`"},
	opAppsDelete: {"apps_delete", "DELETE", "/v2/apps/{id}", opConverge,
		"the app is gone however often it is applied",
		"re-sent; a 404 then is success with `GoneOnRetry`"},
	opAppsRestart:         {"apps_restart", "POST", "/v2/apps/{app_id}/restart", opOnce, whyDeploys, ambiguousDeploys + " (cause `MANUAL`, `RESTART`)"},
	opAppsValidateAppSpec: {"apps_validate_appSpec", "POST", "/v2/apps/propose", opRead, "validates a spec and prices it; creates nothing", ambiguousResend},
	opAppsGetInstances:    {"apps_get_instances", "GET", "/v2/apps/{app_id}/instances", opRead, whyRead, ambiguousResend},
	opAppsGetHealth:       {"apps_get_health", "GET", "/v2/apps/{app_id}/health", opRead, whyRead, ambiguousResend},
	opAppsListDeployments: {"apps_list_deployments", "GET", "/v2/apps/{app_id}/deployments", opRead, whyRead, ambiguousResend},
	opAppsCreateDeployment: {"apps_create_deployment", "POST", "/v2/apps/{app_id}/deployments", opOnce,
		whyDeploys + " (a second one queues behind the first)", ambiguousDeploys + " (cause `MANUAL`, `CREATE_DEPLOYMENT`)"},
	opAppsGetDeployment: {"apps_get_deployment", "GET", "/v2/apps/{app_id}/deployments/{deployment_id}", opRead, whyRead, ambiguousResend},
	opAppsCancelDeployment: {"apps_cancel_deployment", "POST", "/v2/apps/{app_id}/deployments/{deployment_id}/cancel", opConverge,
		"names the deployment: once canceled it stays canceled", ambiguousConverges + "already `CANCELED` is success with `Recovered`; otherwise, or a failed read, " + ambiguousUnknown},
	opAppsGetLogs:                          {"apps_get_logs", "GET", "/v2/apps/{app_id}/deployments/{deployment_id}/components/{component_name}/logs", opRead, whyRead, ambiguousResend},
	opAppsGetLogsAggregate:                 {"apps_get_logs_aggregate", "GET", "/v2/apps/{app_id}/deployments/{deployment_id}/logs", opRead, whyRead, ambiguousResend},
	opAppsGetLogsActiveDeployment:          {"apps_get_logs_active_deployment", "GET", "/v2/apps/{app_id}/components/{component_name}/logs", opRead, whyRead, ambiguousResend},
	opAppsGetLogsActiveDeploymentAggregate: {"apps_get_logs_active_deployment_aggregate", "GET", "/v2/apps/{app_id}/logs", opRead, whyRead, ambiguousResend},
	opAppsGetExec:                          {"apps_get_exec", "GET", "/v2/apps/{app_id}/deployments/{deployment_id}/components/{component_name}/exec", opRead, "hands out a console URL; nothing runs until it is opened", ambiguousResend},
	opAppsGetExecActiveDeployment:          {"apps_get_exec_active_deployment", "GET", "/v2/apps/{app_id}/components/{component_name}/exec", opRead, "hands out a console URL; nothing runs until it is opened", ambiguousResend},
	opAppsListJobInvocations:               {"apps_list_job_invocations", "GET", "/v2/apps/{app_id}/job-invocations", opRead, whyRead, ambiguousResend},
	opAppsGetJobInvocation:                 {"apps_get_job_invocation", "GET", "/v2/apps/{app_id}/job-invocations/{job_invocation_id}", opRead, whyRead, ambiguousResend},
	opAppsCancelJobInvocation: {"apps_cancel_job_invocation", "POST", "/v2/apps/{app_id}/job-invocations/{job_invocation_id}/cancel", opConverge,
		"names the invocation: once canceled it stays canceled", ambiguousConverges + "already `CANCELED` is success with `Recovered`; otherwise, or a failed read, " + ambiguousUnknown},
	opAppsGetJobInvocationLogs: {"apps_get_job_invocation_logs", "GET", "/v2/apps/{app_id}/jobs/{job_name}/invocations/{job_invocation_id}/logs", opRead, whyRead, ambiguousResend},
	opAppsListEvents:           {"apps_list_events", "GET", "/v2/apps/{app_id}/events", opRead, whyRead, ambiguousResend},
	opAppsGetEvent:             {"apps_get_event", "GET", "/v2/apps/{app_id}/events/{event_id}", opRead, whyRead, ambiguousResend},
	opAppsCancelEvent: {"apps_cancel_event", "POST", "/v2/apps/{app_id}/events/{event_id}/cancel", opConverge,
		"names the event: once canceled it stays canceled", ambiguousConverges + "already `CANCELED` (an autoscaling event, or a deployment event's deployment) is success with `Recovered`; otherwise, or a failed read, " + ambiguousUnknown},
	opAppsGetEventLogs:      {"apps_get_event_logs", "GET", "/v2/apps/{app_id}/events/{event_id}/logs", opRead, whyRead, ambiguousResend},
	opAppsListInstanceSizes: {"apps_list_instanceSizes", "GET", "/v2/apps/tiers/instance_sizes", opRead, whyRead, ambiguousResend},
	opAppsGetInstanceSize:   {"apps_get_instanceSize", "GET", "/v2/apps/tiers/instance_sizes/{slug}", opRead, whyRead, ambiguousResend},
	opAppsListRegions:       {"apps_list_regions", "GET", "/v2/apps/regions", opRead, whyRead, ambiguousResend},
	opAppsListAlerts:        {"apps_list_alerts", "GET", "/v2/apps/{app_id}/alerts", opRead, whyRead, ambiguousResend},
	opAppsAssignAlertDestinations: {"apps_assign_alertDestinations", "POST", "/v2/apps/{app_id}/alerts/{alert_id}/destinations", opConverge,
		"replaces the alert's destinations with the list sent; no deployment", "re-sent"},
	opAppsCreateRollback: {"apps_create_rollback", "POST", "/v2/apps/{app_id}/rollback", opOnce,
		"starts a rollback deployment each time it is applied (and pins the app)", ambiguousDeploys + " (cause `MANUAL_ROLLBACK`, `ROLLBACK_APP`, cloned from the requested deployment)"},
	opAppsValidateRollback: {"apps_validate_rollback", "POST", "/v2/apps/{app_id}/rollback/validate", opRead, "checks a rollback; changes nothing", ambiguousResend},
	opAppsCommitRollback: {"apps_commit_rollback", "POST", "/v2/apps/{app_id}/rollback/commit", opConverge,
		"unpins the app and keeps the rolled-back deployment; no deployment starts, and a committed rollback stays committed",
		ambiguousConverges + "the app unpinned, with no revert among its active, pending and in-progress deployments, is success with `Recovered`; otherwise, or a failed read, " + ambiguousUnknown},
	opAppsRevertRollback: {"apps_revert_rollback", "POST", "/v2/apps/{app_id}/rollback/revert", opOnce,
		"starts a deployment of the spec from before the rollback each time it is applied", ambiguousDeploys + " (cause `MANUAL_ROLLBACK`, `REVERT_APP_ROLLBACK`)"},
	opAppsGetMetricsBandwidthDaily:  {"apps_get_metrics_bandwidth_daily", "GET", "/v2/apps/{app_id}/metrics/bandwidth_daily", opRead, whyRead, ambiguousResend},
	opAppsListMetricsBandwidthDaily: {"apps_list_metrics_bandwidth_daily", "POST", "/v2/apps/metrics/bandwidth_daily", opRead, "a read sent as POST (the app IDs are the body)", ambiguousResend},
	opAppsListTiers:                 {"apps_list_tiers", "GET", "/v2/apps/tiers", opRead, whyRead, ambiguousResend},
	opAppsGetTier:                   {"apps_get_tier", "GET", "/v2/apps/tiers/{slug}", opRead, whyRead, ambiguousResend},
	opAppsListBuildpacks:            {"apps_list_buildpacks", "GET", "/v2/apps/buildpacks", opRead, whyRead, ambiguousResend},
	opAppsDetect:                    {"apps_detect", "POST", "/v2/apps/detect", opRead, "inspects a source repository and suggests a spec; creates nothing", ambiguousResend},
	opAppsUpgradeBuildpack: {"apps_upgrade_buildpack", "POST", "/v2/apps/{app_id}/upgrade_buildpack", opOnce,
		"rewrites the app's spec and, with `TriggerDeployment`, starts a deployment each time it is applied",
		"with `TriggerDeployment`: " + ambiguousDeploys + " (cause `MANUAL`, `UPGRADE_BUILDPACK`; the recovered result has the deployment and no `AffectedComponents`, which no read shows); without it, nothing shows the upgrade: " + ambiguousUnknown},
	opAppsGetDatabaseConnectionDetails: {"apps_get_database_connection_details", "GET", "/v2/apps/{app_id}/database_connection_details", opRead, whyRead, ambiguousResend},
	opAppsResetDatabasePassword: {"apps_reset_database_password", "POST", "/v2/apps/{app_id}/components/{component_name}/reset_password", opOnce,
		"sets a new random password and starts a deployment each time it is applied",
		ambiguousDeploys + " (cause `MANUAL`, `RESET_DATABASE_PASSWORD`; the result is the deployment, the password is read with `GetDatabaseConnectionDetails` either way)"},
	opAppsToggleDatabaseTrustedSource: {"apps_toggle_database_trusted_source", "POST", "/v2/apps/{app_id}/components/{component_name}/trusted_sources", opOnce,
		"sets a value, but each application starts an `UPDATE_DATABASE_TRUSTED_SOURCES` deployment",
		ambiguousDeploys + " (cause `UPDATE_DATABASE_TRUSTED_SOURCES`; the recovered result is the requested state; a re-send sets the same value again)"},
}
