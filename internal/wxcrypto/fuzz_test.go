package wxcrypto

import (
	"bytes"
	"encoding/xml"
	"errors"
	"runtime"
	"strings"
	"testing"
	"unicode/utf8"
)

func FuzzDecrypt(f *testing.F) {
	for _, s := range []string{va1Encrypt, va2Encrypt, vcEncrypt, vbEchostr, "", "YWJj", "====", "AAAAAAAAAAAAAAAAAAAAAA==", "not base64"} {
		f.Add([]byte(s))
	}
	// Seeds for the second use of data, a decrypted buffer: valid, bad padding, long length.
	f.Add(layout(5, "hello", vaAppID, padFor(headerLen+5+len(vaAppID)), byte(padFor(headerLen+5+len(vaAppID)))))
	f.Add(layout(0xFFFFFFFF, "hello", vaAppID, 1, 1))
	c := newTestCipher(f, vaKey, vaAppID)
	k, err := NewKeyring(vaAppID, otherKey, vaKey)
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		// data as the Base64 text of an Encrypt element.
		checkDecrypt(t, c, k, string(data))
		// data as the decrypted buffer (zero-filled to whole AES blocks), so that padding,
		// length field and appid checks see arbitrary bytes.
		if len(data) > 0 {
			pt := make([]byte, (len(data)+15)/16*16)
			copy(pt, data)
			checkDecrypt(t, c, k, sealRaw(c, pt))
		}
	})
}

func checkDecrypt(t *testing.T, c *Cipher, k *Keyring, b64 string) {
	t.Helper()
	msg, appID, err := c.Decrypt(b64)
	if err != nil {
		if msg != nil || appID != "" {
			t.Fatalf("Decrypt returned %d bytes and appid %q with %v", len(msg), appID, err)
		}
		if !errors.Is(err, ErrBadBase64) && !errors.Is(err, ErrBadLayout) && !errors.Is(err, ErrBadPadding) && !errors.Is(err, ErrAppIDMismatch) {
			t.Fatalf("Decrypt error %v is none of the typed errors", err)
		}
	} else {
		if appID != vaAppID {
			t.Fatalf("appid %q, want %q", appID, vaAppID)
		}
		if cap(msg) > len(b64) {
			t.Fatalf("decrypted %d bytes (cap %d) from %d bytes of input", len(msg), cap(msg), len(b64))
		}
		// Whatever decrypts must survive a round trip.
		enc, err := c.Encrypt(msg, nil)
		if err != nil {
			t.Fatal(err)
		}
		if again, _, err := c.Decrypt(enc); err != nil || !bytes.Equal(again, msg) {
			t.Fatalf("round trip of %d bytes: %v", len(msg), err)
		}
	}
	kmsg, used, kerr := k.Decrypt(b64)
	if (kerr == nil) != (err == nil) || !bytes.Equal(kmsg, msg) {
		t.Fatalf("Keyring.Decrypt = %d bytes, %v; Cipher.Decrypt = %d bytes, %v", len(kmsg), kerr, len(msg), err)
	}
	if kerr == nil && used != k.Previous() {
		t.Fatal("Keyring.Decrypt reported the current key for a previous-key message")
	}
	if cap(kmsg) > len(b64) {
		t.Fatalf("Keyring decrypted %d bytes (cap %d) from %d bytes", len(kmsg), cap(kmsg), len(b64))
	}
}

func FuzzParseEnvelope(f *testing.F) {
	f.Add([]byte(vcBody))
	f.Add([]byte("<xml><ToUserName><![CDATA[gh_x]]></ToUserName><Encrypt><![CDATA[" + va1Encrypt + "]]></Encrypt></xml>"))
	f.Add(AppendReplyEnvelope(nil, wpEncrypt, wpEncMsgSig, wpEncTS, "a]]>b"))
	f.Add([]byte("<xml><Encrypt>a&amp;b&#x10FFFF;</Encrypt><X><Y><Z/></Y></X></xml>"))
	f.Add([]byte(`<!DOCTYPE xml [<!ENTITY e "x">]><xml><Encrypt>&e;</Encrypt></xml>`))
	f.Add([]byte("<xml><Encrypt>a</Encrypt><Encrypt>b</Encrypt></xml>"))
	f.Add([]byte("<xml"))
	f.Fuzz(func(t *testing.T, body []byte) {
		env, err := ParseEnvelope(body)
		// The fast path must read exactly what encoding/xml reads.
		var std envelopeXML
		if xml.NewDecoder(bytes.NewReader(body)).Decode(&std) == nil {
			want := Envelope{}
			if len(std.Encrypt) == 1 && std.Encrypt[0] != "" && len(std.ToUserName) <= 1 {
				want.Encrypt = std.Encrypt[0]
				if len(std.ToUserName) == 1 {
					want.ToUserName = std.ToUserName[0]
				}
			}
			if env != want {
				t.Fatalf("ParseEnvelope(%q) = %+v, %v; encoding/xml reads %+v", body, env, err, want)
			}
		} else if err == nil && len(body) <= MaxEnvelopeSize {
			t.Fatalf("ParseEnvelope(%q) took a body encoding/xml refuses", body)
		}
		if err != nil {
			if !errors.Is(err, ErrBadEnvelope) || env != (Envelope{}) {
				t.Fatalf("ParseEnvelope = %+v, %v", env, err)
			}
			return
		}
		if env.Encrypt == "" {
			t.Fatal("ParseEnvelope returned an empty Encrypt without error")
		}
		if len(env.Encrypt)+len(env.ToUserName) > len(body) {
			t.Fatalf("%d bytes of fields from a %d-byte body", len(env.Encrypt)+len(env.ToUserName), len(body))
		}
		// Written back through AppendCDATA, the fields read back the same.
		b := append([]byte("<xml><ToUserName>"), AppendCDATA(nil, env.ToUserName)...)
		b = append(b, "</ToUserName><Encrypt>"...)
		b = append(AppendCDATA(b, env.Encrypt), "</Encrypt></xml>"...)
		again, err := ParseEnvelope(b)
		if err != nil || again != env {
			t.Fatalf("re-encoded envelope reads %+v, %v; want %+v", again, err, env)
		}
	})
}

func FuzzAppendCDATA(f *testing.F) {
	for _, s := range []string{"", "a]]>b", "]]]>>", "\r\n\r", "\x00\xff\uFFFE", "你好", "<![CDATA[x]]>"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		b := append(AppendCDATA([]byte("<C>"), s), "</C>"...)
		var v struct {
			V string `xml:",chardata"`
		}
		if err := xml.Unmarshal(b, &v); err != nil {
			t.Fatalf("encoding/xml cannot read %q: %v", b, err)
		}
		if want := xmlReadsBack(s); v.V != want {
			t.Fatalf("AppendCDATA(%q) reads back as %q, want %q", s, v.V, want)
		}
	})
}

// xmlReadsBack is what an XML parser gives for s written by AppendCDATA: invalid characters
// as U+FFFD and line ends normalised to \n.
func xmlReadsBack(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		switch {
		case r == utf8.RuneError && size == 1, !isXMLChar(r):
			b.WriteRune(utf8.RuneError)
		case r == '\r':
			b.WriteByte('\n')
			if i < len(s) && s[i] == '\n' {
				i++
			}
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// TestDecryptAllocationBound checks the bytes Decrypt allocates stay proportional to its
// input, for valid messages and for garbage of the same size. Not parallel: it reads the
// process-wide allocation counters.
func TestDecryptAllocationBound(t *testing.T) {
	c := newTestCipher(t, vaKey, vaAppID)
	k, err := NewKeyring(vaAppID, otherKey, vaKey)
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range []int{0, 300, 4096, 64 << 10} {
		enc, err := c.Encrypt(bytes.Repeat([]byte("x"), n), nil)
		if err != nil {
			t.Fatal(err)
		}
		bad := strings.Repeat("A", len(enc))
		for _, give := range []string{enc, bad} {
			// One Cipher.Decrypt decodes in place; the two-key Keyring needs a second buffer.
			if got := allocatedBytes(func() { c.Decrypt(give) }); got > uint64(len(give))+1024 {
				t.Errorf("Cipher.Decrypt of %d bytes allocated %d bytes", len(give), got)
			}
			if got := allocatedBytes(func() { k.Decrypt(give) }); got > 2*uint64(len(give))+1024 {
				t.Errorf("Keyring.Decrypt of %d bytes allocated %d bytes", len(give), got)
			}
		}
	}
}

func allocatedBytes(fn func()) uint64 {
	const runs = 20
	fn() // warm up
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	for range runs {
		fn()
	}
	runtime.ReadMemStats(&after)
	return (after.TotalAlloc - before.TotalAlloc) / runs
}
