package digitaloceantest

import (
	"crypto/rand"
	"encoding/base64"
	"regexp"

	do "github.com/oceankit/digitalocean"
)

// The API encrypts secret values in place when it stores a spec, and hands
// back only the ciphertext from then on (live-api-behaviour.md a.1–a.8):
// SECRET env vars at app level and in every component, and
// image.registry_credentials. A value that already is a ciphertext is kept
// byte for byte; a plaintext, even one sent before, gets a new nonce and so
// a new ciphertext. The fake keeps no key: nothing ever decrypts.

// ciphertext matches the API's EV[1:<base64>:<base64>] form.
var ciphertext = regexp.MustCompile(`^EV\[1:[A-Za-z0-9+/]+={0,2}:[A-Za-z0-9+/]+={0,2}\]$`)

// encryptSecrets replaces every plaintext secret of spec with a ciphertext.
func encryptSecrets(spec *do.AppSpec) {
	for _, v := range secretValues(spec) {
		if *v != "" && !ciphertext.MatchString(*v) {
			*v = encryptValue(*v)
		}
	}
}

// encryptValue makes a ciphertext of the API's shape: a 24-byte nonce and
// the sealed value (as long as the value plus a 16-byte tag). The sealed
// bytes are random: the fake never needs the plaintext back.
func encryptValue(plain string) string {
	nonce := make([]byte, 24)
	sealed := make([]byte, len(plain)+16)
	_, _ = rand.Read(nonce) // crypto/rand.Read never fails
	_, _ = rand.Read(sealed)
	enc := base64.StdEncoding
	return "EV[1:" + enc.EncodeToString(nonce) + ":" + enc.EncodeToString(sealed) + "]"
}

// secretValues points at every secret-bearing value of spec.
func secretValues(spec *do.AppSpec) []*string {
	var out []*string
	envs := func(list []*do.AppVariableDefinition) {
		for _, e := range list {
			if e != nil && e.Type == do.AppVariableTypeSecret {
				out = append(out, &e.Value)
			}
		}
	}
	image := func(img *do.AppImageSourceSpec) {
		if img != nil {
			out = append(out, &img.RegistryCredentials)
		}
	}
	envs(spec.Envs)
	for c := range spec.Components() {
		envs(c.Envs())   // nil for a database
		image(c.Image()) // nil for functions and databases
	}
	return out
}
