package wechat

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"connectrpc.com/connect"
)

func TestCodeFor(t *testing.T) {
	t.Parallel()
	tests := []struct {
		give int
		want connect.Code
	}{
		{-1, connect.CodeUnavailable},
		{40001, connect.CodeUnauthenticated},
		{40014, connect.CodeUnauthenticated},
		{42001, connect.CodeUnauthenticated},
		{41001, connect.CodeUnauthenticated},
		{45009, connect.CodeResourceExhausted},
		{45011, connect.CodeResourceExhausted},
		{45047, connect.CodeResourceExhausted},
		{40164, connect.CodePermissionDenied},
		{48001, connect.CodePermissionDenied},
		{50001, connect.CodePermissionDenied},
		{89501, connect.CodeFailedPrecondition},
		{89503, connect.CodeFailedPrecondition},
		{89506, connect.CodeFailedPrecondition},
		{89507, connect.CodeFailedPrecondition},
		{40002, connect.CodeInvalidArgument},
		{40003, connect.CodeInvalidArgument},
		{40013, connect.CodeInvalidArgument},
		{40125, connect.CodeInvalidArgument},
		{41002, connect.CodeInvalidArgument},
		{41004, connect.CodeInvalidArgument},
		{41011, connect.CodeInvalidArgument},
		{40033, connect.CodeInvalidArgument},
		{44002, connect.CodeInvalidArgument},
		{47001, connect.CodeInvalidArgument},
		{45002, connect.CodeInvalidArgument},
		{61501, connect.CodeInvalidArgument},
		{43004, connect.CodeFailedPrecondition},
		{45015, connect.CodeFailedPrecondition},
		{45065, connect.CodeAlreadyExists},
		{46004, connect.CodeNotFound},
		{43002, connect.CodeInternal},
		{88000, connect.CodeUnknown},
		{1, connect.CodeUnknown},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprint(tt.give), func(t *testing.T) {
			t.Parallel()
			if got := CodeFor(tt.give); got != tt.want {
				t.Errorf("CodeFor(%d) = %v, want %v", tt.give, got, tt.want)
			}
		})
	}
}

func TestErrorHelpersOnOtherErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		give error
	}{
		{name: "nil", give: nil},
		{name: "plain", give: errors.New("x")},
		{name: "connect without detail", give: connect.NewError(connect.CodeInternal, errors.New("x"))},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if _, ok := Code(tt.give); ok {
				t.Error("Code reported an errcode")
			}
			if _, ok := ErrorInfoFrom(tt.give); ok {
				t.Error("ErrorInfoFrom reported an ErrorInfo")
			}
			if IsTokenInvalid(tt.give) {
				t.Error("IsTokenInvalid reported true")
			}
		})
	}
}

func TestErrorHelpersThroughWrapping(t *testing.T) {
	t.Parallel()
	err := fmt.Errorf("send menu: %w", &Error{Code: 42001, Msg: "access_token expired", Path: "/p", AppID: "wx1"})
	if !IsTokenInvalid(err) {
		t.Error("IsTokenInvalid(wrapped 42001) = false")
	}
	wrappedConnect := fmt.Errorf("call messaging: %w", (&Error{Code: 40001, Path: "/p"}).ConnectError())
	if !IsTokenInvalid(wrappedConnect) {
		t.Error("IsTokenInvalid(wrapped connect 40001) = false")
	}
}

func TestBackoffGrowsWithJitter(t *testing.T) {
	t.Parallel()
	base := 100 * time.Millisecond
	for n, want := range map[int]time.Duration{1: base, 2: 2 * base, 3: 4 * base, 20: maxBackoff} {
		for range 50 {
			got := backoff(base, n)
			if got < want/2 || got > want {
				t.Fatalf("backoff(%v, %d) = %v, want within [%v, %v]", base, n, got, want/2, want)
			}
		}
	}
}
