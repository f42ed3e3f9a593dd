package wxcrypto

import (
	"strings"
	"testing"
)

// typicalMessage is a 300-byte text message, the size of most pushes.
var typicalMessage = func() []byte {
	s := "<xml><ToUserName><![CDATA[gh_10f6c3c3ac5a]]></ToUserName><FromUserName><![CDATA[oyORnuP8q7ou2gfYjqLzSIWZf0rs]]></FromUserName><CreateTime>1409735668</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[" +
		"%s]]></Content><MsgId>6054768590064713728</MsgId></xml>"
	return []byte(strings.Replace(s, "%s", strings.Repeat("x", 300-len(s)+2), 1))
}()

func BenchmarkDecrypt(b *testing.B) {
	c := newTestCipher(b, vaKey, vaAppID)
	enc, err := c.Encrypt(typicalMessage, nil)
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(typicalMessage)))
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := c.Decrypt(enc); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkKeyringDecryptPrevious(b *testing.B) {
	k, err := NewKeyring(vaAppID, otherKey, vaKey)
	if err != nil {
		b.Fatal(err)
	}
	enc, err := k.Previous().Encrypt(typicalMessage, nil)
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(typicalMessage)))
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := k.Decrypt(enc); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkEncrypt(b *testing.B) {
	c := newTestCipher(b, vaKey, vaAppID)
	b.SetBytes(int64(len(typicalMessage)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := c.Encrypt(typicalMessage, nil); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkVerifyMsgSignature(b *testing.B) {
	c := newTestCipher(b, vaKey, vaAppID)
	enc, err := c.Encrypt(typicalMessage, nil)
	if err != nil {
		b.Fatal(err)
	}
	sig := MsgSignature(vaToken, vaTS, vaNonce, enc)
	b.ReportAllocs()
	for b.Loop() {
		if !VerifyMsgSignature(vaToken, vaTS, vaNonce, enc, sig) {
			b.Fatal("signature does not verify")
		}
	}
}

func BenchmarkParseEnvelope(b *testing.B) {
	c := newTestCipher(b, vaKey, vaAppID)
	enc, err := c.Encrypt(typicalMessage, nil)
	if err != nil {
		b.Fatal(err)
	}
	body := []byte("<xml><ToUserName><![CDATA[gh_10f6c3c3ac5a]]></ToUserName><Encrypt><![CDATA[" + enc + "]]></Encrypt></xml>")
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ParseEnvelope(body); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkEncryptReply(b *testing.B) {
	c := newTestCipher(b, vaKey, vaAppID)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := c.EncryptReply(vaToken, typicalMessage, 1409304348, vaNonce, nil); err != nil {
			b.Fatal(err)
		}
	}
}
