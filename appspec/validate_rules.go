package appspec

// The cross-field rules of Validate, one method each, in the order
// of validationRules; docs/validation.md gives each rule's source.

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"

	do "github.com/oceankit/digitalocean"
	"github.com/oceankit/digitalocean/internal/specmodel"
)

// uniqueComponentNames: names are unique across all components, databases
// included.
func (v *specValidation) uniqueComponentNames() {
	v.components = map[string]declaredComponent{}
	for _, c := range v.each() {
		if c.Name == "" {
			continue // the generated "required" constraint reports it
		}
		if first, taken := v.components[c.Name]; taken {
			v.fail(c.path()+".name", "%q is already the name of %s: component names must be unique within an app", c.Name, first.path)
			continue
		}
		v.components[c.Name] = declaredComponent{path: c.path(), kind: c.Kind}
	}
}

// oneSource: every component but a database has exactly one source.
func (v *specValidation) oneSource() {
	for _, c := range v.each() {
		if c.Kind == do.AppComponentKindDatabase {
			continue
		}
		keys := "git, github, gitlab, bitbucket or image"
		if c.Kind == do.AppComponentKindFunctions {
			keys = "git, github, gitlab or bitbucket"
		}
		switch sources := fieldsOf(c.AppComponent).sources.keys(); len(sources) {
		case 0:
			v.fail(c.path(), "has no source: set one of %s", keys)
		case 1:
		default:
			v.fail(c.path(), "has %d sources (%s): set only one of %s", len(sources), strings.Join(sources, ", "), keys)
		}
	}
}

// instanceCountOrAutoscaling: instance_count must not be set when
// autoscaling is.
func (v *specValidation) instanceCountOrAutoscaling() {
	for _, c := range v.each() {
		if c.InstanceCount() != 0 && fieldsOf(c.AppComponent).autoscaling != nil {
			v.fail(c.path()+".instance_count", "must not be set when autoscaling is used (autoscaling sets the count)")
		}
	}
}

// autoscalingBounds: min_instance_count <= max_instance_count.
func (v *specValidation) autoscalingBounds() {
	for _, c := range v.each() {
		auto := fieldsOf(c.AppComponent).autoscaling
		if auto != nil && auto.MinInstanceCount > 0 && auto.MaxInstanceCount > 0 && auto.MinInstanceCount > auto.MaxInstanceCount {
			v.fail(c.path()+".autoscaling.min_instance_count", "%d is more than max_instance_count %d", auto.MinInstanceCount, auto.MaxInstanceCount)
		}
	}
}

// healthCheckPort: an internal-only service (internal_ports and no
// http_port) checks its health on one of its internal_ports. Only that
// much is established: the API's message names internal_ports alone
// (live-api-behaviour.md d.3), a service with neither port list set is
// accepted with any health check port (fact 38), and whether the API
// gives such a service the default http_port 8080 is not established, so
// 8080 is never refused here.
func (v *specValidation) healthCheckPort() {
	for i, c := range v.spec.Services {
		if c == nil || c.HealthCheck == nil || c.HealthCheck.Port == 0 || c.HTTPPort != 0 || len(c.InternalPorts) == 0 {
			continue
		}
		port := c.HealthCheck.Port
		if port != specmodel.DefaultHTTPPort && !slices.Contains(c.InternalPorts, port) {
			v.fail(fmt.Sprintf("services[%d].health_check.port", i),
				"health check port %d is not one of internal_ports (%s) of this internal-only service (no http_port)", port, joinPorts(c.InternalPorts))
		}
	}
}

// joinPorts lists ports as "8081, 9000".
func joinPorts(ports []int64) string {
	s := make([]string, len(ports))
	for i, p := range ports {
		s[i] = strconv.FormatInt(p, 10)
	}
	return strings.Join(s, ", ")
}

// routePaths: (deprecated) component routes start with "/" and are unique
// across all components.
func (v *specValidation) routePaths() {
	seen := map[string]string{}
	check := func(path string, routes []*do.AppRouteSpec) {
		for j, r := range routes {
			if r == nil || r.Path == "" {
				continue
			}
			at := fmt.Sprintf("%s.routes[%d].path", path, j)
			if !strings.HasPrefix(r.Path, "/") {
				v.fail(at, "%q must start with /", r.Path)
			}
			if first, taken := seen[r.Path]; taken {
				v.fail(at, "%q is already routed by %s: route paths must be unique within an app", r.Path, first)
				continue
			}
			seen[r.Path] = at
		}
	}
	for _, c := range v.each() {
		check(c.path(), fieldsOf(c.AppComponent).routes)
	}
}

// staticSiteDocuments: catchall_document and error_document exclude each
// other. error_document: 404.html is the documented default, which the
// diff takes for absent (specmodel.Defaults): it does not count as set, so
// that two specs the diff calls equal get the same verdict.
func (v *specValidation) staticSiteDocuments() {
	for i, c := range v.spec.StaticSites {
		if c != nil && c.CatchallDocument != "" && c.ErrorDocument != "" && !specmodel.IsDefault("static_sites", "error_document", c.ErrorDocument) {
			v.fail(fmt.Sprintf("static_sites[%d].catchall_document", i), "must not be set together with error_document %q", c.ErrorDocument)
		}
	}
}

// pathedImage is an image source with its path.
type pathedImage struct {
	path string
	*do.AppImageSourceSpec
}

// images lists the image sources with their paths, in spec order.
func (v *specValidation) images() []pathedImage {
	var out []pathedImage
	for _, c := range v.each() {
		if img := c.Image(); img != nil {
			out = append(out, pathedImage{c.path() + ".image", img})
		}
	}
	return out
}

// imageTagOrDigest: an image names a tag or a digest, not both.
func (v *specValidation) imageTagOrDigest() {
	for _, img := range v.images() {
		if img.Tag != "" && img.Digest != "" {
			v.fail(img.path+".tag", "must not be set together with digest")
		}
	}
}

// docrRegistry: a DOCR image leaves registry empty.
func (v *specValidation) docrRegistry() {
	for _, img := range v.images() {
		if img.RegistryType == do.AppImageSourceSpecRegistryTypeDOCR && img.Registry != "" {
			v.fail(img.path+".registry", "must be empty for registry_type DOCR (the registry is the account's)")
		}
	}
}

// productionDatabaseCluster: a production database names its cluster.
func (v *specValidation) productionDatabaseCluster() {
	for i, d := range v.spec.Databases {
		if d != nil && d.Production && d.ClusterName == "" {
			v.fail(fmt.Sprintf("databases[%d].cluster_name", i), "is required for a production database")
		}
	}
}

// onePrimaryDomain: at most one domain is PRIMARY.
func (v *specValidation) onePrimaryDomain() {
	first := ""
	for i, d := range v.spec.Domains {
		if d == nil || d.Type != do.AppDomainSpecTypePrimary {
			continue
		}
		path := fmt.Sprintf("domains[%d].type", i)
		if first != "" {
			v.fail(path, "only one domain may be PRIMARY; %s already is", strings.TrimSuffix(first, ".type"))
			continue
		}
		first = path
	}
}

// ingressRules lists the ingress rules with their paths.
func (v *specValidation) ingressRules() ([]string, []*do.AppIngressSpecRule) {
	if v.spec.Ingress == nil {
		return nil, nil
	}
	var paths []string
	var rules []*do.AppIngressSpecRule
	for i, r := range v.spec.Ingress.Rules {
		if r != nil {
			paths = append(paths, fmt.Sprintf("ingress.rules[%d]", i))
			rules = append(rules, r)
		}
	}
	return paths, rules
}

// uniqueIngressMatches: no two ingress rules have the same match, counting
// each component route as the rule the API makes of it (a path prefix,
// appended after the spec's rules; live-api-behaviour.md facts 12-13).
// Two routes with the same path are route-paths' to report.
func (v *specValidation) uniqueIngressMatches() {
	type first struct{ path, what string }
	seen := map[string]first{}
	paths, rules := v.ingressRules()
	for i, r := range rules {
		key, what := matchKey(r.Match)
		if key == "" {
			continue
		}
		if f, taken := seen[key]; taken {
			v.fail(paths[i]+".match", "matches %s, as %s does: two ingress rules cannot have the same match", what, f.path)
			continue
		}
		seen[key] = first{paths[i], what}
	}
	for _, c := range v.each() {
		for j, route := range fieldsOf(c.AppComponent).routes {
			if route == nil || route.Path == "" {
				continue
			}
			prefix := route.Path
			key, what := matchKey(&do.AppIngressSpecRuleMatch{Path: &do.AppIngressSpecRuleStringMatch{Prefix: &prefix}})
			if f, taken := seen[key]; taken && strings.HasPrefix(f.path, "ingress.") {
				v.fail(fmt.Sprintf("%s.routes[%d].path", c.path(), j), "matches %s, as %s does: a route becomes an ingress rule, and two rules cannot have the same match", what, f.path)
			} else if !taken {
				seen[key] = first{c.path(), what}
			}
		}
	}
}

// matchKey is a rule match as a comparable key and in words ("path prefix
// \"/api\""); "" for a match that sets nothing.
func matchKey(m *do.AppIngressSpecRuleMatch) (key, what string) {
	if m == nil {
		return "", ""
	}
	var keys, words []string
	for _, part := range []struct {
		name  string
		match *do.AppIngressSpecRuleStringMatch
	}{{"authority", m.Authority}, {"path", m.Path}} {
		if part.match == nil {
			continue
		}
		for _, kv := range []struct {
			kind  string
			value *string
		}{{"exact", part.match.Exact}, {"prefix", part.match.Prefix}} {
			if kv.value != nil {
				keys = append(keys, part.name+"."+kv.kind+"="+strconv.Quote(*kv.value))
				words = append(words, fmt.Sprintf("%s %s %q", part.name, kv.kind, *kv.value))
			}
		}
	}
	return strings.Join(keys, "&"), strings.Join(words, " and ")
}

// ingressComponentOrRedirect: a rule routes to a component or redirects,
// not both.
func (v *specValidation) ingressComponentOrRedirect() {
	paths, rules := v.ingressRules()
	for i, r := range rules {
		if r.Component != nil && r.Redirect != nil {
			v.fail(paths[i], "sets both component and redirect: set only one")
		}
	}
}

// ingressComponentExists: a rule's component exists and is a service,
// static site or functions component.
func (v *specValidation) ingressComponentExists() {
	paths, rules := v.ingressRules()
	for i, r := range rules {
		if r.Component == nil || r.Component.Name == "" {
			continue
		}
		name := r.Component.Name
		declared, found := v.components[name]
		switch {
		case !found:
			v.fail(paths[i]+".component.name", "no component is named %q", name)
		case declared.kind != do.AppComponentKindService && declared.kind != do.AppComponentKindStaticSite && declared.kind != do.AppComponentKindFunctions:
			v.fail(paths[i]+".component.name", "%q is a %s (%s): ingress rules route to services, static sites and functions only",
				name, strings.ReplaceAll(string(declared.kind), "_", " "), declared.path)
		}
	}
}

// preservePathPrefixOrRewrite: a rule's component keeps the path prefix or
// rewrites it, not both.
func (v *specValidation) preservePathPrefixOrRewrite() {
	paths, rules := v.ingressRules()
	for i, r := range rules {
		if c := r.Component; c != nil && bool(c.PreservePathPrefix) && c.Rewrite != "" {
			v.fail(paths[i]+".component.rewrite", "must not be set together with preserve_path_prefix")
		}
	}
}

// stringMatches: a string match sets only one of exact, prefix and regex.
func (v *specValidation) stringMatches() {
	checkCORS := func(path string, cors *do.AppCORSPolicy) {
		if cors == nil {
			return
		}
		for j, m := range cors.AllowOrigins {
			if m == nil {
				continue
			}
			var set []string
			if m.Exact != nil {
				set = append(set, "exact")
			}
			if m.Prefix != nil {
				set = append(set, "prefix")
			}
			if m.Regex != "" {
				set = append(set, "regex")
			}
			if len(set) > 1 {
				v.fail(fmt.Sprintf("%s.cors.allow_origins[%d]", path, j), "sets %s: set only one of exact, prefix and regex", strings.Join(set, " and "))
			}
		}
	}
	for _, c := range v.each() {
		checkCORS(c.path(), fieldsOf(c.AppComponent).cors)
	}
	paths, rules := v.ingressRules()
	for i, r := range rules {
		path := paths[i]
		checkCORS(path, r.CORS)
		if r.Match == nil {
			continue
		}
		for _, m := range []struct {
			name  string
			match *do.AppIngressSpecRuleStringMatch
		}{{"authority", r.Match.Authority}, {"path", r.Match.Path}} {
			if m.match != nil && m.match.Exact != nil && m.match.Prefix != nil {
				v.fail(path+".match."+m.name, "sets exact and prefix: set only one")
			}
		}
	}
}

// bindableReference is ${component.VARIABLE} in an env value; compiled on
// first use, so that programs that never validate pay nothing.
var bindableReference = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`\$\{([A-Za-z0-9_-]+)\.([A-Za-z0-9_]+)\}`)
})

// bindableReferences: ${name.VAR} in an env value names _self or a
// component or database of the spec.
func (v *specValidation) bindableReferences() {
	check := func(path string, envs []*do.AppVariableDefinition) {
		for j, e := range envs {
			if e == nil || e.Type == do.AppVariableTypeSecret {
				continue // a secret's value is not interpolated (and may be ciphertext)
			}
			for _, m := range bindableReference().FindAllStringSubmatch(e.Value, -1) {
				if m[1] == "_self" {
					continue
				}
				if _, found := v.components[m[1]]; !found {
					v.fail(fmt.Sprintf("%senvs[%d].value", path, j), "%s refers to %q, which is not a component or database of the app", m[0], m[1])
				}
			}
		}
	}
	check("", v.spec.Envs)
	for _, c := range v.each() {
		check(c.path()+".", c.Envs())
	}
}
