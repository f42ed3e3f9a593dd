package wxcrypto

import (
	"bytes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"encoding/xml"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"testing"
)

// otherKey is a valid key that is none of the vectors' keys.
const otherKey = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFG"

func newTestCipher(t testing.TB, key, appID string) *Cipher {
	t.Helper()
	c, err := NewCipher(key, appID)
	if err != nil {
		t.Fatalf("NewCipher: %v", err)
	}
	return c
}

// sealRaw encrypts pt (a whole number of AES blocks) as is, without layout or padding, so
// that tests and fuzzing can hand Decrypt any decrypted buffer.
func sealRaw(c *Cipher, pt []byte) string {
	buf := bytes.Clone(pt)
	cipher.NewCBCEncrypter(c.block, c.iv[:]).CryptBlocks(buf, buf)
	return base64.StdEncoding.EncodeToString(buf)
}

// layout builds random(16) || len || msg || appid with an explicit length field and appends
// pad copies of padByte.
func layout(lenField uint32, msg, appID string, pad int, padByte byte) []byte {
	b := make([]byte, headerLen, headerLen+len(msg)+len(appID)+pad)
	copy(b, "0123456789abcdef")
	binary.BigEndian.PutUint32(b[randomLen:], lenField)
	b = append(b, msg...)
	b = append(b, appID...)
	for range pad {
		b = append(b, padByte)
	}
	return b
}

// padFor returns the PKCS#7 (block 32) pad length of a plaintext of n bytes.
func padFor(n int) int { return padBlock - n%padBlock }

func TestDecodeAESKey(t *testing.T) {
	t.Parallel()
	// Derived table (facts §0, "Key bytes (derived)").
	tests := []struct {
		give string
		want string
	}{
		{give: "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG", want: "69b71d79f8218a39259a7a29aabb2dbafc31cb3d35db7e39ebbf3d0010831051"},
		{give: "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C", want: "8d69989bbaabe67328014c194631ad0719b3dca035b64023df292447aab60760"},
		{give: strings.Repeat("A", 43), want: strings.Repeat("00", 32)},
	}
	for _, tt := range tests {
		t.Run(tt.give, func(t *testing.T) {
			t.Parallel()
			key, err := decodeAESKey(tt.give)
			if err != nil {
				t.Fatalf("decodeAESKey: %v", err)
			}
			if got := hex.EncodeToString(key[:]); got != tt.want {
				t.Errorf("key = %s, want %s", got, tt.want)
			}
			c := newTestCipher(t, tt.give, "wxappid")
			if got, want := hex.EncodeToString(c.iv[:]), tt.want[:32]; got != want {
				t.Errorf("IV = %s, want the first 16 key bytes %s", got, want)
			}
		})
	}
}

func TestNewCipherRejects(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		key   string
		appID string
		want  string // in the message
	}{
		// Official negative case: a key that is not 43 characters (-40004).
		{name: "short key", key: "abcde", appID: vaAppID, want: "5 characters, want 43"},
		{name: "long key", key: vaKey + "H", appID: vaAppID, want: "44 characters, want 43"},
		{name: "empty key", key: "", appID: vaAppID, want: "0 characters"},
		{name: "URL-safe alphabet", key: "abcdefghijklmnopqrstuvwxyz0123456789ABCDEF-", appID: vaAppID, want: "character 43 is not in the Base64 alphabet"},
		{name: "padding inside", key: "abcdefghijklmnopqrstuvwxyz0123456789ABCDEF=", appID: vaAppID, want: "character 43"},
		{name: "newline inside", key: "abcdefghijklmnopqrstuvwxyz\n123456789ABCDEFG", appID: vaAppID, want: "character 27"},
		{name: "empty appid", key: vaKey, appID: "", want: "receive-id (appid) is empty"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, err := NewCipher(tt.key, tt.appID)
			if !errors.Is(err, ErrBadKey) {
				t.Fatalf("NewCipher = %v, %v; want ErrBadKey", c, err)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q does not say %q", err, tt.want)
			}
			if len(tt.key) > 8 && strings.Contains(err.Error(), tt.key[:8]) {
				t.Errorf("error %q repeats the key", err)
			}
		})
	}
}

func TestEncryptOfficialVectors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name              string
		key, appID, rnd   string
		plain, wantCipher string
	}{
		{name: "vector A1", key: vaKey, appID: vaAppID, rnd: vaRandom, plain: va1Plain, wantCipher: va1Encrypt},
		{name: "vector A2", key: vaKey, appID: vaAppID, rnd: vaRandom, plain: va2Plain, wantCipher: va2Encrypt},
		{name: "vector C (derived random)", key: vcKey, appID: vcAppID, rnd: vcRandom, plain: vcPlain, wantCipher: vcEncrypt},
		{name: "vector B", key: vbKey, appID: vbCorpID, rnd: vbRandom, plain: vbPlain, wantCipher: vbEchostr},
		{name: "wechatpy encrypt", key: wpKey, appID: wpCorpID, rnd: wpEncRandom, plain: wpEncPlain, wantCipher: wpEncrypt},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c := newTestCipher(t, tt.key, tt.appID)
			got, err := c.Encrypt([]byte(tt.plain), strings.NewReader(tt.rnd))
			if err != nil {
				t.Fatalf("Encrypt: %v", err)
			}
			if got != tt.wantCipher {
				t.Errorf("Encrypt = %s\nwant      %s", got, tt.wantCipher)
			}
		})
	}
}

func TestDecryptOfficialVectors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		key, appID string
		give       string
		want       string
	}{
		{name: "vector A1", key: vaKey, appID: vaAppID, give: va1Encrypt, want: va1Plain},
		{name: "vector A2", key: vaKey, appID: vaAppID, give: va2Encrypt, want: va2Plain},
		{name: "vector C, official Sample.py", key: vcKey, appID: vcAppID, give: vcEncrypt, want: vcPlain},
		{name: "vector B, WeCom echostr", key: vbKey, appID: vbCorpID, give: vbEchostr, want: vbPlain},
		{name: "wechatpy echostr (derived)", key: wpKey, appID: wpCorpID, give: wpURLEchostr, want: wpURLPlain},
		{name: "wechatpy encrypt", key: wpKey, appID: wpCorpID, give: wpEncrypt, want: wpEncPlain},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c := newTestCipher(t, tt.key, tt.appID)
			msg, appID, err := c.Decrypt(tt.give)
			if err != nil {
				t.Fatalf("Decrypt: %v", err)
			}
			if string(msg) != tt.want {
				t.Errorf("msg = %q\nwant  %q", msg, tt.want)
			}
			if appID != tt.appID {
				t.Errorf("appid = %q, want %q", appID, tt.appID)
			}
		})
	}
}

func TestDecryptWechatpyMessage(t *testing.T) {
	t.Parallel()
	// wechatpy test_crypto.py decrypt: a WeCom text message; only fields are published.
	c := newTestCipher(t, wpKey, wpCorpID)
	msg, _, err := c.Decrypt(wpDecEncrypt)
	if err != nil {
		t.Fatalf("Decrypt: %v", err)
	}
	var m struct {
		Content      string
		FromUserName string
		MsgID        string `xml:"MsgId"`
		AgentID      string
	}
	if err := xml.Unmarshal(msg, &m); err != nil {
		t.Fatalf("decrypted message is not XML: %v", err)
	}
	if m.Content != "test" || m.FromUserName != "messense" || m.MsgID != "4363689963896700987" || m.AgentID != "1" {
		t.Errorf("decrypted message = %+v", m)
	}
}

func TestDecryptVectorCLength(t *testing.T) {
	t.Parallel()
	// Facts: 280 bytes with \n between elements, not trimmed; pad 2 (derived).
	c := newTestCipher(t, vcKey, vcAppID)
	msg, _, err := c.Decrypt(vcEncrypt)
	if err != nil {
		t.Fatal(err)
	}
	if len(msg) != 280 || strings.Count(string(msg), "\n") != 6 {
		t.Errorf("len(msg) = %d with %d newlines, want 280 with 6", len(msg), strings.Count(string(msg), "\n"))
	}
	if n := headerLen + len(msg) + len(vcAppID); padFor(n) != 2 {
		t.Errorf("pad = %d, want 2", padFor(n))
	}
}

func TestEncryptDecryptRoundTrip(t *testing.T) {
	t.Parallel()
	c := newTestCipher(t, vaKey, vaAppID)
	var lengths []int
	for n := 0; n <= 200; n++ {
		lengths = append(lengths, n)
	}
	for n := 32; n <= 4096; n += 32 {
		lengths = append(lengths, n)
	}
	// Lengths whose whole plaintext is a multiple of 32, so padding is a full block of 0x20.
	for n := padBlock - headerLen - len(vaAppID) + padBlock; n <= 4096; n += padBlock {
		lengths = append(lengths, n)
	}
	sawFullBlock := false
	for _, n := range lengths {
		msg := make([]byte, n)
		rand.Read(msg)
		enc, err := c.Encrypt(msg, nil)
		if err != nil {
			t.Fatalf("Encrypt(%d bytes): %v", n, err)
		}
		raw, _ := base64.StdEncoding.DecodeString(enc)
		plainLen := headerLen + n + len(vaAppID)
		if want := plainLen + padFor(plainLen); len(raw) != want || len(raw)%padBlock != 0 {
			t.Fatalf("%d bytes: ciphertext of %d bytes, want %d", n, len(raw), want)
		}
		if plainLen%padBlock == 0 {
			sawFullBlock = true
			if len(raw) != plainLen+padBlock {
				t.Fatalf("%d bytes: aligned plaintext did not get a full pad block", n)
			}
		}
		got, appID, err := c.Decrypt(enc)
		if err != nil {
			t.Fatalf("Decrypt(%d bytes): %v", n, err)
		}
		if !bytes.Equal(got, msg) || appID != vaAppID {
			t.Fatalf("%d bytes: round trip gave %d bytes, appid %q", n, len(got), appID)
		}
		if cap(got) != len(got) {
			t.Fatalf("%d bytes: cap(msg) = %d; an append would overwrite the appid", n, cap(got))
		}
	}
	if !sawFullBlock {
		t.Fatal("no length produced a full 32-byte pad block")
	}
}

func TestEncryptRandomPrefix(t *testing.T) {
	t.Parallel()
	c := newTestCipher(t, vaKey, vaAppID)
	a, err := c.Encrypt([]byte("hello"), nil)
	if err != nil {
		t.Fatal(err)
	}
	b, err := c.Encrypt([]byte("hello"), nil)
	if err != nil {
		t.Fatal(err)
	}
	if a == b {
		t.Error("two encryptions with crypto/rand gave the same ciphertext")
	}
	if _, err := c.Encrypt([]byte("hello"), strings.NewReader("short")); err == nil {
		t.Error("Encrypt with a 5-byte random source succeeded")
	}
}

func TestDecryptRejects(t *testing.T) {
	t.Parallel()
	c := newTestCipher(t, vaKey, vaAppID)
	const msg = "<xml>secret plaintext</xml>"
	n := headerLen + len(msg) + len(vaAppID)
	good := layout(uint32(len(msg)), msg, vaAppID, padFor(n), byte(padFor(n)))
	if got, _, err := c.Decrypt(sealRaw(c, good)); err != nil || string(got) != msg {
		t.Fatalf("control case: %q, %v", got, err)
	}
	withLast := func(b []byte, v byte) []byte { b = bytes.Clone(b); b[len(b)-1] = v; return b }
	inconsistent := bytes.Clone(good)
	inconsistent[len(inconsistent)-2]++

	tests := []struct {
		name string
		give string
		want error
	}{
		// Official negative cases: not Base64 (-40010), not a multiple of 16 (-40007).
		{name: "not base64", give: "this is not base64!", want: ErrBadBase64},
		{name: "YWJj", give: "YWJj", want: ErrBadLayout},
		{name: "empty", give: "", want: ErrBadLayout},
		{name: "base64 truncated mid-quantum", give: va1Encrypt[:10], want: ErrBadBase64},
		{name: "truncated to a partial block", give: va1Encrypt[:len(va1Encrypt)-8], want: ErrBadLayout},
		{name: "URL-safe alphabet", give: strings.NewReplacer("+", "-", "/", "_").Replace(va2Encrypt), want: ErrBadBase64},
		{name: "padding 0", give: sealRaw(c, withLast(good, 0)), want: ErrBadPadding},
		{name: "padding 33", give: sealRaw(c, withLast(good, 33)), want: ErrBadPadding},
		// 47 bytes of 33: the last 33 agree, so only the 1..32 bound rejects it.
		{name: "padding 33, consistent", give: sealRaw(c, layout(uint32(len(msg)), msg, vaAppID, 47, 33)), want: ErrBadPadding},
		{name: "padding 255", give: sealRaw(c, withLast(good, 255)), want: ErrBadPadding},
		{name: "padding inconsistent", give: sealRaw(c, inconsistent), want: ErrBadPadding},
		{name: "padding longer than a one-block message", give: sealRaw(c, bytes.Repeat([]byte{20}, 16)), want: ErrBadPadding},
		{name: "no room for the header", give: sealRaw(c, bytes.Repeat([]byte{16}, 32)), want: ErrBadLayout},
		{name: "header only, no appid", give: sealRaw(c, layout(0, "", "", 12, 12)), want: ErrAppIDMismatch},
		{name: "length field one beyond the data", give: sealRaw(c, layout(uint32(len(msg)+len(vaAppID)+1), msg, vaAppID, padFor(n), byte(padFor(n)))), want: ErrBadLayout},
		{name: "length field 0xFFFFFFFF", give: sealRaw(c, layout(0xFFFFFFFF, msg, vaAppID, padFor(n), byte(padFor(n)))), want: ErrBadLayout},
		{name: "length field too short", give: sealRaw(c, layout(uint32(len(msg)-1), msg, vaAppID, padFor(n), byte(padFor(n)))), want: ErrAppIDMismatch},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, appID, err := c.Decrypt(tt.give)
			if !errors.Is(err, tt.want) {
				t.Fatalf("Decrypt = %q, %q, %v; want %v", got, appID, err, tt.want)
			}
			if got != nil || appID != "" {
				t.Errorf("Decrypt returned %q, %q with an error", got, appID)
			}
			assertClean(t, err, msg)
		})
	}
}

func TestDecryptWrongAppID(t *testing.T) {
	t.Parallel()
	// Official negative case: vector C checked against another appid (-40005).
	c := newTestCipher(t, vcKey, "wx_other_appid")
	got, _, err := c.Decrypt(vcEncrypt)
	if !errors.Is(err, ErrAppIDMismatch) {
		t.Fatalf("Decrypt = %q, %v; want ErrAppIDMismatch", got, err)
	}
	assertClean(t, err, vcAppID, "abcdteT")
}

func TestDecryptWrongKey(t *testing.T) {
	t.Parallel()
	for _, key := range []string{otherKey, vbKey, wpKey, strings.Repeat("A", 43)} {
		c := newTestCipher(t, key, vaAppID)
		for _, give := range []string{va1Encrypt, va2Encrypt, vcEncrypt} {
			got, _, err := c.Decrypt(give)
			if err == nil {
				t.Fatalf("Decrypt with a wrong key = %q, nil", got)
			}
			if !errors.Is(err, ErrBadPadding) && !errors.Is(err, ErrBadLayout) && !errors.Is(err, ErrAppIDMismatch) {
				t.Errorf("Decrypt with a wrong key: %v is none of the typed errors", err)
			}
			assertClean(t, err, key)
		}
	}
}

func TestDecryptGarbage(t *testing.T) {
	t.Parallel()
	c := newTestCipher(t, vaKey, vaAppID)
	for n := 16; n <= 512; n += 16 {
		b := make([]byte, n)
		rand.Read(b)
		if got, _, err := c.Decrypt(base64.StdEncoding.EncodeToString(b)); err == nil {
			// 2^-100 or so; worth knowing about if it ever happens.
			t.Errorf("random %d bytes decrypted to %q", n, got)
		}
	}
}

func TestCipherRedacts(t *testing.T) {
	t.Parallel()
	c := newTestCipher(t, vaKey, vaAppID)
	key, _ := decodeAESKey(vaKey)
	var logged bytes.Buffer
	slog.New(slog.NewTextHandler(&logged, nil)).Info("x", "cipher", c, "deref", *c)
	for _, s := range []string{
		fmt.Sprint(c), fmt.Sprintf("%v %+v %#v %s %x %q", c, c, c, c, c, c),
		fmt.Sprintf("%+v %#v", *c, *c), c.String(), logged.String(),
	} {
		if !strings.Contains(s, vaAppID) {
			t.Errorf("%q does not name the appid", s)
		}
		for _, secret := range []string{vaKey, vaKey[:10], hex.EncodeToString(key[:8]), string(key[:8])} {
			if strings.Contains(s, secret) {
				t.Errorf("%q shows key material", s)
			}
		}
	}
}

// assertClean fails when err's message contains any of the given secrets.
func assertClean(t *testing.T, err error, secrets ...string) {
	t.Helper()
	for _, s := range secrets {
		if err != nil && strings.Contains(err.Error(), s) {
			t.Errorf("error %q contains %q", err, s)
		}
	}
}
