package sandbox_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"connectrpc.com/connect"

	sandboxv1 "github.com/wxsuite/wxsuite/gen/go/wxsuite/sandbox/v1"
	"github.com/wxsuite/wxsuite/sandbox"
	"github.com/wxsuite/wxsuite/sandbox/sandboxtest"
)

// outboundEnv is a frozen-clock sandbox whose demo account acknowledges pushes, with one
// user and a token.
type outboundEnv struct {
	*sandboxtest.Env
	token string
	user  string
}

func newOutboundEnv(t *testing.T) *outboundEnv {
	t.Helper()
	env := startFrozen(t, sandbox.Options{})
	env.AckCallback(t, sandboxtest.DemoAppID)
	u := env.AddUser(t, sandboxtest.DemoAppID, sandbox.User{Nickname: "alice"})
	return &outboundEnv{Env: env, token: fetchToken(t, env), user: u.OpenID}
}

func (e *outboundEnv) post(t *testing.T, path string, body any) reply {
	t.Helper()
	data, ok := body.(string)
	if !ok {
		b, err := json.Marshal(body)
		if err != nil {
			t.Fatal(err)
		}
		data = string(b)
	}
	return do(t, e.Env, http.MethodPost, path, url.Values{"access_token": {e.token}}, data)
}

func (e *outboundEnv) get(t *testing.T, path string, q url.Values) reply {
	t.Helper()
	if q == nil {
		q = url.Values{}
	}
	q.Set("access_token", e.token)
	return get(t, e.Env, path, q)
}

// advance moves the simulated clock and fetches a fresh token (tokens last 2 h).
func (e *outboundEnv) advance(t *testing.T, d time.Duration) {
	t.Helper()
	e.Sandbox.Advance(d)
	e.token = fetchToken(t, e.Env)
}

func (e *outboundEnv) interact(t *testing.T) {
	t.Helper()
	e.PushText(t, sandboxtest.DemoAppID, e.user, "hi")
}

func TestCustomSendEveryType(t *testing.T) {
	t.Parallel()
	e := newOutboundEnv(t)
	e.interact(t)
	tests := []struct {
		give string
		want int
	}{
		{`{"msgtype":"text","text":{"content":"Hello World"}}`, 0},
		{`{"msgtype":"image","image":{"media_id":"M"}}`, 0},
		{`{"msgtype":"voice","voice":{"media_id":"M"}}`, 0},
		{`{"msgtype":"video","video":{"media_id":"M","thumb_media_id":"T","title":"t","description":"d"}}`, 0},
		{`{"msgtype":"music","music":{"title":"t","description":"d","musicurl":"http://m","hqmusicurl":"http://h","thumb_media_id":"T"}}`, 0},
		{`{"msgtype":"news","news":{"articles":[{"title":"Happy Day","description":"d","url":"http://u","picurl":"http://p"}]}}`, 0},
		{`{"msgtype":"mpnews","mpnews":{"media_id":"M"}}`, 0},
		{`{"msgtype":"mpnewsarticle","mpnewsarticle":{"article_id":"A"}}`, 0},
		{`{"msgtype":"msgmenu","msgmenu":{"head_content":"满意吗","list":[{"id":"101","content":"满意"}],"tail_content":"谢谢"}}`, 0},
		{`{"msgtype":"wxcard","wxcard":{"card_id":"C"}}`, 0},
		{`{"msgtype":"miniprogrampage","miniprogrampage":{"title":"t","appid":"wx0123456789abcdef","pagepath":"p","thumb_media_id":"T"}}`, 0},
		{`{"msgtype":"text","text":{"content":"kf"},"customservice":{"kf_account":"test1@kftest"}}`, 0},
		{`{"msgtype":"text","text":{"content":""}}`, 44004},
		{`{"msgtype":"text","text":{"content":"` + strings.Repeat("a", 2049) + `"}}`, 45002},
		{`{"msgtype":"news","news":{"articles":[{"title":"a"},{"title":"b"}]}}`, 45008},
		{`{"msgtype":"image","image":{}}`, 40007},
		{`{"msgtype":"sticker"}`, 40008},
		{`{"msgtype":"text","text":{"content":"x"},"customservice":{"kf_account":"nobody"}}`, 65401},
	}
	sent := 0
	for _, tt := range tests {
		body := `{"touser":"` + e.user + `",` + tt.give[1:]
		r := e.post(t, "/cgi-bin/message/custom/send", body)
		wantCode(t, r, tt.want)
		if tt.want == 0 {
			sent++
		}
	}
	items := e.InboxChannel(t, sandboxtest.DemoAppID, e.user, sandbox.ChannelCustom)
	if len(items) != sent {
		t.Fatalf("inbox holds %d custom messages, want %d", len(items), sent)
	}
	if items[0].MsgType != "text" || !strings.Contains(items[0].Body, `"Hello World"`) {
		t.Errorf("first item = %+v", items[0])
	}
	wantCode(t, e.post(t, "/cgi-bin/message/custom/send", `{"touser":"o-nobody","msgtype":"text","text":{"content":"x"}}`), 40003)
}

func TestCustomSendWindow(t *testing.T) {
	t.Parallel()
	e := newOutboundEnv(t)
	text := map[string]any{"touser": e.user, "msgtype": "text", "text": map[string]string{"content": "hello"}}
	wantCode(t, e.post(t, "/cgi-bin/message/custom/send", text), 45015) // never interacted
	e.interact(t)
	wantCode(t, e.post(t, "/cgi-bin/message/custom/send", text), 0)
	e.advance(t, 48*time.Hour-time.Second)
	wantCode(t, e.post(t, "/cgi-bin/message/custom/send", text), 0)
	e.advance(t, time.Second)
	wantCode(t, e.post(t, "/cgi-bin/message/custom/send", text), 45015)
	// An event opens it too; unfollowing closes it; job-finish events do not count.
	e.PushEvent(t, sandboxtest.DemoAppID, e.user, sandbox.Event{Event: "CLICK", EventKey: "k"})
	wantCode(t, e.post(t, "/cgi-bin/message/custom/send", text), 0)
	e.PushEvent(t, sandboxtest.DemoAppID, e.user, sandbox.Event{Event: "unsubscribe"})
	wantCode(t, e.post(t, "/cgi-bin/message/custom/send", text), 45015)
	e.PushEvent(t, sandboxtest.DemoAppID, e.user, sandbox.Event{Event: "TEMPLATESENDJOBFINISH", Fields: map[string]string{"MsgID": "1", "Status": "success"}})
	wantCode(t, e.post(t, "/cgi-bin/message/custom/send", text), 45015)
}

func TestCustomSendResponseCounts(t *testing.T) {
	t.Parallel()
	e := newOutboundEnv(t)
	e.SetOutboundSettings(t, sandboxtest.DemoAppID, sandbox.OutboundSettings{EnforceResponseCounts: true})
	text := map[string]any{"touser": e.user, "msgtype": "text", "text": map[string]string{"content": "hello"}}
	e.interact(t)
	for range 5 {
		wantCode(t, e.post(t, "/cgi-bin/message/custom/send", text), 0)
	}
	wantCode(t, e.post(t, "/cgi-bin/message/custom/send", text), 45047)
	e.PushEvent(t, sandboxtest.DemoAppID, e.user, sandbox.Event{Event: "CLICK", EventKey: "k"})
	for range 3 {
		wantCode(t, e.post(t, "/cgi-bin/message/custom/send", text), 0)
	}
	wantCode(t, e.post(t, "/cgi-bin/message/custom/send", text), 45047)
	e.PushEvent(t, sandboxtest.DemoAppID, e.user, sandbox.Event{Event: "CLICK", EventKey: "k"})
	e.advance(t, time.Minute)
	wantCode(t, e.post(t, "/cgi-bin/message/custom/send", text), 45015)
}

func TestCustomTyping(t *testing.T) {
	t.Parallel()
	e := newOutboundEnv(t)
	typing := func(cmd string) reply {
		return e.post(t, "/cgi-bin/message/custom/typing", map[string]string{"touser": e.user, "command": cmd})
	}
	wantCode(t, typing("Typing"), 45015)
	e.interact(t)
	wantCode(t, typing("Dancing"), 45072)
	wantCode(t, typing("Typing"), 0)
	if on, _ := e.Sandbox.Typing(sandboxtest.DemoAppID, e.user); !on {
		t.Error("Typing not shown")
	}
	wantCode(t, typing("Typing"), 45081)
	wantCode(t, typing("CancelTyping"), 0)
	wantCode(t, typing("Typing"), 0)
	// A message cancels typing.
	wantCode(t, e.post(t, "/cgi-bin/message/custom/send", map[string]any{"touser": e.user, "msgtype": "text", "text": map[string]string{"content": "x"}}), 0)
	if on, _ := e.Sandbox.Typing(sandboxtest.DemoAppID, e.user); on {
		t.Error("a message did not cancel typing")
	}
	e.advance(t, 31*time.Second)
	wantCode(t, typing("Typing"), 45080)
}

func TestTemplates(t *testing.T) {
	t.Parallel()
	e := newOutboundEnv(t)
	wantCode(t, e.post(t, "/cgi-bin/template/api_add_template", map[string]string{"template_id_short": "TM00015"}), 45027)
	wantCode(t, e.post(t, "/cgi-bin/template/api_set_industry", map[string]string{"industry_id1": "1", "industry_id2": "99"}), 40097)
	wantCode(t, e.post(t, "/cgi-bin/template/api_set_industry", map[string]string{"industry_id1": "1", "industry_id2": "4"}), 0)
	wantCode(t, e.post(t, "/cgi-bin/template/api_set_industry", map[string]string{"industry_id1": "2", "industry_id2": "4"}), 43100)
	ind := e.get(t, "/cgi-bin/template/get_industry", nil)
	if !strings.Contains(ind.Raw, `"second_class":"互联网|电子商务"`) || !strings.Contains(ind.Raw, `"second_class":"电子技术"`) {
		t.Errorf("get_industry = %s", ind.Raw)
	}
	add := e.post(t, "/cgi-bin/template/api_add_template", map[string]string{"template_id_short": "TM00015"})
	wantCode(t, add, 0)
	var tid string
	_ = json.Unmarshal(add.Fields["template_id"], &tid)
	wantCode(t, e.post(t, "/cgi-bin/template/api_add_template", map[string]any{"template_id_short": "47123", "keyword_name_list": []string{"时间"}}), 40246)
	wantCode(t, e.post(t, "/cgi-bin/template/api_add_template", map[string]any{"template_id_short": "47123", "keyword_name_list": []string{"时间", "地点", "金额"}}), 0)
	for i := 2; i < 25; i++ {
		wantCode(t, e.post(t, "/cgi-bin/template/api_add_template", map[string]string{"template_id_short": fmt.Sprintf("TM%05d", 100+i)}), 0)
	}
	wantCode(t, e.post(t, "/cgi-bin/template/api_add_template", map[string]string{"template_id_short": "TM00001"}), 45026)
	list := e.get(t, "/cgi-bin/template/get_all_private_template", nil)
	var l struct {
		TemplateList []struct {
			TemplateID string `json:"template_id"`
			Content    string `json:"content"`
		} `json:"template_list"`
	}
	_ = json.Unmarshal([]byte(list.Raw), &l)
	if len(l.TemplateList) != 25 || l.TemplateList[0].TemplateID != tid || !strings.Contains(l.TemplateList[0].Content, "{{orderMoneySum.DATA}}") {
		t.Fatalf("list = %s", list.Raw)
	}
	if !strings.Contains(l.TemplateList[1].Content, "{{time1.DATA}}") || !strings.Contains(l.TemplateList[1].Content, "{{amount3.DATA}}") {
		t.Errorf("category template content = %q", l.TemplateList[1].Content)
	}
	wantCode(t, e.post(t, "/cgi-bin/template/del_private_template", map[string]string{"template_id": l.TemplateList[2].TemplateID}), 0)
	wantCode(t, e.post(t, "/cgi-bin/template/del_private_template", map[string]string{"template_id": l.TemplateList[2].TemplateID}), 40037)

	send := func(data map[string]any, clientID string) reply {
		return e.post(t, "/cgi-bin/message/template/send", map[string]any{"touser": e.user, "template_id": tid,
			"url": "http://weixin.qq.com/download", "client_msg_id": clientID, "data": data})
	}
	wantCode(t, send(map[string]any{"bogus": map[string]string{"value": "x"}}, ""), 47003)
	ok := send(map[string]any{"first": map[string]string{"value": "hi", "color": "#173177"}, "orderMoneySum": map[string]string{"value": "39.8元"}}, "c1")
	wantCode(t, ok, 0)
	again := send(map[string]any{"first": map[string]string{"value": "hi"}}, "c1")
	if string(again.Fields["msgid"]) != string(ok.Fields["msgid"]) {
		t.Errorf("client_msg_id resend: msgid %s, want %s", again.Fields["msgid"], ok.Fields["msgid"])
	}
	if n := len(e.InboxChannel(t, sandboxtest.DemoAppID, e.user, sandbox.ChannelTemplate)); n != 1 {
		t.Errorf("inbox holds %d template messages, want 1", n)
	}
	wantCode(t, e.post(t, "/cgi-bin/message/template/send", map[string]any{"touser": e.user, "template_id": "nope"}), 40037)
	wantCode(t, e.post(t, "/cgi-bin/message/template/send", map[string]any{"touser": e.user, "template_id": tid,
		"miniprogram": map[string]string{"appid": "bad", "pagepath": "index"}}), 40166)
}

func TestSubscribeNotifications(t *testing.T) {
	t.Parallel()
	e := newOutboundEnv(t)
	cats := e.get(t, "/wxaapi/newtmpl/getcategory", nil)
	if !strings.Contains(cats.Raw, `"id":616`) {
		t.Errorf("getcategory = %s", cats.Raw)
	}
	titles := e.get(t, "/wxaapi/newtmpl/getpubtemplatetitles", url.Values{"ids": {"616,618"}, "start": {"0"}, "limit": {"30"}})
	if !strings.Contains(titles.Raw, `"tid":401`) || !strings.Contains(titles.Raw, `"count":3`) {
		t.Errorf("titles = %s", titles.Raw)
	}
	wantCode(t, e.get(t, "/wxaapi/newtmpl/getpubtemplatetitles", url.Values{"start": {"0"}, "limit": {"30"}}), 200018)
	wantCode(t, e.get(t, "/wxaapi/newtmpl/getpubtemplatetitles", url.Values{"ids": {"616"}, "start": {"0"}, "limit": {"31"}}), 200017)
	kw := e.get(t, "/wxaapi/newtmpl/getpubtemplatekeywords", url.Values{"tid": {"401"}})
	if !strings.Contains(kw.Raw, `"name":"线路名称"`) {
		t.Errorf("keywords = %s", kw.Raw)
	}
	wantCode(t, e.post(t, "/wxaapi/newtmpl/addtemplate", map[string]any{"tid": "999", "kidList": []int{1, 2}}), 200014)
	wantCode(t, e.post(t, "/wxaapi/newtmpl/addtemplate", map[string]any{"tid": "401", "kidList": []int{1}}), 200020)
	wantCode(t, e.post(t, "/wxaapi/newtmpl/addtemplate", map[string]any{"tid": "401", "kidList": []int{1, 2}, "sceneDesc": strings.Repeat("长", 16)}), 200021)
	add := e.post(t, "/wxaapi/newtmpl/addtemplate", map[string]any{"tid": "401", "kidList": []int{1, 2, 3}, "sceneDesc": "改道"})
	wantCode(t, add, 0)
	var pri string
	_ = json.Unmarshal(add.Fields["priTmplId"], &pri)
	list := e.get(t, "/wxaapi/newtmpl/gettemplate", nil)
	if !strings.Contains(list.Raw, "{{thing1.DATA}}") || !strings.Contains(list.Raw, pri) {
		t.Errorf("gettemplate = %s", list.Raw)
	}
	send := func(v string) reply {
		return e.post(t, "/cgi-bin/message/subscribe/bizsend", map[string]any{"touser": e.user, "template_id": pri,
			"page": "https://example.com", "data": map[string]any{"thing1": map[string]string{"value": v}, "time2": map[string]string{"value": "2024年1月1日 10:00"}}})
	}
	wantCode(t, send("10路"), 43101)
	e.SubscribeNotifications(t, sandboxtest.DemoAppID, e.user, sandbox.SubscribeDecision{TemplateID: pri, Accept: true})
	wantCode(t, send(strings.Repeat("长", 21)), 47003)
	wantCode(t, send("10路"), 0)
	wantCode(t, send("10路"), 43101) // the one grant was consumed
	if n := len(e.InboxChannel(t, sandboxtest.DemoAppID, e.user, sandbox.ChannelSubscribe)); n != 1 {
		t.Errorf("inbox holds %d subscribe messages, want 1", n)
	}
	wantCode(t, e.post(t, "/wxaapi/newtmpl/deltemplate", map[string]string{"priTmplId": pri}), 0)
	wantCode(t, e.post(t, "/wxaapi/newtmpl/deltemplate", map[string]string{"priTmplId": pri}), 40037)

	// One-time subscription.
	one := map[string]any{"touser": e.user, "template_id": "ONE", "scene": "7", "title": "提醒",
		"data": map[string]any{"content": map[string]string{"value": "您的订单已发货"}}}
	wantCode(t, e.post(t, "/cgi-bin/message/template/subscribe", one), 43101)
	e.ConfirmOneTimeSubscription(t, sandboxtest.DemoAppID, e.user, "ONE", 7)
	wantCode(t, e.post(t, "/cgi-bin/message/template/subscribe", one), 0)
	wantCode(t, e.post(t, "/cgi-bin/message/template/subscribe", one), 43101)
}

func TestMassSend(t *testing.T) {
	t.Parallel()
	e := newOutboundEnv(t)
	bob := e.AddUser(t, sandboxtest.DemoAppID, sandbox.User{Nickname: "bob"}).OpenID
	up := e.post(t, "/cgi-bin/media/uploadnews", map[string]any{"articles": []map[string]string{
		{"title": "a", "thumb_media_id": "T", "content": "<p>a</p>"}, {"title": "b", "thumb_media_id": "T", "content": "<p>b</p>"}}})
	var media string
	_ = json.Unmarshal(up.Fields["media_id"], &media)
	if media == "" || string(up.Fields["type"]) != `"news"` {
		t.Fatalf("uploadnews = %s", up.Raw)
	}
	wantCode(t, e.post(t, "/cgi-bin/media/uploadnews", map[string]any{"articles": []map[string]string{}}), 41011)

	wantCode(t, e.post(t, "/cgi-bin/message/mass/send", map[string]any{"touser": []string{e.user}, "msgtype": "text", "text": map[string]string{"content": "x"}}), 40130)
	wantCode(t, e.post(t, "/cgi-bin/message/mass/send", map[string]any{"touser": []string{e.user, bob}, "msgtype": "sticker"}), 45052)
	r := e.post(t, "/cgi-bin/message/mass/send", map[string]any{"touser": []string{e.user, bob, "o-unknown"}, "msgtype": "mpnews",
		"mpnews": map[string]string{"media_id": media}, "clientmsgid": "m1"})
	wantCode(t, r, 0)
	if r.Fields["msg_data_id"] == nil {
		t.Errorf("mpnews send without msg_data_id: %s", r.Raw)
	}
	for _, u := range []string{e.user, bob} {
		if items := e.InboxChannel(t, sandboxtest.DemoAppID, u, sandbox.ChannelMass); len(items) != 1 || strings.Contains(items[0].Body, "touser") {
			t.Errorf("%s mass inbox = %+v", u, items)
		}
	}
	wantCode(t, e.post(t, "/cgi-bin/message/mass/send", map[string]any{"touser": []string{e.user, bob}, "msgtype": "text", "text": map[string]string{"content": "x"}, "clientmsgid": "m1"}), 45066)
	e.advance(t, time.Minute)
	dup := e.post(t, "/cgi-bin/message/mass/send", map[string]any{"touser": []string{e.user, bob}, "msgtype": "text", "text": map[string]string{"content": "x"}, "clientmsgid": "m1"})
	wantCode(t, dup, 45065)
	if string(dup.Fields["msg_id"]) != string(r.Fields["msg_id"]) {
		t.Errorf("45065 msg_id = %s, want %s", dup.Fields["msg_id"], r.Fields["msg_id"])
	}
	wantCode(t, e.post(t, "/cgi-bin/message/mass/send", map[string]any{"touser": []string{e.user, bob}, "msgtype": "text", "text": map[string]string{"content": "x"}, "clientmsgid": strings.Repeat("c", 65)}), 45067)

	msgID := string(r.Fields["msg_id"])
	st := e.post(t, "/cgi-bin/message/mass/get", `{"msg_id":`+msgID+`}`)
	if !strings.Contains(st.Raw, `"SEND_SUCCESS"`) {
		t.Errorf("mass/get = %s", st.Raw)
	}
	wantCode(t, e.post(t, "/cgi-bin/message/mass/delete", `{"msg_id":`+msgID+`,"article_idx":3}`), 40060)
	wantCode(t, e.post(t, "/cgi-bin/message/mass/delete", `{"msg_id":`+msgID+`,"article_idx":0}`), 0)
	if st := e.post(t, "/cgi-bin/message/mass/get", `{"msg_id":`+msgID+`}`); !strings.Contains(st.Raw, `"DELETE"`) {
		t.Errorf("mass/get after delete = %s", st.Raw)
	}

	// is_to_all: 4 a month for a service account.
	all := map[string]any{"filter": map[string]any{"is_to_all": true}, "msgtype": "text", "text": map[string]string{"content": "all"}}
	for range 4 {
		wantCode(t, e.post(t, "/cgi-bin/message/mass/sendall", all), 0)
	}
	wantCode(t, e.post(t, "/cgi-bin/message/mass/sendall", all), 45028)
	// bob got the mpnews and 3 to-all messages before the per-user limit of 4 a month.
	if n := len(e.InboxChannel(t, sandboxtest.DemoAppID, bob, sandbox.ChannelMass)); n != 4 {
		t.Errorf("bob received %d mass messages, want 4 (monthly per-user limit)", n)
	}

	wantCode(t, e.post(t, "/cgi-bin/message/mass/preview", map[string]any{"towxname": "bob", "msgtype": "text", "text": map[string]string{"content": "p"}}), 0)
	wantCode(t, e.post(t, "/cgi-bin/message/mass/preview", map[string]any{"towxname": "nobody", "msgtype": "text", "text": map[string]string{"content": "p"}}), 40003)

	sp := e.post(t, "/cgi-bin/message/mass/speed/get", "{}")
	if !strings.Contains(sp.Raw, `"realspeed":80`) {
		t.Errorf("speed/get = %s", sp.Raw)
	}
	wantCode(t, e.post(t, "/cgi-bin/message/mass/speed/set", `{"speed":5}`), 45083)
	wantCode(t, e.post(t, "/cgi-bin/message/mass/speed/set", `{"speed":3}`), 0)
	if sp := e.post(t, "/cgi-bin/message/mass/speed/get", "{}"); !strings.Contains(sp.Raw, `"speed":3,"realspeed":30`) {
		t.Errorf("speed/get = %s", sp.Raw)
	}
}

func TestMassSubscriptionAccountDailySlot(t *testing.T) {
	t.Parallel()
	e := newOutboundEnv(t)
	e.SetOutboundSettings(t, sandboxtest.DemoAppID, sandbox.OutboundSettings{AccountType: sandbox.AccountTypeSubscription})
	all := map[string]any{"filter": map[string]any{"is_to_all": true}, "msgtype": "text", "text": map[string]string{"content": "all"}}
	wantCode(t, e.post(t, "/cgi-bin/message/mass/sendall", all), 0)
	wantCode(t, e.post(t, "/cgi-bin/message/mass/sendall", all), 45028)
	e.advance(t, 24*time.Hour)
	wantCode(t, e.post(t, "/cgi-bin/message/mass/sendall", all), 0)
}

func TestMassMinuteLimit(t *testing.T) {
	t.Parallel()
	e := newOutboundEnv(t)
	bob := e.AddUser(t, sandboxtest.DemoAppID, sandbox.User{}).OpenID
	body := map[string]any{"touser": []string{e.user, bob}, "msgtype": "text", "text": map[string]string{"content": "x"}}
	for range 60 {
		wantCode(t, e.post(t, "/cgi-bin/message/mass/send", body), 0)
	}
	wantCode(t, e.post(t, "/cgi-bin/message/mass/send", body), 45011)
	e.advance(t, time.Minute)
	wantCode(t, e.post(t, "/cgi-bin/message/mass/send", body), 0)
}

func TestOutboundAdminRPCs(t *testing.T) {
	t.Parallel()
	e := newOutboundEnv(t)
	ctx := t.Context()
	app := sandboxtest.DemoAppID
	if _, err := e.Admin.SetOutboundSettings(ctx, &sandboxv1.SetOutboundSettingsRequest{AppId: app, AccountType: "subscription", EnforceResponseCounts: true}); err != nil {
		t.Fatal(err)
	}
	if o, _ := e.Sandbox.OutboundSettingsOf(app); o.AccountType != sandbox.AccountTypeSubscription || !o.EnforceResponseCounts {
		t.Errorf("settings = %+v", o)
	}
	_, err := e.Admin.SetOutboundSettings(ctx, &sandboxv1.SetOutboundSettingsRequest{AppId: app, AccountType: "enterprise"})
	if connect.CodeOf(err) != connect.CodeInvalidArgument {
		t.Errorf("bad account type: %v", err)
	}
	add := e.post(t, "/wxaapi/newtmpl/addtemplate", map[string]any{"tid": "601", "kidList": []int{1, 2, 3}})
	var pri string
	_ = json.Unmarshal(add.Fields["priTmplId"], &pri)
	popup, err := e.Admin.AnswerSubscribePopup(ctx, &sandboxv1.AnswerSubscribePopupRequest{AppId: app, Openid: e.user, PopupScene: 2,
		Decisions: []*sandboxv1.SubscribeDecision{{TemplateId: pri, Accept: true}}})
	if err != nil {
		t.Fatal(err)
	}
	if x := popup.GetResult().GetXml(); !strings.Contains(x, "subscribe_msg_popup_event") || !strings.Contains(x, "<PopupScene>2</PopupScene>") || !strings.Contains(x, pri) {
		t.Errorf("popup xml = %s", x)
	}
	// A long-term template (tid 601) is not consumed by sends.
	body := map[string]any{"touser": e.user, "template_id": pri, "data": map[string]any{"thing1": map[string]string{"value": "居住证"}}}
	wantCode(t, e.post(t, "/cgi-bin/message/subscribe/bizsend", body), 0)
	wantCode(t, e.post(t, "/cgi-bin/message/subscribe/bizsend", body), 0)
	change, err := e.Admin.ChangeSubscriptions(ctx, &sandboxv1.ChangeSubscriptionsRequest{AppId: app, Openid: e.user,
		Decisions: []*sandboxv1.SubscribeDecision{{TemplateId: pri, Accept: false}}})
	if err != nil || !strings.Contains(change.GetResult().GetXml(), "subscribe_msg_change_event") {
		t.Fatalf("change = %v, %v", change, err)
	}
	wantCode(t, e.post(t, "/cgi-bin/message/subscribe/bizsend", body), 43101)
	_, err = e.Admin.AnswerSubscribePopup(ctx, &sandboxv1.AnswerSubscribePopupRequest{AppId: app, Openid: e.user,
		Decisions: []*sandboxv1.SubscribeDecision{{TemplateId: "unknown", Accept: true}}})
	if connect.CodeOf(err) != connect.CodeInvalidArgument {
		t.Errorf("unknown template: %v", err)
	}
	if _, err := e.Admin.ConfirmOneTimeSubscription(ctx, &sandboxv1.ConfirmOneTimeSubscriptionRequest{AppId: app, Openid: e.user, TemplateId: "ONE", Scene: 1}); err != nil {
		t.Fatal(err)
	}
	_, err = e.Admin.ConfirmOneTimeSubscription(ctx, &sandboxv1.ConfirmOneTimeSubscriptionRequest{AppId: app, Openid: e.user, TemplateId: "ONE", Scene: 10001})
	if connect.CodeOf(err) != connect.CodeInvalidArgument {
		t.Errorf("bad scene: %v", err)
	}
	if _, err := e.Admin.SetReceiveBlocked(ctx, &sandboxv1.SetReceiveBlockedRequest{AppId: app, Openid: e.user, Blocked: true}); err != nil {
		t.Fatal(err)
	}
	e.interact(t)
	wantCode(t, e.post(t, "/cgi-bin/message/custom/send", map[string]any{"touser": e.user, "msgtype": "text", "text": map[string]string{"content": "x"}}), 48002)
	_, err = e.Admin.SetReceiveBlocked(ctx, &sandboxv1.SetReceiveBlockedRequest{AppId: app, Openid: "o-nobody", Blocked: true})
	if connect.CodeOf(err) != connect.CodeNotFound {
		t.Errorf("unknown user: %v", err)
	}
}

func TestOutboundFollowersTagsAndBlacklist(t *testing.T) {
	t.Parallel()
	e := newOutboundEnv(t)
	app := sandboxtest.DemoAppID
	tag, err := e.Sandbox.CreateTag(app, "vip")
	if err != nil {
		t.Fatal(err)
	}
	vip := e.AddUser(t, app, sandbox.User{Nickname: "vip", TagIDs: []int{tag.ID}}).OpenID
	gone := e.AddUser(t, app, sandbox.User{Nickname: "gone", Unsubscribed: true, TagIDs: []int{tag.ID}}).OpenID
	banned := e.AddUser(t, app, sandbox.User{Nickname: "banned", Blocked: true}).OpenID

	byTag := map[string]any{"filter": map[string]any{"is_to_all": false, "tag_id": tag.ID}, "msgtype": "text", "text": map[string]string{"content": "vip only"}}
	wantCode(t, e.post(t, "/cgi-bin/message/mass/sendall", byTag), 0)
	if n := len(e.InboxChannel(t, app, vip, sandbox.ChannelMass)); n != 1 {
		t.Errorf("the tagged follower received %d, want 1", n)
	}
	for _, u := range []string{gone, e.user} {
		if n := len(e.InboxChannel(t, app, u, sandbox.ChannelMass)); n != 0 {
			t.Errorf("%s received %d tag messages, want 0", u, n)
		}
	}
	byTag["filter"] = map[string]any{"is_to_all": false, "tag_id": 999}
	wantCode(t, e.post(t, "/cgi-bin/message/mass/sendall", byTag), 45159)
	all := map[string]any{"filter": map[string]any{"is_to_all": true}, "msgtype": "text", "text": map[string]string{"content": "all"}}
	wantCode(t, e.post(t, "/cgi-bin/message/mass/sendall", all), 0)
	if n := len(e.InboxChannel(t, app, banned, sandbox.ChannelMass)); n != 0 {
		t.Errorf("a blacklisted user received %d mass messages", n)
	}

	// An unfollowed user: custom 45015, template 43004; a blacklisted one: 43019.
	for _, u := range []string{gone, banned} {
		e.PushText(t, app, u, "hi")
	}
	text := func(u string) map[string]any {
		return map[string]any{"touser": u, "msgtype": "text", "text": map[string]string{"content": "x"}}
	}
	wantCode(t, e.post(t, "/cgi-bin/message/custom/send", text(gone)), 45015)
	r := e.post(t, "/cgi-bin/message/custom/send", text(banned))
	wantCode(t, r, 43019)
	if !strings.HasPrefix(r.Errmsg, "require remove blacklist") {
		t.Errorf("errmsg = %q", r.Errmsg)
	}
	wantCode(t, e.post(t, "/cgi-bin/template/api_set_industry", map[string]string{"industry_id1": "1", "industry_id2": "2"}), 0)
	add := e.post(t, "/cgi-bin/template/api_add_template", map[string]string{"template_id_short": "TM00001"})
	var tid string
	_ = json.Unmarshal(add.Fields["template_id"], &tid)
	wantCode(t, e.post(t, "/cgi-bin/message/template/send", map[string]any{"touser": gone, "template_id": tid}), 43004)
	wantCode(t, e.post(t, "/cgi-bin/message/template/send", map[string]any{"touser": banned, "template_id": tid}), 43019)
}

func TestMassPreviewDailyLimit(t *testing.T) {
	t.Parallel()
	e := newOutboundEnv(t)
	preview := map[string]any{"touser": e.user, "msgtype": "text", "text": map[string]string{"content": "p"}}
	for range 100 {
		wantCode(t, e.post(t, "/cgi-bin/message/mass/preview", preview), 0)
	}
	wantCode(t, e.post(t, "/cgi-bin/message/mass/preview", preview), 45009)
	e.advance(t, 24*time.Hour)
	wantCode(t, e.post(t, "/cgi-bin/message/mass/preview", preview), 0)
	wantCode(t, e.post(t, "/cgi-bin/message/mass/preview", map[string]any{"touser": e.user, "msgtype": "images", "images": map[string]any{"media_ids": []string{"a"}}}), 45052)
}
