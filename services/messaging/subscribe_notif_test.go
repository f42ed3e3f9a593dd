package messaging

import (
	"fmt"
	"net/url"
	"strings"
	"testing"

	"connectrpc.com/connect"

	messagingv1 "github.com/wxsuite/wxsuite/gen/go/wxsuite/messaging/v1"
	"github.com/wxsuite/wxsuite/sandbox"
)

func TestSubscribeNotifications(t *testing.T) {
	t.Parallel()
	e := newSendEnv(t, sendEnvOpt{})
	ctx := t.Context()
	cats, err := e.notify.ListSubscribeCategories(ctx, &messagingv1.ListSubscribeCategoriesRequest{AppId: e.appID})
	if err != nil || len(cats.GetCategories()) == 0 {
		t.Fatalf("categories = %v, %v", cats, err)
	}
	titles, err := e.notify.ListPublicTemplateTitles(ctx, &messagingv1.ListPublicTemplateTitlesRequest{AppId: e.appID, CategoryIds: []int32{616}})
	if err != nil || titles.GetCount() != 2 || titles.GetTemplates()[0].GetTid() != 401 {
		t.Fatalf("titles = %v, %v", titles, err)
	}
	kws, err := e.notify.ListPublicTemplateKeywords(ctx, &messagingv1.ListPublicTemplateKeywordsRequest{AppId: e.appID, Tid: 401})
	if err != nil || len(kws.GetKeywords()) != 4 {
		t.Fatalf("keywords = %v, %v", kws, err)
	}
	add, err := e.notify.AddSubscribeTemplate(ctx, &messagingv1.AddSubscribeTemplateRequest{AppId: e.appID, Tid: "401", KidList: []int32{1, 2, 3}, SceneDesc: "改道提醒"})
	if err != nil {
		t.Fatal(err)
	}
	id := add.GetTemplateId()
	list, err := e.notify.ListSubscribeTemplates(ctx, &messagingv1.ListSubscribeTemplatesRequest{AppId: e.appID})
	if err != nil || len(list.GetTemplates()) != 1 || strings.Join(list.GetTemplates()[0].GetKeys(), ",") != "thing1,time2,thing3" ||
		list.GetTemplates()[0].GetKind() != messagingv1.SubscribeTemplateKind_SUBSCRIBE_TEMPLATE_KIND_ONE_TIME {
		t.Fatalf("templates = %v, %v", list, err)
	}
	good := map[string]string{"thing1": "10路", "time2": "2025年3月10日 10:00", "thing3": "临时改道"}
	send := func(data map[string]string) error {
		_, err := e.notify.SendSubscribeNotification(ctx, &messagingv1.SendSubscribeNotificationRequest{AppId: e.appID, Openid: e.user,
			TemplateId: id, Data: data, Page: "https://example.com/bus"})
		return err
	}
	// No subscription seen: refused before the call.
	err = send(good)
	if ce := outWantCode(t, err, connect.CodeFailedPrecondition); !strings.Contains(ce.Message(), "no known subscription") {
		t.Errorf("refusal = %v", ce)
	}
	if n := e.calls("/cgi-bin/message/subscribe/bizsend"); n != 0 {
		t.Fatalf("%d bizsend calls before any subscription", n)
	}
	// The user accepts once: one send is allowed.
	e.sb.SubscribeNotifications(t, e.appID, e.user, sandbox.SubscribeDecision{TemplateID: id, Accept: true})
	outEventually(t, "subscription seen", func() error {
		res, err := e.notify.GetSubscriptions(ctx, &messagingv1.GetSubscriptionsRequest{AppId: e.appID, Openid: e.user})
		if err != nil {
			return err
		}
		if len(res.GetSubscriptions()) != 1 || !res.GetSubscriptions()[0].GetLive() || res.GetSubscriptions()[0].GetRemaining() != 1 {
			return fmt.Errorf("subscriptions = %v", res.GetSubscriptions())
		}
		return nil
	})
	bad := map[string]string{"thing1": strings.Repeat("长", 21), "time2": "10:00", "thing3": "x"}
	if ce := outWantCode(t, send(bad), connect.CodeInvalidArgument); !strings.HasPrefix(ce.Message(), "data.thing1 ") {
		t.Errorf("over-long thing: %v", ce)
	}
	if ce := outWantCode(t, send(map[string]string{"thing1": "a", "time2": "10:00"}), connect.CodeInvalidArgument); !strings.HasPrefix(ce.Message(), "data.thing3 ") {
		t.Errorf("missing keyword: %v", ce)
	}
	if err := send(good); err != nil {
		t.Fatal(err)
	}
	if items := e.sb.InboxChannel(t, e.appID, e.user, sandbox.ChannelSubscribe); len(items) != 1 || !strings.Contains(items[0].Body, "临时改道") {
		t.Errorf("inbox = %+v", items)
	}
	// The delivery comes back as subscribe_msg_sent_event.
	outEventually(t, "delivery reported", func() error {
		res, err := e.notify.GetSubscriptions(ctx, &messagingv1.GetSubscriptionsRequest{AppId: e.appID, Openid: e.user})
		if err != nil {
			return err
		}
		if s := res.GetSubscriptions(); len(s) != 1 || s[0].GetLastDeliveryStatus() != "success" || s[0].GetLastDeliveryMsgId() == 0 ||
			s[0].GetRemaining() != 0 || s[0].GetLive() {
			return fmt.Errorf("subscriptions = %v", s)
		}
		return nil
	})
	// Consumed: refused before the call.
	before := e.calls("/cgi-bin/message/subscribe/bizsend")
	if ce := outWantCode(t, send(good), connect.CodeFailedPrecondition); !strings.Contains(ce.Message(), "used up or rejected") {
		t.Errorf("second send: %v", ce)
	}
	if n := e.calls("/cgi-bin/message/subscribe/bizsend"); n != before {
		t.Errorf("a refused send reached the platform")
	}
	// A reject in settings after a new accept revokes it.
	e.sb.SubscribeNotifications(t, e.appID, e.user, sandbox.SubscribeDecision{TemplateID: id, Accept: true})
	if _, err := e.sb.Sandbox.ChangeSubscriptions(ctx, e.appID, e.user, []sandbox.SubscribeDecision{{TemplateID: id, Accept: false}}); err != nil {
		t.Fatal(err)
	}
	outEventually(t, "reject seen", func() error {
		res, err := e.notify.GetSubscriptions(ctx, &messagingv1.GetSubscriptionsRequest{AppId: e.appID, Openid: e.user})
		if err != nil {
			return err
		}
		if s := res.GetSubscriptions(); len(s) != 1 || s[0].GetLive() || s[0].GetLastStatus() != "reject" {
			return fmt.Errorf("subscriptions = %v", s)
		}
		return nil
	})
	outWantCode(t, send(good), connect.CodeFailedPrecondition)

	// Bad template input.
	_, err = e.notify.AddSubscribeTemplate(ctx, &messagingv1.AddSubscribeTemplateRequest{AppId: e.appID, Tid: "401", KidList: []int32{1, 1}})
	outWantCode(t, err, connect.CodeInvalidArgument)
	_, err = e.notify.AddSubscribeTemplate(ctx, &messagingv1.AddSubscribeTemplateRequest{AppId: e.appID, Tid: "401", KidList: []int32{1, 2}, SceneDesc: strings.Repeat("长", 16)})
	outWantCode(t, err, connect.CodeInvalidArgument)
	if _, err := e.notify.DeleteSubscribeTemplate(ctx, &messagingv1.DeleteSubscribeTemplateRequest{AppId: e.appID, TemplateId: id}); err != nil {
		t.Fatal(err)
	}
}

func TestOneTimeSubscription(t *testing.T) {
	t.Parallel()
	e := newSendEnv(t, sendEnvOpt{})
	ctx := t.Context()
	u, err := e.notify.BuildOneTimeSubscribeURL(ctx, &messagingv1.BuildOneTimeSubscribeURLRequest{AppId: e.appID, TemplateId: "ONE_TIME_TPL",
		Scene: 7, RedirectUrl: "https://example.com/back?a=1", Reserved: "abc123"})
	if err != nil {
		t.Fatal(err)
	}
	parsed, err := url.Parse(u.GetUrl())
	if err != nil || parsed.Host != "mp.weixin.qq.com" || parsed.Path != "/mp/subscribemsg" || parsed.Fragment != "wechat_redirect" ||
		parsed.Query().Get("action") != "get_confirm" || parsed.Query().Get("redirect_url") != "https://example.com/back?a=1" ||
		parsed.Query().Get("scene") != "7" || parsed.Query().Get("appid") != e.appID {
		t.Fatalf("url = %s", u.GetUrl())
	}
	_, err = e.notify.BuildOneTimeSubscribeURL(ctx, &messagingv1.BuildOneTimeSubscribeURLRequest{AppId: e.appID, TemplateId: "T", RedirectUrl: "https://x", Reserved: "no spaces!"})
	outWantCode(t, err, connect.CodeInvalidArgument)
	msg := &messagingv1.SendOneTimeSubscribeMessageRequest{AppId: e.appID, Openid: e.user, TemplateId: "ONE_TIME_TPL", Scene: 7,
		Title: "发货提醒", Content: "您的订单已发货", Color: "#173177"}
	_, err = e.notify.SendOneTimeSubscribeMessage(ctx, msg)
	outWantCode(t, err, connect.CodeFailedPrecondition)
	if outWeChatErrcode(err) != "43101" {
		t.Errorf("unconfirmed: %v", err)
	}
	e.sb.ConfirmOneTimeSubscription(t, e.appID, e.user, "ONE_TIME_TPL", 7)
	if _, err := e.notify.SendOneTimeSubscribeMessage(ctx, msg); err != nil {
		t.Fatal(err)
	}
	if items := e.sb.InboxChannel(t, e.appID, e.user, sandbox.ChannelSubscribe); len(items) != 1 || items[0].MsgType != "template_subscribe" {
		t.Errorf("inbox = %+v", items)
	}
	msg.Title = strings.Repeat("长", 16)
	_, err = e.notify.SendOneTimeSubscribeMessage(ctx, msg)
	if ce := outWantCode(t, err, connect.CodeInvalidArgument); !strings.HasPrefix(ce.Message(), "title ") {
		t.Errorf("long title: %v", ce)
	}
}
