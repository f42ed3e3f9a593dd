package smart

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"connectrpc.com/connect"

	"github.com/wxsuite/wxsuite/internal/wechat"
)

func TestConnectError(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		give error
		want connect.Code
	}{
		{name: "argument", give: &ArgumentError{Field: "img", Reason: "x"}, want: connect.CodeInvalidArgument},
		{name: "wrapped argument", give: fmt.Errorf("ctx: %w", &ArgumentError{Field: "img", Reason: "x"}), want: connect.CodeInvalidArgument},
		{name: "unknown account", give: &UnknownAccountError{AppID: "wx1"}, want: connect.CodeNotFound},
		{name: "invalid image url", give: &wechat.Error{Code: 101000, Path: pathIDCard}, want: connect.CodeInvalidArgument},
		{name: "nothing found", give: &wechat.Error{Code: 101001, Path: pathIDCard}, want: connect.CodeNotFound},
		{name: "bad image data", give: &wechat.Error{Code: 101002, Path: pathComm}, want: connect.CodeInvalidArgument},
		{name: "recognition quota", give: &wechat.Error{Code: 101003, Path: pathMenu}, want: connect.CodeResourceExhausted},
		{name: "no semantic result", give: &wechat.Error{Code: 7000000, Path: pathSemantic}, want: connect.CodeNotFound},
		{name: "semantic missing", give: &wechat.Error{Code: 7000001, Path: pathSemantic}, want: connect.CodeInvalidArgument},
		{name: "semantic denied", give: &wechat.Error{Code: 7000003, Path: pathSemantic}, want: connect.CodePermissionDenied},
		{name: "unknown voice", give: &wechat.Error{Code: 40097, Path: pathQueryVoice}, want: connect.CodeNotFound},
		{name: "voice id used", give: &wechat.Error{Code: 40097, Path: pathAddVoice}, want: connect.CodeAlreadyExists},
		{name: "40097 elsewhere", give: &wechat.Error{Code: 40097, Path: pathTranslate}, want: connect.CodeInvalidArgument},
		{name: "daily quota", give: &wechat.Error{Code: 45009, Path: pathTranslate}, want: connect.CodeResourceExhausted},
		{name: "canceled", give: context.Canceled, want: connect.CodeCanceled},
		{name: "deadline", give: fmt.Errorf("x: %w", context.DeadlineExceeded), want: connect.CodeDeadlineExceeded},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			err := connectError(tt.give)
			if got := connect.CodeOf(err); got != tt.want {
				t.Fatalf("code %v, want %v (%v)", got, tt.want, err)
			}
			var we *wechat.Error
			if errors.As(tt.give, &we) {
				info, ok := wechat.ErrorInfoFrom(err)
				if !ok || info.GetMetadata()["errcode"] != fmt.Sprint(we.Code) {
					t.Errorf("ErrorInfo %v, want errcode %d", info, we.Code)
				}
			}
		})
	}
	if connectError(nil) != nil {
		t.Error("connectError(nil) != nil")
	}
	// Unknown errors pass through for the server's interceptor (Internal, text hidden).
	other := errors.New("boom")
	if !errors.Is(connectError(other), other) {
		t.Error("unknown error not passed through")
	}
}
