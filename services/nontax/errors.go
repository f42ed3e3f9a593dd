package nontax

import (
	"context"
	"errors"
	"fmt"

	"connectrpc.com/connect"

	"github.com/wxsuite/wxsuite/internal/wechat"
)

// ArgumentError is a request field that is missing or malformed; nothing was sent to
// WeChat. Its message is "<field path>: <reason>", e.g. "items[2].fee: must not be
// negative".
type ArgumentError struct {
	// Field is the request field path, e.g. "base.plate_number".
	Field string
	// Reason says what is wrong with it.
	Reason string
}

// Error returns "<field>: <reason>".
func (e *ArgumentError) Error() string { return e.Field + ": " + e.Reason }

// UnknownAccountError is an app_id that is not configured.
type UnknownAccountError struct {
	// AppID is the app_id asked for.
	AppID string
}

// Error names the app_id.
func (e *UnknownAccountError) Error() string {
	return fmt.Sprintf("app_id: account %q is not configured", e.AppID)
}

// connectError maps the service's errors to connect errors; it is the one mapping
// function of the RPC boundary. WeChat errors keep their errcode as a WECHAT_ERRCODE
// detail. Errors it does not know pass through to the server's interceptor, which turns
// them into Internal without exposing their text.
func connectError(err error) error {
	if err == nil {
		return nil
	}
	var (
		arg     *ArgumentError
		unknown *UnknownAccountError
		we      *wechat.Error
	)
	switch {
	case errors.As(err, &arg):
		return connect.NewError(connect.CodeInvalidArgument, arg)
	case errors.As(err, &unknown):
		return connect.NewError(connect.CodeNotFound, unknown)
	case errors.As(err, &we):
		return we.ConnectError()
	case errors.Is(err, context.Canceled):
		return connect.NewError(connect.CodeCanceled, err)
	case errors.Is(err, context.DeadlineExceeded):
		return connect.NewError(connect.CodeDeadlineExceeded, err)
	}
	return err
}
