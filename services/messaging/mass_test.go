package messaging

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"connectrpc.com/connect"

	"github.com/wxsuite/wxsuite/internal/platform/config"

	messagingv1 "github.com/wxsuite/wxsuite/gen/go/wxsuite/messaging/v1"
	"github.com/wxsuite/wxsuite/sandbox"
)

// openids returns n distinct well-formed openids that include extra.
func outOpenIDs(n int, extra ...string) []string {
	ids := append([]string{}, extra...)
	for i := len(ids); i < n; i++ {
		ids = append(ids, fmt.Sprintf("oMass%023d", i))
	}
	return ids
}

func textContent(s string) *messagingv1.MassContent {
	return &messagingv1.MassContent{Content: &messagingv1.MassContent_Text{Text: s}}
}

// waitOperation waits until the operation is no longer running and every job finished.
func (e *sendEnv) waitOperation(t testing.TB, id string, jobs bool) *messagingv1.MassOperation {
	t.Helper()
	var op *messagingv1.MassOperation
	outEventually(t, "operation done", func() error {
		res, err := e.mass.GetMassSendOperation(t.Context(), &messagingv1.GetMassSendOperationRequest{AppId: e.appID, OperationId: id})
		if err != nil {
			return err
		}
		op = res.GetOperation()
		if op.GetState() == messagingv1.MassOperationState_MASS_OPERATION_STATE_RUNNING || (jobs && op.GetJobsFinished() < op.GetBatchesDone()) {
			return fmt.Errorf("operation %v", op.GetState())
		}
		return nil
	})
	return op
}

func TestStartMassSend25000(t *testing.T) {
	t.Parallel()
	e := newSendEnv(t, sendEnvOpt{})
	bob := e.sb.AddUser(t, e.appID, sandbox.User{Nickname: "bob"}).OpenID
	ids := outOpenIDs(25000, e.user, bob)
	res, err := e.mass.StartMassSend(t.Context(), &messagingv1.StartMassSendRequest{AppId: e.appID, Openids: ids,
		Content: textContent("周末特惠"), ClientMsgId: "promo-1"})
	if err != nil {
		t.Fatal(err)
	}
	op := res.GetOperation()
	if op.GetTotal() != 25000 || op.GetBatchesTotal() != 3 {
		t.Fatalf("operation = %v", op)
	}
	op = e.waitOperation(t, op.GetOperationId(), true)
	if op.GetState() != messagingv1.MassOperationState_MASS_OPERATION_STATE_SUCCEEDED || op.GetBatchesDone() != 3 || op.GetDispatched() != 25000 {
		t.Fatalf("operation = %v", op)
	}
	sizes := []int32{}
	for _, b := range op.GetBatches() {
		sizes = append(sizes, b.GetSize())
		if b.GetMsgId() == 0 || b.GetJobStatus() != "send success" {
			t.Errorf("batch %v", b)
		}
	}
	if fmt.Sprint(sizes) != "[8334 8333 8333]" {
		t.Errorf("batch sizes = %v", sizes)
	}
	if n := e.calls("/cgi-bin/message/mass/send"); n != 3 {
		t.Errorf("%d mass/send calls, want 3", n)
	}
	// Two of the openids are simulated users: each got the message once.
	for _, u := range []string{e.user, bob} {
		if items := e.sb.InboxChannel(t, e.appID, u, sandbox.ChannelMass); len(items) != 1 || !strings.Contains(items[0].Body, "周末特惠") {
			t.Errorf("%s inbox = %+v", u, items)
		}
	}
	if op.GetSentCount() != 2 {
		t.Errorf("sent count = %d, want 2 (the simulated users)", op.GetSentCount())
	}
	// The same client_msg_id returns the same operation without sending again.
	again, err := e.mass.StartMassSend(t.Context(), &messagingv1.StartMassSendRequest{AppId: e.appID, Openids: outOpenIDs(5),
		Content: textContent("x"), ClientMsgId: "promo-1"})
	if err != nil || again.GetOperation().GetOperationId() != op.GetOperationId() {
		t.Errorf("repeat = %v, %v", again, err)
	}
	if n := e.calls("/cgi-bin/message/mass/send"); n != 3 {
		t.Errorf("%d mass/send calls after the repeat, want 3", n)
	}
}

func TestStartMassSendBadInput(t *testing.T) {
	t.Parallel()
	e := newSendEnv(t, sendEnvOpt{})
	tests := []struct {
		name  string
		give  *messagingv1.StartMassSendRequest
		field string
	}{
		{"one openid", &messagingv1.StartMassSendRequest{Openids: []string{"oA"}, Content: textContent("x")}, "openids"},
		{"duplicate", &messagingv1.StartMassSendRequest{Openids: []string{"oA", "oB", "oA"}, Content: textContent("x")}, "openids"},
		{"invalid", &messagingv1.StartMassSendRequest{Openids: []string{"oA", "o B"}, Content: textContent("x")}, "openids[1]"},
		{"no content", &messagingv1.StartMassSendRequest{Openids: []string{"oA", "oB"}}, "content"},
		{"empty text", &messagingv1.StartMassSendRequest{Openids: []string{"oA", "oB"}, Content: textContent("")}, "content.text"},
		{"images", &messagingv1.StartMassSendRequest{Openids: []string{"oA", "oB"}, Content: &messagingv1.MassContent{Content: &messagingv1.MassContent_Images{Images: &messagingv1.MassImages{MediaIds: []string{"a", ""}}}}}, "content.images.media_ids[1]"},
		{"client_msg_id", &messagingv1.StartMassSendRequest{Openids: []string{"oA", "oB"}, Content: textContent("x"), ClientMsgId: strings.Repeat("c", 59)}, "client_msg_id"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.give.AppId = e.appID
			_, err := e.mass.StartMassSend(t.Context(), tt.give)
			if ce := outWantCode(t, err, connect.CodeInvalidArgument); !strings.HasPrefix(ce.Message(), tt.field+" ") {
				t.Errorf("message %q does not name %s", ce.Message(), tt.field)
			}
		})
	}
	if n := e.calls("/cgi-bin/message/mass/send"); n != 0 {
		t.Errorf("bad input reached the platform: %d calls", n)
	}
	_, err := e.mass.GetMassSendOperation(t.Context(), &messagingv1.GetMassSendOperationRequest{AppId: e.appID, OperationId: "nope"})
	outWantCode(t, err, connect.CodeNotFound)
}

func TestMassOperationCancelAndResume(t *testing.T) {
	t.Parallel()
	cfg := SendConfig{MassPerMinute: 1, MassBatchSize: 2, OperationLease: config.Duration(time.Second)} // 1 call a minute, 1 s lease
	e := newSendEnv(t, sendEnvOpt{cfg: cfg})
	// A frozen clock 1 s into a minute: the first replica gets exactly one call.
	e.clock.base.Store(time.Date(2026, 1, 5, 10, 0, 1, 0, time.UTC).UnixNano())
	// Three batches; after the first, the guard makes it wait for the next minute.
	res, err := e.mass.StartMassSend(t.Context(), &messagingv1.StartMassSendRequest{AppId: e.appID, Openids: outOpenIDs(6), Content: textContent("a")})
	if err != nil {
		t.Fatal(err)
	}
	id := res.GetOperation().GetOperationId()
	outEventually(t, "first batch", func() error {
		op, err := e.sender.MassOperation(t.Context(), e.appID, id)
		if err != nil || op.GetBatchesDone() != 1 {
			return fmt.Errorf("op = %v, %v", op, err)
		}
		return nil
	})
	// A second replica (same Redis) cannot take it over while the first holds the lease.
	_ = e.sender.Stop(t.Context()) // the first replica stops between calls, as on a crash
	second, err := NewSender(SenderParams{Config: cfg, KeyPrefix: e.svc.cfg.KeyPrefix, Accounts: config.Accounts{{AppID: e.appID}}, Redis: e.sender.rdb,
		WeChat: e.sender.wx, Now: func() time.Time { return e.clock.now().Add(time.Minute) }})
	if err != nil {
		t.Fatal(err)
	}
	if err := second.Start(t.Context()); err != nil {
		t.Fatal(err)
	}
	defer func() { _ = second.Stop(context.Background()) }()
	// The next minute (on the second replica's clock) allows one more call: batch 2 of 3.
	outEventually(t, "resumed", func() error {
		if n := e.calls("/cgi-bin/message/mass/send"); n != 2 {
			return fmt.Errorf("%d calls", n)
		}
		return nil
	})
	cancelled, err := second.CancelMassSend(t.Context(), e.appID, id)
	if err != nil {
		t.Fatal(err)
	}
	if cancelled.GetState() != messagingv1.MassOperationState_MASS_OPERATION_STATE_CANCELLED || cancelled.GetBatchesDone() != 2 {
		t.Fatalf("cancelled = %v", cancelled)
	}
	time.Sleep(1500 * time.Millisecond)
	if n := e.calls("/cgi-bin/message/mass/send"); n != 2 {
		t.Errorf("%d calls after cancel, want 2", n)
	}
}

func TestMassSends(t *testing.T) {
	t.Parallel()
	e := newSendEnv(t, sendEnvOpt{cfg: SendConfig{ToAllAllowance: 2}})
	ctx := t.Context()
	up, err := e.mass.UploadMassNews(ctx, &messagingv1.UploadMassNewsRequest{AppId: e.appID, Articles: []*messagingv1.MassArticle{
		{Title: "一", ThumbMediaId: "THUMB", Content: "<p>1</p>"}, {Title: "二", ThumbMediaId: "THUMB", Content: "<p>2</p>"}}})
	if err != nil || up.GetMediaId() == "" {
		t.Fatalf("upload = %v, %v", up, err)
	}
	_, err = e.mass.UploadMassNews(ctx, &messagingv1.UploadMassNewsRequest{AppId: e.appID, Articles: []*messagingv1.MassArticle{{Title: "x", Content: "c"}}})
	if ce := outWantCode(t, err, connect.CodeInvalidArgument); !strings.HasPrefix(ce.Message(), "articles[0].thumb_media_id ") {
		t.Errorf("upload bad: %v", ce)
	}
	news := &messagingv1.MassContent{Content: &messagingv1.MassContent_MpnewsMediaId{MpnewsMediaId: up.GetMediaId()}}
	all, err := e.mass.SendMassToAll(ctx, &messagingv1.SendMassToAllRequest{AppId: e.appID, Content: news, ClientMsgId: "all-1"})
	if err != nil {
		t.Fatal(err)
	}
	if all.GetMsgDataId() == 0 || all.GetToAllRemaining() != 1 || all.GetWarning() == "" {
		t.Errorf("to all = %v", all)
	}
	if items := e.sb.InboxChannel(t, e.appID, e.user, sandbox.ChannelMass); len(items) != 1 || items[0].MsgType != "mpnews" {
		t.Errorf("inbox = %+v", items)
	}
	// A repeat of the clientmsgid within 24 h is refused with the earlier msg_id.
	_, err = e.mass.SendMassToAll(ctx, &messagingv1.SendMassToAllRequest{AppId: e.appID, Content: news, ClientMsgId: "all-1"})
	ce := outWantCode(t, err, connect.CodeAlreadyExists)
	if !strings.Contains(ce.Message(), fmt.Sprint(all.GetMsgId())) {
		t.Errorf("duplicate: %v", ce)
	}
	// Status, with the job result pushed back.
	outEventually(t, "job result", func() error {
		st, err := e.mass.GetMassStatus(ctx, &messagingv1.GetMassStatusRequest{AppId: e.appID, MsgId: all.GetMsgId()})
		if err != nil {
			return err
		}
		if st.GetMsgStatus() != "SEND_SUCCESS" || !st.GetJobFinished() || st.GetSentCount() != 1 {
			return fmt.Errorf("status = %v", st)
		}
		return nil
	})
	if _, err := e.mass.DeleteMassMessage(ctx, &messagingv1.DeleteMassMessageRequest{AppId: e.appID, MsgId: all.GetMsgId(), ArticleIdx: 3}); outWeChatErrcode(err) != "40060" {
		t.Errorf("delete article 3 of 2: %v", err)
	}
	if _, err := e.mass.DeleteMassMessage(ctx, &messagingv1.DeleteMassMessageRequest{AppId: e.appID, MsgId: all.GetMsgId()}); err != nil {
		t.Fatal(err)
	}
	if st, _ := e.mass.GetMassStatus(ctx, &messagingv1.GetMassStatusRequest{AppId: e.appID, MsgId: all.GetMsgId()}); st.GetMsgStatus() != "DELETE" {
		t.Errorf("after delete: %v", st)
	}
	if _, err := e.mass.SendMassToTag(ctx, &messagingv1.SendMassToTagRequest{AppId: e.appID, TagId: 2, Content: textContent("tag")}); err != nil {
		t.Fatal(err)
	}
	_, err = e.mass.SendMassToTag(ctx, &messagingv1.SendMassToTagRequest{AppId: e.appID, Content: textContent("tag")})
	outWantCode(t, err, connect.CodeInvalidArgument)
	if _, err := e.mass.PreviewMassMessage(ctx, &messagingv1.PreviewMassMessageRequest{AppId: e.appID,
		To: &messagingv1.PreviewMassMessageRequest_Wxname{Wxname: "alice"}, Content: textContent("preview")}); err != nil {
		t.Fatal(err)
	}
	_, err = e.mass.PreviewMassMessage(ctx, &messagingv1.PreviewMassMessageRequest{AppId: e.appID,
		To:      &messagingv1.PreviewMassMessageRequest_Openid{Openid: e.user},
		Content: &messagingv1.MassContent{Content: &messagingv1.MassContent_Images{Images: &messagingv1.MassImages{MediaIds: []string{"a", "b"}}}}})
	outWantCode(t, err, connect.CodeInvalidArgument)
	if _, err := e.mass.SetMassSpeed(ctx, &messagingv1.SetMassSpeedRequest{AppId: e.appID, Speed: 3}); err != nil {
		t.Fatal(err)
	}
	if sp, err := e.mass.GetMassSpeed(ctx, &messagingv1.GetMassSpeedRequest{AppId: e.appID}); err != nil || sp.GetSpeed() != 3 || sp.GetRealSpeed() != 30 {
		t.Errorf("speed = %v, %v", sp, err)
	}
	_, err = e.mass.SetMassSpeed(ctx, &messagingv1.SetMassSpeedRequest{AppId: e.appID, Speed: 5})
	outWantCode(t, err, connect.CodeInvalidArgument)
}

func TestMassQuotaAndRateGuard(t *testing.T) {
	t.Parallel()
	e := newSendEnv(t, sendEnvOpt{cfg: SendConfig{MassPerMinute: 5}})
	ctx := t.Context()
	// The platform's 4 is_to_all a month: the 5th maps to ResourceExhausted with 45028.
	for i := range 4 {
		if _, err := e.mass.SendMassToAll(ctx, &messagingv1.SendMassToAllRequest{AppId: e.appID, Content: textContent(fmt.Sprint(i))}); err != nil {
			t.Fatal(err)
		}
	}
	_, err := e.mass.SendMassToAll(ctx, &messagingv1.SendMassToAllRequest{AppId: e.appID, Content: textContent("5")})
	outWantCode(t, err, connect.CodeResourceExhausted)
	if outWeChatErrcode(err) != "45028" {
		t.Errorf("5th to-all: %v", err)
	}
	// The local guard: 5 calls this minute were made; the 6th never reaches the platform.
	before := e.calls("/cgi-bin/message/mass/sendall")
	_, err = e.mass.SendMassToTag(ctx, &messagingv1.SendMassToTagRequest{AppId: e.appID, TagId: 1, Content: textContent("x")})
	if ce := outWantCode(t, err, connect.CodeResourceExhausted); outWeChatErrcode(err) != "" || !strings.Contains(ce.Message(), "mass_per_minute") {
		t.Errorf("guard: %v", ce)
	}
	if n := e.calls("/cgi-bin/message/mass/sendall"); n != before {
		t.Errorf("the guard let a call through")
	}
}

func TestMassOperationFailsAndRetries(t *testing.T) {
	t.Parallel()
	e := newSendEnv(t, sendEnvOpt{cfg: SendConfig{MassBatchSize: 2, MassPerMinute: 1, OperationLease: config.Duration(time.Second)}})
	e.clock.base.Store(time.Date(2026, 1, 5, 11, 0, 1, 0, time.UTC).UnixNano())
	// Batch 0 first meets a busy platform twice (-1: the call carries a clientmsgid, so
	// the client retries it); batch 1, a minute later, is refused for good (48003).
	if _, err := e.sb.Sandbox.AddFault(sandbox.Fault{Kind: sandbox.FaultErrcode, Errcode: -1, Paths: []string{"/cgi-bin/message/mass/send"}, Count: 2}); err != nil {
		t.Fatal(err)
	}
	res, err := e.mass.StartMassSend(t.Context(), &messagingv1.StartMassSendRequest{AppId: e.appID, Openids: outOpenIDs(4), Content: textContent("x")})
	if err != nil {
		t.Fatal(err)
	}
	id := res.GetOperation().GetOperationId()
	outEventually(t, "first batch", func() error {
		op, err := e.sender.MassOperation(t.Context(), e.appID, id)
		if err != nil || op.GetBatchesDone() != 1 {
			return fmt.Errorf("op = %v, %v", op, err)
		}
		return nil
	})
	if _, err := e.sb.Sandbox.AddFault(sandbox.Fault{Kind: sandbox.FaultErrcode, Errcode: 48003, Paths: []string{"/cgi-bin/message/mass/send"}}); err != nil {
		t.Fatal(err)
	}
	e.clock.advance(time.Minute)
	op := e.waitOperation(t, id, false)
	if op.GetState() != messagingv1.MassOperationState_MASS_OPERATION_STATE_FAILED || op.GetErrcode() != 48003 || op.GetBatchesDone() != 1 ||
		!strings.Contains(op.GetError(), "batch 1") {
		t.Fatalf("operation = %v", op)
	}
}
