package main

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"connectrpc.com/connect"

	messagingv1 "github.com/wxsuite/wxsuite/gen/go/wxsuite/messaging/v1"
	"github.com/wxsuite/wxsuite/gen/go/wxsuite/messaging/v1/messagingv1connect"
)

// installRule replaces the account's reply rules, through wxsuite's ReplyService (Connect,
// with the setup's API key), by one exact keyword rule answering reply to text messages
// whose Content is keyword.
func installRule(ctx context.Context, w *wxsuiteSetup, keyword, reply string) error {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	bearer := connect.UnaryInterceptorFunc(func(next connect.UnaryFunc) connect.UnaryFunc {
		return func(ctx context.Context, req connect.AnyRequest) (connect.AnyResponse, error) {
			req.Header().Set("Authorization", "Bearer "+w.apiKey)
			return next(ctx, req)
		}
	})
	client := messagingv1connect.NewReplyServiceClient(http.DefaultClient, "http://"+w.addr, connect.WithInterceptors(bearer))
	resp, err := client.SetReplyRules(ctx, &messagingv1.SetReplyRulesRequest{
		AppId: w.acc.appID,
		Rules: &messagingv1.ReplyRules{KeywordRules: []*messagingv1.KeywordRule{{
			Match:   messagingv1.KeywordMatch_KEYWORD_MATCH_EXACT,
			Pattern: keyword,
			Reply: &messagingv1.PassiveReply{Reply: &messagingv1.PassiveReply_Text{
				Text: &messagingv1.PassiveTextReply{Content: reply},
			}},
		}}},
	})
	if err != nil {
		return fmt.Errorf("SetReplyRules: %w", err)
	}
	if n := len(resp.GetRules().GetKeywordRules()); n != 1 {
		return fmt.Errorf("SetReplyRules stored %d keyword rules, want 1", n)
	}
	return nil
}
