package appspec

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"

	do "github.com/oceankit/digitalocean"
	"github.com/oceankit/digitalocean/internal/specmodel"
)

// Masked is what a Sensitive change shows in place of each secret.
const Masked = specmodel.Masked

// SecretFingerprints maps the path of each plaintext secret of a spec, as
// Diff names it (Path.String(), such as
// "services[name=api].envs[key=DB_PASSWORD].value"), to a fingerprint of
// its value made by a SecretHasher. Fingerprints are keyed and salted
// HMACs: without the hasher's key they say nothing about the secrets, so
// they can be kept in a provider's state and printed.
type SecretFingerprints map[string]string

// MinSecretKeyLen is the shortest key NewSecretHasher accepts.
const MinSecretKeyLen = 16

// ErrShortSecretKey is returned by NewSecretHasher for a key shorter than
// MinSecretKeyLen.
var ErrShortSecretKey = errors.New("appspec: secret key too short: want at least 16 random bytes (NewSecretKey makes one)")

// SecretHasher fingerprints the secrets of app specs with a key the
// provider keeps apart from its state (in its configuration, a key file or
// a secret manager): someone who reads the state learns nothing from the
// fingerprints, and cannot test guesses against them, without the key.
// Its String, fmt verbs and LogValue never show the key.
type SecretHasher struct {
	key []byte
}

// NewSecretKey returns 32 random bytes for NewSecretHasher.
func NewSecretKey() []byte {
	key := make([]byte, 32)
	_, _ = rand.Read(key) // crypto/rand.Read never fails
	return key
}

// NewSecretHasher returns a hasher keyed by key, which must hold at least
// MinSecretKeyLen random bytes; it keeps a copy.
func NewSecretHasher(key []byte) (*SecretHasher, error) {
	if len(key) < MinSecretKeyLen {
		return nil, ErrShortSecretKey
	}
	return &SecretHasher{key: append([]byte(nil), key...)}, nil
}

// fingerprintPrefix starts every fingerprint: the scheme and its version.
const fingerprintPrefix = "hmac-sha256:v1:"

// Fingerprints fingerprints the plaintext secrets of spec: the values of
// SECRET envs (at app level and in every component),
// image.registry_credentials, and the other credentials Diff treats as
// secrets (a Datadog api_key, a Logtail token, OpenSearch
// basic_auth.password, ingress.secure_header.value), at the paths Diff
// gives them. Values that are
// already EV[...] ciphertexts are left out: Diff compares those as they
// are. Each fingerprint has its own random salt, so the same secret at
// two paths, or applied twice, gives different fingerprints.
//
// A provider records the fingerprints of the spec it sent once the update
// (or create) succeeded, normalised as the plan diffs it:
//
//	state.Fingerprints = hasher.Fingerprints(appspec.Normalize(desired))
func (h *SecretHasher) Fingerprints(spec *do.AppSpec) SecretFingerprints {
	tree, err := specmodel.TreeOf(spec)
	if err != nil {
		return SecretFingerprints{} // unreachable: see Diff
	}
	out := SecretFingerprints{}
	for _, s := range specmodel.PlaintextSecrets(tree) {
		path := s.Path.String()
		out[path] = h.fingerprint(path, s.Plaintext, nil)
	}
	return out
}

// Matches reports whether fingerprint, made by Fingerprints with the same
// key, is that of plaintext at path.
func (h *SecretHasher) Matches(fingerprint, path, plaintext string) bool {
	rest, ok := strings.CutPrefix(fingerprint, fingerprintPrefix)
	if !ok {
		return false
	}
	saltText, _, ok := strings.Cut(rest, ":")
	if !ok {
		return false
	}
	salt, err := base64.RawURLEncoding.DecodeString(saltText)
	if err != nil || len(salt) == 0 {
		return false
	}
	return hmac.Equal([]byte(fingerprint), []byte(h.fingerprint(path, plaintext, salt)))
}

// fingerprint is "hmac-sha256:v1:<salt>:<mac>", the MAC over the salt, the
// path and the plaintext (each length-prefixed, so that no two inputs
// share an encoding); a nil salt is drawn at random.
func (h *SecretHasher) fingerprint(path, plaintext string, salt []byte) string {
	if salt == nil {
		salt = make([]byte, 16)
		_, _ = rand.Read(salt)
	}
	mac := hmac.New(sha256.New, h.key)
	for _, part := range [][]byte{salt, []byte(path), []byte(plaintext)} {
		_ = binary.Write(mac, binary.BigEndian, uint64(len(part)))
		mac.Write(part)
	}
	enc := base64.RawURLEncoding
	return fingerprintPrefix + enc.EncodeToString(salt) + ":" + enc.EncodeToString(mac.Sum(nil))
}

// String names the hasher without its key.
func (h *SecretHasher) String() string { return "appspec.SecretHasher{key: (sensitive)}" }

// GoString is String: the key is never shown.
func (h *SecretHasher) GoString() string { return h.String() }

// Format prints String for every verb.
func (h *SecretHasher) Format(f fmt.State, _ rune) { _, _ = io.WriteString(f, h.String()) }

// LogValue logs the hasher without its key.
func (h *SecretHasher) LogValue() slog.Value { return slog.StringValue(h.String()) }

// DiffOptions tunes DiffWith.
type DiffOptions struct {
	// Secrets and Fingerprints, both set, settle the secrets Diff cannot
	// compare: a plaintext in one spec against the API's EV[...]
	// ciphertext in the other. A plaintext that matches the fingerprint
	// recorded at its path is no change (the same secret, re-sent); one
	// that does not is a Sensitive Modified change with Rotated set, which
	// HasChanges counts; one with no fingerprint (an imported app) stays
	// Undecidable.
	Secrets      *SecretHasher
	Fingerprints SecretFingerprints
}

// DiffWith is Diff, tuned by opts. With the fingerprints recorded at the
// last apply, a provider's plan is correct for secrets by construction — a
// rotated secret is planned, an unchanged one is not:
//
//	changes := appspec.DiffWith(app.Spec, appspec.Normalize(desired),
//		appspec.DiffOptions{Secrets: hasher, Fingerprints: state.Fingerprints})
//	if appspec.HasChanges(changes) { ... }
func DiffWith(old, new *do.AppSpec, opts DiffOptions) []Change {
	oldTree, errOld := specmodel.TreeOf(old)
	newTree, errNew := specmodel.TreeOf(new)
	if errOld != nil || errNew != nil {
		return []Change{{Kind: Modified, Undecidable: true}} // as Diff
	}
	var o specmodel.Options
	if h, fps := opts.Secrets, opts.Fingerprints; h != nil && fps != nil {
		o.Secret = func(path, plaintext string) (known, unchanged bool) {
			fp, ok := fps[path]
			if !ok {
				return false, false
			}
			return true, h.Matches(fp, path, plaintext)
		}
	}
	return specmodel.DiffWith(oldTree, newTree, o)
}
