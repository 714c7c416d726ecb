package specfile

import (
	"math"
	"reflect"
	"slices"
	"strings"
	"sync"

	"github.com/oceankit/digitalocean/internal/jsonfields"
	"go.yaml.in/yaml/v3"
)

// Keys an app spec file has that its types do not know. A file written by
// appspec.Marshal holds the keys a spec kept from a newer API, each under
// the comment UnknownKeyComment; the loader keeps any key so marked. An
// unmarked unknown key is a typo when it is close to a key of the same
// object (ClosestKey), else it is kept too, as the JSON decoder keeps
// it, so that specs of a newer API round-trip. An unmarked unknown key that
// is a key of another object of the spec is an error too: it is most likely
// indented under the wrong parent (MisplacedKey).

// UnknownKeyMarker is the text that marks a key as deliberately unknown.
const UnknownKeyMarker = "not known to this SDK version, kept as is"

// UnknownKeyComment is the head comment appspec.Marshal writes above each
// key it keeps from a newer API.
const UnknownKeyComment = "# " + UnknownKeyMarker

// markedUnknown reports whether a key carries the marker, above it or at the
// end of its line.
func markedUnknown(key, value *yaml.Node) bool {
	return strings.Contains(key.HeadComment, UnknownKeyMarker) ||
		strings.Contains(key.LineComment, UnknownKeyMarker) ||
		strings.Contains(value.LineComment, UnknownKeyMarker)
}

// ClosestKey returns the known key that an unknown key most likely
// misspells, or "". After lower-casing both and reading '-' as '_', the
// key misspells a known one when
//
//  1. they are equal without their '_' (timezone, time-zone, timeZone for
//     time_zone),
//  2. they have the same words (split at '_') in another order
//     (port_http for http_port),
//  3. the key is the known one with one word left out and still has two
//     words (preserve_prefix for preserve_path_prefix), or
//  4. their optimal string alignment distance (insertions, deletions,
//     substitutions and swaps of neighbours) is at most 1 for keys of up
//     to 4 characters, 2 up to 10 and 3 beyond (helth_check, prot, nmae).
//
// Rule 1 ranks first, then the smallest distance (rules 2 and 3 count as
// 1); ties go to the known key listed first. Keys longer than 64
// characters misspell nothing.
func ClosestKey(key string, known []string) string {
	if len(key) > 64 {
		return ""
	}
	nk := normalizeSpecKey(key)
	best, bestScore := "", math.MaxInt
	for _, cand := range known {
		if s := specKeyTypoScore(nk, normalizeSpecKey(cand)); s < bestScore {
			best, bestScore = cand, s
		}
	}
	return best
}

func normalizeSpecKey(s string) string {
	return strings.ReplaceAll(strings.ToLower(s), "-", "_")
}

// specKeyTypoScore rates how likely key misspells known (both normalised):
// 0 is certain, math.MaxInt is not a typo.
func specKeyTypoScore(key, known string) int {
	if strings.ReplaceAll(key, "_", "") == strings.ReplaceAll(known, "_", "") {
		return 0
	}
	kw, cw := strings.Split(key, "_"), strings.Split(known, "_")
	if len(kw) >= 2 && len(kw) == len(cw) && sameWords(kw, cw) {
		return 1
	}
	if len(kw) >= 2 && len(kw)+1 == len(cw) && oneWordLeftOut(kw, cw) {
		return 1
	}
	limit := 1
	switch {
	case len(key) > 10:
		limit = 3
	case len(key) > 4:
		limit = 2
	}
	if d := keyDistance(key, known); d <= limit {
		return d
	}
	return math.MaxInt
}

// sameWords reports whether a and b hold the same words, in any order.
func sameWords(a, b []string) bool {
	a, b = slices.Clone(a), slices.Clone(b)
	slices.Sort(a)
	slices.Sort(b)
	return slices.Equal(a, b)
}

// oneWordLeftOut reports whether short is long without one of its words.
func oneWordLeftOut(short, long []string) bool {
	for i := range long {
		if slices.Equal(short[:i], long[:i]) && slices.Equal(short[i:], long[i+1:]) {
			return true
		}
	}
	return false
}

// keyDistance is the optimal string alignment distance: insertions,
// deletions, substitutions and swaps of neighbours each cost one.
func keyDistance(a, b string) int {
	if len(a) > 64 || len(b) > 64 {
		return math.MaxInt32 // keys are short; a long one is no typo
	}
	prev2 := make([]int, len(b)+1)
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				cur[j] = min(cur[j], prev2[j-2]+1)
			}
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(b)]
}

// specKeyHomes maps each key of the types reachable from root to the objects that know
// it, as path patterns ("services[].health_check"; "" for the top level),
// shallowest first. A type reached by several paths is listed under the
// shallowest.
func specKeyHomes(root reflect.Type) map[string][]string {
	if cached, ok := keyHomes.Load(root); ok {
		return cached.(map[string][]string)
	}
	homes := map[string][]string{}
	type at struct {
		t    reflect.Type
		path string
	}
	seen := map[reflect.Type]bool{}
	queue := []at{{root, ""}}
	for len(queue) > 0 {
		next := queue[0]
		queue = queue[1:]
		if seen[next.t] {
			continue
		}
		seen[next.t] = true
		fields := jsonfields.Of(next.t)
		for _, name := range fields.Names {
			homes[name] = append(homes[name], next.path)
			t, path := fields.ByName[name], childPath(next.path, name)
			for t.Kind() == reflect.Pointer || t.Kind() == reflect.Slice {
				if t.Kind() == reflect.Slice {
					path += "[]"
				}
				t = t.Elem()
			}
			if t.Kind() == reflect.Struct && !DecodesItself(t) {
				queue = append(queue, at{t, path})
			}
		}
	}
	keyHomes.Store(root, homes)
	return homes
}

// keyHomes caches specKeyHomes by root type.
var keyHomes sync.Map

// MisplacedKey describes where else in a spec an unknown key is known,
// as "services[], workers[] and jobs[]" (at most three), or "".
func MisplacedKey(root reflect.Type, key string) string {
	homes := specKeyHomes(root)[key]
	if len(homes) == 0 {
		return ""
	}
	names := make([]string, 0, 3)
	for _, h := range homes[:min(len(homes), 3)] {
		if h == "" {
			h = "the top level"
		}
		names = append(names, h)
	}
	if len(homes) > 3 {
		return strings.Join(names, ", ") + " and others"
	}
	return JoinWithAnd(names)
}
