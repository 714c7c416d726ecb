package digitaloceantest

import (
	"crypto/rand"
	"encoding/base64"
	"regexp"
)

// The API encrypts secret values in place when it stores a spec, and hands
// back only the ciphertext from then on (live-api-behaviour.md facts 1–8):
// SECRET env vars at app level and in every component, and
// image.registry_credentials. A value that already is a ciphertext is kept
// byte for byte; a plaintext, even one sent before, gets a new nonce and so
// a new ciphertext. The fake keeps no key: nothing ever decrypts.

// ciphertext matches the API's EV[1:<base64>:<base64>] form.
var ciphertext = regexp.MustCompile(`^EV\[1:[A-Za-z0-9+/]+={0,2}:[A-Za-z0-9+/]+={0,2}\]$`)

// encryptSecrets replaces every plaintext secret of spec with a ciphertext.
func encryptSecrets(spec specObject) {
	for _, holder := range secretHolders(spec) {
		if plain, _ := holder.in[holder.key].(string); plain != "" && !ciphertext.MatchString(plain) {
			holder.in[holder.key] = encryptValue(plain)
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

// secretHolder is a JSON object and the key of a secret value in it.
type secretHolder struct {
	in  specObject
	key string
}

// secretHolders finds every secret-bearing value of spec: SECRET envs
// anywhere (fact 5) and the registry credentials of every image source.
func secretHolders(spec specObject) []secretHolder {
	var out []secretHolder
	for _, list := range envLists(spec) {
		for _, e := range list {
			if env, ok := e.(map[string]any); ok && env["type"] == "SECRET" {
				out = append(out, secretHolder{env, "value"})
			}
		}
	}
	for _, list := range componentLists {
		for _, c := range objects(spec, list) {
			if image := object(c, "image"); image != nil {
				out = append(out, secretHolder{image, "registry_credentials"})
			}
		}
	}
	return out
}
