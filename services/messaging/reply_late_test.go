package messaging

import (
	"context"
	"encoding/json"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil"

	messagingv1 "github.com/wxsuite/wxsuite/gen/go/wxsuite/messaging/v1"
	"github.com/wxsuite/wxsuite/internal/platform/config"
	"github.com/wxsuite/wxsuite/sandbox"
)

// TestLateReplyBody: the custom/send body of every passive type uses the platform's
// keys (facts §6.3: lowercase musicurl/hqmusicurl/picurl); news keeps one article;
// transfer_customer_service has no customer-service equivalent.
func TestLateReplyBody(t *testing.T) {
	t.Parallel()
	types := allReplyTypes("x")
	tests := []struct {
		give string
		want string
	}{
		{"text", `{"touser":"o1","msgtype":"text","text":{"content":"x"}}`},
		{"image", `{"touser":"o1","msgtype":"image","image":{"media_id":"m1"}}`},
		{"voice", `{"touser":"o1","msgtype":"voice","voice":{"media_id":"m2"}}`},
		{"video", `{"touser":"o1","msgtype":"video","video":{"media_id":"m3","thumb_media_id":"th","title":"x","description":"d"}}`},
		{"music", `{"touser":"o1","msgtype":"music","music":{"title":"x","musicurl":"https://m","hqmusicurl":"https://hq","thumb_media_id":"th"}}`},
		{"news", `{"touser":"o1","msgtype":"news","news":{"articles":[{"title":"one","description":"x","url":"https://u?a=1&b=2","picurl":"https://p"}]}}`},
	}
	for _, tt := range tests {
		t.Run(tt.give, func(t *testing.T) {
			t.Parallel()
			m, ok := lateReplyBody("o1", types[tt.give])
			if !ok {
				t.Fatal("not deliverable")
			}
			got, err := json.Marshal(m)
			if err != nil {
				t.Fatal(err)
			}
			// encoding/json escapes & as \u0026; the WeChat client sends it raw.
			if want, _ := json.Marshal(json.RawMessage(tt.want)); string(got) != string(want) {
				t.Errorf("body\n got %s\nwant %s", got, want)
			}
		})
	}
	if _, ok := lateReplyBody("o1", types["transfer_customer_service"]); ok {
		t.Error("transfer_customer_service is deliverable")
	}
}

// TestLateReplyEveryType: late replies of every type reach the sandbox's custom/send,
// which accepts them (inbox channel "custom"); a late news of 3 articles to a CLICK
// arrives with its first article; a late transfer_customer_service is not sent.
func TestLateReplyEveryType(t *testing.T) {
	t.Parallel()
	r := newReplyEnv(t, replyEnvOpt{mode: sandbox.EncryptSafe, envOpt: envOpt{cfg: Config{ReplyDeadline: config.Duration(time.Second)}}})
	release := make(chan struct{})
	types := allReplyTypes("late")
	url := startHandler(t, func(ctx context.Context, req *messagingv1.HandleEventRequest) (*messagingv1.HandleEventResponse, error) {
		<-release
		key := req.GetEvent().GetText().GetContent()
		if req.GetEvent().GetClick() != nil {
			return &messagingv1.HandleEventResponse{Reply: newsReply(3)}, nil
		}
		reply := types[key]
		if key == "news" {
			reply = newsReply(1)
		}
		return &messagingv1.HandleEventResponse{Reply: reply}, nil
	})
	r.setHandler(t, &messagingv1.ReplyHandler{Url: url})
	var wg sync.WaitGroup
	for name := range types {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if res, err := r.sb.Sandbox.PushMessage(context.Background(), r.appID, r.user, sandbox.Message{Type: sandbox.MsgText, Content: name}); err != nil || !res.Delivered {
				t.Errorf("push %s: %v %q", name, err, res.InvalidReason)
			}
		}()
	}
	wg.Add(1)
	go func() {
		defer wg.Done()
		if res, err := r.sb.Sandbox.PushEvent(context.Background(), r.appID, r.user, sandbox.Event{Event: "CLICK", EventKey: "NEWS"}); err != nil || !res.Delivered {
			t.Errorf("push CLICK: %v %q", err, res.InvalidReason)
		}
	}()
	wg.Wait()
	close(release)
	metric := func(o string) float64 { return testutil.ToFloat64(r.s.metrics.lateReplies.WithLabelValues(r.appID, o)) }
	waitFor(t, "the late replies", func() bool { return metric(lateDelivered)+metric(lateUndeliverable)+metric(lateFailed) == 8 })
	if metric(lateDelivered) != 7 || metric(lateUndeliverable) != 1 {
		t.Fatalf("delivered %v, undeliverable %v, failed %v", metric(lateDelivered), metric(lateUndeliverable), metric(lateFailed))
	}
	got := map[string]int{}
	for _, it := range r.inbox(t).Items {
		if it.Channel != sandbox.ChannelCustom {
			continue
		}
		got[it.MsgType]++
		if it.MsgType == "news" {
			var b struct {
				News struct {
					Articles []json.RawMessage `json:"articles"`
				} `json:"news"`
			}
			if err := json.Unmarshal([]byte(it.Body), &b); err != nil || len(b.News.Articles) != 1 {
				t.Errorf("news body %s", it.Body)
			}
		}
	}
	want := map[string]int{"text": 1, "image": 1, "voice": 1, "video": 1, "music": 1, "news": 2}
	for k, n := range want {
		if got[k] != n {
			t.Errorf("%d late %s messages, want %d (all: %v)", got[k], k, n, got)
		}
	}
}
