// The values below are the SDK's enum constants (apps_types.gen.go);
// TestEnumRegistryMatchesSDK checks that none is missing.

package digitaloceantest

import (
	"reflect"
	"slices"
	"strings"

	do "github.com/oceankit/digitalocean"
)

// enums maps the SDK's enum types that appear in requests to their values.
var enums = map[reflect.Type]map[string]bool{
	enumType[do.AppAlertSpecOperator](): enumSet(
		do.AppAlertSpecOperatorUnspecifiedOperator,
		do.AppAlertSpecOperatorGreaterThan,
		do.AppAlertSpecOperatorLessThan,
	),
	enumType[do.AppAlertSpecRule](): enumSet(
		do.AppAlertSpecRuleUnspecifiedRule,
		do.AppAlertSpecRuleCPUUtilization,
		do.AppAlertSpecRuleMemUtilization,
		do.AppAlertSpecRuleRestartCount,
		do.AppAlertSpecRuleDeploymentFailed,
		do.AppAlertSpecRuleDeploymentLive,
		do.AppAlertSpecRuleDomainFailed,
		do.AppAlertSpecRuleDomainLive,
		do.AppAlertSpecRuleAutoscaleFailed,
		do.AppAlertSpecRuleAutoscaleSucceeded,
		do.AppAlertSpecRuleFunctionsActivationCount,
		do.AppAlertSpecRuleFunctionsAverageDurationMs,
		do.AppAlertSpecRuleFunctionsErrorRatePerMinute,
		do.AppAlertSpecRuleFunctionsAverageWaitTimeMs,
		do.AppAlertSpecRuleFunctionsErrorCount,
		do.AppAlertSpecRuleFunctionsGBRatePerSecond,
		do.AppAlertSpecRuleRequestsPerSecond,
		do.AppAlertSpecRuleRequestDurationP95Ms,
		do.AppAlertSpecRuleDeploymentStarted,
		do.AppAlertSpecRuleDeploymentCanceled,
		do.AppAlertSpecRuleJobInvocationFailed,
	),
	enumType[do.AppAlertSpecWindow](): enumSet(
		do.AppAlertSpecWindowUnspecifiedWindow,
		do.AppAlertSpecWindowFiveMinutes,
		do.AppAlertSpecWindowTenMinutes,
		do.AppAlertSpecWindowThirtyMinutes,
		do.AppAlertSpecWindowOneHour,
	),
	enumType[do.AppDatabaseSpecEngine](): enumSet(
		do.AppDatabaseSpecEngineUnset,
		do.AppDatabaseSpecEngineMySQL,
		do.AppDatabaseSpecEnginePG,
		do.AppDatabaseSpecEngineRedis,
		do.AppDatabaseSpecEngineMongoDB,
		do.AppDatabaseSpecEngineKafka,
		do.AppDatabaseSpecEngineOpenSearch,
		do.AppDatabaseSpecEngineValkey,
	),
	enumType[do.AppDomainSpecType](): enumSet(
		do.AppDomainSpecTypeUnspecified,
		do.AppDomainSpecTypeDefault,
		do.AppDomainSpecTypePrimary,
		do.AppDomainSpecTypeAlias,
	),
	enumType[do.AppEgressType](): enumSet(
		do.AppEgressTypeAutoassign,
		do.AppEgressTypeDedicatedIP,
	),
	enumType[do.AppImageSourceSpecRegistryType](): enumSet(
		do.AppImageSourceSpecRegistryTypeDockerHub,
		do.AppImageSourceSpecRegistryTypeDOCR,
		do.AppImageSourceSpecRegistryTypeGHCR,
		do.AppImageSourceSpecRegistryTypeUnspecified,
	),
	enumType[do.AppIngressSpecLoadBalancer](): enumSet(
		do.AppIngressSpecLoadBalancerUnknown,
		do.AppIngressSpecLoadBalancerDigitalOcean,
	),
	enumType[do.AppJobSpecKind](): enumSet(
		do.AppJobSpecKindUnspecified,
		do.AppJobSpecKindPreDeploy,
		do.AppJobSpecKindPostDeploy,
		do.AppJobSpecKindFailedDeploy,
		do.AppJobSpecKindScheduled,
	),
	enumType[do.AppRegionSlug](): enumSet(
		do.AppRegionSlugATL,
		do.AppRegionSlugNYC,
		do.AppRegionSlugSFO,
		do.AppRegionSlugTOR,
		do.AppRegionSlugAMS,
		do.AppRegionSlugFRA,
		do.AppRegionSlugLON,
		do.AppRegionSlugBLR,
		do.AppRegionSlugSGP,
		do.AppRegionSlugSYD,
	),
	enumType[do.AppServiceProtocol](): enumSet(
		do.AppServiceProtocolHTTP,
		do.AppServiceProtocolHTTP2,
	),
	enumType[do.AppVariableScope](): enumSet(
		do.AppVariableScopeUnset,
		do.AppVariableScopeRunTime,
		do.AppVariableScopeBuildTime,
		do.AppVariableScopeRunAndBuildTime,
	),
	enumType[do.AppVariableType](): enumSet(
		do.AppVariableTypeGeneral,
		do.AppVariableTypeSecret,
	),
	enumType[do.InstanceSizeSlug](): enumSet(
		do.InstanceSizeSlugAppsS1VCPU0_5GB,
		do.InstanceSizeSlugAppsS1VCPU1GBFixed,
		do.InstanceSizeSlugAppsS1VCPU1GB,
		do.InstanceSizeSlugAppsS1VCPU2GB,
		do.InstanceSizeSlugAppsS2VCPU4GB,
		do.InstanceSizeSlugAppsD1VCPU0_5GB,
		do.InstanceSizeSlugAppsD1VCPU1GB,
		do.InstanceSizeSlugAppsD1VCPU2GB,
		do.InstanceSizeSlugAppsD1VCPU4GB,
		do.InstanceSizeSlugAppsD2VCPU4GB,
		do.InstanceSizeSlugAppsD2VCPU8GB,
		do.InstanceSizeSlugAppsD4VCPU8GB,
		do.InstanceSizeSlugAppsD4VCPU16GB,
		do.InstanceSizeSlugAppsD8VCPU32GB,
		// Legacy slugs the API still accepts (their constants are deprecated).
		"basic-xxs",
		"basic-xs",
		"basic-s",
		"basic-m",
		"professional-xs",
		"professional-s",
		"professional-m",
		"professional-1l",
		"professional-l",
		"professional-xl",
	),
	enumType[do.TLSVersion](): enumSet(
		do.TLSVersion1_2,
		do.TLSVersion1_3,
	),
	enumType[do.AppLogType](): enumSet(
		do.AppLogTypeUnspecified,
		do.AppLogTypeBuild,
		do.AppLogTypeDeploy,
		do.AppLogTypeRun,
		do.AppLogTypeRunRestarted,
		do.AppLogTypeAutoscaleEvent,
		do.AppLogTypeJobInvocation,
	),
	enumType[do.DeploymentType](): enumSet(
		do.DeploymentTypeUnknown,
		do.DeploymentTypeManual,
		do.DeploymentTypeDeployOnPush,
		do.DeploymentTypeMaintenance,
		do.DeploymentTypeManualRollback,
		do.DeploymentTypeAutoRollback,
		do.DeploymentTypeUpdateDatabaseTrustedSources,
		do.DeploymentTypeAutoscaled,
	),
	enumType[do.AppEventType](): enumSet(
		do.AppEventTypeUnknown,
		do.AppEventTypeDeployment,
		do.AppEventTypeAutoscaling,
	),
}

func enumType[T ~string]() reflect.Type { return reflect.TypeFor[T]() }

func enumSet[T ~string](values ...T) map[string]bool {
	set := make(map[string]bool, len(values))
	for _, v := range values {
		set[string(v)] = true
	}
	return set
}

// enumValues returns the allowed values when t is an enum type.
func enumValues(t reflect.Type) (map[string]bool, bool) {
	set, found := enums[t]
	return set, found
}

// enumList lists the values of an enum for an error message.
func enumList(set map[string]bool) string {
	values := make([]string, 0, len(set))
	for v := range set {
		values = append(values, v)
	}
	slices.Sort(values)
	return strings.Join(values, ", ")
}
