package sandbox_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/wxsuite/wxsuite/sandbox"
	"github.com/wxsuite/wxsuite/sandbox/sandboxtest"
)

// FuzzOutboundBodies posts arbitrary bodies to every outbound endpoint: the sandbox
// answers each with a JSON errcode envelope or payload and never panics.
func FuzzOutboundBodies(f *testing.F) {
	paths := []string{"/cgi-bin/message/custom/send", "/cgi-bin/message/custom/typing", "/cgi-bin/template/api_set_industry",
		"/cgi-bin/template/api_add_template", "/cgi-bin/template/del_private_template", "/cgi-bin/message/template/send",
		"/cgi-bin/message/subscribe/bizsend", "/cgi-bin/message/template/subscribe", "/wxaapi/newtmpl/addtemplate",
		"/wxaapi/newtmpl/deltemplate", "/cgi-bin/media/uploadnews", "/cgi-bin/message/mass/sendall", "/cgi-bin/message/mass/send",
		"/cgi-bin/message/mass/preview", "/cgi-bin/message/mass/delete", "/cgi-bin/message/mass/get", "/cgi-bin/message/mass/speed/set"}
	f.Add(uint8(0), `{"touser":"o","msgtype":"text","text":{"content":"x"}}`)
	f.Add(uint8(11), `{"filter":{"is_to_all":true},"msgtype":"images","images":{"media_ids":[""]}}`)
	f.Add(uint8(12), `{"touser":["a","a"],"msgtype":"mpnews","mpnews":null,"clientmsgid":"x"}`)
	f.Add(uint8(6), `{"touser":"o","template_id":"t","data":{"thing1":{"value":123}}}`)
	f.Add(uint8(8), `{"tid":"401","kidList":[1,1,99]}`)
	f.Add(uint8(16), `{"speed":-1}`)
	f.Add(uint8(3), `[]`)
	env := sandboxtest.Start(f)
	env.AckCallback(f, sandboxtest.DemoAppID)
	u := env.AddUser(f, sandboxtest.DemoAppID, sandbox.User{OpenID: "o"})
	env.PushText(f, sandboxtest.DemoAppID, u.OpenID, "hi")
	tok, _, err := env.Sandbox.IssueToken(sandboxtest.DemoAppID)
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, which uint8, body string) {
		path := paths[int(which)%len(paths)]
		r := do(t, env, http.MethodPost, path, url.Values{"access_token": {tok}}, body)
		if r.Status != http.StatusOK || !strings.HasPrefix(r.ContentType, "application/json") {
			t.Fatalf("%s %q: HTTP %d %s", path, body, r.Status, r.ContentType)
		}
	})
}
