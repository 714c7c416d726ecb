package specmodel

import (
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"strconv"
	"strings"
)

// Masked is what a Sensitive change shows in place of each secret: in Old
// and New, in String, and in every other output.
const Masked = "(sensitive)"

// revealed holds what a Sensitive change masks. It sits behind a pointer
// so that fmt, printing a Change held in an unexported field (where it
// cannot call Format), shows an address, not the values.
type revealed struct {
	old, new json.RawMessage
	// leaf is set for the change of one secret value (as opposed to a
	// whole element holding secrets among other fields).
	leaf bool
	// rotated is set when Options.Secret decided that a plaintext differs
	// from the one fingerprinted.
	rotated bool
}

// Reveal returns the change's values as Diff found them, secrets
// included: for a change that is not Sensitive, Old and New; for a
// Sensitive one, what Old and New mask. It is the only way to read a
// secret out of a change: every output of a Change (String, fmt verbs,
// encoding/json, log/slog) masks it.
func (c Change) Reveal() (old, new json.RawMessage) {
	if c.revealed == nil {
		return c.Old, c.New
	}
	return c.revealed.old, c.revealed.new
}

// Rotated reports whether the change is a secret whose plaintext differs
// from the one fingerprinted when it was last applied (see Options.Secret):
// a decided change, where without fingerprints it would be Undecidable.
func (c Change) Rotated() bool { return c.revealed != nil && c.revealed.rotated }

// Format prints the change as String does for the verbs v and s (with any
// flag but #), as GoString does for %#v, and quoted for q: no verb shows a
// Sensitive value.
func (c Change) Format(f fmt.State, verb rune) {
	switch verb {
	case 'v':
		if f.Flag('#') {
			_, _ = io.WriteString(f, c.GoString())
			return
		}
		_, _ = io.WriteString(f, c.String())
	case 's':
		_, _ = io.WriteString(f, c.String())
	case 'q':
		_, _ = io.WriteString(f, strconv.Quote(c.String()))
	default:
		_, _ = fmt.Fprintf(f, "%%!%c(appspec.Change=%s)", verb, c.String())
	}
}

// GoString is the change as Go syntax, Sensitive values masked.
func (c Change) GoString() string {
	var b strings.Builder
	fmt.Fprintf(&b, "appspec.Change{Path: %q", c.Path.String())
	if c.OldPath != nil {
		fmt.Fprintf(&b, ", OldPath: %q", c.OldPath.String())
	}
	fmt.Fprintf(&b, ", Kind: %q", string(c.Kind))
	if c.Old != nil {
		fmt.Fprintf(&b, ", Old: json.RawMessage(%q)", string(c.Old))
	}
	if c.New != nil {
		fmt.Fprintf(&b, ", New: json.RawMessage(%q)", string(c.New))
	}
	fmt.Fprintf(&b, ", Sensitive: %t, Undecidable: %t}", c.Sensitive, c.Undecidable)
	return b.String()
}

// LogValue makes log/slog handlers, text and JSON alike, log the change as
// a group, Sensitive values masked.
func (c Change) LogValue() slog.Value {
	attrs := []slog.Attr{slog.String("path", c.Path.String())}
	if c.OldPath != nil {
		attrs = append(attrs, slog.String("old_path", c.OldPath.String()))
	}
	attrs = append(attrs, slog.String("kind", string(c.Kind)))
	if c.Old != nil {
		attrs = append(attrs, slog.String("old", string(c.Old)))
	}
	if c.New != nil {
		attrs = append(attrs, slog.String("new", string(c.New)))
	}
	if c.Sensitive {
		attrs = append(attrs, slog.Bool("sensitive", true))
	}
	if c.Undecidable {
		attrs = append(attrs, slog.Bool("undecidable", true))
	}
	return slog.GroupValue(attrs...)
}

// sensitive fills c.Old and c.New from old and new (held by the members
// oldOwner and newOwner), masking their secrets; a change with a secret on
// either side is Sensitive and keeps the unmasked values for Reveal.
func sensitive(c Change, oldOwner, newOwner string, old, new any) Change {
	c.Old, c.New = RawJSON(old), RawJSON(new)
	maskedOld, maskedNew := mask(old, oldOwner), mask(new, newOwner)
	if !holdsSecret(old, oldOwner) && !holdsSecret(new, newOwner) &&
		jsonEqual(maskedOld, old) && jsonEqual(maskedNew, new) {
		return c
	}
	c.Sensitive = true
	c.revealed = &revealed{old: c.Old, new: c.New}
	c.Old, c.New = RawJSON(maskedOld), RawJSON(maskedNew)
	return c
}

// mask is v, held by the member owner, with every secret replaced by
// Masked: the value of a SECRET env, a credential (IsCredential), and any EV[...]
// ciphertext but the value of a GENERAL env, which is plain text. v is not
// changed.
func mask(v any, owner string) any {
	switch v := v.(type) {
	case map[string]any:
		secretEnv := owner == "envs" && v["type"] == EnvTypeSecret
		out := make(map[string]any, len(v))
		for k, child := range v {
			switch {
			case child == nil:
				out[k] = nil
			case k == "value" && secretEnv, IsCredential(owner, k):
				out[k] = Masked
			case k == "value" && owner == "envs":
				out[k] = child // a GENERAL env's value is plain text, even EV[...]-shaped
			default:
				out[k] = mask(child, k)
			}
		}
		return out
	case []any:
		out := make([]any, len(v))
		for i, e := range v {
			out[i] = mask(e, owner)
		}
		return out
	case string:
		if isCiphertext(v) && owner != "envs" { // owner "envs": a GENERAL env's value
			return Masked
		}
	}
	return v
}

// maskedLeaf is the masked form of one secret value: Masked, or nil for an
// absent one.
func maskedLeaf(v any) json.RawMessage {
	if v == nil {
		return nil
	}
	return RawJSON(Masked)
}

// Options tunes DiffWith.
type Options struct {
	// Secret, when set, settles the secrets Diff cannot compare (an
	// EV[...] ciphertext on one side, a plaintext on the other): it is
	// asked about the plaintext at path (Path.String()). known reports
	// whether it holds a fingerprint for path, unchanged whether the
	// plaintext matches it. A known unchanged secret is no change; a known
	// changed one is a decided, Rotated change; an unknown one stays
	// Undecidable.
	Secret func(path, plaintext string) (known, unchanged bool)
}

// SecretValue is a plaintext secret of a spec and where it is.
type SecretValue struct {
	Path      Path
	Plaintext string
}

// PlaintextSecrets lists the plaintext secrets of tree (the values of
// SECRET envs and credentials (IsCredential) that are not EV[...] ciphertexts),
// at the paths Diff gives them when it compares them with a ciphertext.
// It finds them with Diff itself, against a copy of tree whose secrets are
// ciphertexts, so that both always agree on the paths.
func PlaintextSecrets(tree map[string]any) []SecretValue {
	var out []SecretValue
	for _, c := range Diff(encryptAll(tree, ""), tree) {
		if c.revealed == nil || !c.revealed.leaf || !c.Undecidable {
			continue
		}
		var plaintext string
		if json.Unmarshal(c.revealed.new, &plaintext) == nil {
			out = append(out, SecretValue{Path: c.Path, Plaintext: plaintext})
		}
	}
	return out
}

// placeholderCiphertext stands for a secret in encryptAll's copy.
const placeholderCiphertext = "EV[placeholder]"

// encryptAll is a copy of v (held by owner) with every plaintext secret
// replaced by a placeholder ciphertext.
func encryptAll(v any, owner string) map[string]any {
	m, _ := encryptAllValue(v, owner).(map[string]any)
	return m
}

func encryptAllValue(v any, owner string) any {
	switch v := v.(type) {
	case map[string]any:
		secretEnv := owner == "envs" && v["type"] == EnvTypeSecret
		out := make(map[string]any, len(v))
		for k, child := range v {
			s, isString := child.(string)
			switch {
			case isString && s != "" && !isCiphertext(s) && (k == "value" && secretEnv || IsCredential(owner, k)):
				out[k] = placeholderCiphertext
			default:
				out[k] = encryptAllValue(child, k)
			}
		}
		return out
	case []any:
		out := make([]any, len(v))
		for i, e := range v {
			out[i] = encryptAllValue(e, owner)
		}
		return out
	}
	return v
}
