package card

import (
	"context"
	"errors"
	"fmt"

	"connectrpc.com/connect"

	"github.com/wxsuite/wxsuite/internal/wechat"
)

// ArgumentError is a request field that is missing or malformed; nothing was sent to
// WeChat. Its message is "<field path>: <reason>", e.g. "card.groupon.base_info.title:
// must be at most 27 bytes".
type ArgumentError struct {
	// Field is the request field path.
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

// notFoundCodes are WeChat errcodes that mean "no such thing" for the card endpoints:
// 40073 an unknown card_id, 40056 an unknown code.
var notFoundCodes = map[int]bool{40073: true, 40056: true}

// preconditionCodes are errcodes about the state of a card or code, not the request:
// 40078 card status, 40099 code already consumed, 40127 user-card status.
var preconditionCodes = map[int]bool{40078: true, 40099: true, 40127: true}

// connectError maps the service's errors to connect errors; it is the one mapping
// function of the RPC boundary. Errors it does not know pass through to the server's
// interceptor, which turns them into Internal without exposing their text.
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
		ce := we.ConnectError()
		switch {
		case notFoundCodes[we.Code]:
			return withCode(ce, connect.CodeNotFound)
		case preconditionCodes[we.Code]:
			return withCode(ce, connect.CodeFailedPrecondition)
		}
		return ce
	case errors.Is(err, context.Canceled):
		return connect.NewError(connect.CodeCanceled, err)
	case errors.Is(err, context.DeadlineExceeded):
		return connect.NewError(connect.CodeDeadlineExceeded, err)
	}
	return err
}

// withCode returns ce with another code, keeping its message and details (the
// WECHAT_ERRCODE ErrorInfo).
func withCode(ce *connect.Error, code connect.Code) *connect.Error {
	out := connect.NewError(code, errors.New(ce.Message()))
	for _, d := range ce.Details() {
		out.AddDetail(d)
	}
	return out
}

// rpc returns v, or the connect error of err.
func rpc[T any](v T, err error) (T, error) {
	if err != nil {
		var zero T
		return zero, connectError(err)
	}
	return v, nil
}
