package apischema

import (
	"encoding/json"
	"net/url"
	"regexp"
	"sort"
)

// ValidateQuery checks a request's query against the operation's query
// parameters: each required one present, each value of its schema's type,
// enum and range (an array parameter checks every value of its repeated
// key), and no key the operation does not define (an Unknown problem).
// Problems name the parameter as their path and come in a stable order.
func ValidateQuery(op Operation, query url.Values) []Problem {
	table()
	w := walker{}
	declared := map[string]bool{}
	for _, p := range op.Parameters {
		if p.In != "query" {
			continue
		}
		declared[p.Name] = true
		values, present := query[p.Name]
		if !present {
			if p.Required {
				w.add(p.Name, Required, "is required")
			}
			continue
		}
		s, _, _ := resolve(p.Schema)
		if s.Types&TypeArray != 0 && s.Items != nil {
			w.array(textValues(values, s.Items), s, p.Name)
			continue
		}
		for _, v := range values {
			w.walk(paramValue(v, s), s, p.Name)
		}
	}
	var unknown []string
	for key := range query {
		if !declared[key] {
			unknown = append(unknown, key)
		}
	}
	sort.Strings(unknown)
	for _, key := range unknown {
		w.add(key, Unknown, "unknown query parameter")
	}
	return w.problems
}

// ValidatePath checks the values of an operation's path parameters (as
// matched and unescaped by a router) against their schemas. An empty or
// absent value is left to the caller: apps_get by name leaves its id out.
func ValidatePath(op Operation, values map[string]string) []Problem {
	table()
	w := walker{}
	for _, p := range op.Parameters {
		v := values[p.Name]
		if p.In != "path" || v == "" {
			continue
		}
		w.walk(paramValue(v, p.Schema), p.Schema, p.Name)
	}
	return w.problems
}

func textValues(values []string, items *Schema) []any {
	out := make([]any, len(values))
	for i, v := range values {
		out[i] = paramValue(v, items)
	}
	return out
}

// jsonNumber is the JSON number grammar: what a query value must look like
// to count as a number (no hex, no Inf, no leading zeros).
var jsonNumber = regexp.MustCompile(`^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?$`)

// paramValue turns a parameter's text into the JSON value the walker checks:
// a number or a boolean where the schema wants one and the text is one,
// the text itself otherwise (which then fails the type check by name).
func paramValue(text string, s *Schema) any {
	s, _, _ = resolve(s)
	switch {
	case s.Types&(TypeInteger|TypeNumber) != 0 && jsonNumber.MatchString(text):
		return json.Number(text)
	case s.Types&TypeBoolean != 0 && (text == "true" || text == "false"):
		return text == "true"
	}
	return text
}
