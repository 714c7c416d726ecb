package appspec

import (
	"errors"
	"strings"

	do "github.com/oceankit/digitalocean"
	"github.com/oceankit/digitalocean/internal/specfile"
)

// Check reads an app spec file, YAML or JSON, bare or wrapped as Load
// reads it, and reports everything wrong with it at once: the file's own
// problems (unknown or misspelled keys, values of the wrong type, repeated
// keys) and, when the document could be read at all, every problem
// Validate finds in it, each with the file, line and column, in document
// order, as one Errors. It returns the spec when there is no problem of
// either kind.
//
// A Validate problem about a value the file already gets wrong (the key a
// misspelled key was meant to be, a value of the wrong type) is left out:
// the file's problem says it. A document that cannot be read (a YAML
// syntax error, a second document) has only its file problems.
func Check(path string) (*do.AppSpec, error) {
	data, err := readBounded(path)
	if err != nil {
		return nil, err
	}
	spec, err := checkDocument(data, path)
	return spec, inFile(err, path)
}

// checkDocument is Check of a document read from file.
func checkDocument(data []byte, file string) (*do.AppSpec, error) {
	spec, prefix, loadErr := readDocument(data, false, file)
	var loaded Errors
	if loadErr != nil && !errors.As(loadErr, &loaded) {
		return nil, loadErr
	}
	if spec == nil || len(loaded) > specfile.MaxProblems {
		return nil, loadErr // unreadable, or already more problems than are listed
	}
	found, place, err := validate(spec)
	if err != nil {
		return nil, errors.Join(loadErr, err)
	}
	place(found)
	said := saidByTheFile(loaded, prefix)
	var problems specfile.Problems
	for _, p := range loaded {
		problems.Add(p)
	}
	for _, p := range found {
		if said(p.Path) {
			continue
		}
		if prefix != "" { // one document, one way to write paths
			p.Path = prefix + "." + p.Path
		}
		problems.Add(p)
	}
	if err := problems.Err(); err != nil {
		return nil, err
	}
	return spec, nil
}

// saidByTheFile reports whether a path of the spec (without the document's
// prefix) is, or is inside, a value that a file problem already describes:
// a value of the wrong type (read as absent), or the key a misspelled key
// was meant to be (absent too).
func saidByTheFile(loaded Errors, prefix string) func(path string) bool {
	var said []string
	for _, p := range loaded {
		path, inSpec := strings.CutPrefix(p.Path, prefix)
		if prefix != "" && (!inSpec || !strings.HasPrefix(path, ".")) {
			continue
		}
		path = strings.TrimPrefix(path, ".")
		switch {
		case p.Suggestion != "":
			said = append(said, joinPath(parentPath(path), p.Suggestion))
		case p.Key == "" && path != "":
			said = append(said, path) // a value problem; key problems leave their value unread
		}
	}
	return func(path string) bool {
		for _, s := range said {
			if path == s || strings.HasPrefix(path, s+".") || strings.HasPrefix(path, s+"[") {
				return true
			}
		}
		return false
	}
}

func joinPath(parent, key string) string {
	if parent == "" {
		return key
	}
	return parent + "." + key
}
