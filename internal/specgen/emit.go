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

	needJSON, needText, needTime := false, len(m.enums) > 0, false
	for _, st := range m.structs {
		needJSON = needJSON || len(st.Aliases) > 0
		needText = needText || st.Preserve || len(st.Aliases) > 0 || m.generatedDecoder(st)
		needTime = needTime || st.hasTime()
		if m.generatedDecoder(st) {
			for _, f := range st.Fields {
				needJSON = needJSON || m.memberDecoder("x", f).delegated
			}
		}
	}
	buf.WriteString("import (\n")
	if needText {
		buf.WriteString("\t\"sync\"\n")
	}
	if needTime {
		buf.WriteString("\t\"time\"\n")
	}
	buf.WriteString("\n")
	if needJSON {
		buf.WriteString("\t\"github.com/go-json-experiment/json\"\n")
	}
	if needText {
		buf.WriteString("\t\"github.com/go-json-experiment/json/jsontext\"\n")
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
		comment(buf, "", "JSON keys that this type does not know are kept when it is decoded and written back when it is encoded, so that a spec read from the API and sent back loses nothing (see "+preserveRoot+".UnknownFields).")
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
		buf.WriteString("\tunknownFields unknownMembers `json:\"-\"`\n")
	}
	buf.WriteString("}\n\n")

	if st.Preserve {
		m.emitPreserve(buf, st)
	} else if m.generatedDecoder(st) {
		recv := strings.ToLower(st.Name[:1])
		fmt.Fprintf(buf, "// UnmarshalJSONFrom decodes %s by the generated decodeJSON under the\n// client's options, and leaves it to encoding/json/v2 under others.\n", st.Name)
		fmt.Fprintf(buf, "func (%s *%s) UnmarshalJSONFrom(dec *jsontext.Decoder) error {\n\treturn unmarshalGenerated(dec, %s)\n}\n\n", recv, st.Name, recv)
	}
	if m.generatedDecoder(st) {
		m.emitDecoder(buf, st)
	}
	if len(st.Aliases) > 0 {
		emitAliases(buf, st)
	}
}

// generatedDecoder reports whether st gets generated decodeJSON and
// decodeMember methods: every struct but those with aliases, whose
// UnmarshalJSONFrom (emitAliases) decides between two spellings.
func (m *model) generatedDecoder(st *goStruct) bool { return len(st.Aliases) == 0 }

// memberCode is the statement that decodes one member into its field.
type memberCode struct {
	code      string
	delegated bool // by json.UnmarshalDecode: not a kind the generated code reads itself
}

// memberDecoder returns the code that decodes the value of f's member into
// recv's field: a helper of decode_fields.go for the kinds that fill
// responses, json.UnmarshalDecode for the rest.
func (m *model) memberDecoder(recv string, f *goField) memberCode {
	dst := "&" + recv + "." + f.Name
	elem := baseType(f.Type)
	st, isStruct := m.structs[elem]
	isStruct = isStruct && m.generatedDecoder(st)
	switch {
	case f.Type == "string":
		return memberCode{code: "decodeString(dec, ds, " + dst + ")"}
	case f.Type == "[]string":
		return memberCode{code: "decodeStrings(dec, ds, " + dst + ")"}
	case f.Type == "bool":
		return memberCode{code: "decodeBool(dec, " + dst + ")"}
	case f.Type == "int32" || f.Type == "int64":
		return memberCode{code: "decodeInt(dec, " + dst + ", " + f.Type[3:] + ")"}
	case f.Type == "time.Time":
		return memberCode{code: "decodeTime(dec, " + dst + ")"}
	case m.enums[f.Type] != nil:
		return memberCode{code: "decodeEnumMember(dec, " + dst + ", " + lowerFirst(f.Type) + "Values[:])"}
	case isStruct && f.Type == "*"+elem:
		return memberCode{code: "decodeStruct(dec, ds, " + dst + ")"}
	case isStruct && f.Type == "[]*"+elem:
		return memberCode{code: "decodeStructs(dec, ds, " + dst + ")"}
	}
	return memberCode{code: "json.UnmarshalDecode(dec, " + dst + ")", delegated: true}
}

// emitDecoder writes the generated decoding of st (decode_fields.go):
// decodeJSON reads an object member by member, decodeMember assigns one
// member to its field by its exact JSON name. No two JSON names of st may
// match alike under strings.EqualFold, or the case-insensitive match
// encoding/json/v2 makes would be ambiguous.
func (m *model) emitDecoder(buf *bytes.Buffer, st *goStruct) {
	for i, a := range st.Fields {
		for _, b := range st.Fields[i+1:] {
			if strings.EqualFold(a.JSON, b.JSON) {
				panic(fmt.Sprintf("%s: JSON names %q and %q match alike", st.Name, a.JSON, b.JSON))
			}
		}
	}
	recv := strings.ToLower(st.Name[:1])
	names := lowerFirst(st.Name) + "JSONNames"
	unknown := "nil"
	if st.Preserve {
		unknown = "&" + recv + ".unknownFields"
	}
	fmt.Fprintf(buf, "// decodeJSON decodes the JSON object at dec into %s (see decodeObject).\n", recv)
	fmt.Fprintf(buf, "func (%s *%s) decodeJSON(dec *jsontext.Decoder, ds *decodeState) error {\n", recv, st.Name)
	fmt.Fprintf(buf, "\treturn decodeObject(dec, ds, %s, %s[:], %s)\n}\n\n", recv, names, unknown)
	fmt.Fprintf(buf, "// %s are the JSON names of %s's fields.\n", names, st.Name)
	fmt.Fprintf(buf, "var %s = [...]string{", names)
	for i, f := range st.Fields {
		if i > 0 {
			buf.WriteString(", ")
		}
		fmt.Fprintf(buf, "%q", f.JSON)
	}
	buf.WriteString("}\n\n")
	fmt.Fprintf(buf, "// decodeMember decodes the member name of %s into its field.\n", recv)
	fmt.Fprintf(buf, "func (%s *%s) decodeMember(dec *jsontext.Decoder, ds *decodeState, name []byte) (bool, error) {\n", recv, st.Name)
	if len(st.Fields) > 0 {
		buf.WriteString("\tswitch string(name) {\n")
		for _, f := range st.Fields {
			fmt.Fprintf(buf, "\tcase %q:\n\t\treturn true, %s\n", f.JSON, m.memberDecoder(recv, f).code)
		}
		buf.WriteString("\t}\n")
	}
	buf.WriteString("\treturn false, nil\n}\n\n")
}

// emitAliases writes an UnmarshalJSONFrom that also accepts the second
// spellings of some fields; the field's own spelling wins when both are
// set. UnmarshalJSON serves encoding/json (v1) callers.
func emitAliases(buf *bytes.Buffer, st *goStruct) {
	recv := strings.ToLower(st.Name[:1])
	var names []string
	for _, a := range st.Aliases {
		names = append(names, a.JSON)
	}
	fmt.Fprintf(buf, "// UnmarshalJSONFrom decodes %s, accepting %s too (see the fields).\n", st.Name, strings.Join(names, ", "))
	fmt.Fprintf(buf, "func (%s *%s) UnmarshalJSONFrom(dec *jsontext.Decoder) error {\n", recv, st.Name)
	// The outer fields shadow the embedded ones of the same JSON name, so
	// that presence, not a non-zero value, decides which spelling wins.
	fmt.Fprintf(buf, "\ttype plain %s\n\tvar v struct {\n\t\t*plain\n", st.Name)
	for _, a := range st.Aliases {
		fmt.Fprintf(buf, "\t\t%s *%s `json:%q`\n", a.Field.Name, a.Field.Type, a.Field.JSON)
		fmt.Fprintf(buf, "\t\t%sAlias *%s `json:%q`\n", a.Field.Name, a.Field.Type, a.JSON)
	}
	fmt.Fprintf(buf, "\t}\n\tv.plain = (*plain)(%s)\n", recv)
	buf.WriteString("\tif err := json.UnmarshalDecode(dec, &v); err != nil {\n\t\treturn err\n\t}\n")
	for _, a := range st.Aliases {
		n := a.Field.Name
		fmt.Fprintf(buf, "\tswitch {\n\tcase v.%s != nil:\n\t\t%s.%s = *v.%s\n\tcase v.%sAlias != nil:\n\t\t%s.%s = *v.%sAlias\n\t}\n",
			n, recv, n, n, n, recv, n, n)
	}
	buf.WriteString("\treturn nil\n}\n\n")
	fmt.Fprintf(buf, "// UnmarshalJSON is UnmarshalJSONFrom for encoding/json (v1).\n")
	fmt.Fprintf(buf, "func (%s *%s) UnmarshalJSON(data []byte) error { return unmarshalV1(data, %s) }\n\n", recv, st.Name, recv)
}

// emitPreserve writes the JSON methods of a struct in the AppSpec tree.
// UnmarshalJSONFrom and MarshalJSONTo decode and encode the type's fields
// through a method-less conversion of it (<type>Fields), embedded beside
// unknownFallback (apps_flex.go), whose embedded fallback member
// encoding/json/v2 fills with the members no field takes and writes back
// after the fields: one pass, at every level of the tree. Decoding takes
// the pair (<type>JSON) from a pool: a value per decoded object would be a
// sixth of a response's allocations. UnmarshalJSON and MarshalJSON
// serve encoding/json (v1) callers through the same methods.
func (m *model) emitPreserve(buf *bytes.Buffer, st *goStruct) {
	recv := strings.ToLower(st.Name[:1])

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

	fields, shell := lowerFirst(st.Name)+"Fields", lowerFirst(st.Name)+"JSON"
	fmt.Fprintf(buf, "// %s is %s without methods, so that encoding/json/v2 decodes\n// and encodes it field by field.\n", fields, st.Name)
	fmt.Fprintf(buf, "type %s %s\n\n", fields, st.Name)
	fmt.Fprintf(buf, "// %s is what %s's JSON methods hand to encoding/json/v2: its\n// fields and, beside them, the fallback for the members they do not take.\n", shell, st.Name)
	fmt.Fprintf(buf, "type %s struct {\n\t*%s\n\tunknownFallback\n}\n\n", shell, fields)
	fmt.Fprintf(buf, "// %sPool keeps decoding from allocating one per value.\n", shell)
	fmt.Fprintf(buf, "var %sPool = sync.Pool{New: func() any { return new(%s) }}\n\n", shell, shell)

	fmt.Fprintf(buf, "// UnmarshalJSONFrom decodes %s and keeps the JSON keys it does not know:\n// an object decoded with the client's options by the generated decodeJSON,\n// anything else through encoding/json/v2.\n", st.Name)
	fmt.Fprintf(buf, "func (%s *%s) UnmarshalJSONFrom(dec *jsontext.Decoder) error {\n", recv, st.Name)
	fmt.Fprintf(buf, "\tif generatedDecodes(dec) {\n\t\treturn decodeGenerated(dec, %s)\n\t}\n", recv)
	fmt.Fprintf(buf, "\tv := %sPool.Get().(*%s)\n", shell, shell)
	fmt.Fprintf(buf, "\t*v = %s{%s: (*%s)(%s)}\n", shell, fields, fields, recv)
	fmt.Fprintf(buf, "\terr := unmarshalKeepingUnknown(dec, v, &v.unknownFallback, &%s.unknownFields)\n", recv)
	fmt.Fprintf(buf, "\t*v = %s{}\n\t%sPool.Put(v)\n\treturn err\n}\n\n", shell, shell)

	fmt.Fprintf(buf, "// MarshalJSONTo encodes %s with the unknown keys it was decoded with\n// (known fields win).\n", st.Name)
	fmt.Fprintf(buf, "func (%s %s) MarshalJSONTo(enc *jsontext.Encoder) error {\n", recv, st.Name)
	fmt.Fprintf(buf, "\tv := %s{(*%s)(&%s), unknownFallback{%s.unknownFields}}\n", shell, fields, recv, recv)
	fmt.Fprintf(buf, "\treturn marshalKeepingUnknown[%s](enc, &v, &v.unknownFallback)\n}\n\n", st.Name)

	fmt.Fprintf(buf, "// UnmarshalJSON is UnmarshalJSONFrom for encoding/json (v1).\n")
	fmt.Fprintf(buf, "func (%s *%s) UnmarshalJSON(data []byte) error { return unmarshalV1(data, %s) }\n\n", recv, st.Name, recv)
	fmt.Fprintf(buf, "// MarshalJSON is MarshalJSONTo for encoding/json (v1).\n")
	fmt.Fprintf(buf, "func (%s %s) MarshalJSON() ([]byte, error) { return marshalV1(%s) }\n\n", recv, st.Name, recv)

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
	fmt.Fprintf(buf, "// UnmarshalJSONFrom decodes the values above without allocating a string.\n")
	fmt.Fprintf(buf, "func (e *%s) UnmarshalJSONFrom(dec *jsontext.Decoder) error {\n\treturn decodeEnum(dec, e, %s[:])\n}\n\n", e.Name, list)
}
