package digitalocean

import "strings"

// causeText is err's text for use inside another error of this package's,
// which already starts with "digitalocean: ": the prefix is not repeated.
func causeText(err error) string {
	if err == nil {
		return "<nil>" // as %v prints it
	}
	return strings.TrimPrefix(err.Error(), "digitalocean: ")
}
