package messaging

import (
	"fmt"
	"strings"
	"testing"

	"connectrpc.com/connect"

	messagingv1 "github.com/wxsuite/wxsuite/gen/go/wxsuite/messaging/v1"
	"github.com/wxsuite/wxsuite/sandbox"
)

// addTemplate sets the industry and adds TM00015; it returns the template id.
func (e *sendEnv) addTemplate(t *testing.T) string {
	t.Helper()
	if _, err := e.template.SetIndustry(t.Context(), &messagingv1.SetIndustryRequest{AppId: e.appID, PrimaryIndustryId: "1", SecondaryIndustryId: "4"}); err != nil {
		t.Fatal(err)
	}
	res, err := e.template.AddTemplate(t.Context(), &messagingv1.AddTemplateRequest{AppId: e.appID, TemplateIdShort: "TM00015"})
	if err != nil {
		t.Fatal(err)
	}
	return res.GetTemplateId()
}

// waitTemplateStatus waits until msgID's status is not pending and returns it.
func (e *sendEnv) waitTemplateStatus(t *testing.T, msgID int64) *messagingv1.GetTemplateMessageStatusResponse {
	t.Helper()
	var st *messagingv1.GetTemplateMessageStatusResponse
	outEventually(t, "template status", func() error {
		res, err := e.template.GetTemplateMessageStatus(t.Context(), &messagingv1.GetTemplateMessageStatusRequest{AppId: e.appID, MsgId: msgID})
		if err != nil {
			return err
		}
		if res.GetStatus() == messagingv1.TemplateDeliveryStatus_TEMPLATE_DELIVERY_STATUS_PENDING {
			return fmt.Errorf("still pending")
		}
		st = res
		return nil
	})
	return st
}

func TestTemplateMessages(t *testing.T) {
	t.Parallel()
	e := newSendEnv(t, sendEnvOpt{})
	ind, err := e.template.GetIndustry(t.Context(), &messagingv1.GetIndustryRequest{AppId: e.appID})
	if err != nil {
		t.Fatal(err)
	}
	if ind.GetPrimary().GetFirstClass() != "" {
		t.Errorf("industry before setting = %v", ind)
	}
	id := e.addTemplate(t)
	if ind, _ := e.template.GetIndustry(t.Context(), &messagingv1.GetIndustryRequest{AppId: e.appID}); ind.GetSecondary().GetSecondClass() != "电子技术" {
		t.Errorf("industry = %v", ind)
	}
	list, err := e.template.ListTemplates(t.Context(), &messagingv1.ListTemplatesRequest{AppId: e.appID})
	if err != nil {
		t.Fatal(err)
	}
	if len(list.GetTemplates()) != 1 || strings.Join(list.GetTemplates()[0].GetKeys(), ",") != "first,orderMoneySum,orderProductName,Remark" {
		t.Fatalf("templates = %v", list.GetTemplates())
	}
	send := func(data map[string]*messagingv1.TemplateDataValue, cmid string) (*messagingv1.SendTemplateMessageResponse, error) {
		return e.template.SendTemplateMessage(t.Context(), &messagingv1.SendTemplateMessageRequest{AppId: e.appID, Openid: e.user,
			TemplateId: id, Data: data, Url: "https://example.com/order?id=1&x=2", ClientMsgId: cmid})
	}
	good := map[string]*messagingv1.TemplateDataValue{
		"first": {Value: "已支付", Color: "#173177"}, "orderMoneySum": {Value: "39.8元"}, "orderProductName": {Value: "巧克力"},
	}
	res, err := send(good, "order-1")
	if err != nil {
		t.Fatal(err)
	}
	items := e.sb.InboxChannel(t, e.appID, e.user, sandbox.ChannelTemplate)
	if len(items) != 1 || !strings.Contains(items[0].Body, `"巧克力"`) || !strings.Contains(items[0].Body, "id=1&x=2") {
		t.Fatalf("inbox = %+v", items)
	}
	st := e.waitTemplateStatus(t, res.GetMsgId())
	if st.GetStatus() != messagingv1.TemplateDeliveryStatus_TEMPLATE_DELIVERY_STATUS_SUCCESS || st.GetOpenid() != e.user || st.GetTemplateId() != id || st.GetFinishTime() == nil {
		t.Errorf("status = %v", st)
	}
	// The same client_msg_id: the platform sends once and returns the same msgid.
	again, err := send(good, "order-1")
	if err != nil || again.GetMsgId() != res.GetMsgId() {
		t.Errorf("resend = %v, %v; want msgid %d", again, err, res.GetMsgId())
	}
	if n := len(e.sb.InboxChannel(t, e.appID, e.user, sandbox.ChannelTemplate)); n != 1 {
		t.Errorf("the user received %d template messages, want 1", n)
	}
	// A user who blocked the account: the job finishes with "failed:user block".
	if err := e.sb.Sandbox.SetReceiveBlocked(e.appID, e.user, true); err != nil {
		t.Fatal(err)
	}
	blocked, err := send(good, "")
	if err != nil {
		t.Fatal(err)
	}
	if st := e.waitTemplateStatus(t, blocked.GetMsgId()); st.GetStatus() != messagingv1.TemplateDeliveryStatus_TEMPLATE_DELIVERY_STATUS_USER_BLOCK || st.GetRawStatus() != "failed:user block" {
		t.Errorf("blocked status = %v", st)
	}
	_, err = e.template.GetTemplateMessageStatus(t.Context(), &messagingv1.GetTemplateMessageStatusRequest{AppId: e.appID, MsgId: 999999999})
	outWantCode(t, err, connect.CodeNotFound)

	// Bad data: refused before sending, naming the field.
	before := e.calls("/cgi-bin/message/template/send")
	for _, tt := range []struct {
		data  map[string]*messagingv1.TemplateDataValue
		field string
	}{
		{map[string]*messagingv1.TemplateDataValue{"first": {Value: "x"}, "orderMoneySum": {Value: "1"}, "orderProductName": {Value: "p"}, "keyword9": {Value: "?"}}, "data.keyword9"},
		{map[string]*messagingv1.TemplateDataValue{"first": {Value: "x"}, "orderMoneySum": {Value: "1"}}, "data.orderProductName"},
		{map[string]*messagingv1.TemplateDataValue{"orderMoneySum": {Value: "1", Color: "red"}, "orderProductName": {Value: "p"}}, "data.orderMoneySum.color"},
	} {
		_, err := send(tt.data, "")
		if ce := outWantCode(t, err, connect.CodeInvalidArgument); !strings.HasPrefix(ce.Message(), tt.field+" ") {
			t.Errorf("message %q does not name %s", ce.Message(), tt.field)
		}
	}
	_, err = e.template.SendTemplateMessage(t.Context(), &messagingv1.SendTemplateMessageRequest{AppId: e.appID, Openid: e.user, TemplateId: "unknown-template"})
	if ce := outWantCode(t, err, connect.CodeInvalidArgument); !strings.HasPrefix(ce.Message(), "template_id ") {
		t.Errorf("unknown template: %v", ce)
	}
	if n := e.calls("/cgi-bin/message/template/send"); n != before {
		t.Errorf("bad input reached the platform: %d calls, want %d", n, before)
	}

	// The daily quota: 45009 maps to ResourceExhausted with the errcode detail.
	if err := e.sb.Sandbox.SetQuota("/cgi-bin/message/template/send", 1); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = e.sb.Sandbox.SetQuota("/cgi-bin/message/template/send", 0) })
	_, err = send(good, "")
	outWantCode(t, err, connect.CodeResourceExhausted)
	if outWeChatErrcode(err) != "45009" {
		t.Errorf("quota errcode = %q", outWeChatErrcode(err))
	}

	if _, err := e.template.DeleteTemplate(t.Context(), &messagingv1.DeleteTemplateRequest{AppId: e.appID, TemplateId: id}); err != nil {
		t.Fatal(err)
	}
	_, err = e.template.DeleteTemplate(t.Context(), &messagingv1.DeleteTemplateRequest{AppId: e.appID, TemplateId: id})
	if outWeChatErrcode(err) != "40037" {
		t.Errorf("second delete: %v", err)
	}
}

func TestTemplateLimit(t *testing.T) {
	t.Parallel()
	e := newSendEnv(t, sendEnvOpt{})
	e.addTemplate(t)
	for i := range 24 {
		if _, err := e.template.AddTemplate(t.Context(), &messagingv1.AddTemplateRequest{AppId: e.appID, TemplateIdShort: fmt.Sprintf("TM%05d", 200+i)}); err != nil {
			t.Fatal(err)
		}
	}
	_, err := e.template.AddTemplate(t.Context(), &messagingv1.AddTemplateRequest{AppId: e.appID, TemplateIdShort: "TM00001"})
	outWantCode(t, err, connect.CodeResourceExhausted)
	if outWeChatErrcode(err) != "45026" {
		t.Errorf("26th template: %v", err)
	}
	_, err = e.template.AddTemplate(t.Context(), &messagingv1.AddTemplateRequest{AppId: e.appID, TemplateIdShort: "T-1"})
	outWantCode(t, err, connect.CodeInvalidArgument)
	_, err = e.template.SetIndustry(t.Context(), &messagingv1.SetIndustryRequest{AppId: e.appID, PrimaryIndustryId: "x", SecondaryIndustryId: "1"})
	outWantCode(t, err, connect.CodeInvalidArgument)
}
