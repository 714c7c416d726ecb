package main

import (
	"bytes"
	"fmt"
	"go/format"
	"regexp"
	"sort"
	"strings"
)

var (
	mdLinkRE = regexp.MustCompile(`\[([^\]]+)\]\(([^)]+)\)`)
	boldRE   = regexp.MustCompile(`\*\*([^*]+)\*\*`)
	brRE     = regexp.MustCompile(`(?i)<br\s*/?>`)
	wsRE     = regexp.MustCompile(`\s+`)
)

// paragraphs cleans a spec description into paragraphs; list items ("- x")
// become their own entries marked with a leading "- ".
func paragraphs(s string) []string {
	s = brRE.ReplaceAllString(s, "\n\n")
	s = mdLinkRE.ReplaceAllString(s, "$1 ($2)")
	s = boldRE.ReplaceAllString(s, "$1")
	var out []string
	var cur []string
	flush := func() {
		if len(cur) > 0 {
			p := strings.TrimSpace(wsRE.ReplaceAllString(strings.Join(cur, " "), " "))
			if p != "" && p != "-" {
				out = append(out, p)
			}
			cur = nil
		}
	}
	for _, line := range strings.Split(s, "\n") {
		t := strings.TrimSpace(line)
		switch {
		case t == "":
			flush()
		case strings.HasPrefix(t, "- "):
			flush()
			cur = append(cur, t)
		default:
			cur = append(cur, t)
		}
	}
	flush()
	return out
}

// comment renders text as a Go comment wrapped to ~80 columns.
func comment(buf *bytes.Buffer, indent, text string) {
	width := 80 - len(indent) - 3
	if indent != "" {
		width -= 4 // a tab counts as more than one column
	}
	for i, p := range paragraphs(text) {
		if i > 0 {
			buf.WriteString(indent + "//\n")
		}
		prefix, cont := "", ""
		if strings.HasPrefix(p, "- ") {
			prefix, cont = "  ", "    "
		}
		line := prefix
		for _, w := range strings.Fields(p) {
			if len(line) > len(prefix) && len(line)+1+len(w) > width && strings.TrimSpace(line) != "" {
				buf.WriteString(indent + "// " + strings.TrimRight(line, " ") + "\n")
				line = cont
			}
			if strings.TrimSpace(line) != "" {
				line += " "
			}
			line += w
		}
		if strings.TrimSpace(line) != "" {
			buf.WriteString(indent + "// " + strings.TrimRight(line, " ") + "\n")
		}
	}
}

// typeDoc phrases the doc comment of a type.
func typeDoc(name, doc, use string) string {
	if doc == "" {
		if use != "" {
			return name + " is " + use + "."
		}
		return name + " is defined by the spec schema below."
	}
	if !strings.HasSuffix(doc, ".") && !strings.Contains(doc, "\n") {
		doc += "."
	}
	switch strings.Fields(doc)[0] {
	case "A", "An", "The":
		return name + " is " + lowerFirst(doc)
	}
	return name + ": " + doc
}

// rootUse describes a type used directly as a request or response body.
func (m *model) rootUse(name string) string {
	var req, resp []string
	for _, r := range m.roots {
		if r.Type != name || r.Envelope != "" {
			continue
		}
		if r.Kind == "request" {
			req = append(req, r.OperationID)
		} else {
			resp = append(resp, r.OperationID)
		}
	}
	switch {
	case len(req) > 0:
		return "the request body of " + strings.Join(req, ", ")
	case len(resp) > 0:
		return "the response body of " + strings.Join(resp, ", ")
	}
	return ""
}

func lowerFirst(s string) string {
	if s == "" {
		return s
	}
	i := 0
	for i < len(s) && s[i] >= 'A' && s[i] <= 'Z' {
		i++
	}
	switch {
	case i == 0:
		return s
	case i == 1 || i == len(s):
		return strings.ToLower(s[:i]) + s[i:]
	default:
		return strings.ToLower(s[:i-1]) + s[i-1:]
	}
}

// emit writes the Go source of the model.
func (m *model) emit(header string) ([]byte, error) {
	var buf bytes.Buffer
	buf.WriteString(header)
	m.emitMapping(&buf)
	buf.WriteString("package digitalocean\n\n")

	needJSON, needTime, needUnsafe := false, false, false
	for _, st := range m.structs {
		needJSON = needJSON || st.Preserve || len(st.Aliases) > 0
		needTime = needTime || st.hasTime()
		needUnsafe = needUnsafe || st.Wire
	}
	buf.WriteString("import (\n")
	if needJSON {
		buf.WriteString("\t\"encoding/json\"\n")
	}
	if needTime {
		buf.WriteString("\t\"time\"\n")
	}
	if needUnsafe {
		buf.WriteString("\t\"unsafe\"\n")
	}
	buf.WriteString(")\n\n")

	names := make([]string, 0, len(m.structs)+len(m.enums))
	for n := range m.structs {
		names = append(names, n)
	}
	for n := range m.enums {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		if st, ok := m.structs[n]; ok {
			m.emitStruct(&buf, st)
		} else {
			m.emitEnum(&buf, m.enums[n])
		}
	}
	out, err := format.Source(buf.Bytes())
	if err != nil {
		return buf.Bytes(), fmt.Errorf("gofmt: %w", err)
	}
	return out, nil
}

func originList(origins []string) string {
	origins = append([]string(nil), origins...)
	sort.Strings(origins)
	var parts []string
	for _, o := range origins {
		parts = append(parts, "`"+o+"`")
	}
	return strings.Join(parts, ", ")
}

func (m *model) emitMapping(buf *bytes.Buffer) {
	type row struct{ spec, goName string }
	var rows []row
	for _, st := range m.structs {
		for _, o := range st.Origins {
			rows = append(rows, row{o, st.Name})
		}
	}
	for _, e := range m.enums {
		for _, o := range e.Origins {
			rows = append(rows, row{o, e.Name})
		}
	}
	for _, e := range m.envelopes {
		desc := fmt.Sprintf("(envelope %s) %s: %s", envelopeName(e), e.Prop, e.Payload)
		if why, ok := handDecodedEnvelopes[e.Prop]; ok {
			desc = fmt.Sprintf("(envelope, decoded by hand: %s) %s: %s", why, e.Prop, e.Payload)
		}
		if len(e.Extra) > 0 {
			desc += " + " + strings.Join(e.Extra, ", ")
		}
		rows = append(rows, row{e.Origin, desc})
	}
	sort.Slice(rows, func(i, j int) bool {
		if rows[i].spec != rows[j].spec {
			return rows[i].spec < rows[j].spec
		}
		return rows[i].goName < rows[j].goName
	})
	w := 0
	for _, r := range rows {
		if len(r.spec) > w {
			w = len(r.spec)
		}
	}
	buf.WriteString("// Spec schema → Go type. Paths (a.b, a[], a.*) name inline schemas;\n")
	buf.WriteString("// param: and response: name inline parameter and response schemas.\n//\n")
	for _, r := range rows {
		fmt.Fprintf(buf, "//\t%-*s  %s\n", w, r.spec, r.goName)
	}
	buf.WriteString("//\n// Operation → request/response type (envelope key in brackets).\n//\n")
	for _, r := range m.roots {
		t := r.Type
		if r.Envelope != "" {
			t = fmt.Sprintf("%s [%s]", t, r.Envelope)
		}
		fmt.Fprintf(buf, "//\t%-40s %-8s %s\n", r.OperationID, r.Kind, t)
	}
	buf.WriteString("\n")
}

func (m *model) emitStruct(buf *bytes.Buffer, st *goStruct) {
	comment(buf, "", typeDoc(st.Name, st.Doc, m.rootUse(st.Name)))
	buf.WriteString("//\n")
	if st.Source != "" {
		comment(buf, "", "Not in the OpenAPI spec; source: "+st.Source+".")
		buf.WriteString("//\n")
	}
	comment(buf, "", "Spec schema: "+originList(st.Origins)+".")
	switch {
	case st.Name == preserveRoot:
		buf.WriteString("//\n")
		comment(buf, "", "JSON keys that this type and its nested types do not know are kept when it is decoded and written back when it is encoded, so that a spec read from the API and sent back loses nothing (see UnknownFields).")
	case st.Preserve:
		buf.WriteString("//\n")
		comment(buf, "", "JSON keys that this type does not know are kept when it is decoded as part of an "+preserveRoot+" and written back when it is encoded, so that a spec read from the API and sent back loses nothing. Decoded on its own, outside an "+preserveRoot+", it drops them (see "+preserveRoot+".UnmarshalJSON).")
	}
	fmt.Fprintf(buf, "type %s struct {\n", st.Name)
	for _, f := range st.Fields {
		text := f.Doc
		if f.Source != "" {
			if text != "" {
				text += "\n\n"
			}
			if f.Retyped {
				text += "Typed unlike the OpenAPI spec; source: " + f.Source + "."
			} else {
				text += "Not in the OpenAPI spec; source: " + f.Source + "."
			}
		}
		for _, a := range st.Aliases {
			if a.Field == f {
				if text != "" {
					text += "\n\n"
				}
				text += "Also decoded from " + a.JSON + " (" + f.JSON + " wins when both are set); source: " + a.Source + "."
			}
		}
		if text != "" {
			comment(buf, "\t", text)
		}
		if f.Deprecated {
			if text != "" {
				buf.WriteString("\t//\n")
			}
			buf.WriteString("\t// Deprecated: the API marks this field deprecated.\n")
		}
		opt := "omitempty"
		if f.Type == "time.Time" {
			opt = "omitzero"
		}
		fmt.Fprintf(buf, "\t%s %s `json:\"%s,%s\"`\n", f.Name, f.Type, f.JSON, opt)
	}
	if st.Preserve {
		buf.WriteString("\n\t// unknownFields holds the JSON keys this type does not know.\n")
		buf.WriteString("\tunknownFields map[string]json.RawMessage `json:\"-\"`\n")
	}
	buf.WriteString("}\n\n")

	if st.Preserve {
		m.emitPreserve(buf, st)
	}
	if st.Name == preserveRoot {
		fmt.Fprintf(buf, "// %s is %s without its UnmarshalJSON, for the wire twins below.\n", m.wireName(st.Name), st.Name)
		fmt.Fprintf(buf, "type %s %s\n\n", m.wireName(st.Name), st.Name)
	}
	if st.Wire {
		m.emitWire(buf, st)
	}
	if len(st.Aliases) > 0 {
		emitAliases(buf, st)
	}
}

// emitAliases writes an UnmarshalJSON that also accepts the second
// spellings of some fields; the field's own spelling wins when both are set.
func emitAliases(buf *bytes.Buffer, st *goStruct) {
	recv := strings.ToLower(st.Name[:1])
	var names []string
	for _, a := range st.Aliases {
		names = append(names, a.JSON)
	}
	fmt.Fprintf(buf, "// UnmarshalJSON decodes %s, accepting %s too (see the fields).\n", st.Name, strings.Join(names, ", "))
	fmt.Fprintf(buf, "func (%s *%s) UnmarshalJSON(data []byte) error {\n", recv, st.Name)
	// The outer fields shadow the embedded ones of the same JSON name, so
	// that presence, not a non-zero value, decides which spelling wins.
	fmt.Fprintf(buf, "\ttype plain %s\n\tvar v struct {\n\t\t*plain\n", st.Name)
	for _, a := range st.Aliases {
		fmt.Fprintf(buf, "\t\t%s *%s `json:%q`\n", a.Field.Name, a.Field.Type, a.Field.JSON)
		fmt.Fprintf(buf, "\t\t%sAlias *%s `json:%q`\n", a.Field.Name, a.Field.Type, a.JSON)
	}
	fmt.Fprintf(buf, "\t}\n\tv.plain = (*plain)(%s)\n", recv)
	buf.WriteString("\tif err := json.Unmarshal(data, &v); err != nil {\n\t\treturn err\n\t}\n")
	for _, a := range st.Aliases {
		n := a.Field.Name
		fmt.Fprintf(buf, "\tswitch {\n\tcase v.%s != nil:\n\t\t%s.%s = *v.%s\n\tcase v.%sAlias != nil:\n\t\t%s.%s = *v.%sAlias\n\t}\n",
			n, recv, n, n, n, recv, n, n)
	}
	buf.WriteString("\treturn nil\n}\n\n")
}

// emitWire writes the twin of a struct that holds app specs and the methods
// that decode through it: wire, which reinterprets the struct as its twin
// (same fields, tags and layout; specs as the method-less appSpecWire), and
// collectUnknown, which walks the decoded JSON again to the specs inside.
// TestWireTwinsShareLayout checks every twin against its struct.
func (m *model) emitWire(buf *bytes.Buffer, st *goStruct) {
	recv := strings.ToLower(st.Name[:1])
	twin := m.wireName(st.Name)
	fmt.Fprintf(buf, "// %s is %s as responses decode it (see %s.wire).\n", twin, st.Name, st.Name)
	fmt.Fprintf(buf, "type %s struct {\n", twin)
	for _, f := range st.Fields {
		t := f.Type
		if w := m.wireName(baseType(t)); w != "" {
			t = strings.TrimSuffix(t, baseType(t)) + w
		}
		opt := "omitempty"
		if f.Type == "time.Time" {
			opt = "omitzero"
		}
		fmt.Fprintf(buf, "\t%s %s `json:\"%s,%s\"`\n", f.Name, t, f.JSON, opt)
	}
	buf.WriteString("}\n\n")
	fmt.Fprintf(buf, "// wire returns %s as its twin, whose app specs decode without\n// AppSpec.UnmarshalJSON.\n", recv)
	fmt.Fprintf(buf, "func (%s *%s) wire() any { return (*%s)(unsafe.Pointer(%s)) }\n\n", recv, st.Name, twin, recv)

	keysVar := emitJSONKeys(buf, st)
	fmt.Fprintf(buf, "// collectUnknown walks the JSON object at c in parallel with %s and keeps\n// the unknown keys of the app specs inside; a nil %s skips the value.\n", recv, recv)
	fmt.Fprintf(buf, "func (%s *%s) collectUnknown(c *jsonCursor) {\n", recv, st.Name)
	fmt.Fprintf(buf, "\tif %s == nil {\n\t\tc.skip()\n\t\treturn\n\t}\n", recv)
	buf.WriteString("\tfor c.nextMember() {\n")
	fmt.Fprintf(buf, "\t\tswitch string(c.fieldKey(%s)) {\n", keysVar)
	for _, f := range st.Fields {
		if m.wireName(baseType(f.Type)) == "" {
			continue
		}
		fmt.Fprintf(buf, "\t\tcase %q:\n", f.JSON)
		if preservedShape(f.Type) == "slice" {
			buf.WriteString("\t\t\tfor i := 0; c.nextElement(); i++ {\n")
			fmt.Fprintf(buf, "\t\t\t\telementAt(%s.%s, i).collectUnknown(c)\n\t\t\t}\n", recv, f.Name)
		} else {
			fmt.Fprintf(buf, "\t\t\t%s.%s.collectUnknown(c)\n", recv, f.Name)
		}
	}
	buf.WriteString("\t\tdefault:\n\t\t\tc.skip()\n\t\t}\n\t}\n}\n\n")
}

// emitJSONKeys writes the sorted JSON keys of st, which the unknown-key
// scanner matches keys against (jsonCursor.fieldKey), and returns the
// variable's name.
func emitJSONKeys(buf *bytes.Buffer, st *goStruct) string {
	keysVar := "jsonKeys" + st.Name
	keys := make([]string, 0, len(st.Fields))
	for _, f := range st.Fields {
		keys = append(keys, f.JSON)
	}
	sort.Strings(keys)
	fmt.Fprintf(buf, "// %s are the JSON keys of %s, sorted.\nvar %s = []string{", keysVar, st.Name, keysVar)
	for i, k := range keys {
		if i > 0 {
			buf.WriteString(", ")
		}
		fmt.Fprintf(buf, "%q", k)
	}
	buf.WriteString("}\n\n")
	return keysVar
}

// emitPreserve writes the unknown-key methods of a struct in the AppSpec
// tree. Only AppSpec has an UnmarshalJSON (in apps_flex.go): it decodes the
// whole tree in one standard pass and then runs collectUnknown over the same
// bytes, which walks the JSON in parallel with the Go values. MarshalJSON
// stays on every type so that each one writes its own unknown keys back.
func (m *model) emitPreserve(buf *bytes.Buffer, st *goStruct) {
	recv := strings.ToLower(st.Name[:1])
	keysVar := emitJSONKeys(buf, st)

	// Fields whose values keep unknown keys themselves.
	type nested struct {
		f     *goField
		slice bool
	}
	var subs []nested
	for _, f := range st.Fields {
		if sub, ok := m.structs[baseType(f.Type)]; ok && sub.Preserve {
			subs = append(subs, nested{f, preservedShape(f.Type) == "slice"})
		}
	}

	fmt.Fprintf(buf, "// MarshalJSON encodes %s with the unknown keys it was decoded with\n// (known fields win).\n", st.Name)
	fmt.Fprintf(buf, "func (%s %s) MarshalJSON() ([]byte, error) {\n", recv, st.Name)
	fmt.Fprintf(buf, "\ttype alias %s\n", st.Name)
	fmt.Fprintf(buf, "\treturn marshalWithUnknownFields((*alias)(&%s), %s.unknownFields, %s)\n}\n\n", recv, recv, keysVar)

	fmt.Fprintf(buf, "// collectUnknown keeps the members of the JSON object at c that %s\n// does not know, in %s and in its nested values; a nil %s skips the value.\n", st.Name, recv, recv)
	fmt.Fprintf(buf, "func (%s *%s) collectUnknown(c *jsonCursor) {\n", recv, st.Name)
	fmt.Fprintf(buf, "\tif %s == nil {\n\t\tc.skip()\n\t\treturn\n\t}\n", recv)
	fmt.Fprintf(buf, "\t%s.unknownFields = nil\n", recv)
	buf.WriteString("\tfor c.nextMember() {\n")
	fmt.Fprintf(buf, "\t\tswitch string(c.fieldKey(%s)) {\n", keysVar)
	var scalars []string
	for _, f := range st.Fields {
		if sub, ok := m.structs[baseType(f.Type)]; !ok || !sub.Preserve {
			scalars = append(scalars, fmt.Sprintf("%q", f.JSON))
		}
	}
	for _, n := range subs {
		fmt.Fprintf(buf, "\t\tcase %q:\n", n.f.JSON)
		if n.slice {
			buf.WriteString("\t\t\tfor i := 0; c.nextElement(); i++ {\n")
			fmt.Fprintf(buf, "\t\t\t\telementAt(%s.%s, i).collectUnknown(c)\n\t\t\t}\n", recv, n.f.Name)
		} else {
			fmt.Fprintf(buf, "\t\t\t%s.%s.collectUnknown(c)\n", recv, n.f.Name)
		}
	}
	if len(scalars) > 0 {
		buf.WriteString("\t\tcase ")
		line := 0
		for i, k := range scalars {
			if i > 0 {
				buf.WriteString(",")
				if line+len(k) > 60 {
					buf.WriteString("\n\t\t\t")
					line = 0
				} else {
					buf.WriteString(" ")
				}
			}
			buf.WriteString(k)
			line += len(k) + 2
		}
		buf.WriteString(":\n\t\t\tc.skip()\n")
	}
	fmt.Fprintf(buf, "\t\tdefault:\n\t\t\tc.keepValue(&%s.unknownFields)\n\t\t}\n\t}\n}\n\n", recv)

	fmt.Fprintf(buf, "// appendUnknownFields appends the JSON paths, below path, of the unknown\n// keys kept in %s and in its nested values.\n", recv)
	fmt.Fprintf(buf, "func (%s *%s) appendUnknownFields(paths []string, path string) []string {\n", recv, st.Name)
	fmt.Fprintf(buf, "\tif %s == nil {\n\t\treturn paths\n\t}\n", recv)
	fmt.Fprintf(buf, "\tpaths = appendUnknownKeys(paths, path, %s.unknownFields)\n", recv)
	for _, n := range subs {
		if n.slice {
			fmt.Fprintf(buf, "\tfor i, v := range %s.%s {\n", recv, n.f.Name)
			fmt.Fprintf(buf, "\t\tpaths = v.appendUnknownFields(paths, indexPath(path, %q, i))\n\t}\n", n.f.JSON)
		} else {
			fmt.Fprintf(buf, "\tpaths = %s.%s.appendUnknownFields(paths, memberPath(path, %q))\n", recv, n.f.Name, n.f.JSON)
		}
	}
	buf.WriteString("\treturn paths\n}\n\n")
}

func (m *model) emitEnum(buf *bytes.Buffer, e *goEnum) {
	comment(buf, "", typeDoc(e.Name, e.Doc, ""))
	buf.WriteString("//\n")
	comment(buf, "", "Values the API adds later decode too; they are just strings.")
	buf.WriteString("//\n")
	if e.Source != "" {
		comment(buf, "", "Not in the OpenAPI spec; source: "+e.Source+".")
		buf.WriteString("//\n")
	}
	comment(buf, "", "Spec schema: "+originList(e.Origins)+".")
	fmt.Fprintf(buf, "type %s string\n\n", e.Name)
	fmt.Fprintf(buf, "// Values of %s.\nconst (\n", e.Name)
	seen := map[string]string{}
	for _, v := range e.Values {
		id := e.Name + constIdent(e.Name, v)
		if prev, dup := seen[id]; dup {
			panic(fmt.Sprintf("enum %s: values %q and %q share the constant %s", e.Name, prev, v, id))
		}
		seen[id] = v
		if d := e.ValueDocs[v]; d != "" {
			comment(buf, "\t", d)
		}
		if e.Deprecated[v] {
			buf.WriteString("\t//\n\t// Deprecated: a legacy value the API still accepts.\n")
		}
		fmt.Fprintf(buf, "\t%s %s = %q\n", id, e.Name, v)
	}
	buf.WriteString(")\n\n")
	list := lowerFirst(e.Name) + "Values"
	fmt.Fprintf(buf, "var %s = [...]%s{", list, e.Name)
	for i, v := range e.Values {
		if i > 0 {
			buf.WriteString(", ")
		}
		buf.WriteString(e.Name + constIdent(e.Name, v))
	}
	buf.WriteString("}\n\n")
	fmt.Fprintf(buf, "// UnmarshalJSON decodes the values above without allocating a string.\n")
	fmt.Fprintf(buf, "func (e *%s) UnmarshalJSON(data []byte) error { return decodeEnum(data, e, %s[:]) }\n\n", e.Name, list)
}
