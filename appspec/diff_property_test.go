package appspec

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"strconv"
	"testing"

	do "github.com/oceankit/digitalocean"
	"github.com/oceankit/digitalocean/internal/specmodel"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The property: Diff(a, b) is empty exactly when the canonical
// forms of a and b are equal. The canonical form, written here apart from
// the diff, applies the documented equivalences: zero values and defaults
// dropped (prune), lists matched by key turned into maps by key (and
// occurrence), sets sorted, components gathered by name with their kind,
// numbers compared by value.

func canonicalAppSpec(t testing.TB, spec *do.AppSpec) any {
	t.Helper()
	raw, err := json.Marshal(spec)
	require.NoError(t, err)
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var v any
	require.NoError(t, dec.Decode(&v))
	tree := specmodel.Prune(v.(map[string]any))
	out := map[string]any{}
	components := map[string]any{}
	seen := map[string]int{}
	for _, kind := range []string{"services", "static_sites", "workers", "jobs", "functions", "databases"} {
		list, _ := tree[kind].([]any)
		for _, e := range list {
			if e == nil {
				continue
			}
			name := specmodel.KeyString(e.(map[string]any)["name"])
			components[fmt.Sprintf("%s#%d", name, seen[name])] = []any{kind, canonicalValue(e)}
			seen[name]++
		}
		delete(tree, kind)
	}
	if len(components) > 0 {
		out["components"] = components
	}
	for k, c := range tree {
		if cv := canonicalMember(k, c); !isEmptyCanonical(cv) {
			out[k] = cv
		}
	}
	return out
}

func canonicalMember(name string, v any) any {
	list, isList := v.([]any)
	if key, keyed := map[string]string{"envs": "key", "domains": "domain", "alerts": "rule", "log_destinations": "name"}[name]; keyed && isList {
		byKey, seen, objects := map[string]any{}, map[string]int{}, true
		for _, e := range list {
			m, ok := e.(map[string]any)
			if e != nil && !ok {
				objects = false
				break
			}
			if e == nil {
				continue
			}
			k := specmodel.KeyString(m[key])
			byKey[fmt.Sprintf("%s#%d", k, seen[k])] = canonicalValue(m)
			seen[k]++
		}
		if objects {
			return byKey
		}
	}
	if (name == "internal_ports" || name == "features") && isList {
		var set []string
		for _, e := range list {
			s := string(specmodel.RawJSON(canonicalValue(e)))
			if !slices.Contains(set, s) {
				set = append(set, s)
			}
		}
		slices.Sort(set)
		return set
	}
	return canonicalValue(v)
}

func canonicalValue(v any) any {
	switch v := v.(type) {
	case map[string]any:
		out := map[string]any{}
		for k, c := range v {
			if cv := canonicalMember(k, c); !isEmptyCanonical(cv) {
				out[k] = cv
			}
		}
		return out
	case []any:
		out := make([]any, len(v))
		for i, e := range v {
			out[i] = canonicalValue(e)
		}
		return out
	case json.Number:
		if f, err := strconv.ParseFloat(string(v), 64); err == nil {
			return f
		}
	}
	return v
}

func isEmptyCanonical(v any) bool {
	switch v := v.(type) {
	case map[string]any:
		return len(v) == 0
	case []string:
		return len(v) == 0
	}
	return false
}

// randomSpecTree builds a random app spec as plain JSON values: every
// component kind, envs (SECRET ones with ciphertexts or plaintexts),
// domains, alerts, sets, ingress rules and unknown keys.
func randomSpecTree(r *rand.Rand) map[string]any {
	pick := func(xs ...string) string { return xs[r.IntN(len(xs))] }
	envs := func() []any {
		var out []any
		for _, k := range []string{"A", "B", "C", "D"} {
			if r.IntN(2) == 0 {
				continue
			}
			e := map[string]any{"key": k, "value": pick("1", "x", "EV[1:bm9uY2U=:Y2lwaGVy]", "EV[1:b3RoZXI=:Y2lwaGVy]")}
			if t := pick("", "GENERAL", "SECRET"); t != "" {
				e["type"] = t
			}
			if s := pick("", "RUN_TIME", "BUILD_TIME"); s != "" {
				e["scope"] = s
			}
			out = append(out, e)
		}
		return out
	}
	tree := map[string]any{"name": pick("shop", "blog"), "region": pick("ams", "fra", "nyc")}
	if r.IntN(2) == 0 {
		tree["envs"] = envs()
	}
	if r.IntN(3) == 0 {
		tree["future_flag"] = map[string]any{"level": r.IntN(3) + 1}
	}
	tree["features"] = []any{pick("f1", "f2"), pick("f3", "f4")}
	tree["domains"] = []any{
		map[string]any{"domain": "a.example.com", "type": "PRIMARY"},
		map[string]any{"domain": "b.example.com", "type": pick("ALIAS", "DEFAULT")},
	}
	tree["alerts"] = []any{map[string]any{"rule": "DEPLOYMENT_FAILED"}, map[string]any{"rule": pick("DOMAIN_FAILED", "DEPLOYMENT_LIVE")}}
	var routable []string
	for _, name := range []string{"api", "web", "mailer", "cron", "db", "fn"} {
		kind := pick("services", "workers", "jobs", "static_sites", "functions", "databases")
		c := map[string]any{"name": name}
		switch kind {
		case "databases":
			c["engine"] = pick("PG", "MYSQL")
		case "services":
			c["http_port"] = r.IntN(3) * 1000
			c["internal_ports"] = []any{9000 + r.IntN(2), 9100}
			fallthrough
		default:
			c["envs"] = envs()
			c["github"] = map[string]any{"repo": "acme/" + name, "branch": pick("main", "dev")}
			if r.IntN(3) == 0 {
				c["x_future"] = pick("on", "off")
			}
			if kind == "services" || kind == "static_sites" {
				routable = append(routable, name)
			}
		}
		list, _ := tree[kind].([]any)
		tree[kind] = append(list, c)
	}
	var rules []any
	for i, name := range routable {
		rules = append(rules, map[string]any{"match": map[string]any{"path": map[string]any{"prefix": fmt.Sprintf("/%d", i)}},
			"component": map[string]any{"name": name}})
	}
	if len(rules) > 0 {
		tree["ingress"] = map[string]any{"rules": rules}
	}
	return tree
}

// cloneTree deep-copies a JSON tree through encoding.
func cloneTree(t testing.TB, v map[string]any) map[string]any {
	raw, err := json.Marshal(v)
	require.NoError(t, err)
	var out map[string]any
	require.NoError(t, json.Unmarshal(raw, &out))
	return out
}

func treeSpec(t testing.TB, tree map[string]any) *do.AppSpec {
	raw, err := json.Marshal(tree)
	require.NoError(t, err)
	return specFromJSON(t, string(raw))
}

// equivalent rewrites tree in ways the diff must ignore: keyed lists and
// sets reordered, components reordered, zero values and defaults added.
func equivalent(r *rand.Rand, v any, owner string) {
	switch v := v.(type) {
	case map[string]any:
		keys := make([]string, 0, len(v))
		for k := range v {
			keys = append(keys, k)
		}
		slices.Sort(keys) // a fixed order of random draws: the test repeats
		for _, k := range keys {
			c := v[k]
			switch l := c.(type) {
			case []any:
				if _, keyed := specmodel.KeyedLists[k]; keyed || specmodel.Sets[k] || slices.Contains(specmodel.ComponentLists, k) {
					r.Shuffle(len(l), func(i, j int) { l[i], l[j] = l[j], l[i] })
				}
			}
			equivalent(r, c, k)
		}
		switch owner {
		case "envs":
			if _, ok := v["type"]; !ok {
				v["type"] = "GENERAL"
			}
		case "services":
			if _, ok := v["instance_count"]; !ok {
				v["instance_count"] = 1
			}
			v["build_command"] = ""
		case "":
			v["disable_edge_cache"] = false
			v["jobs"] = append(anyList(v["jobs"]), nil)
		}
	case []any:
		for _, e := range v {
			equivalent(r, e, owner)
		}
	}
}

func anyList(v any) []any {
	l, _ := v.([]any)
	return l
}

// mutate makes one change the diff must report and says which.
func mutate(r *rand.Rand, tree map[string]any) string {
	for {
		switch r.IntN(6) {
		case 0:
			tree["region"] = tree["region"].(string) + "2"
			return "region"
		case 1:
			tree["envs"] = append(anyList(tree["envs"]), map[string]any{"key": "NEW", "value": "v"})
			return "env added"
		case 2:
			for _, kind := range specmodel.ComponentLists {
				if l := anyList(tree[kind]); len(l) > 0 {
					tree[kind] = l[1:]
					return "component removed"
				}
			}
		case 3:
			ing, _ := tree["ingress"].(map[string]any)
			if rules := anyList(ing["rules"]); len(rules) > 1 {
				rules[0], rules[1] = rules[1], rules[0]
				return "ingress rules swapped"
			}
		case 4:
			for _, kind := range []string{"services", "workers", "jobs"} {
				for _, c := range anyList(tree[kind]) {
					if e := anyList(c.(map[string]any)["envs"]); len(e) > 0 {
						env := e[0].(map[string]any)
						env["value"] = env["value"].(string) + "-changed"
						return "component env value"
					}
				}
			}
		case 5:
			for _, kind := range []string{"workers", "jobs"} {
				if l := anyList(tree[kind]); len(l) > 0 {
					tree[kind] = l[1:]
					tree["services"] = append(anyList(tree["services"]), l[0])
					return "component changed kind"
				}
			}
		}
	}
}

func mirrored(k ChangeKind) ChangeKind {
	switch k {
	case Added:
		return Removed
	case Removed:
		return Added
	}
	return k
}

// checkDiffProperties asserts what holds for any two specs.
func checkDiffProperties(t testing.TB, a, b *do.AppSpec) {
	t.Helper()
	ab, ba := Diff(a, b), Diff(b, a)
	assert.Empty(t, Diff(a, a))
	assert.Equal(t, ab, Diff(a, b), "deterministic")
	canonEqual := reflect.DeepEqual(canonicalAppSpec(t, a), canonicalAppSpec(t, b))
	assert.Equal(t, canonEqual, len(ab) == 0, "diff empty iff canonical forms equal; diff: %v", changeStrings(ab))
	require.Len(t, ba, len(ab), "the reverse diff has as many changes")
	// A component that changed kind has its path swapped with OldPath.
	identity := func(c Change, reverse bool) string {
		if c.OldPath == nil {
			return c.Path.String()
		}
		if reverse {
			return c.Path.String() + " <- " + c.OldPath.String()
		}
		return c.OldPath.String() + " <- " + c.Path.String()
	}
	reverse := map[string]Change{}
	for _, c := range ba {
		reverse[identity(c, true)] = c
	}
	for _, c := range ab {
		r, ok := reverse[identity(c, false)]
		if !assert.True(t, ok, "no reverse change for %s", c) {
			continue
		}
		assert.Equal(t, mirrored(c.Kind), r.Kind, c.Path.String())
		assert.Equal(t, c.Undecidable, r.Undecidable, c.Path.String())
		assert.Equal(t, c.Sensitive, r.Sensitive, c.Path.String())
		assert.Equal(t, c.Old, r.New, c.Path.String())
	}
}

func TestDiffProperties(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	cases := 150
	if testing.Short() {
		cases = 30
	}
	for i := range cases {
		base := randomSpecTree(r)
		a := treeSpec(t, base)

		same := cloneTree(t, base)
		equivalent(r, same, "")
		b := treeSpec(t, same)
		if !assert.Empty(t, changeStrings(Diff(a, b)), "case %d: an equivalent rewrite", i) {
			return
		}
		checkDiffProperties(t, a, b)

		changed := cloneTree(t, base)
		what := mutate(r, changed)
		c := treeSpec(t, changed)
		if !assert.NotEmpty(t, Diff(a, c), "case %d: %s", i, what) {
			return
		}
		checkDiffProperties(t, a, c)
		checkDiffProperties(t, b, c)
	}
}

func FuzzDiff(f *testing.F) {
	f.Add([]byte(diffBaseSpec), []byte(`{"name":"shop","services":[{"name":"api","envs":[{"key":"A","type":"SECRET","value":"EV[1:a:b]"}]}]}`))
	f.Add([]byte(`{"services":[{"name":"x","internal_ports":[1,1.0]}],"future":{"a":[1,{"b":null}]}}`), []byte(`{"workers":[{"name":"x"}],"future":{"a":[1.0,{}]}}`))
	f.Add([]byte(`{"envs":[{"key":"A"},{"key":"A","value":"1"},null]}`), []byte(`{"envs":[{"key":"A","value":"1"},{"key":"A","type":"GENERAL"}]}`))
	f.Add([]byte(`{"ingress":{"rules":[{"match":{"authority":{"exact":""}}},null]}}`), []byte(`{"ingress":{"rules":[{},{}]}}`))
	f.Fuzz(func(t *testing.T, rawA, rawB []byte) {
		var a, b do.AppSpec
		if json.Unmarshal(rawA, &a) != nil || json.Unmarshal(rawB, &b) != nil {
			return
		}
		checkDiffProperties(t, &a, &b)
		for _, c := range Diff(&a, &b) {
			_ = c.String()
			_ = c.Path.JSONPath()
		}
	})
}
