package rpcserver_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"testing"

	"connectrpc.com/connect"

	"github.com/wxsuite/wxsuite/internal/platform/rpcserver"
)

type quotaError struct{}

func (quotaError) Error() string { return "quota exhausted for wx1" }

func (quotaError) ConnectError() *connect.Error {
	return connect.NewError(connect.CodeResourceExhausted, errors.New("daily quota exhausted"))
}

func TestToConnectError(t *testing.T) {
	t.Parallel()
	notFound := connect.NewError(connect.CodeNotFound, errors.New("no such account"))
	tests := []struct {
		name     string
		give     error
		wantCode connect.Code
		wantMsg  string
		wantLog  bool
	}{
		{"connect error", notFound, connect.CodeNotFound, "no such account", false},
		{"wrapped connect error", fmt.Errorf("load: %w", notFound), connect.CodeNotFound, "no such account", false},
		{"typed error", fmt.Errorf("fetch: %w", quotaError{}), connect.CodeResourceExhausted, "daily quota exhausted", false},
		{"canceled", fmt.Errorf("fetch: %w", context.Canceled), connect.CodeCanceled, "context canceled", false},
		{"deadline", fmt.Errorf("fetch: %w", context.DeadlineExceeded), connect.CodeDeadlineExceeded, "context deadline exceeded", false},
		{"unknown", errors.New("dial redis: password hunter2 rejected"), connect.CodeInternal, "internal error", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var logs bytes.Buffer
			got := rpcserver.ToConnectError(tt.give, slog.New(slog.NewTextHandler(&logs, nil)))
			var ce *connect.Error
			if !errors.As(got, &ce) {
				t.Fatalf("got %T %v, want a *connect.Error", got, got)
			}
			if ce.Code() != tt.wantCode || ce.Message() != tt.wantMsg {
				t.Errorf("got %v %q, want %v %q", ce.Code(), ce.Message(), tt.wantCode, tt.wantMsg)
			}
			if logged := strings.Contains(logs.String(), tt.give.Error()); logged != tt.wantLog {
				t.Errorf("cause logged = %v, want %v: %s", logged, tt.wantLog, logs.String())
			}
		})
	}
	if rpcserver.ToConnectError(nil, nil) != nil {
		t.Error("nil error mapped to non-nil")
	}
}
