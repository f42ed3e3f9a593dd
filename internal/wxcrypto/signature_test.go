package wxcrypto

import (
	"strings"
	"testing"
)

func TestURLSignature(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name                    string
		token, timestamp, nonce string
		want                    string
	}{
		{
			// wechatpy tests/test_utils.py test_check_signature_should_ok.
			name: "wechatpy", token: "test", timestamp: "1410685589", nonce: "test",
			want: "f21891de399b4e33a1a93c9a7b8a8fffb5a443ff",
		},
		{
			// Official message-push doc; sorted concatenation 15147114921714036504AAAAA.
			name: "official message-push doc", token: "AAAAA", timestamp: "1714036504", nonce: "1514711492",
			want: "f464b24fc39322e44b38aa78f5edd27bd1441696",
		},
		{
			// Official encryption doc, plain-mode example.
			name: "official encryption doc", token: "AAAAA", timestamp: "1714037059", nonce: "486452656",
			want: "899cf89e464efb63f54ddac96b0a0a235f53aa78",
		},
		{
			// Derived from the official sample parameters.
			name: "official sample parameters (derived)", token: vaToken, timestamp: vaTS, nonce: vaNonce,
			want: "76480565cbe296026c53aaacd1ad523a1ddba24f",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := URLSignature(tt.token, tt.timestamp, tt.nonce); got != tt.want {
				t.Errorf("URLSignature = %s, want %s", got, tt.want)
			}
			if !VerifyURLSignature(tt.token, tt.timestamp, tt.nonce, tt.want) {
				t.Errorf("VerifyURLSignature(%s) = false, want true", tt.want)
			}
			// The order of the arguments does not matter: they are sorted.
			if got := URLSignature(tt.nonce, tt.token, tt.timestamp); got != tt.want {
				t.Errorf("URLSignature in another order = %s, want %s", got, tt.want)
			}
		})
	}
}

func TestVerifyURLSignatureRejects(t *testing.T) {
	t.Parallel()
	const good = "f21891de399b4e33a1a93c9a7b8a8fffb5a443ff"
	tests := []struct {
		name string
		give string
	}{
		// wechatpy test_check_signature_should_fail: the last character changed.
		{name: "last character changed", give: "f21891de399b4e33a1a93c9a7b8a8fffb5a443fe"},
		{name: "first character changed", give: "e21891de399b4e33a1a93c9a7b8a8fffb5a443ff"},
		{name: "uppercase", give: strings.ToUpper(good)},
		{name: "truncated", give: good[:39]},
		{name: "extended", give: good + "0"},
		{name: "empty", give: ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if VerifyURLSignature("test", "1410685589", "test", tt.give) {
				t.Errorf("VerifyURLSignature(%q) = true, want false", tt.give)
			}
		})
	}
}

func TestMsgSignature(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name                             string
		token, timestamp, nonce, encrypt string
		want                             string
	}{
		{name: "vector A1 (derived)", token: vaToken, timestamp: vaTS, nonce: vaNonce, encrypt: va1Encrypt, want: va1MsgSig},
		{name: "vector A2 (derived)", token: vaToken, timestamp: vaTS, nonce: vaNonce, encrypt: va2Encrypt, want: va2MsgSig},
		{name: "vector C, official Sample.py", token: vcToken, timestamp: vcTS, nonce: vcNonce, encrypt: vcEncrypt, want: vcMsgSig},
		{name: "vector B, WeCom echostr", token: vbToken, timestamp: vbTS, nonce: vbNonce, encrypt: vbEchostr, want: vbMsgSig},
		{name: "wechatpy verify URL", token: wpToken, timestamp: wpURLTS, nonce: wpURLNonce, encrypt: wpURLEchostr, want: wpURLSig},
		{name: "wechatpy decrypt", token: wpToken, timestamp: wpDecTS, nonce: wpDecNonce, encrypt: wpDecEncrypt, want: wpDecSig},
		{name: "wechatpy encrypt", token: wpToken, timestamp: "1411525903", nonce: wpEncNonce, encrypt: wpEncrypt, want: wpEncMsgSig},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := MsgSignature(tt.token, tt.timestamp, tt.nonce, tt.encrypt); got != tt.want {
				t.Errorf("MsgSignature = %s, want %s", got, tt.want)
			}
			if !VerifyMsgSignature(tt.token, tt.timestamp, tt.nonce, tt.encrypt, tt.want) {
				t.Errorf("VerifyMsgSignature(%s) = false, want true", tt.want)
			}
		})
	}
}

func TestVerifyMsgSignatureRejects(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name                                        string
		token, timestamp, nonce, encrypt, signature string
	}{
		// wechatpy: nonce 437374424 instead of 437374425 must fail.
		{name: "wechatpy wrong nonce", token: wpToken, timestamp: wpURLTS, nonce: "437374424", encrypt: wpURLEchostr, signature: wpURLSig},
		// Vector C with a wrong signature (official code -40001).
		{name: "vector C wrong signature", token: vcToken, timestamp: vcTS, nonce: vcNonce, encrypt: vcEncrypt, signature: "5d197aaffba7e9b25a30732f161a50dee96bd5fb"},
		{name: "vector C wrong token", token: "pamtest", timestamp: vcTS, nonce: vcNonce, encrypt: vcEncrypt, signature: vcMsgSig},
		{name: "vector C other ciphertext", token: vcToken, timestamp: vcTS, nonce: vcNonce, encrypt: va1Encrypt, signature: vcMsgSig},
		// The 3-field URL signature is not a msg_signature.
		{name: "URL signature", token: vaToken, timestamp: vaTS, nonce: vaNonce, encrypt: va1Encrypt, signature: "76480565cbe296026c53aaacd1ad523a1ddba24f"},
		{name: "empty", token: vcToken, timestamp: vcTS, nonce: vcNonce, encrypt: vcEncrypt, signature: ""},
		{name: "uppercase", token: vcToken, timestamp: vcTS, nonce: vcNonce, encrypt: vcEncrypt, signature: strings.ToUpper(vcMsgSig)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if VerifyMsgSignature(tt.token, tt.timestamp, tt.nonce, tt.encrypt, tt.signature) {
				t.Errorf("VerifyMsgSignature(%q) = true, want false", tt.signature)
			}
		})
	}
}
