package main

import (
	"strings"
	"testing"
)

// The answers of the servers under test and /proc and INFO texts are outside input: no
// input may panic the load generator.

func FuzzReplyCheck(f *testing.F) {
	acc, err := newAccount()
	if err != nil {
		f.Fatal(err)
	}
	f.Add(int64(0), []byte("success"))
	f.Add(int64(0), []byte("<xml><Encrypt><![CDATA[AAAA]]></Encrypt><MsgSignature>x</MsgSignature><TimeStamp>1</TimeStamp><Nonce>n</Nonce></xml>"))
	f.Add(int64(50), []byte("<xml><Encrypt></Encrypt>"))
	checks := []*replyCheck{
		{want: answerSuccess, acc: acc, spec: &pushSpec{acc: acc}, every: 1},
		{want: answerEncrypted, acc: acc, reply: "r", spec: &pushSpec{acc: acc}, every: 1},
		{want: answerEncryptedEmpty, acc: acc, spec: &pushSpec{acc: acc}, every: 1},
	}
	f.Fuzz(func(t *testing.T, seq int64, body []byte) {
		for _, c := range checks {
			_ = c.check(seq, 200, body)
		}
	})
}

func FuzzParseRedisCPU(f *testing.F) {
	f.Add("# CPU\r\nused_cpu_sys:1.5\r\nused_cpu_user:2.25\r\n")
	f.Add("used_cpu_sys:x\nused_cpu_user:")
	f.Fuzz(func(t *testing.T, info string) {
		if d, err := parseRedisCPU(info); err == nil && d < 0 && !strings.Contains(info, "-") {
			t.Errorf("negative CPU %v from %q", d, info)
		}
	})
}
