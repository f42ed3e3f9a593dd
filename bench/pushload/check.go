package main

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"strconv"

	"github.com/wxsuite/wxsuite/internal/wxcrypto"
)

// Answers a server under test is expected to give to every push.
const (
	// answerSuccess: the body is exactly "success" (the bare handler; wxsuite without a rule).
	answerSuccess = "success"
	// answerEncrypted: an encrypted reply envelope whose message is the text reply of the
	// rule (wxsuite and the peer with a rule).
	answerEncrypted = "encrypted"
	// answerEncryptedEmpty: an encrypted reply envelope around an empty message (the peer
	// without a rule: the SDK's Send encrypts its empty response in safe mode).
	answerEncryptedEmpty = "encrypted-empty"
)

// replyCheck checks the answers to a run's pushes. Every answer gets the cheap check (status
// and shape); the full one (msg_signature, decryption, appid, the reply's fields) runs on
// every push whose seq is a multiple of every, so that checking costs the load generator
// little CPU, which it shares with the servers.
type replyCheck struct {
	want  string // answerSuccess, answerEncrypted or answerEncryptedEmpty
	acc   *account
	reply string // the rule's text reply (answerEncrypted)
	spec  *pushSpec
	every int64
}

// errBadReply marks answers that are not what the server should have said.
var errBadReply = errors.New("bad reply")

// check checks the answer to push seq.
func (c *replyCheck) check(seq int64, status int, body []byte) error {
	if status != 200 {
		return fmt.Errorf("HTTP %d", status)
	}
	switch c.want {
	case answerSuccess:
		if string(body) != "success" {
			return fmt.Errorf("%w: want \"success\", got %d bytes", errBadReply, len(body))
		}
		return nil
	case answerEncrypted, answerEncryptedEmpty:
		if !bytes.HasPrefix(body, []byte("<xml>")) || !bytes.Contains(body, []byte("<Encrypt>")) {
			return fmt.Errorf("%w: want an encrypted envelope, got %d bytes", errBadReply, len(body))
		}
		if c.every > 0 && seq%c.every == 0 {
			return c.full(seq, body)
		}
		return nil
	}
	return fmt.Errorf("unknown expected answer %q", c.want)
}

// replyEnvelope is the encrypted answer of safe mode.
type replyEnvelope struct {
	XMLName      xml.Name `xml:"xml"`
	Encrypt      string   `xml:"Encrypt"`
	MsgSignature string   `xml:"MsgSignature"`
	TimeStamp    string   `xml:"TimeStamp"`
	Nonce        string   `xml:"Nonce"`
}

// textReply is the plaintext of a passive text reply.
type textReply struct {
	XMLName      xml.Name `xml:"xml"`
	ToUserName   string   `xml:"ToUserName"`
	FromUserName string   `xml:"FromUserName"`
	MsgType      string   `xml:"MsgType"`
	Content      string   `xml:"Content"`
}

// full verifies the reply envelope's signature, decrypts it with the account's key and
// checks the message: empty, or a text reply from the account to the push's user.
func (c *replyCheck) full(seq int64, body []byte) error {
	var env replyEnvelope
	if err := xml.Unmarshal(body, &env); err != nil {
		return fmt.Errorf("%w: envelope: %v", errBadReply, err)
	}
	if _, err := strconv.ParseInt(env.TimeStamp, 10, 64); err != nil {
		return fmt.Errorf("%w: TimeStamp %q", errBadReply, env.TimeStamp)
	}
	if !wxcrypto.VerifyMsgSignature(c.acc.token, env.TimeStamp, env.Nonce, env.Encrypt, env.MsgSignature) {
		return fmt.Errorf("%w: MsgSignature does not verify", errBadReply)
	}
	msg, _, err := c.acc.cipher.Decrypt(env.Encrypt)
	if err != nil {
		return fmt.Errorf("%w: decrypt: %v", errBadReply, err)
	}
	if c.want == answerEncryptedEmpty {
		if len(msg) != 0 {
			return fmt.Errorf("%w: want an empty message, got %d bytes", errBadReply, len(msg))
		}
		return nil
	}
	var r textReply
	if err := xml.Unmarshal(msg, &r); err != nil {
		return fmt.Errorf("%w: reply message: %v", errBadReply, err)
	}
	switch user := openID(c.spec.userBase + seq); {
	case r.MsgType != "text" || r.Content != c.reply:
		return fmt.Errorf("%w: want the text reply %q, got %s %q", errBadReply, c.reply, r.MsgType, r.Content)
	case r.ToUserName != user || r.FromUserName != c.acc.ghID:
		return fmt.Errorf("%w: reply from %q to %q, want from %q to %q", errBadReply, r.FromUserName, r.ToUserName, c.acc.ghID, user)
	}
	return nil
}
