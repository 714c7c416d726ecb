package main

import (
	"bytes"
	"fmt"
	"go/format"
	"sort"
	"strings"
)

// goEnvelope is one generated response envelope: the unexported struct a
// service method decodes a body like {"apps": […], "links": …} into.
type goEnvelope struct {
	Name    string
	Prop    string // the payload's JSON key
	Field   string // the payload's Go field
	Type    string // the payload's Go type: *T, or []T for a list
	Paged   bool   // has links/meta: embeds pageData
	Ops     []string
	Origins []string
}

// envelopeName names the envelope of a payload key: appRoot for one object
// ("app"), appsPage for a paginated list ("apps" with links/meta) and
// alertsList for a plain one ("alerts").
func envelopeName(e envelope) string {
	base := lowerFirst(camel(e.Prop))
	switch {
	case !strings.HasPrefix(e.Payload, "[]"):
		return base + "Root"
	case len(e.Extra) > 0:
		return base + "Page"
	}
	return base + "List"
}

// goEnvelopes groups the model's envelopes by Go name; those decoded by
// hand (handDecodedEnvelopes) are left out.
func (m *model) goEnvelopes() ([]*goEnvelope, error) {
	byName := map[string]*goEnvelope{}
	for _, e := range m.envelopes {
		if _, ok := handDecodedEnvelopes[e.Prop]; ok {
			continue
		}
		g := &goEnvelope{
			Name:  envelopeName(e),
			Prop:  e.Prop,
			Field: camel(e.Prop),
			Type:  e.Payload,
			Paged: len(e.Extra) > 0,
		}
		if strings.HasPrefix(g.Type, "[]") {
			// Lists are slices of values, as the service methods return them.
			g.Type = "[]" + strings.TrimPrefix(strings.TrimPrefix(g.Type, "[]"), "*")
		}
		if prev, ok := byName[g.Name]; ok {
			if prev.Type != g.Type || prev.Prop != g.Prop || prev.Paged != g.Paged {
				return nil, fmt.Errorf("specgen: envelope %s: %s %s (%s) and %s %s (%s) disagree",
					g.Name, prev.Prop, prev.Type, strings.Join(prev.Origins, ", "), g.Prop, g.Type, e.Origin)
			}
			g = prev
		} else {
			byName[g.Name] = g
		}
		g.Origins = appendOrigin(g.Origins, e.Origin)
		for _, op := range e.Ops {
			g.Ops = appendOrigin(g.Ops, op)
		}
	}
	out := make([]*goEnvelope, 0, len(byName))
	for _, g := range byName {
		sort.Strings(g.Ops)
		out = append(out, g)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}

// emitEnvelopes writes apps_envelopes.gen.go: the response envelopes.
func (m *model) emitEnvelopes(header string) ([]byte, error) {
	envs, err := m.goEnvelopes()
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	buf.WriteString(header)
	buf.WriteString("package digitalocean\n\n")
	for _, g := range envs {
		m.emitEnvelope(&buf, g)
	}
	out, err := format.Source(buf.Bytes())
	if err != nil {
		return buf.Bytes(), fmt.Errorf("gofmt envelopes: %w", err)
	}
	return out, nil
}

func (m *model) emitEnvelope(buf *bytes.Buffer, g *goEnvelope) {
	shape := fmt.Sprintf("{%q: …}", g.Prop)
	if strings.HasPrefix(g.Type, "[]") {
		shape = fmt.Sprintf("{%q: […]}", g.Prop)
	}
	if g.Paged {
		shape += " with links and meta"
	}
	comment(buf, "", fmt.Sprintf("%s is the response body of %s: %s.", g.Name, strings.Join(g.Ops, ", "), shape))
	buf.WriteString("//\n")
	comment(buf, "", "Spec schema: "+originList(g.Origins)+".")
	fmt.Fprintf(buf, "type %s struct {\n\t%s %s `json:%q`\n", g.Name, g.Field, g.Type, g.Prop)
	if g.Paged {
		buf.WriteString("\tpageData\n")
	}
	buf.WriteString("}\n\n")
}
