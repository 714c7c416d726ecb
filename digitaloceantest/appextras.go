package digitaloceantest

import (
	"encoding/json"
	"fmt"
	"net/url"
	"strings"

	do "github.com/oceankit/digitalocean"
)

// The live-API operations the spec lacks (testdata/live-api-overlay.yaml):
// legacy tiers, buildpacks, source detection and the dev-database
// operations. Choices where the overlay leaves the live behaviour open:
//
//   - Detect answers at once (never pending: true); the result is derived
//     from the repository's name (see detectStack).
//   - UpgradeBuildpack affects the buildpack-built components (git sources,
//     no Dockerfile) whose detected buildpack is the one named.
//   - Connection details list every database component of the app's spec,
//     dev or not; the password changes with every reset.
//   - Toggling trusted sources to a new state starts a deployment of type
//     UPDATE_DATABASE_TRUSTED_SOURCES (the spec's deployment type of that
//     name); the same state again changes nothing.

// appExtras is what the live-API operations remember of an app.
type appExtras struct {
	passwordResets map[string]int  // database component → resets so far
	trustedSources map[string]bool // database component → enabled
}

var tiers = []map[string]string{
	{"name": "Starter", "slug": "starter", "egress_bandwidth_bytes": "1073741824", "build_seconds": "6000"},
	{"name": "Basic", "slug": "basic", "egress_bandwidth_bytes": "42949672960", "build_seconds": "24000"},
	{"name": "Professional", "slug": "professional", "egress_bandwidth_bytes": "107374182400", "build_seconds": "60000"},
}

func listTiers(*call) reply { return ok(map[string]any{"tiers": tiers}) }

func getTier(c *call) reply {
	for _, t := range tiers {
		if t["slug"] == c.param("slug") {
			return ok(map[string]any{"tier": t})
		}
	}
	return notFound()
}

// buildpacks are the buildpacks the fake builds with, each with the
// repository-name words that select it (see detectStack).
var buildpacks = []struct {
	do.AppBuildpack
	words []string
	slug  string // environment_slug
}{
	{do.AppBuildpack{ID: "digitalocean/node", Version: "3.1.0", MajorVersion: 3, Latest: true, Name: "Node.js",
		Description: []string{"Installs Node.js and the project's npm or Yarn dependencies."},
		DocsLink:    "https://docs.digitalocean.com/products/app-platform/reference/buildpacks/nodejs/"}, []string{"node", "js", "react", "next"}, "node-js"},
	{do.AppBuildpack{ID: "digitalocean/go", Version: "1.2.3", MajorVersion: 1, Latest: true, Name: "Go",
		Description: []string{"Installs the Go toolchain and builds the module."},
		DocsLink:    "https://docs.digitalocean.com/products/app-platform/reference/buildpacks/go/"}, []string{"go", "golang"}, "go"},
	{do.AppBuildpack{ID: "digitalocean/python", Version: "2.4.0", MajorVersion: 2, Latest: true, Name: "Python",
		Description: []string{"Installs Python and the project's pip dependencies."},
		DocsLink:    "https://docs.digitalocean.com/products/app-platform/reference/buildpacks/python/"}, []string{"python", "django", "flask"}, "python"},
}

func listBuildpacks(*call) reply {
	out := make([]do.AppBuildpack, len(buildpacks))
	for i, b := range buildpacks {
		out[i] = b.AppBuildpack
	}
	return ok(map[string]any{"buildpacks": out})
}

// detectStack reads a repository name the way the fake's detector does:
// "docker" in it means a Dockerfile, "html" or "static" a static site,
// a buildpack's word (node, go, python, …) that buildpack; anything else
// is a Node.js project. It returns the buildpack index, or -1.
func detectStack(repo string) (do.AppDetectStrategy, int) {
	words := strings.FieldsFunc(strings.ToLower(repo), func(r rune) bool { return !('a' <= r && r <= 'z') })
	has := func(w string) bool {
		for _, x := range words {
			if x == w {
				return true
			}
		}
		return false
	}
	switch {
	case has("docker"):
		return do.AppDetectStrategyDockerfile, -1
	case has("html"), has("static"):
		return do.AppDetectStrategyHTML, -1
	}
	for i, b := range buildpacks {
		for _, w := range b.words {
			if has(w) {
				return do.AppDetectStrategyBuildpack, i
			}
		}
	}
	return do.AppDetectStrategyBuildpack, 0
}

func detect(c *call) reply {
	var req do.AppDetectRequest
	if bad := decodeStrict(c.body, &req, true); bad != nil {
		return *bad
	}
	var repos []string
	switch {
	case req.Git != nil:
		repos = append(repos, req.Git.RepoCloneURL)
	case req.GitHub != nil:
		repos = append(repos, req.GitHub.Repo)
	case req.GitLab != nil:
		repos = append(repos, req.GitLab.Repo)
	case req.Bitbucket != nil:
		repos = append(repos, req.Bitbucket.Repo)
	}
	sources := 0
	for _, set := range []bool{req.Git != nil, req.GitHub != nil, req.GitLab != nil, req.Bitbucket != nil} {
		if set {
			sources++
		}
	}
	if sources != 1 {
		return badRequest("Exactly one source (git, github, gitlab or bitbucket) is expected, got %d.", sources)
	}
	if strings.TrimSpace(repos[0]) == "" {
		return badRequest("The source names no repository.")
	}
	dir := req.SourceDir
	if dir == "" {
		dir = "/"
	}
	strategy, bp := detectStack(repos[0])
	comp := &do.AppDetectComponent{Strategy: strategy, SourceDir: dir, HTTPPorts: []int64{8080}}
	switch strategy {
	case do.AppDetectStrategyDockerfile:
		comp.Types = []string{"Dockerfile"}
		comp.Dockerfiles = []string{"Dockerfile"}
	case do.AppDetectStrategyHTML:
		comp.Types = []string{"HTML"}
		comp.HTTPPorts = nil
	default:
		b := buildpacks[bp]
		comp.Types = []string{b.Name}
		comp.EnvironmentSlug = b.slug
		pack := b.AppBuildpack
		comp.Buildpacks = []*do.AppBuildpack{&pack}
		if b.slug == "node-js" {
			comp.BuildCommand, comp.RunCommand = "npm run build", "npm start"
			comp.HTTPPorts = []int64{3000, 8080}
			comp.EnvVars = []*do.AppVariableDefinition{{Key: "NODE_ENV", Value: "production", Scope: do.AppVariableScopeRunAndBuildTime}}
		}
	}
	return ok(&do.AppDetectResponse{Components: []*do.AppDetectComponent{comp}})
}

// buildpackOf is the index of the buildpack that builds a component with
// this source, or -1 for a component built from an image or a Dockerfile.
func buildpackOf(git *do.AppGitSourceSpec, github *do.AppGitHubSourceSpec, gitlab *do.AppGitLabSourceSpec, dockerfile string) int {
	repo := ""
	switch {
	case github != nil:
		repo = github.Repo
	case gitlab != nil:
		repo = gitlab.Repo
	case git != nil:
		repo = git.RepoCloneURL
	}
	if repo == "" || dockerfile != "" {
		return -1
	}
	if strategy, bp := detectStack(repo); strategy == do.AppDetectStrategyBuildpack {
		return bp
	}
	return -1
}

// buildpackComponents lists the components of spec that buildpack bp builds.
func buildpackComponents(spec *do.AppSpec, bp int) []string {
	var out []string
	add := func(name string, git *do.AppGitSourceSpec, github *do.AppGitHubSourceSpec, gitlab *do.AppGitLabSourceSpec, dockerfile string) {
		if buildpackOf(git, github, gitlab, dockerfile) == bp {
			out = append(out, name)
		}
	}
	for _, c := range spec.Services {
		add(c.Name, c.Git, c.GitHub, c.GitLab, c.DockerfilePath)
	}
	for _, c := range spec.Workers {
		add(c.Name, c.Git, c.GitHub, c.GitLab, c.DockerfilePath)
	}
	for _, c := range spec.Jobs {
		add(c.Name, c.Git, c.GitHub, c.GitLab, c.DockerfilePath)
	}
	for _, c := range spec.StaticSites {
		add(c.Name, c.Git, c.GitHub, c.GitLab, c.DockerfilePath)
	}
	return out
}

func upgradeBuildpack(c *call) reply {
	a, bad := appOf(c)
	if bad != nil {
		return *bad
	}
	var req do.AppUpgradeBuildpackRequest
	if bad := decodeStrict(c.body, &req, true); bad != nil {
		return *bad
	}
	bp := -1
	for i, b := range buildpacks {
		if b.ID == req.BuildpackID {
			bp = i
		}
	}
	if bp < 0 {
		return badRequest("buildpack_id: unknown buildpack %q.", req.BuildpackID)
	}
	if req.MajorVersion < 0 || req.MajorVersion > buildpacks[bp].MajorVersion {
		return badRequest("major_version: %s has no major version %d (latest: %d).", req.BuildpackID, req.MajorVersion, buildpacks[bp].MajorVersion)
	}
	out := &do.AppUpgradeBuildpackResponse{AffectedComponents: buildpackComponents(a.spec, bp)}
	if req.TriggerDeployment && len(out.AffectedComponents) > 0 {
		if bad := a.refusePinned(); bad != nil {
			return *bad
		}
		d := c.s.startDeployment(a, c.now, deploymentCause{text: "buildpack upgrade", typ: do.DeploymentTypeManual,
			action: do.DeploymentCauseDetailsDigitalOceanUserActionNameUpgradeBuildpack}, fullPlan)
		out.Deployment = c.s.renderDeployment(d)
		c.applied()
	}
	return ok(out)
}

// databaseOf finds the database component of the component_name parameter.
func databaseOf(c *call) (*appState, *do.AppDatabaseSpec, *reply) {
	a, bad := appOf(c)
	if bad != nil {
		return nil, nil, bad
	}
	for _, db := range a.spec.Databases {
		if db.Name == c.param("component_name") {
			return a, db, nil
		}
	}
	r := notFound()
	return nil, nil, &r
}

func (a *appState) connectionDetails(db *do.AppDatabaseSpec) *do.AppDatabaseConnectionDetails {
	user, name := db.DBUser, db.DBName
	if user == "" {
		user = db.Name
	}
	if name == "" {
		name = db.Name
	}
	scheme, port := "postgresql", int64(25060)
	switch db.Engine {
	case do.AppDatabaseSpecEngineMySQL:
		scheme = "mysql"
	case do.AppDatabaseSpecEngineRedis, do.AppDatabaseSpecEngineValkey:
		scheme = "rediss"
	case do.AppDatabaseSpecEngineMongoDB:
		scheme, port = "mongodb+srv", 27017
	}
	host := fmt.Sprintf("app-%s-%s-do-user-1234567-0.b.db.ondigitalocean.com", a.id[:8], db.Name)
	password := "AVNS_" + shortHash(20, a.id, db.Name, fmt.Sprint(a.extras.passwordResets[db.Name]))
	u := url.URL{Scheme: scheme, User: url.UserPassword(user, password), Host: fmt.Sprintf("%s:%d", host, port), Path: "/" + name, RawQuery: "sslmode=require"}
	return &do.AppDatabaseConnectionDetails{
		ComponentName: db.Name, Host: host, Port: port, Username: user, Password: password,
		DatabaseName: name, SSLMode: "require", DatabaseURL: u.String(),
	}
}

func getDatabaseConnectionDetails(c *call) reply {
	a, bad := appOf(c)
	if bad != nil {
		return *bad
	}
	out := []*do.AppDatabaseConnectionDetails{}
	for _, db := range a.spec.Databases {
		out = append(out, a.connectionDetails(db))
	}
	return ok(map[string]any{"connection_details": out})
}

func resetDatabasePassword(c *call) reply {
	a, db, bad := databaseOf(c)
	if bad != nil {
		return *bad
	}
	if bad := decodeStrict(c.body, &struct{}{}, false); bad != nil {
		return *bad
	}
	if bad := a.refusePinned(); bad != nil {
		return *bad
	}
	if a.extras.passwordResets == nil {
		a.extras.passwordResets = map[string]int{}
	}
	a.extras.passwordResets[db.Name]++
	c.applied()
	d := c.s.startDeployment(a, c.now, deploymentCause{text: "database credentials rotated", typ: do.DeploymentTypeManual,
		action: do.DeploymentCauseDetailsDigitalOceanUserActionNameResetDatabasePassword}, noBuildPlan)
	return ok(map[string]any{"deployment": c.s.renderDeployment(d)})
}

func toggleDatabaseTrustedSource(c *call) reply {
	a, db, bad := databaseOf(c)
	if bad != nil {
		return *bad
	}
	// godo sends the key as "Enable" (no JSON tag), the official samples as
	// "enable": the overlay asks servers to take both.
	body := c.body
	var members map[string]json.RawMessage
	if json.Unmarshal(body, &members) == nil {
		if v, capital := members["Enable"]; capital {
			if _, lower := members["enable"]; lower {
				return badRequest("Send enable or Enable, not both.")
			}
			delete(members, "Enable")
			members["enable"] = v
			body, _ = json.Marshal(members)
		}
	}
	var req do.AppDatabaseTrustedSourcesRequest
	if bad := decodeStrict(body, &req, true); bad != nil {
		return *bad
	}
	if req.Enable == nil {
		return badRequest("enable is required: true or false.")
	}
	if a.extras.trustedSources == nil {
		a.extras.trustedSources = map[string]bool{}
	}
	if a.extras.trustedSources[db.Name] != *req.Enable {
		a.extras.trustedSources[db.Name] = *req.Enable
		c.applied()
		if a.pinned == nil {
			c.s.startDeployment(a, c.now, deploymentCause{text: "database trusted sources updated", typ: do.DeploymentTypeUpdateDatabaseTrustedSources,
				action: do.DeploymentCauseDetailsDigitalOceanUserActionNameCreateDeployment}, noBuildPlan)
		}
	}
	return ok(map[string]any{"is_enabled": a.extras.trustedSources[db.Name]})
}
