package wxcrypto

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/wxsuite/wxsuite/internal/flatxml"
)

// MaxEnvelopeSize is the largest request body ParseEnvelope accepts, far above any message
// WeChat pushes (they are a few KiB at most); the caller should also limit what it reads.
const MaxEnvelopeSize = 1 << 20

// Envelope is what safe and compatible mode need from a pushed request body
// (<xml><ToUserName>…</ToUserName><Encrypt>…</Encrypt></xml>; compatible mode adds the
// plaintext fields, which ParseEnvelope skips).
type Envelope struct {
	// ToUserName is the account's original id (gh_…); empty when the element is absent.
	ToUserName string
	// Encrypt is the Base64 ciphertext exactly as sent, the input of VerifyMsgSignature and
	// Decrypt. ParseEnvelope never returns it empty.
	Encrypt string
}

// envelopeXML keeps repeated elements apart so that a body with two Encrypt elements is
// rejected rather than resolved by taking one of them.
type envelopeXML struct {
	XMLName    xml.Name `xml:"xml"`
	ToUserName []string `xml:"ToUserName"`
	Encrypt    []string `xml:"Encrypt"`
}

// ParseEnvelope reads ToUserName and Encrypt from a pushed request body (with internal/flatxml
// for the flat form WeChat sends, else with encoding/xml, which reads it the same way). The
// root element must be <xml>, Encrypt must appear exactly once and be non-empty, ToUserName at
// most once; other elements are skipped. Bodies over MaxEnvelopeSize are refused before
// parsing, and what parsing allocates is proportional to len(body). Errors wrap
// ErrBadEnvelope and never quote the body.
func ParseEnvelope(body []byte) (Envelope, error) {
	if len(body) > MaxEnvelopeSize {
		return Envelope{}, fmt.Errorf("%w: body of %d bytes exceeds %d", ErrBadEnvelope, len(body), MaxEnvelopeSize)
	}
	var v envelopeXML
	fast := flatxml.Scan(body, "xml", func(name, value []byte) {
		switch string(name) {
		case "ToUserName":
			v.ToUserName = append(v.ToUserName, string(value))
		case "Encrypt":
			v.Encrypt = append(v.Encrypt, string(value))
		}
	})
	if !fast {
		// Not the simple flat form: encoding/xml decides (and reads it the same way).
		v = envelopeXML{}
		err := xml.NewDecoder(bytes.NewReader(body)).Decode(&v)
		if err != nil {
			// encoding/xml errors can quote element names from the body; keep only their kind.
			return Envelope{}, fmt.Errorf("%w: not well-formed <xml>", ErrBadEnvelope)
		}
	}
	switch {
	case len(v.Encrypt) != 1:
		return Envelope{}, fmt.Errorf("%w: %d Encrypt elements, want 1", ErrBadEnvelope, len(v.Encrypt))
	case v.Encrypt[0] == "":
		return Envelope{}, fmt.Errorf("%w: Encrypt is empty", ErrBadEnvelope)
	case len(v.ToUserName) > 1:
		return Envelope{}, fmt.Errorf("%w: %d ToUserName elements, want at most 1", ErrBadEnvelope, len(v.ToUserName))
	}
	env := Envelope{Encrypt: v.Encrypt[0]}
	if len(v.ToUserName) == 1 {
		env.ToUserName = v.ToUserName[0]
	}
	return env, nil
}

// AppendReplyEnvelope appends the encrypted reply of safe mode to dst, in the exact form of
// the official samples:
//
//	<xml><Encrypt><![CDATA[…]]></Encrypt><MsgSignature><![CDATA[…]]></MsgSignature><TimeStamp>…</TimeStamp><Nonce><![CDATA[…]]></Nonce></xml>
//
// TimeStamp is a bare integer; the other three go through AppendCDATA. msgSignature must be
// MsgSignature(token, strconv.FormatInt(timestamp, 10), nonce, encrypt); EncryptReply does
// all of it.
func AppendReplyEnvelope(dst []byte, encrypt, msgSignature string, timestamp int64, nonce string) []byte {
	dst = append(dst, "<xml><Encrypt>"...)
	dst = AppendCDATA(dst, encrypt)
	dst = append(dst, "</Encrypt><MsgSignature>"...)
	dst = AppendCDATA(dst, msgSignature)
	dst = append(dst, "</MsgSignature><TimeStamp>"...)
	dst = strconv.AppendInt(dst, timestamp, 10)
	dst = append(dst, "</TimeStamp><Nonce>"...)
	dst = AppendCDATA(dst, nonce)
	return append(dst, "</Nonce></xml>"...)
}

// EncryptReply encrypts a passive reply (the plaintext <xml> of a text, image, news… reply) with c, signs
// it with token, timestamp and nonce, and returns the reply envelope of AppendReplyEnvelope.
// In a Keyring, use the Cipher that decrypted the request. random is as for Encrypt.
func (c *Cipher) EncryptReply(token string, reply []byte, timestamp int64, nonce string, random io.Reader) ([]byte, error) {
	enc, err := c.Encrypt(reply, random)
	if err != nil {
		return nil, err
	}
	sig := MsgSignature(token, strconv.FormatInt(timestamp, 10), nonce, enc)
	// 133 bytes of tags and CDATA markers, and a timestamp of up to 20 characters.
	dst := make([]byte, 0, 153+len(enc)+len(sig)+len(nonce))
	return AppendReplyEnvelope(dst, enc, sig, timestamp, nonce), nil
}

const (
	cdataOpen  = "<![CDATA["
	cdataClose = "]]>"
	// cdataSplit ends the section between "]]" and ">" and opens a new one, so that the
	// parsed text still reads "]]>".
	cdataSplit = "]]]]><![CDATA[>"
)

// AppendCDATA appends s to dst as one CDATA section, <![CDATA[s]]>, for the reply builders. A
// "]]>" inside s, which would end the section, is written as "]]]]><![CDATA[>" (two adjacent
// sections), so any XML parser reads s back. Characters XML 1.0 does not allow even in CDATA
// (controls other than tab, newline and carriage return; U+FFFE, U+FFFF; invalid UTF-8) are
// replaced by U+FFFD, as encoding/xml's EscapeText does. Like all XML text, a carriage return
// comes back from a parser as a newline (XML end-of-line handling).
func AppendCDATA(dst []byte, s string) []byte {
	dst = append(dst, cdataOpen...)
	for i := 0; i < len(s); {
		// Runs of plain ASCII (Base64 ciphertexts, signatures, most text) go in one append.
		j := i
		for j < len(s) && plainCDATAByte[s[j]] {
			j++
		}
		if j > i {
			dst = append(dst, s[i:j]...)
			i = j
			continue
		}
		if s[i] == ']' && strings.HasPrefix(s[i:], cdataClose) {
			dst = append(dst, cdataSplit...)
			i += len(cdataClose)
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 || !isXMLChar(r) {
			dst = utf8.AppendRune(dst, utf8.RuneError)
		} else {
			dst = append(dst, s[i:i+size]...)
		}
		i += size
	}
	return append(dst, cdataClose...)
}

// plainCDATAByte marks the bytes AppendCDATA copies as they are without a closer look:
// printable ASCII but ']', and tab, newline and carriage return.
var plainCDATAByte = func() (t [256]bool) {
	for c := 0x20; c < 0x7F; c++ {
		t[c] = c != ']'
	}
	t['\t'], t['\n'], t['\r'] = true, true, true
	return t
}()

// CDATA returns AppendCDATA(nil, s) as a string.
func CDATA(s string) string {
	return string(AppendCDATA(make([]byte, 0, len(s)+len(cdataOpen)+len(cdataClose)), s))
}

// isXMLChar reports whether r is a Char of XML 1.0 (the same range encoding/xml enforces).
func isXMLChar(r rune) bool {
	return r == 0x09 || r == 0x0A || r == 0x0D ||
		r >= 0x20 && r <= 0xD7FF ||
		r >= 0xE000 && r <= 0xFFFD ||
		r >= 0x10000 && r <= 0x10FFFF
}
