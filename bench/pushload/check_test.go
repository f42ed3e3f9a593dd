package main

import (
	"bytes"
	"errors"
	"testing"
)

func TestReplyCheck(t *testing.T) {
	t.Parallel()
	acc, other := testAccount(t), testAccount(t)
	spec := &pushSpec{acc: acc, userBase: 5}
	user := pushedText{FromUserName: openID(5 + 7), ToUserName: acc.ghID, CreateTime: 1}
	good := encryptedText(t, acc, user, "the reply")
	tampered := bytes.Replace(good, []byte("<MsgSignature><![CDATA["), []byte("<MsgSignature><![CDATA[0"), 1)
	emptyMsg, err := acc.cipher.EncryptReply(acc.token, nil, 1, "n", nil)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		want    string
		status  int
		body    []byte
		wantErr bool
	}{
		{"success", answerSuccess, 200, []byte("success"), false},
		{"success expected, empty body", answerSuccess, 200, nil, true},
		{"success expected, a reply", answerSuccess, 200, good, true},
		{"status 500", answerSuccess, 500, []byte("success"), true},
		{"text reply", answerEncrypted, 200, good, false},
		{"text reply expected, success", answerEncrypted, 200, []byte("success"), true},
		{"tampered signature", answerEncrypted, 200, tampered, true},
		{"encrypted with another account", answerEncrypted, 200, encryptedText(t, other, user, "the reply"), true},
		{"reply to another user", answerEncrypted, 200, encryptedText(t, acc, pushedText{FromUserName: openID(6), ToUserName: acc.ghID}, "the reply"), true},
		{"another text", answerEncrypted, 200, encryptedText(t, acc, user, "the reply!"), true},
		{"encrypted empty", answerEncryptedEmpty, 200, emptyMsg, false},
		{"encrypted empty expected, a reply", answerEncryptedEmpty, 200, good, true},
		{"not XML", answerEncrypted, 200, []byte("<xml><Encrypt>"), true},
	}
	for _, tt := range tests {
		c := &replyCheck{want: tt.want, acc: acc, reply: "the reply", spec: spec, every: 1}
		err := c.check(7, tt.status, tt.body)
		if (err != nil) != tt.wantErr {
			t.Errorf("%s: err %v, want error %t", tt.name, err, tt.wantErr)
		}
		if err != nil && tt.status == 200 && !errors.Is(err, errBadReply) {
			t.Errorf("%s: %v does not wrap errBadReply", tt.name, err)
		}
	}
}

func TestReplyCheckSamples(t *testing.T) {
	t.Parallel()
	acc := testAccount(t)
	// An envelope that only the full check can tell is wrong: it is checked on seq 0, 10,
	// 20, … and passes the cheap check on the others.
	bad := []byte("<xml><Encrypt>AAAA</Encrypt></xml>")
	c := &replyCheck{want: answerEncrypted, acc: acc, reply: "r", spec: &pushSpec{acc: acc}, every: 10}
	for seq := range int64(25) {
		err := c.check(seq, 200, bad)
		if (err != nil) != (seq%10 == 0) {
			t.Errorf("seq %d: err %v", seq, err)
		}
	}
}
