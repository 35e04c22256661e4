package api_test

import (
	"bytes"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"math/rand/v2"
	"strings"
	"sync"

	"github.com/encord-emulator/encord-emulator/internal/sshkey"
	"github.com/encord-emulator/encord-emulator/pkg/encordsign"
)

// The random choices of TestDifferential: the values its calls send,
// hostile ones among them, and the credentials they are sent with.

// draws are the random choices of one op on one side: the same seed makes
// the same choices on both. At most one value of an op is hostile (the
// hostile-th drawn by text, email or role), so that the others let the
// call reach the rule or the store that the hostile one tests.
type draws struct {
	rng             *rand.Rand
	values, hostile int
}

func newDraws(seed uint64) *draws {
	d := &draws{rng: rand.New(rand.NewPCG(seed, 0x5eed)), hostile: -1}
	if d.chance(60) {
		d.hostile = d.pick(3)
	}
	return d
}

// nextIsHostile reports whether the value about to be drawn is the op's
// hostile one.
func (d *draws) nextIsHostile() bool {
	d.values++
	return d.values-1 == d.hostile
}

func (d *draws) pick(n int) int {
	if n <= 0 {
		return 0
	}
	return d.rng.IntN(n)
}

func (d *draws) chance(percent int) bool { return d.rng.IntN(100) < percent }

func pickFrom[T any](d *draws, list []T) T { return list[d.pick(len(list))] }

// The values the calls send. Strings are JSON literals, written raw so
// that they can hold what encoding/json would never write.
var (
	diffPlainTexts = []string{`"Alice"`, `"ci bot"`, `"Zoë 🦊 é"`, `"עברית"`, `"Data 2025"`, `"x"`}
	diffTexts      = []string{
		`"  padded  "`, `"Tab\tinside"`, `"multi\nline"`,
		`"a\u0000b"`, `"\u202Eevil"`, `"a\u2028b"`, `"\u200B"`, `"\u2800"`, `"bell\u0007"`, `"\uFFFE"`, `"x\r\ny"`,
		`"\ud800"`, `"lone \udc00 low"`, "\"\xff\xfe\"", "\"caf\xc3\"", `""`, `"` + strings.Repeat("n", 200) + `"`,
		`"` + strings.Repeat("n", 201) + `"`, `"` + strings.Repeat("ж", 2001) + `"`, `"` + strings.Repeat("x", 10_000) + `"`,
		`"%_\\"`, `"<script>"`, `null`, `42`,
	}
	// diffUnstorable are texts Postgres cannot hold, drawn more often.
	diffUnstorable  = []string{`"\u0000"`, `"nul\u0000 inside"`, "\"\xff\"", `"\ud800\u0000"`}
	diffPlainEmails = []string{`"a@x.test"`, `"b@x.test"`, `"c@y.test"`, `"d@y.test"`, `"e@z.test"`, `"f@z.test"`, `"g@z.test"`, `"h@w.test"`, `"i@w.test"`, `"j@w.test"`}
	diffEmails      = []string{
		`"A@X.test"`, `" b@x.test "`, `"bot.12345678@service-accounts.encord-emulator.local"`,
		`"not an email"`, `"a\u0000@x.test"`, `"é@x.test"`, `"Ada <a@x.test>"`, `""`, `"` + strings.Repeat("e", 250) + `@x.test"`, `"d\u200B@x.test"`,
	}
	diffRoles = []string{`"root"`, `"Admin"`, `""`, `null`}
)

// text, email and role draw a plain value, or the op's hostile one.
func text(d *draws) string {
	switch {
	case !d.nextIsHostile():
		return pickFrom(d, diffPlainTexts)
	case d.chance(40):
		return pickFrom(d, diffUnstorable)
	}
	return pickFrom(d, diffTexts)
}

func email(d *draws) string {
	if d.nextIsHostile() {
		return pickFrom(d, diffEmails)
	}
	return pickFrom(d, diffPlainEmails)
}

func role(d *draws) string {
	if d.nextIsHostile() {
		return pickFrom(d, diffRoles)
	}
	return pickFrom(d, []string{`"admin"`, `"member"`})
}

// optional draws a value of draw, or nothing ("": the field is left out).
func optional(d *draws, draw func(*draws) string) string {
	if d.chance(40) {
		return ""
	}
	return draw(d)
}

// diffKeys are the public keys uploads send: a few real ones, whose
// private halves sign, and degenerate ones.
var diffKeys = sync.OnceValue(func() []diffKey {
	var keys []diffKey
	for range 4 {
		pub, pem, err := sshkey.Generate("pool")
		if err != nil {
			panic(err)
		}
		priv, err := encordsign.ParsePrivateKey(pem)
		if err != nil {
			panic(err)
		}
		keys = append(keys, diffKey{line: pub.Line, signer: encordsign.New(priv)})
	}
	identity := make([]byte, 32)
	identity[0] = 1
	nonCanonical := bytes.Repeat([]byte{0xff}, 32)
	nonCanonical[31] = 0x7f
	keys = append(keys,
		diffKey{line: keys[0].line + " with a comment\r\n"},
		diffKey{line: ed25519Line(identity)},
		diffKey{line: ed25519Line(make([]byte, 32))},
		diffKey{line: ed25519Line(nonCanonical)},
		diffKey{line: "ssh-ed25519 AAAA"},
		diffKey{line: "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQC7"},
	)
	return keys
})

type diffKey struct {
	line   string
	signer *encordsign.Signer // nil: nobody can sign with it
}

func ed25519Line(raw []byte) string {
	var blob []byte
	for _, f := range [][]byte{[]byte("ssh-ed25519"), raw} {
		blob = binary.BigEndian.AppendUint32(blob, uint32(len(f)))
		blob = append(blob, f...)
	}
	return "ssh-ed25519 " + base64.StdEncoding.EncodeToString(blob)
}

func quote(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// object writes a JSON object of raw field values; a field whose value is
// "" is left out.
func object(fields ...string) []byte {
	var parts []string
	for i := 0; i+1 < len(fields); i += 2 {
		if fields[i+1] != "" {
			parts = append(parts, quote(fields[i])+": "+fields[i+1])
		}
	}
	return []byte("{" + strings.Join(parts, ", ") + "}")
}

// actor picks a member of the side that holds a session, an admin more
// often than not.
func actor(s *diffSide, d *draws) (map[string]any, string, bool) {
	var with, admins []map[string]any
	for _, m := range s.list("members") {
		if s.sessions[m["id"].(string)] != "" {
			with = append(with, m)
			if m["role"] == "admin" {
				admins = append(admins, m)
			}
		}
	}
	if len(admins) > 0 && d.chance(70) {
		with = admins
	}
	if len(with) == 0 {
		return nil, "", false
	}
	m := pickFrom(d, with)
	return m, s.sessions[m["id"].(string)], true
}

// signedBy picks a key the side can sign with.
func signedBy(s *diffSide, d *draws) (map[string]any, *encordsign.Signer, bool) {
	var with []map[string]any
	for _, k := range s.list("keys") {
		if s.signers[k["id"].(string)] != nil {
			with = append(with, k)
		}
	}
	if len(with) == 0 {
		return nil, nil, false
	}
	k := pickFrom(d, with)
	return k, s.signers[k["id"].(string)], true
}

// sdkCredential signs with a key, or sends a bearer token it minted.
func sdkCredential(s *diffSide, d *draws, c diffCall) (diffCall, bool) {
	k, signer, ok := signedBy(s, d)
	if !ok {
		return c, false
	}
	if bearer := s.bearers[k["id"].(string)]; bearer != "" && d.chance(40) {
		c.bearer = bearer
	} else {
		c.signer = signer
	}
	return c, true
}

func pickEntry(s *diffSide, d *draws, list string) (map[string]any, bool) {
	l := s.list(list)
	if len(l) == 0 {
		return nil, false
	}
	return pickFrom(d, l), true
}
