package wxcrypto

import (
	"bytes"
	"encoding/xml"
	"errors"
	"strings"
	"testing"
)

func TestParseEnvelope(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		give string
		want Envelope
	}{
		{
			// Official Sample.py body: compatible mode, plaintext fields and Encrypt.
			name: "vector C compatible mode",
			give: vcBody,
			want: Envelope{ToUserName: "gh_10f6c3c3ac5a", Encrypt: vcEncrypt},
		},
		{
			name: "safe mode",
			give: "<xml><ToUserName><![CDATA[gh_10f6c3c3ac5a]]></ToUserName><Encrypt><![CDATA[" + vcEncrypt + "]]></Encrypt></xml>",
			want: Envelope{ToUserName: "gh_10f6c3c3ac5a", Encrypt: vcEncrypt},
		},
		{
			name: "WeCom with AgentID, newlines between elements",
			give: "<xml>\n<ToUserName><![CDATA[" + wpCorpID + "]]></ToUserName>\n<Encrypt><![CDATA[" + wpDecEncrypt + "]]></Encrypt>\n<AgentID><![CDATA[1]]></AgentID>\n</xml>",
			want: Envelope{ToUserName: wpCorpID, Encrypt: wpDecEncrypt},
		},
		{
			name: "Encrypt as plain text, no ToUserName",
			give: "<xml><Encrypt>" + va1Encrypt + "</Encrypt></xml>",
			want: Envelope{Encrypt: va1Encrypt},
		},
		{
			name: "XML declaration and nested unknown elements",
			give: `<?xml version="1.0" encoding="UTF-8"?><xml><Encrypt>` + va1Encrypt + `</Encrypt><Extra><Item><Encrypt>not me</Encrypt></Item></Extra></xml>`,
			want: Envelope{Encrypt: va1Encrypt},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := ParseEnvelope([]byte(tt.give))
			if err != nil {
				t.Fatalf("ParseEnvelope: %v", err)
			}
			if got != tt.want {
				t.Errorf("ParseEnvelope = %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestParseEnvelopeRejects(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		give string
	}{
		{name: "empty", give: ""},
		{name: "not XML", give: `{"Encrypt":"abc"}`},
		{name: "truncated", give: "<xml><Encrypt><![CDATA[" + va1Encrypt},
		{name: "wrong root", give: "<root><Encrypt>" + va1Encrypt + "</Encrypt></root>"},
		{name: "no Encrypt (plaintext mode body)", give: "<xml><ToUserName><![CDATA[gh_x]]></ToUserName><Content><![CDATA[hi]]></Content></xml>"},
		{name: "empty Encrypt", give: "<xml><ToUserName>gh_x</ToUserName><Encrypt><![CDATA[]]></Encrypt></xml>"},
		{name: "two Encrypt", give: "<xml><Encrypt>" + va1Encrypt + "</Encrypt><Encrypt>" + va2Encrypt + "</Encrypt></xml>"},
		{name: "two ToUserName", give: "<xml><ToUserName>a</ToUserName><ToUserName>b</ToUserName><Encrypt>" + va1Encrypt + "</Encrypt></xml>"},
		{name: "user-defined entity", give: `<!DOCTYPE xml [<!ENTITY e "` + va1Encrypt + `">]><xml><Encrypt>&e;</Encrypt></xml>`},
		{name: "mismatched tags", give: "<xml><Encrypt>" + va1Encrypt + "</Encrypt></lmx>"},
		{name: "too large", give: "<xml><Encrypt>" + strings.Repeat("A", MaxEnvelopeSize) + "</Encrypt></xml>"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := ParseEnvelope([]byte(tt.give))
			if !errors.Is(err, ErrBadEnvelope) {
				t.Fatalf("ParseEnvelope = %+v, %v; want ErrBadEnvelope", got, err)
			}
			if strings.Contains(err.Error(), va1Encrypt[:16]) || strings.Contains(err.Error(), "lmx") {
				t.Errorf("error %q quotes the body", err)
			}
		})
	}
}

// TestSafeModeRequest runs what the gateway will do with vector C: parse, verify, decrypt.
func TestSafeModeRequest(t *testing.T) {
	t.Parallel()
	env, err := ParseEnvelope([]byte(vcBody))
	if err != nil {
		t.Fatal(err)
	}
	if !VerifyMsgSignature(vcToken, vcTS, vcNonce, env.Encrypt, vcMsgSig) {
		t.Fatal("msg_signature of the parsed Encrypt does not verify")
	}
	c := newTestCipher(t, vcKey, vcAppID)
	msg, appID, err := c.Decrypt(env.Encrypt)
	if err != nil || string(msg) != vcPlain || appID != vcAppID {
		t.Fatalf("Decrypt = %q, %q, %v", msg, appID, err)
	}
}

func TestEncryptReplyWechatpyVector(t *testing.T) {
	t.Parallel()
	c := newTestCipher(t, wpKey, wpCorpID)
	got, err := c.EncryptReply(wpToken, []byte(wpEncPlain), wpEncTS, wpEncNonce, strings.NewReader(wpEncRandom))
	if err != nil {
		t.Fatal(err)
	}
	// The official template: wechatpy's expected reply without its newlines.
	want := strings.ReplaceAll(wpEncReplyWechatpy, "\n", "")
	if string(got) != want {
		t.Errorf("EncryptReply =\n%s\nwant\n%s", got, want)
	}
	if got := AppendReplyEnvelope(nil, wpEncrypt, wpEncMsgSig, wpEncTS, wpEncNonce); string(got) != want {
		t.Errorf("AppendReplyEnvelope =\n%s\nwant\n%s", got, want)
	}

	// What a receiver reads back from the envelope.
	var r struct {
		XMLName      xml.Name `xml:"xml"`
		Encrypt      string
		MsgSignature string
		TimeStamp    int64
		Nonce        string
	}
	if err := xml.Unmarshal(got, &r); err != nil {
		t.Fatal(err)
	}
	if r.Encrypt != wpEncrypt || r.MsgSignature != wpEncMsgSig || r.TimeStamp != wpEncTS || r.Nonce != wpEncNonce {
		t.Errorf("envelope reads back as %+v", r)
	}
	env, err := ParseEnvelope(got)
	if err != nil || env.Encrypt != wpEncrypt {
		t.Errorf("ParseEnvelope(reply) = %+v, %v", env, err)
	}
	if !VerifyMsgSignature(wpToken, "1411525903", r.Nonce, r.Encrypt, r.MsgSignature) {
		t.Error("reply signature does not verify")
	}
}

func TestEncryptReplyRoundTrip(t *testing.T) {
	t.Parallel()
	k, err := NewKeyring(vaAppID, otherKey, vaKey)
	if err != nil {
		t.Fatal(err)
	}
	_, used, err := k.Decrypt(va1Encrypt)
	if err != nil {
		t.Fatal(err)
	}
	reply := "<xml><ToUserName><![CDATA[oUser]]></ToUserName><FromUserName><![CDATA[gh_x]]></FromUserName><CreateTime>1700000000</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[你好 ]]]]><![CDATA[>]]></Content></xml>"
	out, err := used.EncryptReply(vaToken, []byte(reply), 1700000000, "n]]>once", nil)
	if err != nil {
		t.Fatal(err)
	}
	var r struct {
		Encrypt, MsgSignature, TimeStamp, Nonce string
	}
	if err := xml.Unmarshal(out, &r); err != nil {
		t.Fatal(err)
	}
	if r.Nonce != "n]]>once" || r.TimeStamp != "1700000000" {
		t.Errorf("envelope reads back as %+v", r)
	}
	if !VerifyMsgSignature(vaToken, r.TimeStamp, r.Nonce, r.Encrypt, r.MsgSignature) {
		t.Error("reply signature does not verify")
	}
	msg, used2, err := k.Decrypt(r.Encrypt)
	if err != nil || string(msg) != reply || used2 != k.Previous() {
		t.Errorf("reply decrypts to %q with %v, %v", msg, used2, err)
	}
}

func TestAppendCDATA(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		give string
		want string // the CDATA section(s)
		read string // what encoding/xml reads back
	}{
		{name: "empty", give: "", want: "<![CDATA[]]>", read: ""},
		{name: "plain", give: "你好 <b>&amp;</b>", want: "<![CDATA[你好 <b>&amp;</b>]]>", read: "你好 <b>&amp;</b>"},
		{name: "section end", give: "a]]>b", want: "<![CDATA[a]]]]><![CDATA[>b]]>", read: "a]]>b"},
		{name: "only section end", give: "]]>", want: "<![CDATA[]]]]><![CDATA[>]]>", read: "]]>"},
		{name: "two section ends", give: "]]>]]>", want: "<![CDATA[]]]]><![CDATA[>]]]]><![CDATA[>]]>", read: "]]>]]>"},
		{name: "extra bracket", give: "]]]>", want: "<![CDATA[]]]]]><![CDATA[>]]>", read: "]]]>"},
		{name: "brackets without >", give: "]] ] ]]", want: "<![CDATA[]] ] ]]]]>", read: "]] ] ]]"},
		{name: "trailing brackets", give: "x]]", want: "<![CDATA[x]]]]>", read: "x]]"},
		{name: "cdata opener", give: "<![CDATA[x", want: "<![CDATA[<![CDATA[x]]>", read: "<![CDATA[x"},
		{name: "tab and newline kept", give: "a\tb\nc", want: "<![CDATA[a\tb\nc]]>", read: "a\tb\nc"},
		{name: "carriage return normalised by parsers", give: "a\r\nb\rc", want: "<![CDATA[a\r\nb\rc]]>", read: "a\nb\nc"},
		{name: "control characters replaced", give: "a\x00b\x1bc", want: "<![CDATA[a\uFFFDb\uFFFDc]]>", read: "a\uFFFDb\uFFFDc"},
		{name: "invalid UTF-8 replaced", give: "a\xffb", want: "<![CDATA[a\uFFFDb]]>", read: "a\uFFFDb"},
		{name: "U+FFFE replaced", give: "a\uFFFEb", want: "<![CDATA[a\uFFFDb]]>", read: "a\uFFFDb"},
		{name: "astral kept", give: "😀", want: "<![CDATA[😀]]>", read: "😀"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := AppendCDATA([]byte("<Content>"), tt.give)
			if want := "<Content>" + tt.want; string(got) != want {
				t.Errorf("AppendCDATA = %q, want %q", got, want)
			}
			if s := CDATA(tt.give); s != tt.want {
				t.Errorf("CDATA = %q, want %q", s, tt.want)
			}
			var v struct {
				Content string `xml:",chardata"`
			}
			if err := xml.Unmarshal(append(got, "</Content>"...), &v); err != nil {
				t.Fatalf("encoding/xml cannot read %q: %v", got, err)
			}
			if v.Content != tt.read {
				t.Errorf("encoding/xml reads %q, want %q", v.Content, tt.read)
			}
		})
	}
}

func TestAppendCDATAMatchesEncodingXML(t *testing.T) {
	t.Parallel()
	// encoding/xml's ",cdata" splits "]]>" the same way (it writes nothing for "").
	for _, s := range []string{"a", "]]>", "a]]>b]]>c", "]]]>>", "<![CDATA[]]>"} {
		v := struct {
			XMLName xml.Name `xml:"C"`
			V       string   `xml:",cdata"`
		}{V: s}
		want, err := xml.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		got := append(AppendCDATA([]byte("<C>"), s), "</C>"...)
		if !bytes.Equal(got, want) {
			t.Errorf("AppendCDATA(%q) = %s, encoding/xml writes %s", s, got, want)
		}
	}
}
