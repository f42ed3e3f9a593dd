package sandbox_test

import (
	"encoding/hex"
	"errors"
	"strings"
	"testing"

	"github.com/wxsuite/wxsuite/sandbox"
)

const (
	keyA       = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"
	keyWeCom   = "kWxPEV2UEDyxWpmPdKC3F4dgPDmOvfKX1HGnEUDS1aR"
	appIDA     = "wxb11529c136998cb6"
	appIDC     = "wx2c2769f8efd9abc2"
	corpIDWork = "wx49f0ab532d5d035a"
)

// TestSignatureVectors checks Signature against facts.md §1a and the msg_signatures of
// §1b (official or derived) and §1e.
func TestSignatureVectors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		parts []string
		want  string
	}{
		{"wechatpy", []string{"test", "1410685589", "test"}, "f21891de399b4e33a1a93c9a7b8a8fffb5a443ff"},
		{"message-push doc", []string{"AAAAA", "1714036504", "1514711492"}, "f464b24fc39322e44b38aa78f5edd27bd1441696"},
		{"encryption doc plain", []string{"AAAAA", "1714037059", "486452656"}, "899cf89e464efb63f54ddac96b0a0a235f53aa78"},
		{"pamtest [D]", []string{"pamtest", "1409304348", "xxxxxx"}, "76480565cbe296026c53aaacd1ad523a1ddba24f"},
		{"A1 msg_signature [D]", []string{"pamtest", "1409304348", "xxxxxx", vectorA1Encrypt}, "82c962d39941aa48552f90ef55aa323dc620cc10"},
		{"A2 msg_signature [D]", []string{"pamtest", "1409304348", "xxxxxx", vectorA2Encrypt}, "ea88b765074e41eb8c7a75b449db34fa2fd560d5"},
		{"C msg_signature", []string{"spamtest", "1409735669", "1320562132", vectorCEncrypt}, "5d197aaffba7e9b25a30732f161a50dee96bd5fa"},
		{"WeCom reply", []string{"123456", "1411525903", "461056294", vectorWeComEncrypt}, "407518b7649e86ef23978113f92d27afa9296533"},
	}
	for _, tt := range tests {
		if got := sandbox.Signature(tt.parts...); got != tt.want {
			t.Errorf("%s: Signature = %s, want %s", tt.name, got, tt.want)
		}
	}
	if sandbox.Signature("test", "1410685589", "test") == "f21891de399b4e33a1a93c9a7b8a8fffb5a443fe" {
		t.Error("the altered wechatpy signature matched")
	}
	// The order of the parts does not matter: they are sorted.
	if sandbox.Signature("b", "a", "c") != sandbox.Signature("c", "b", "a") {
		t.Error("Signature depends on the order of its parts")
	}
}

func TestAESKeyVectors(t *testing.T) {
	t.Parallel()
	for key, want := range map[string]string{
		keyA: "69b71d79f8218a39259a7a29aabb2dbafc31cb3d35db7e39ebbf3d0010831051",
		"jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C": "8d69989bbaabe67328014c194631ad0719b3dca035b64023df292447aab60760",
		strings.Repeat("A", 43):                       strings.Repeat("00", 32),
	} {
		got, err := sandbox.AESKey(key)
		if err != nil || hex.EncodeToString(got) != want {
			t.Errorf("AESKey(%s) = %x, %v; want %s", key, got, err, want)
		}
	}
}

// TestEncryptVectors re-creates the official ciphertexts from their random prefixes.
func TestEncryptVectors(t *testing.T) {
	t.Parallel()
	wecomPlain := strings.Join([]string{"<xml>", "<MsgType><![CDATA[text]]></MsgType>", "<Content><![CDATA[test]]></Content>",
		"<FromUserName><![CDATA[wx49f0ab532d5d035a]]></FromUserName>", "<ToUserName><![CDATA[messense]]></ToUserName>",
		"<AgentID>1</AgentID>", "<CreateTime>1411525903</CreateTime>", "</xml>"}, "\n")
	tests := []struct {
		name, key, appID, random, plain, want string
	}{
		{"A1", keyA, appIDA, "aaaabbbbccccdddd", "我是中文abcd123", vectorA1Encrypt},
		{"A2", keyA, appIDA, "aaaabbbbccccdddd", vectorA2Plain, vectorA2Encrypt},
		{"C [D prefix]", keyA, appIDC, "89465c840c5f116f", vectorCPlain, vectorCEncrypt},
		{"WeCom", keyWeCom, corpIDWork, "1234567890123456", wecomPlain, vectorWeComEncrypt},
	}
	for _, tt := range tests {
		got, err := sandbox.EncryptMessage(tt.key, tt.appID, []byte(tt.random), []byte(tt.plain))
		if err != nil || got != tt.want {
			t.Errorf("%s: EncryptMessage = %s, %v; want %s", tt.name, got, err, tt.want)
		}
		back, err := sandbox.DecryptMessage(tt.key, tt.appID, tt.want)
		if err != nil || string(back) != tt.plain {
			t.Errorf("%s: DecryptMessage = %q, %v; want %q", tt.name, back, err, tt.plain)
		}
	}
	// Vector C as posted: the Encrypt element of the compatible-mode body decrypts to the
	// plaintext with its newlines.
	if !strings.Contains(vectorCBody, "<Encrypt><![CDATA["+vectorCEncrypt+"]]></Encrypt>") {
		t.Fatal("vector C body does not carry its Encrypt")
	}
}

func TestDecryptErrors(t *testing.T) {
	t.Parallel()
	padded32, err := sandbox.EncryptMessage(keyA, appIDA, []byte("0123456789abcdef"), []byte("123456789012"+appIDA[:0]))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, key, appID, encrypt string
	}{
		{"wrong appid (-40005)", keyA, "wx_other_appid", vectorCEncrypt},
		{"short key (-40004)", "abcde", appIDC, vectorCEncrypt},
		{"44-character key", keyA + "H", appIDC, vectorCEncrypt},
		{"not base64 (-40010)", keyA, appIDC, "!!!not base64!!!"},
		{"length not a multiple of 16 (-40007)", keyA, appIDC, "YWJj"},
		{"empty", keyA, appIDC, ""},
		{"wrong key", keyWeCom, appIDC, vectorCEncrypt},
		{"other appid's message", keyA, appIDC, padded32},
	}
	for _, tt := range tests {
		if got, err := sandbox.DecryptMessage(tt.key, tt.appID, tt.encrypt); err == nil || !errors.Is(err, sandbox.ErrCallbackCrypto) {
			t.Errorf("%s: DecryptMessage = %q, %v; want an ErrCallbackCrypto error", tt.name, got, err)
		}
	}
	if _, err := sandbox.EncryptMessage(keyA, appIDA, []byte("short"), []byte("x")); err == nil {
		t.Error("EncryptMessage accepted a 5-byte random prefix")
	}
	// A message whose padded length is a multiple of 32 gets a full block of 32 bytes.
	msg := strings.Repeat("m", 32-16-4-len(appIDA)+32)
	enc, err := sandbox.EncryptMessage(keyA, appIDA, []byte("0123456789abcdef"), []byte(msg))
	if err != nil {
		t.Fatal(err)
	}
	if back, err := sandbox.DecryptMessage(keyA, appIDA, enc); err != nil || string(back) != msg {
		t.Errorf("full-block padding round trip = %q, %v", back, err)
	}
}
