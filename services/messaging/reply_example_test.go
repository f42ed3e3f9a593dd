package messaging_test

import (
	"context"
	"net/http"
	"strings"

	messagingv1 "github.com/wxsuite/wxsuite/gen/go/wxsuite/messaging/v1"
	"github.com/wxsuite/wxsuite/gen/go/wxsuite/messaging/v1/messagingv1connect"
)

// echoReplies is a ReplyHandler backend: it answers text messages and lets the account's
// reply rules answer everything else.
type echoReplies struct {
	messagingv1connect.UnimplementedReplyHandlerServiceHandler
}

func (echoReplies) HandleEvent(_ context.Context, req *messagingv1.HandleEventRequest) (*messagingv1.HandleEventResponse, error) {
	text := req.GetEvent().GetText()
	if text == nil {
		return &messagingv1.HandleEventResponse{}, nil // the rules answer
	}
	return &messagingv1.HandleEventResponse{Reply: &messagingv1.PassiveReply{
		Reply: &messagingv1.PassiveReply_Text{Text: &messagingv1.PassiveTextReply{Content: strings.ToUpper(text.GetContent())}},
	}}, nil
}

// Example_replyHandler serves a ReplyHandler over gRPC (cleartext HTTP/2), Connect and
// gRPC-Web on one port; register its URL with ReplyService.SetReplyHandler or
// messaging.accounts.<app_id>.reply_handler.
func Example_replyHandler() {
	mux := http.NewServeMux()
	mux.Handle(messagingv1connect.NewReplyHandlerServiceHandler(echoReplies{}))
	var protocols http.Protocols
	protocols.SetHTTP1(true)
	protocols.SetUnencryptedHTTP2(true)
	srv := &http.Server{Addr: "127.0.0.1:9090", Handler: mux, Protocols: &protocols}
	_ = srv // srv.ListenAndServe() in a real program
}
