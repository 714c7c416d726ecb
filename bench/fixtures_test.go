package bench

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"regexp"
	"strconv"
	"strings"
	"sync"

	"go.yaml.in/yaml/v3"
)

// fixtures are the response bodies the server sends, built from the
// example values in the OpenAPI description.
type fixtures struct {
	account []byte // {"account": …}
	app     []byte // {"app": …}: the largest example app
	apps50  []byte // {"apps": [50 copies with distinct ids], …}
	// actions200 is the one page of a 200-action list.
	actions200 []byte
	appName    string

	// actionHead and actionTail wrap an action's id: head + id + tail is
	// one action object, so pages are rendered without reflection.
	actionHead, actionTail []byte
}

var (
	fixturesOnce sync.Once
	theFixtures  *fixtures
	fixturesErr  error
)

func loadFixtures() (*fixtures, error) {
	fixturesOnce.Do(func() { theFixtures, fixturesErr = buildFixtures("../testdata/digitalocean-v2-subset.yaml") })
	return theFixtures, fixturesErr
}

func buildFixtures(path string) (*fixtures, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var doc map[string]any
	if err := yaml.Unmarshal(raw, &doc); err != nil {
		return nil, err
	}
	s := specDoc(doc)
	f := &fixtures{}

	// Account and Action have no whole-object example: compose one from
	// the property examples, plus the live-API fields both SDKs model.
	account := s.exampleOf(s.schema("account")).(map[string]any)
	account["reserved_ip_limit"] = 25
	account["volume_limit"] = 100
	if f.account, err = json.Marshal(map[string]any{"account": account}); err != nil {
		return nil, err
	}

	action := s.exampleOf(s.schema("action")).(map[string]any)
	delete(action, "id")
	rest, err := json.Marshal(action)
	if err != nil {
		return nil, err
	}
	f.actionHead = []byte(`{"id":`)
	f.actionTail = append([]byte(","), rest[1:]...)
	var page bytes.Buffer
	f.writeActionsPage(&page, nil, 1, 200, 200)
	f.actions200 = page.Bytes()

	// The largest of the example apps (by encoded size).
	var candidates []any
	candidates = append(candidates, s.get("components", "examples", "app", "value", "app"))
	if apps, ok := s.get("components", "examples", "apps", "value", "apps").([]any); ok {
		candidates = append(candidates, apps...)
	}
	// godo cannot decode the zone-less date-times of the app example
	// ("0001-01-01T00:00:00", see testdata/live-api-fields.md); give them
	// a zone so that every client decodes the same payload.
	for _, c := range candidates {
		addZones(c)
	}
	var largest map[string]any
	size := 0
	for _, c := range candidates {
		b, err := json.Marshal(c)
		if err != nil {
			return nil, err
		}
		if len(b) > size {
			size, largest = len(b), c.(map[string]any)
		}
	}
	if largest == nil {
		return nil, fmt.Errorf("no example app in %s", path)
	}
	f.appName = fmt.Sprint(largest["spec"].(map[string]any)["name"])
	if f.app, err = json.Marshal(map[string]any{"app": largest}); err != nil {
		return nil, err
	}
	apps := make([]json.RawMessage, 50)
	for i := range apps {
		id := fmt.Sprintf("%08d-1e90-4762-9fee-6cc4a0a9f2cf", i)
		largest["id"] = id
		if apps[i], err = json.Marshal(largest); err != nil {
			return nil, err
		}
	}
	f.apps50, err = json.Marshal(map[string]any{
		"apps":  apps,
		"links": map[string]any{"pages": map[string]any{}},
		"meta":  map[string]any{"total": len(apps)},
	})
	return f, err
}

// writeActionsPage writes page (1-based) of a list of total actions, with
// the links and meta the API sends, action by action through scratch, so
// that the server holds no page-sized buffer (its memory would count in
// the clients' heap figures). It returns the number of bytes written.
func (f *fixtures) writeActionsPage(w io.Writer, scratch []byte, page, perPage, total int) int {
	written := 0
	flush := func(b []byte) []byte {
		n, _ := w.Write(b)
		written += n
		return b[:0]
	}
	last := max(1, (total+perPage-1)/perPage)
	buf := append(scratch[:0], `{"actions":[`...)
	for id := (page-1)*perPage + 1; id <= min(page*perPage, total); id++ {
		if id > (page-1)*perPage+1 {
			buf = append(buf, ',')
		}
		buf = append(buf, f.actionHead...)
		buf = strconv.AppendInt(buf, int64(id), 10)
		buf = append(buf, f.actionTail...)
		buf = flush(buf)
	}
	buf = append(buf, `],"links":{"pages":{`...)
	link := func(buf []byte, rel string, n int, comma bool) []byte {
		if comma {
			buf = append(buf, ',')
		}
		buf = append(buf, `"`...)
		buf = append(buf, rel...)
		buf = append(buf, `":"https://api.digitalocean.com/v2/actions?page=`...)
		buf = strconv.AppendInt(buf, int64(n), 10)
		buf = append(buf, "&per_page="...)
		buf = strconv.AppendInt(buf, int64(perPage), 10)
		return append(buf, '"')
	}
	comma := false
	if page > 1 {
		buf = link(buf, "first", 1, false)
		buf = link(buf, "prev", page-1, true)
		comma = true
	}
	if page < last {
		buf = link(buf, "next", page+1, comma)
		buf = link(buf, "last", last, true)
	}
	buf = append(buf, `}},"meta":{"total":`...)
	buf = strconv.AppendInt(buf, int64(total), 10)
	buf = append(buf, "}}"...)
	flush(buf)
	return written
}

// byteCounter is an io.Writer that only counts, to size a page before
// sending it.
type byteCounter struct{}

func (byteCounter) Write(b []byte) (int, error) { return len(b), nil }

// zoneless matches a date-time without an offset.
var zoneless = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?$`)

// addZones appends "Z" to every zone-less date-time string in v.
func addZones(v any) {
	switch v := v.(type) {
	case map[string]any:
		for k, e := range v {
			if s, ok := e.(string); ok && zoneless.MatchString(s) {
				v[k] = s + "Z"
			} else {
				addZones(e)
			}
		}
	case []any:
		for i, e := range v {
			if s, ok := e.(string); ok && zoneless.MatchString(s) {
				v[i] = s + "Z"
			} else {
				addZones(e)
			}
		}
	}
}

// specDoc is the decoded OpenAPI document.
type specDoc map[string]any

func (s specDoc) get(keys ...string) any {
	var cur any = map[string]any(s)
	for _, k := range keys {
		m, ok := cur.(map[string]any)
		if !ok {
			return nil
		}
		cur = m[k]
	}
	return cur
}

func (s specDoc) schema(name string) map[string]any {
	m, _ := s.get("components", "schemas", name).(map[string]any)
	return m
}

func (s specDoc) resolve(node map[string]any) map[string]any {
	for range 32 { // a $ref cycle fails the fixture rather than looping forever
		ref, ok := node["$ref"].(string)
		if !ok {
			return node
		}
		keys := strings.Split(strings.TrimPrefix(ref, "#/"), "/")
		node, _ = s.get(keys...).(map[string]any)
	}
	panic("bench fixtures: a $ref chain of more than 32 links: a cycle in the spec")
}

// exampleOf composes an example value for a schema: its own example if it
// has one, else its properties' examples, recursively.
func (s specDoc) exampleOf(node map[string]any) any {
	node = s.resolve(node)
	if ex, ok := node["example"]; ok {
		return ex
	}
	if props, ok := node["properties"].(map[string]any); ok {
		out := map[string]any{}
		for name, p := range props {
			if v := s.exampleOf(p.(map[string]any)); v != nil {
				out[name] = v
			}
		}
		return out
	}
	if all, ok := node["allOf"].([]any); ok {
		out := map[string]any{}
		for _, part := range all {
			if m, ok := s.exampleOf(part.(map[string]any)).(map[string]any); ok {
				for k, v := range m {
					out[k] = v
				}
			}
		}
		return out
	}
	return nil
}
