package digitalocean_test

// The promise of faults_matrix_test.go under mixed, concurrent load: many
// goroutines share one client and one fake, each working on apps of its
// own, mixing the writes of the operations table with reads while faults
// hit at random (5xx and dropped connections or HTTP/2 stream resets after
// the server acted, the same before it acted, 429 storms with retry-after,
// recovery reads failing). Every call's effects are read back from its own
// app and checked against what the call said: success or Recovered is
// exactly one effect, a certain failure none, ErrOutcomeUnknown at most one
// and only when a read could not tell; never two. The fake's own count of
// effects must equal the sum over the calls.
//
// The run is seeded (CHAOS_SEED overrides the seed to explore others; the
// goroutines' interleaving is not reproducible, their choices are) and runs
// in a synctest bubble over the fake's in-memory network, so retry
// backoff, retry-after waits and context deadlines are fake time.

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"maps"
	"math/rand/v2"
	"net/http"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/oceankit/digitalocean"
	"github.com/oceankit/digitalocean/digitaloceantest"
)

// chaosSeed is the default seed of TestChaos (PCG, with the worker's number
// as the second word).
const chaosSeed uint64 = 0x15_0c4a05

// chaosAttempts is the client's RetryPolicy.MaxAttempts: a read given
// fewer faults in a row than this must succeed.
const chaosAttempts = 4

type chaosRun struct {
	name          string
	http2         bool
	workers, ops  int // goroutines, calls each
	pushNoisePct  int // chance that a step pushes to another worker's app
	faultPct      int // chance that a write gets faults
	readFaultsPct int // chance that a read gets faults
}

func TestChaos(t *testing.T) {
	seed := chaosSeed
	if s := os.Getenv("CHAOS_SEED"); s != "" {
		v, err := strconv.ParseUint(s, 0, 64)
		if err != nil {
			t.Fatalf("CHAOS_SEED=%q: %v", s, err)
		}
		seed = v
	}
	runs := []chaosRun{
		{name: "HTTP2", http2: true, workers: 24, ops: 20, pushNoisePct: 3, faultPct: 55, readFaultsPct: 35},
		{name: "HTTP1", http2: false, workers: 16, ops: 15, pushNoisePct: 3, faultPct: 55, readFaultsPct: 35},
	}
	for _, run := range runs {
		t.Run(run.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) { runChaos(t, run, seed) })
		})
	}
}

// chaosResult is what a call told its caller.
type chaosResult int

const (
	chaosSuccess chaosResult = iota
	chaosRecovered
	chaosGone
	chaosFailed  // an error that does not match ErrOutcomeUnknown
	chaosUnknown // an error that matches ErrOutcomeUnknown
)

func (r chaosResult) String() string {
	return [...]string{"success", "Recovered", "GoneOnRetry", "failed", "unknown"}[r]
}

// chaosCall is one write call and what it did.
type chaosCall struct {
	worker, seq int
	op          string
	faults      string // the faults queued for it, "" for none
	result      chaosResult
	why         string // for unknown: why the read could not tell
	effects     int
	err         error
}

func (c chaosCall) String() string {
	return fmt.Sprintf("worker %d call %d %s (faults: %s): %s, %d effect(s), error: %v",
		c.worker, c.seq, c.op, cmp.Or(c.faults, "none"), c.result, c.effects, c.err)
}

// chaosShared is what the workers share.
type chaosShared struct {
	t      *testing.T
	seed   uint64
	run    chaosRun
	srv    *digitaloceantest.Server
	c      *digitalocean.Client // the client under test, shared by all workers
	check  *digitalocean.Client // reads effects back, with retries enough to outlast leftover faults
	mu     sync.Mutex
	apps   map[int]string // worker → its current app ID, for push noise
	calls  []chaosCall
	queued map[string]int // faults queued, by kind
	reads  atomic.Int64
	pushes atomic.Int64
}

func (sh *chaosShared) queue(n int, m digitaloceantest.Match, kind string, f digitaloceantest.Fault) {
	sh.srv.FailNext(n, m, f)
	sh.mu.Lock()
	sh.queued[kind] += n
	sh.mu.Unlock()
}

func runChaos(t *testing.T, run chaosRun, seed uint64) {
	opts := []digitaloceantest.Option{
		digitaloceantest.WithInMemoryNetwork(),
		digitaloceantest.WithRateLimit(1 << 30), // only injected 429s
		digitaloceantest.WithTeamEmails("ops@example.com"),
	}
	if run.http2 {
		opts = append(opts, digitaloceantest.WithHTTP2())
	}
	srv := digitaloceantest.New(t, opts...)
	sh := &chaosShared{
		t: t, seed: seed, run: run, srv: srv,
		c: srv.Client(digitalocean.WithRetry(digitalocean.RetryPolicy{
			MaxAttempts: chaosAttempts, BaseDelay: 100 * time.Millisecond, MaxDelay: 2 * time.Second, MaxWait: time.Minute})),
		check: srv.Client(digitalocean.WithRetry(digitalocean.RetryPolicy{
			MaxAttempts: 16, BaseDelay: 100 * time.Millisecond, MaxDelay: time.Second, MaxWait: 10 * time.Minute})),
		apps:   map[int]string{},
		queued: map[string]int{},
	}
	t.Logf("chaos seed %#x (CHAOS_SEED=%#x reproduces the choices), %d workers × %d calls over %s",
		seed, seed, run.workers, run.ops, map[bool]string{true: "HTTP/2", false: "HTTP/1.1"}[run.http2])

	// Fake time: this caps a run that deadlocks, it does not slow one down.
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Hour)
	defer cancel()

	var wg sync.WaitGroup
	for i := range run.workers {
		wg.Go(func() {
			w := &chaosWorker{sh: sh, id: i, r: rand.New(rand.NewPCG(seed, uint64(i))),
				seen: map[string]bool{}}
			w.loop(ctx)
		})
	}
	wg.Wait()
	if ctx.Err() != nil {
		t.Fatalf("the run did not end within its (fake-time) deadline: %v", ctx.Err())
	}

	// The fake's effects are the sum of the calls' effects.
	sum := map[string]int{}
	results := map[chaosResult]int{}
	unknown := map[string]int{}
	for _, c := range sh.calls {
		sum[c.op] += c.effects
		results[c.result]++
		if c.result == chaosUnknown {
			unknown[c.why+fmt.Sprintf(" (%d effect)", c.effects)]++
		}
	}
	if got := nonZero(srv.Effects()); !maps.Equal(got, nonZero(sum)) {
		t.Errorf("the fake's effects %v differ from the sum of the calls' effects %v", got, nonZero(sum))
	}

	taken := map[string]int{}
	for _, r := range srv.Requests() {
		switch r.Status {
		case 0:
			taken["drop/reset"]++
		case http.StatusTooManyRequests:
			taken["429"]++
		case http.StatusInternalServerError, http.StatusBadGateway, http.StatusServiceUnavailable:
			taken["5xx"]++
		}
	}
	t.Logf("chaos %s seed %#x: %d write calls (%s), %d reads, %d pushes; faults queued %s, taken %s; unknown outcomes %d: %s; effects %v",
		run.name, seed, len(sh.calls), chaosCounts(results), sh.reads.Load(), sh.pushes.Load(),
		fmtCounts(sh.queued), fmtCounts(taken), results[chaosUnknown], fmtCounts(unknown), nonZero(sum))
}

func chaosCounts(m map[chaosResult]int) string {
	var parts []string
	for r := chaosSuccess; r <= chaosUnknown; r++ {
		parts = append(parts, fmt.Sprintf("%s %d", r, m[r]))
	}
	return strings.Join(parts, ", ")
}

func fmtCounts(m map[string]int) string {
	var parts []string
	for _, k := range slices.Sorted(maps.Keys(m)) {
		parts = append(parts, fmt.Sprintf("%s %d", k, m[k]))
	}
	if len(parts) == 0 {
		return "none"
	}
	return strings.Join(parts, ", ")
}

// chaosWorker makes calls on apps only it writes to, so that what changes
// in them is its calls' doing (or the push noise, which has a cause of its
// own).
type chaosWorker struct {
	sh  *chaosShared
	id  int
	r   *rand.Rand
	seq int

	app     *digitalocean.App // nil when the worker has none
	name    string            // its name
	names   int
	seen    map[string]bool // deployments of app already attributed
	deps    []digitalocean.Deployment
	pinned  bool
	trusted bool // the database's trusted-sources setting
	stop    bool // a read back failed: the worker's view is lost
}

func (w *chaosWorker) t() *testing.T { return w.sh.t }

func (w *chaosWorker) loop(ctx context.Context) {
	// A cap on steps too: reads, pushes and clock moves make no call.
	for steps := 0; w.seq < w.sh.run.ops && steps < 10*w.sh.run.ops && !w.stop && ctx.Err() == nil; steps++ {
		w.step(ctx)
	}
}

func (w *chaosWorker) errorf(format string, args ...any) {
	w.t().Errorf("seed %#x worker %d: "+format, append([]any{w.sh.seed, w.id}, args...)...)
}

// spec is the worker's app spec, with n instances of its service.
func (w *chaosWorker) spec(name string, n int64) *digitalocean.AppSpec {
	s := matrixSpec(name)
	s.Services[0].InstanceCount = n
	return s
}

func (w *chaosWorker) appPath(suffix string) string { return "/v2/apps/" + w.app.ID + suffix }

func (w *chaosWorker) step(ctx context.Context) {
	if w.app == nil {
		w.create(ctx)
		return
	}
	switch x := w.r.IntN(100); {
	case x < w.sh.run.pushNoisePct:
		w.push()
	case x < 22:
		w.read(ctx)
	case x < 26:
		w.sh.srv.Advance(digitaloceantest.DefaultPhaseDuration * time.Duration(1+w.r.IntN(3)))
	case x < 33:
		spec := w.spec(w.name, int64(1+w.r.IntN(3)))
		w.deploymentCall(ctx, "apps_update", "", func(ctx context.Context) (string, *digitalocean.Response, error) {
			app, resp, err := w.sh.c.Apps.Update(ctx, w.app.ID, &digitalocean.AppUpdateRequest{Spec: spec})
			if app == nil || app.PendingDeployment == nil {
				return "", resp, err
			}
			return app.PendingDeployment.ID, resp, err
		})
	case x < 40:
		w.deploymentCall(ctx, "apps_create_deployment", "/deployments", func(ctx context.Context) (string, *digitalocean.Response, error) {
			return depID(w.sh.c.Apps.CreateDeployment(ctx, w.app.ID, nil))
		})
	case x < 47:
		w.deploymentCall(ctx, "apps_restart", "/restart", func(ctx context.Context) (string, *digitalocean.Response, error) {
			return depID(w.sh.c.Apps.Restart(ctx, w.app.ID, nil))
		})
	case x < 54:
		w.cancelDeployment(ctx)
	case x < 59:
		w.cancelJob(ctx)
	case x < 64:
		w.cancelEvent(ctx)
	case x < 72:
		w.rollback(ctx)
	case x < 76:
		w.deploymentCall(ctx, "apps_upgrade_buildpack", "/upgrade_buildpack", func(ctx context.Context) (string, *digitalocean.Response, error) {
			out, resp, err := w.sh.c.Apps.UpgradeBuildpack(ctx, w.app.ID,
				&digitalocean.AppUpgradeBuildpackRequest{BuildpackID: "digitalocean/go", MajorVersion: 1, TriggerDeployment: true})
			if out == nil || out.Deployment == nil {
				return "", resp, err
			}
			return out.Deployment.ID, resp, err
		})
	case x < 80:
		w.deploymentCall(ctx, "apps_reset_database_password", "/components/db/reset_password", func(ctx context.Context) (string, *digitalocean.Response, error) {
			return depID(w.sh.c.Apps.ResetDatabasePassword(ctx, w.app.ID, "db"))
		})
	case x < 85:
		if w.pinned { // a pinned app's toggle starts no deployment to tell it by
			w.commitRollback(ctx)
			return
		}
		enable := !w.trusted
		call := w.deploymentCall(ctx, "apps_toggle_database_trusted_source", "/components/db/trusted_sources",
			func(ctx context.Context) (string, *digitalocean.Response, error) {
				_, resp, err := w.sh.c.Apps.ToggleDatabaseTrustedSource(ctx, w.app.ID, "db", &digitalocean.AppDatabaseTrustedSourcesRequest{Enable: &enable})
				return "", resp, err
			})
		if call.effects == 1 {
			w.trusted = enable
		}
	case x < 91:
		w.alertDestinations(ctx)
	case x < 94 && w.id == 0:
		w.installKubernetes(ctx)
	case x < 96:
		w.deleteApp(ctx)
	default:
		w.read(ctx)
	}
}

func depID(d *digitalocean.Deployment, resp *digitalocean.Response, err error) (string, *digitalocean.Response, error) {
	if d == nil {
		return "", resp, err
	}
	return d.ID, resp, err
}

// chaosFaultKinds are the faults a write may get, alone or two in a row
// (the second then meets the re-send).
var chaosFaultKinds = []struct {
	name  string
	fault digitaloceantest.Fault
}{
	{"500 applied", digitaloceantest.Fault{Status: http.StatusInternalServerError, Applied: true}},
	{"502 applied", digitaloceantest.Fault{Status: http.StatusBadGateway, Applied: true}},
	{"drop applied", digitaloceantest.Fault{DropConnection: true, Applied: true}},
	{"reset applied", digitaloceantest.Fault{ResetStream: true, Applied: true}},
	{"500 before", digitaloceantest.Fault{Status: http.StatusInternalServerError}},
	{"drop before", digitaloceantest.Fault{DropConnection: true}},
	{"reset before", digitaloceantest.Fault{ResetStream: true}},
	{"503 before", digitaloceantest.Fault{Status: http.StatusServiceUnavailable}},
}

// injectWrite queues faults for the worker's next request matching m, and
// sometimes makes the reads that would resolve its outcome fail too
// (readPath: the path those reads use, "" for none).
func (w *chaosWorker) injectWrite(m digitaloceantest.Match, readPath string) string {
	if w.r.IntN(100) >= w.sh.run.faultPct {
		return ""
	}
	var names []string
	switch x := w.r.IntN(100); {
	case x < 12: // a 429 storm: refused unprocessed, re-sent after retry-after
		n := 1 + w.r.IntN(chaosAttempts-1)
		w.sh.queue(n, m, "429", digitaloceantest.Fault{Status: http.StatusTooManyRequests, RetryAfter: time.Duration(1+w.r.IntN(3)) * time.Second})
		names = append(names, fmt.Sprintf("429×%d", n))
	default:
		n := 1
		if x >= 80 {
			n = 2
		}
		for range n {
			k := chaosFaultKinds[w.r.IntN(len(chaosFaultKinds))]
			w.sh.queue(1, m, k.name, k.fault)
			names = append(names, k.name)
		}
		if readPath != "" && w.r.IntN(100) < 15 {
			// Every attempt of the next read of readPath fails: the mark
			// read before a deployment write, or the read after it.
			w.sh.queue(chaosAttempts, digitaloceantest.Match{Method: http.MethodGet, Path: readPath}, "503 read",
				digitaloceantest.Fault{Status: http.StatusServiceUnavailable})
			names = append(names, fmt.Sprintf("503×%d on GET %s", chaosAttempts, readPath))
		}
	}
	return strings.Join(names, ", ")
}

// injectRead queues fewer faults than the client's attempts for a read.
func (w *chaosWorker) injectRead(path string) string {
	if w.r.IntN(100) >= w.sh.run.readFaultsPct {
		return ""
	}
	m := digitaloceantest.Match{Method: http.MethodGet, Path: path}
	n := 1 + w.r.IntN(chaosAttempts-1)
	var names []string
	for range n {
		if w.r.IntN(4) == 0 {
			w.sh.queue(1, m, "429", digitaloceantest.Fault{Status: http.StatusTooManyRequests, RetryAfter: time.Second})
			names = append(names, "429")
			continue
		}
		k := chaosFaultKinds[w.r.IntN(len(chaosFaultKinds))]
		w.sh.queue(1, m, k.name, k.fault)
		names = append(names, k.name)
	}
	return strings.Join(names, ", ")
}

// classify turns a call's error and response into its result.
func classify(op string, resp *digitalocean.Response, err error) (chaosResult, string, error) {
	r, why := classifyResult(op, resp, err)
	return r, why, err
}

func classifyResult(op string, resp *digitalocean.Response, err error) (chaosResult, string) {
	switch {
	case err == nil && resp != nil && resp.Recovered:
		return chaosRecovered, ""
	case err == nil && resp != nil && resp.GoneOnRetry:
		return chaosGone, ""
	case err == nil:
		return chaosSuccess, ""
	case !errors.Is(err, digitalocean.ErrOutcomeUnknown):
		return chaosFailed, ""
	}
	var taken *digitalocean.AppNameTakenError
	text := err.Error()
	switch {
	case errors.As(err, &taken):
		return chaosUnknown, "name taken"
	case strings.Contains(text, "reading back to resolve it failed"):
		return chaosUnknown, "recovery read failed"
	case strings.Contains(text, "(read back: "):
		return chaosUnknown, "read back undecided"
	case op == "oneClicks_install_kubernetes" || op == "apps_delete" || op == "apps_assign_alertDestinations":
		return chaosUnknown, "no read for " + op
	}
	// The call read back, found nothing, re-sent once, and that failed too
	// (or a converging write's read found the object unchanged).
	return chaosUnknown, "read showed none after the last send"
}

// record checks a call's effects against its result and adds it to the
// ledger.
func (w *chaosWorker) record(c chaosCall) chaosCall {
	c.worker, c.seq = w.id, w.seq
	w.seq++
	switch {
	case c.effects > 1:
		w.errorf("two effects for one call: %v", c)
	case c.result == chaosFailed && c.effects != 0:
		w.errorf("a certain failure had an effect: %v", c)
	case c.result < chaosFailed && c.effects != 1:
		w.errorf("a success that is not exactly one effect: %v", c)
	case c.result == chaosUnknown && c.why == "read showed none after the last send" && c.effects != 0:
		w.errorf("outcome unknown although the read showed the write applied: %v", c)
	}
	w.sh.mu.Lock()
	w.sh.calls = append(w.sh.calls, c)
	w.sh.mu.Unlock()
	return c
}

// readApp reads the worker's app back: whether it exists, whether it is
// pinned (only the worker's own rollback calls change these).
func (w *chaosWorker) readApp(ctx context.Context) (gone bool) {
	app, _, err := w.sh.check.Apps.Get(ctx, w.app.ID)
	switch {
	case errors.Is(err, digitalocean.ErrNotFound):
		return true
	case err != nil:
		w.errorf("reading app %s back: %v", w.app.ID, err)
		w.stop = true
		return false
	}
	w.app = app
	w.pinned = app.PinnedDeployment != nil
	return false
}

// observe reads the worker's newest deployments back and returns those not
// seen before.
func (w *chaosWorker) observe(ctx context.Context) (fresh []digitalocean.Deployment) {
	// The newest few: a call starts at most a couple, pushes a few more.
	const page = 12
	ds, _, err := w.sh.check.Apps.ListDeployments(ctx, w.app.ID, &digitalocean.DeploymentListOptions{ListOptions: digitalocean.ListOptions{PerPage: page}})
	if err != nil {
		w.errorf("listing deployments of %s: %v", w.app.ID, err)
		w.stop = true
		return nil
	}
	if len(ds) == page && !w.seen[ds[page-1].ID] {
		w.errorf("app %s has %d deployments not seen before: more than the run expects", w.app.ID, page)
	}
	w.deps = ds
	for _, d := range ds {
		if !w.seen[d.ID] {
			w.seen[d.ID] = true
			fresh = append(fresh, d)
		}
	}
	return fresh
}

// chaosDeploymentOp is the operation whose call starts a deployment like
// d; "" for a push (noise, no call's effect).
func chaosDeploymentOp(d *digitalocean.Deployment) string {
	cd := d.CauseDetails
	switch {
	case cd == nil:
		return "? no cause"
	case cd.GitPush != nil || cd.Type == digitalocean.DeploymentTypeDeployOnPush:
		return ""
	case cd.Type == digitalocean.DeploymentTypeUpdateDatabaseTrustedSources:
		return "apps_toggle_database_trusted_source"
	}
	var action digitalocean.DeploymentCauseDetailsDigitalOceanUserActionName
	if cd.DigitalOceanUserAction != nil {
		action = cd.DigitalOceanUserAction.Name
	}
	switch action {
	case digitalocean.DeploymentCauseDetailsDigitalOceanUserActionNameCreateDeployment:
		return "apps_create_deployment"
	case digitalocean.DeploymentCauseDetailsDigitalOceanUserActionNameRestart:
		return "apps_restart"
	case digitalocean.DeploymentCauseDetailsDigitalOceanUserActionNameUpdateSpec:
		return "apps_update"
	case digitalocean.DeploymentCauseDetailsDigitalOceanUserActionNameRollbackApp:
		return "apps_create_rollback"
	case digitalocean.DeploymentCauseDetailsDigitalOceanUserActionNameRevertAppRollback:
		return "apps_revert_rollback"
	case digitalocean.DeploymentCauseDetailsDigitalOceanUserActionNameUpgradeBuildpack:
		return "apps_upgrade_buildpack"
	case digitalocean.DeploymentCauseDetailsDigitalOceanUserActionNameResetDatabasePassword:
		return "apps_reset_database_password"
	}
	return fmt.Sprintf("? %s/%s", cd.Type, action)
}

// deploymentCall makes a write that starts a deployment (suffix: its path
// under the app, "" for the update's PUT on the app) and counts the
// deployments it started: those of its cause that did not exist before.
func (w *chaosWorker) deploymentCall(ctx context.Context, op, suffix string, call func(context.Context) (string, *digitalocean.Response, error)) chaosCall {
	method := http.MethodPost
	if op == "apps_update" {
		method = http.MethodPut
	}
	faults := w.injectWrite(digitaloceantest.Match{Method: method, Path: w.appPath(suffix)}, w.appPath("/deployments"))
	id, resp, err := call(ctx)
	c := chaosCall{op: op, faults: faults}
	c.result, c.why, c.err = classify(op, resp, err)
	if op == "apps_create_rollback" || op == "apps_revert_rollback" {
		w.readApp(ctx) // they pin and unpin
	}
	var mine []string
	for _, d := range w.observe(ctx) {
		switch dop := chaosDeploymentOp(&d); dop {
		case "":
		case op:
			mine = append(mine, d.ID)
		default:
			w.errorf("%s (faults: %s) was followed by a deployment of another cause (%s): %s", op, cmp.Or(faults, "none"), dop, d.ID)
		}
	}
	c.effects = len(mine)
	if err == nil && id != "" && len(mine) == 1 && id != mine[0] {
		w.errorf("%s returned deployment %s, but the deployment it started is %s", op, id, mine[0])
	}
	return w.record(c)
}

func (w *chaosWorker) create(ctx context.Context) {
	w.names++
	name := fmt.Sprintf("chaos-%d-%d", w.id, w.names)
	faults := w.injectWrite(digitaloceantest.Match{Method: http.MethodPost, Path: "/v2/apps"}, "/v2/apps")
	app, resp, err := w.sh.c.Apps.Create(ctx, &digitalocean.AppCreateRequest{Spec: w.spec(name, 1)})
	c := chaosCall{op: "apps_create", faults: faults}
	c.result, c.why, c.err = classify(c.op, resp, err)
	live, _, lookErr := w.sh.check.Apps.GetByName(ctx, name)
	switch {
	case errors.Is(lookErr, digitalocean.ErrNotFound):
	case lookErr != nil:
		w.errorf("looking up %s: %v", name, lookErr)
		w.stop = true
		return
	default:
		c.effects = 1
		if app != nil && app.ID != live.ID {
			w.errorf("create of %s returned app %s, but the app of that name is %s", name, app.ID, live.ID)
		}
		w.app, w.name, w.seen, w.trusted, w.pinned = live, name, map[string]bool{}, false, false
		w.observe(ctx) // its first deployment is part of the create
		w.sh.mu.Lock()
		w.sh.apps[w.id] = live.ID
		w.sh.mu.Unlock()
	}
	w.record(c)
}

func (w *chaosWorker) deleteApp(ctx context.Context) {
	faults := w.injectWrite(digitaloceantest.Match{Method: http.MethodDelete, Path: w.appPath("")}, "")
	resp, err := w.sh.c.Apps.Delete(ctx, w.app.ID)
	c := chaosCall{op: "apps_delete", faults: faults}
	c.result, c.why, c.err = classify(c.op, resp, err)
	if w.readApp(ctx) {
		c.effects = 1
		w.app = nil
		w.sh.mu.Lock()
		delete(w.sh.apps, w.id)
		w.sh.mu.Unlock()
	}
	w.record(c)
}

// cancelDeployment cancels the app's unfinished deployment, starting one
// first (a call of its own) when there is none.
func (w *chaosWorker) cancelDeployment(ctx context.Context) {
	var target string
	for _, d := range w.deps {
		if !chaosTerminal(d.Phase) {
			target = d.ID
		}
	}
	if target == "" {
		if w.pinned {
			w.commitRollback(ctx)
			return
		}
		var id string
		w.deploymentCall(ctx, "apps_create_deployment", "/deployments", func(ctx context.Context) (string, *digitalocean.Response, error) {
			var resp *digitalocean.Response
			var err error
			id, resp, err = depID(w.sh.c.Apps.CreateDeployment(ctx, w.app.ID, nil))
			return id, resp, err
		})
		if id == "" || w.stop || w.seq >= w.sh.run.ops {
			return
		}
		target = id
	}
	w.cancel(ctx, "apps_cancel_deployment", "deployment", "/deployments/"+target,
		func(ctx context.Context) (*digitalocean.Response, error) {
			_, resp, err := w.sh.c.Apps.CancelDeployment(ctx, w.app.ID, target)
			return resp, err
		},
		func(ctx context.Context) (bool, error) {
			d, _, err := w.sh.check.Apps.GetDeployment(ctx, w.app.ID, target)
			if err != nil {
				return false, err
			}
			w.observe(ctx)
			return d.Phase == digitalocean.DeploymentPhaseCanceled, nil
		})
}

// cancel makes one cancel call (op) of the object at the app's path sub,
// with faults injected, and records it with one effect if canceled, read
// back by the checking client, says the object ended canceled.
func (w *chaosWorker) cancel(ctx context.Context, op, what, sub string,
	call func(context.Context) (*digitalocean.Response, error), canceled func(context.Context) (bool, error)) {
	path := w.appPath(sub)
	faults := w.injectWrite(digitaloceantest.Match{Method: http.MethodPost, Path: path + "/cancel"}, path)
	resp, err := call(ctx)
	c := chaosCall{op: op, faults: faults}
	c.result, c.why, c.err = classify(c.op, resp, err)
	done, readErr := canceled(ctx)
	if readErr != nil {
		w.errorf("reading %s %s back: %v", what, sub, readErr)
		w.stop = true
		return
	}
	if done {
		c.effects = 1
	}
	w.record(c)
}

func chaosTerminal(p digitalocean.DeploymentPhase) bool {
	switch p {
	case digitalocean.DeploymentPhaseActive, digitalocean.DeploymentPhaseSuperseded,
		digitalocean.DeploymentPhaseError, digitalocean.DeploymentPhaseCanceled:
		return true
	}
	return false
}

// hasActive reports whether the app has an active deployment, moving the
// clock on (a little, a few times) until it has.
func (w *chaosWorker) hasActive(ctx context.Context) bool {
	for range 8 {
		if w.app.ActiveDeployment != nil {
			return true
		}
		w.sh.srv.Advance(digitaloceantest.DefaultPhaseDuration)
		if w.readApp(ctx) || w.stop {
			return false
		}
	}
	return false
}

func (w *chaosWorker) cancelJob(ctx context.Context) {
	if !w.hasActive(ctx) {
		return
	}
	id, err := w.sh.srv.InvokeJob(w.app.ID, "report", false)
	if err != nil {
		w.errorf("invoking the job: %v", err)
		return
	}
	opts := &digitalocean.JobInvocationOptions{JobName: "report"}
	w.cancel(ctx, "apps_cancel_job_invocation", "job invocation", "/job-invocations/"+id,
		func(ctx context.Context) (*digitalocean.Response, error) {
			_, resp, err := w.sh.c.Apps.CancelJobInvocation(ctx, w.app.ID, id, opts)
			return resp, err
		},
		func(ctx context.Context) (bool, error) {
			j, _, err := w.sh.check.Apps.GetJobInvocation(ctx, w.app.ID, id, opts)
			return err == nil && j.Phase == digitalocean.JobInvocationPhaseCanceled, err
		})
}

func (w *chaosWorker) cancelEvent(ctx context.Context) {
	if !w.hasActive(ctx) {
		return
	}
	id, err := w.sh.srv.TriggerAutoscale(w.app.ID, "web", 1, 2)
	if err != nil {
		w.errorf("triggering autoscaling: %v", err)
		return
	}
	w.cancel(ctx, "apps_cancel_event", "event", "/events/"+id,
		func(ctx context.Context) (*digitalocean.Response, error) {
			_, resp, err := w.sh.c.Apps.CancelEvent(ctx, w.app.ID, id)
			return resp, err
		},
		func(ctx context.Context) (bool, error) {
			e, _, err := w.sh.check.Apps.GetEvent(ctx, w.app.ID, id)
			return err == nil && e.Autoscaling != nil && e.Autoscaling.Phase == digitalocean.AppEventAutoscalingPhaseCanceled, err
		})
}

// rollback rolls the app back to a superseded deployment, or, when it is
// pinned to a rollback, commits or reverts that.
func (w *chaosWorker) rollback(ctx context.Context) {
	if w.pinned {
		if w.r.IntN(2) == 0 {
			w.commitRollback(ctx)
			return
		}
		w.deploymentCall(ctx, "apps_revert_rollback", "/rollback/revert", func(ctx context.Context) (string, *digitalocean.Response, error) {
			return depID(w.sh.c.Apps.RevertRollback(ctx, w.app.ID))
		})
		return
	}
	var targets []string
	for _, d := range w.deps {
		if d.Phase == digitalocean.DeploymentPhaseSuperseded {
			targets = append(targets, d.ID)
		}
	}
	if len(targets) == 0 {
		w.sh.srv.Advance(digitaloceantest.DefaultPhaseDuration * 3)
		return
	}
	target := targets[w.r.IntN(len(targets))]
	w.deploymentCall(ctx, "apps_create_rollback", "/rollback", func(ctx context.Context) (string, *digitalocean.Response, error) {
		return depID(w.sh.c.Apps.CreateRollback(ctx, w.app.ID, &digitalocean.AppRollbackRequest{DeploymentID: target}))
	})
}

func (w *chaosWorker) commitRollback(ctx context.Context) {
	wasPinned := w.pinned
	faults := w.injectWrite(digitaloceantest.Match{Method: http.MethodPost, Path: w.appPath("/rollback/commit")}, w.appPath(""))
	resp, err := w.sh.c.Apps.CommitRollback(ctx, w.app.ID)
	c := chaosCall{op: "apps_commit_rollback", faults: faults}
	c.result, c.why, c.err = classify(c.op, resp, err)
	if w.readApp(ctx) {
		w.errorf("app %s vanished during a commit", w.app.ID)
		w.stop = true
		return
	}
	for _, d := range w.observe(ctx) {
		if op := chaosDeploymentOp(&d); op != "" {
			w.errorf("a commit (faults: %s) was followed by a deployment (%s): %s", cmp.Or(faults, "none"), op, d.ID)
		}
	}
	if wasPinned && !w.pinned {
		c.effects = 1
	}
	w.record(c)
}

// alertDestinations sets the alert's emails to the list it does not have.
func (w *chaosWorker) alertDestinations(ctx context.Context) {
	alerts, _, err := w.sh.check.Apps.ListAlerts(ctx, w.app.ID)
	if err != nil || len(alerts) == 0 {
		w.errorf("listing alerts: %v (%d)", err, len(alerts))
		w.stop = true
		return
	}
	alert := alerts[0]
	want := []string{"sammy@digitalocean.com"}
	if slices.Equal(alert.Emails, want) {
		want = []string{"ops@example.com"}
	}
	faults := w.injectWrite(digitaloceantest.Match{Method: http.MethodPost, Path: w.appPath("/alerts/" + alert.ID + "/destinations")}, "")
	_, resp, err := w.sh.c.Apps.UpdateAlertDestinations(ctx, w.app.ID, alert.ID, &digitalocean.AlertDestinationsUpdateRequest{Emails: want})
	c := chaosCall{op: "apps_assign_alertDestinations", faults: faults}
	c.result, c.why, c.err = classify(c.op, resp, err)
	after, _, err := w.sh.check.Apps.ListAlerts(ctx, w.app.ID)
	if err != nil {
		w.errorf("listing alerts back: %v", err)
		w.stop = true
		return
	}
	for _, a := range after {
		if a.ID == alert.ID && slices.Equal(a.Emails, want) {
			c.effects = 1
		}
	}
	w.record(c)
}

// installKubernetes is worker 0's alone: its effect is the change in the
// fake's count.
func (w *chaosWorker) installKubernetes(ctx context.Context) {
	before := w.sh.srv.Effects()["oneClicks_install_kubernetes"]
	faults := w.injectWrite(digitaloceantest.Match{Operation: "oneClicks_install_kubernetes"}, "")
	_, resp, err := w.sh.c.OneClicks.InstallKubernetes(ctx, &digitalocean.InstallKubernetesRequest{ClusterUUID: "c-1", AddonSlugs: []string{"monitoring"}})
	c := chaosCall{op: "oneClicks_install_kubernetes", faults: faults}
	c.result, c.why, c.err = classify(c.op, resp, err)
	c.effects = w.sh.srv.Effects()["oneClicks_install_kubernetes"] - before
	w.record(c)
}

// read makes one read with the client under test, under fewer faults than
// it has attempts: it must succeed.
func (w *chaosWorker) read(ctx context.Context) {
	var (
		path string
		call func() error
	)
	switch w.r.IntN(4) {
	case 0:
		path, call = w.appPath(""), func() error { _, _, err := w.sh.c.Apps.Get(ctx, w.app.ID); return err }
	case 1:
		path, call = w.appPath("/deployments"), func() error {
			_, _, err := w.sh.c.Apps.ListDeployments(ctx, w.app.ID, nil)
			return err
		}
	case 2:
		path, call = w.appPath("/events"), func() error { _, _, err := w.sh.c.Apps.ListEvents(ctx, w.app.ID, nil); return err }
	default:
		path, call = w.appPath("/alerts"), func() error { _, _, err := w.sh.c.Apps.ListAlerts(ctx, w.app.ID); return err }
	}
	faults := w.injectRead(path)
	w.sh.reads.Add(1)
	if err := call(); err != nil {
		w.errorf("GET %s under %s (fewer faults than attempts) failed: %v", path, cmp.Or(faults, "no faults"), err)
	}
}

// push starts a deployment on another worker's app, as a git push would:
// its cause is no call's, and recovery must not take it for one.
func (w *chaosWorker) push() {
	w.sh.mu.Lock()
	var ids []string
	for _, k := range slices.Sorted(maps.Keys(w.sh.apps)) {
		if k != w.id {
			ids = append(ids, w.sh.apps[k])
		}
	}
	w.sh.mu.Unlock()
	if len(ids) == 0 {
		return
	}
	if _, err := w.sh.srv.DeployOnPush(ids[w.r.IntN(len(ids))]); err == nil {
		w.sh.pushes.Add(1)
	}
}
