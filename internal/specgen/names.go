package main

import (
	"strings"
	"unicode"
)

// schemaNames maps spec (and overlay) schema names to Go type names. Two
// schemas mapped to one Go name become one type whose properties are the
// union of both (they describe the same JSON object).
var schemaNames = map[string]string{
	// Apps and their status.
	"app":                              "App",
	"apps_region":                      "AppRegion",
	"apps_domain":                      "AppDomain",
	"apps_domain_phase":                "AppDomainPhase",
	"apps_domain_progress":             "AppDomainProgress",
	"apps_domain_progress_step":        "AppDomainProgressStep",
	"apps_domain_progress_step_status": "AppDomainProgressStepStatus",
	"apps_domain_progress_step_reason": "AppDomainProgressStepReason",
	"app_domain_validation":            "AppDomainValidation",
	"apps_dedicated_egress_ip":         "AppDedicatedIP",
	"apps_dedicated_egress_ip_status":  "AppDedicatedIPStatus",
	"app_build_config":                 "AppBuildConfig",
	"apps_buildpack":                   "AppBuildpack",
	"app_user":                         "AppUser",
	"app_component_scale_change":       "AppComponentScaleChange",

	// The app spec.
	"app_spec":                                        "AppSpec",
	"app_service_spec":                                "AppServiceSpec",
	"app_worker_spec":                                 "AppWorkerSpec",
	"app_job_spec":                                    "AppJobSpec",
	"app_static_site_spec":                            "AppStaticSiteSpec",
	"app_functions_spec":                              "AppFunctionsSpec",
	"app_database_spec":                               "AppDatabaseSpec",
	"app_domain_spec":                                 "AppDomainSpec",
	"app_ingress_spec":                                "AppIngressSpec",
	"app_ingress_spec_rule":                           "AppIngressSpecRule",
	"app_ingress_spec_rule_match":                     "AppIngressSpecRuleMatch",
	"app_ingress_spec_rule_string_match_prefix":       "AppIngressSpecRuleStringMatch",
	"app_ingress_spec_rule_string_match_exact":        "AppIngressSpecRuleStringMatch",
	"app_ingress_spec_rule_routing_component":         "AppIngressSpecRuleRoutingComponent",
	"app_ingress_spec_rule_routing_redirect":          "AppIngressSpecRuleRoutingRedirect",
	"app_ingress_spec_secure_header":                  "AppIngressSpecSecureHeader",
	"app_ingress_spec_load_balancer":                  "AppIngressSpecLoadBalancer",
	"app_egress_spec":                                 "AppEgressSpec",
	"app_egress_type_spec":                            "AppEgressType",
	"app_maintenance_spec":                            "AppMaintenanceSpec",
	"apps_vpc":                                        "AppVPC",
	"apps_vpc_egress_ip":                              "AppVPCEgressIP",
	"app_component_base":                              "AppComponentBase",
	"app_component_instance_base":                     "AppComponentInstanceBase",
	"apps_git_source_spec":                            "AppGitSourceSpec",
	"apps_github_source_spec":                         "AppGitHubSourceSpec",
	"apps_gitlab_source_spec":                         "AppGitLabSourceSpec",
	"apps_bitbucket_source_spec":                      "AppBitbucketSourceSpec",
	"apps_image_source_spec":                          "AppImageSourceSpec",
	"app_variable_definition":                         "AppVariableDefinition",
	"app_log_destination_definition":                  "AppLogDestination",
	"app_log_destination_papertrail_spec":             "AppLogDestinationPapertrail",
	"app_log_destination_datadog_spec":                "AppLogDestinationDatadog",
	"app_log_destination_logtail_spec":                "AppLogDestinationLogtail",
	"app_log_destination_open_search_spec":            "AppLogDestinationOpenSearch",
	"app_log_destination_open_search_spec_basic_auth": "AppLogDestinationOpenSearchBasicAuth",
	"app_log_destination_header":                      "AppLogDestinationHeader",
	"app_autoscaling_spec":                            "AppAutoscalingSpec",
	"app_autoscaling_spec_service":                    "AppAutoscalingSpec",
	"apps_string_match":                               "AppStringMatch",
	"apps_cors_policy":                                "AppCORSPolicy",
	"app_service_spec_health_check":                   "AppServiceSpecHealthCheck",
	"app_health_check_spec":                           "AppHealthCheckSpec",
	"app_route_spec":                                  "AppRouteSpec",
	"app_service_spec_termination":                    "AppServiceSpecTermination",
	"app_service_spec_inactivity_sleep":               "AppServiceSpecInactivitySleep",
	"app_job_spec_termination":                        "AppJobSpecTermination",
	"app_job_spec_schedule":                           "AppJobSpecSchedule",
	"app_worker_spec_termination":                     "AppWorkerSpecTermination",
	"app_alert_spec":                                  "AppAlertSpec",
	"app_alert_spec_rule":                             "AppAlertSpecRule",
	"app_alert_spec_operator":                         "AppAlertSpecOperator",
	"app_alert_spec_window":                           "AppAlertSpecWindow",

	// Deployments.
	"apps_deployment":                      "Deployment",
	"apps_deployment_phase":                "DeploymentPhase",
	"apps_deployment_progress":             "DeploymentProgress",
	"apps_deployment_progress_step":        "DeploymentProgressStep",
	"apps_deployment_progress_step_reason": "DeploymentProgressStepReason",
	"apps_deployment_progress_step_status": "DeploymentProgressStepStatus",
	"apps_deployment_service":              "DeploymentService",
	"apps_deployment_worker":               "DeploymentWorker",
	"apps_deployment_job":                  "DeploymentJob",
	"apps_deployment_static_site":          "DeploymentStaticSite",
	"apps_deployment_functions":            "DeploymentFunctions",
	"apps_deployment_cause_details":        "DeploymentCauseDetails",
	"apps_deployment_type":                 "DeploymentType",
	"apps_deployment_timing":               "DeploymentTiming",

	// Other resources.
	"app_instance":                        "AppInstance",
	"app_job_invocation":                  "JobInvocation",
	"app_event":                           "AppEvent",
	"apps_instance_size":                  "AppInstanceSize",
	"instance_size_cpu_type":              "AppInstanceSizeCPUType",
	"app_alert":                           "AppAlert",
	"app_alert_phase":                     "AppAlertPhase",
	"app_alert_progress":                  "AppAlertProgress",
	"app_alert_progress_step":             "AppAlertProgressStep",
	"app_alert_progress_step_status":      "AppAlertProgressStepStatus",
	"app_alert_progress_step_reason":      "AppAlertProgressStepReason",
	"app_alert_slack_webhook":             "AppAlertSlackWebhook",
	"app_rollback_validation_condition":   "AppRollbackValidationCondition",
	"app_metrics_bandwidth_usage":         "AppMetricsBandwidthUsage",
	"app_metrics_bandwidth_usage_details": "AppBandwidthUsage",
	"app_component_health":                "AppComponentHealth",
	"app_functions_component_health":      "AppFunctionsComponentHealth",
	"app_health":                          "AppHealth",

	// Request bodies and responses that are not plain envelopes.
	"apps_create_app_request":                    "AppCreateRequest",
	"apps_update_app_request":                    "AppUpdateRequest",
	"apps_restart_request":                       "AppRestartRequest",
	"apps_create_deployment_request":             "DeploymentCreateRequest",
	"app_propose":                                "AppProposeRequest",
	"app_propose_response":                       "AppProposeResponse",
	"apps_assign_app_alert_destinations_request": "AlertDestinationsUpdateRequest",
	"apps_rollback_app_request":                  "AppRollbackRequest",
	"app_metrics_bandwidth_usage_request":        "AppMetricsBandwidthUsageRequest",
	"apps_delete_app_response":                   "AppDeleteResponse",
	"apps_get_logs_response":                     "AppLogs",
	"apps_get_exec_response":                     "AppExec",
	"apps_list_instance_sizes_response":          "AppInstanceSizesResponse",
	"response:apps_validate_rollback":            "AppRollbackValidateResponse",

	// The live-API operations of testdata/live-api-overlay.yaml. Its
	// apps_buildpack clashes with the field overlay's (the same object).
	"live-api-overlay:apps_buildpack":                 "AppBuildpack",
	"apps_tier":                                       "AppTier",
	"apps_detect_request":                             "AppDetectRequest",
	"apps_detect_response":                            "AppDetectResponse",
	"apps_detect_response_type":                       "AppDetectStrategy",
	"apps_detect_response_component":                  "AppDetectComponent",
	"apps_detect_response_serverless_package":         "AppDetectServerlessPackage",
	"apps_detect_response_serverless_function":        "AppDetectServerlessFunction",
	"apps_detect_response_serverless_function_limits": "AppDetectServerlessFunctionLimits",
	"apps_deploy_template":                            "AppDeployTemplate",
	"apps_upgrade_buildpack_request":                  "AppUpgradeBuildpackRequest",
	"apps_upgrade_buildpack_response":                 "AppUpgradeBuildpackResponse",
	"apps_database_connection_details":                "AppDatabaseConnectionDetails",
	"apps_database_connection_details_pool":           "AppDatabaseConnectionPool",
	"apps_toggle_database_trusted_source_request":     "AppDatabaseTrustedSourcesRequest",
	"apps_toggle_database_trusted_source_response":    "AppDatabaseTrustedSourcesResponse",

	// Enum parameters.
	"param:log_type":     "AppLogType",
	"param:accept":       "MediaType",
	"param:content-type": "MediaType",
	"param:apps_list_deployments.deployment_types": "DeploymentType",
	"param:apps_list_events.event_types":           "AppEventType",
	"param:apps_get_job_invocation_logs.type":      "AppLogType",
}

// handDecodedEnvelopes are the envelope payload keys that no envelope is
// generated for, with the reason (printed in the schema table).
var handDecodedEnvelopes = map[string]string{
	"app_health": "the spec's example leaves it out, GetAppHealth reads both forms",
}

// inlineNames renames inline (anonymous) types; the key is the default name
// (parent Go type + property).
var inlineNames = map[string]string{
	"AppServiceSpecInstanceSizeSlug":                                 "InstanceSizeSlug",
	"AppWorkerSpecInstanceSizeSlug":                                  "InstanceSizeSlug",
	"AppJobSpecInstanceSizeSlug":                                     "InstanceSizeSlug",
	"AppDomainSpecMinimumTLSVersion":                                 "TLSVersion",
	"AppSpecRegion":                                                  "AppRegionSlug",
	"JobInvocationTriggerScheduledSchedule":                          "AppJobSpecSchedule",
	"JobInvocationTriggerManualUser":                                 "AppUser",
	"AppEventAutoscalingComponentsValue":                             "AppComponentScaleChange",
	"AppFunctionsComponentHealthFunctionsComponentHealthMetricsItem": "AppFunctionsComponentHealthMetric",
	"DeploymentTimingComponentsItem":                                 "DeploymentTimingComponent",
	"AppVariableDefinitionScope":                                     "AppVariableScope",
	"AppVariableDefinitionType":                                      "AppVariableType",
	"AppServiceSpecProtocol":                                         "AppServiceProtocol",
}

// upperConsts lists enum types whose constant suffixes are the upper-cased
// values (short slugs read better that way: AppRegionSlugNYC).
var upperConsts = map[string]bool{"AppRegionSlug": true}

// initialisms are written in upper case in Go names.
var initialisms = map[string]bool{
	"ID": true, "IDS": false, "UUID": true, "URL": true, "URI": true, "HTTP": true, "HTTPS": true,
	"CPU": true, "TTL": true, "DNS": true, "API": true, "JSON": true, "YAML": true,
	"TLS": true, "SSL": true, "IP": true, "CIDR": true, "VPC": true, "SQL": true,
	"CORS": true, "TXT": true, "USD": true, "DB": true, "CNB": true, "DOCR": true,
	"GHCR": true, "SHA": true, "GB": true, "PG": true, "HTML": true, "SSH": true,
	"ACME": true, "CA": true, "P95": true, "RPS": true, "OS": true,
}

// specialWords have a fixed spelling.
var specialWords = map[string]string{
	"github": "GitHub", "gitlab": "GitLab", "ips": "IPs", "ids": "IDs",
	"cpus": "CPUs", "gib": "GiB", "mysql": "MySQL", "mongodb": "MongoDB",
	"opensearch": "OpenSearch", "digitalocean": "DigitalOcean", "urls": "URLs",
	"uris": "URIs", "vcpu": "VCPU",
}

// camel turns snake/kebab/other separated words into a Go identifier part.
func camel(s string) string {
	var b strings.Builder
	words := splitWords(s)
	for i, w := range words {
		if i > 0 && isDigits(words[i-1]) && len(w) > 0 && unicode.IsDigit(rune(w[0])) {
			b.WriteByte('_')
		}
		b.WriteString(word(w))
	}
	return b.String()
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if !unicode.IsDigit(r) {
			return false
		}
	}
	return true
}

func splitWords(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	})
}

func word(w string) string {
	lw := strings.ToLower(w)
	if sp, ok := specialWords[lw]; ok {
		return sp
	}
	if initialisms[strings.ToUpper(w)] {
		return strings.ToUpper(w)
	}
	return strings.ToUpper(lw[:1]) + lw[1:]
}

// constIdent is the suffix of an enum constant for value v.
func constIdent(typ, v string) string {
	if v == "" {
		return "Empty"
	}
	if upperConsts[typ] {
		return strings.ToUpper(strings.Join(splitWords(v), "_"))
	}
	// Split letters from digits too: apps-s-1vcpu-0.5gb → AppsS1VCPU0_5GB.
	var parts []string
	for _, w := range splitWords(v) {
		start := 0
		for i := 1; i < len(w); i++ {
			if unicode.IsDigit(rune(w[i])) != unicode.IsDigit(rune(w[i-1])) {
				parts = append(parts, w[start:i])
				start = i
			}
		}
		parts = append(parts, w[start:])
	}
	return camel(strings.Join(parts, "_"))
}

// defaultGoName is the Go name of a schema missing from schemaNames.
func defaultGoName(schema string) string {
	if strings.HasPrefix(schema, "apps_") {
		schema = "app_" + strings.TrimPrefix(schema, "apps_")
	}
	return camel(schema)
}
