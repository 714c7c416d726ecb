// Package specfile reads and writes app spec documents as YAML against the
// spec's Go types, and holds the problems reading or checking a spec
// reports. It imports nothing from the SDK's root package, which uses it for
// AppSpec's YAML methods; package appspec builds its files API on it and
// re-exports Error and Errors.
package specfile

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
)

// MaxProblems bounds the problems reported for one document: a file
// in the wrong format would otherwise yield one per line.
const MaxProblems = 50

// Error is one problem in an app spec: a problem in a file (from
// appspec.Parse, appspec.Load and the deploy template functions, with Line
// and Column) or in a spec value (Path only).
type Error struct {
	// File is the file's path, when the spec was read by appspec.Load or
	// appspec.LoadDeployTemplate.
	File string
	// Line and Column locate the problem (1-based); 0 when unknown.
	Line, Column int
	// Path is where in the spec the problem is, as in
	// "services[0].health_check.port"; empty for the whole document. In a
	// wrapped document (spec: {...}) it starts with "spec.".
	Path string
	// Key is the offending key, for an unknown or repeated key.
	Key string
	// Suggestion is the known key that an unknown Key most likely
	// misspells (see docs/appspec-files.md for the rules).
	Suggestion string
	// Msg says what is wrong.
	Msg string
}

// Error returns "file:line:column: path: message" (the position as
// editors read it), or "line L, column C: path: message" without a file.
func (e *Error) Error() string {
	return "digitalocean: app spec: " + e.describe()
}

// describe is Error without the package prefix.
func (e *Error) describe() string {
	var b strings.Builder
	switch {
	case e.File != "" && e.Line > 0 && e.Column > 0:
		fmt.Fprintf(&b, "%s:%d:%d: ", e.File, e.Line, e.Column)
	case e.File != "" && e.Line > 0:
		fmt.Fprintf(&b, "%s:%d: ", e.File, e.Line)
	case e.File != "":
		b.WriteString(e.File + ": ")
	case e.Line > 0 && e.Column > 0:
		fmt.Fprintf(&b, "line %d, column %d: ", e.Line, e.Column)
	case e.Line > 0:
		fmt.Fprintf(&b, "line %d: ", e.Line)
	}
	if e.Path != "" {
		b.WriteString(e.Path + ": ")
	}
	b.WriteString(e.Msg)
	if e.Suggestion != "" {
		fmt.Fprintf(&b, " (did you mean %q?)", e.Suggestion)
	}
	return b.String()
}

// Errors is every problem found in one app spec document, in
// document order: appspec.Parse, appspec.Load and the deploy template
// functions return one for any problem in the document. errors.As with an
// *Error finds the first problem; errors.As with an Errors
// gets them all:
//
//	var problems appspec.Errors
//	if errors.As(err, &problems) {
//		for _, p := range problems { ... p.Line, p.Path, p.Msg ... }
//	}
//
// At most 50 problems are listed; when there were more, a 51st entry with
// no Line and no Path says how many were dropped.
type Errors []*Error

// Error returns the one problem's message, or a count followed by one
// problem per line.
func (l Errors) Error() string {
	switch len(l) {
	case 0:
		return "digitalocean: app spec: no problems"
	case 1:
		return l[0].Error()
	}
	var b strings.Builder
	fmt.Fprintf(&b, "digitalocean: app spec: %d problems:", len(l))
	if last := l[len(l)-1]; last.Line == 0 && last.Path == "" && strings.HasPrefix(last.Msg, droppedProblemsPrefix) {
		b.Reset()
		fmt.Fprintf(&b, "digitalocean: app spec: more than %d problems:", len(l)-1)
	}
	for _, e := range l {
		b.WriteString("\n\t" + e.describe())
	}
	return b.String()
}

// Unwrap returns the problems, for errors.As and errors.Is.
func (l Errors) Unwrap() []error {
	errs := make([]error, len(l))
	for i, e := range l {
		errs[i] = e
	}
	return errs
}

const droppedProblemsPrefix = "too many problems: "

// Problems collects the problems of one document, bounded.
type Problems struct {
	list    Errors
	dropped int
}

// count is the number of problems added, listed or not.
func (p *Problems) Count() int { return len(p.list) + p.dropped }

func (p *Problems) Add(e *Error) {
	if len(p.list) < MaxProblems {
		p.list = append(p.list, e)
		return
	}
	p.dropped++
}

// err returns the problems as an Errors, or nil when there are none.
func (p *Problems) Err() error {
	if len(p.list) == 0 {
		return nil
	}
	// The walk reports a mapping's repeated keys before its values.
	list := slices.Clone(p.list)
	slices.SortStableFunc(list, func(a, b *Error) int {
		return cmp.Or(cmp.Compare(a.Line, b.Line), cmp.Compare(a.Column, b.Column))
	})
	if p.dropped > 0 {
		list = append(list, &Error{
			Msg: fmt.Sprintf("%s%d more not reported (the first %d are listed)", droppedProblemsPrefix, p.dropped, len(p.list)),
		})
	}
	return list
}

// One returns e as a one-problem Errors.
func One(e *Error) error { return Errors{e} }

// JoinWithAnd joins items as "a, b and c".
func JoinWithAnd(items []string) string {
	if len(items) < 2 {
		return strings.Join(items, "")
	}
	return strings.Join(items[:len(items)-1], ", ") + " and " + items[len(items)-1]
}
