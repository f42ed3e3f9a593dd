package invoice

import (
	"context"
	"errors"
	"fmt"

	"connectrpc.com/connect"

	"github.com/wxsuite/wxsuite/internal/wechat"
)

// ArgumentError is a request field that is missing or malformed; nothing was sent to
// WeChat. Its message is "<field path>: <reason>", e.g. "user_data.fee: must be positive".
type ArgumentError struct {
	// Field is the request field path, e.g. "items[2].card_id".
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

// ErrBadAnswer is a WeChat answer without the fields the call needs (e.g. seturl
// without an s_pappid in its invoice_url).
var ErrBadAnswer = errors.New("invoice: unexpected answer from WeChat")

// Errcodes grouped by the gRPC code they map to; the rest keep wechat.CodeFor's code.
var (
	// notFoundCodes name something that does not exist: an unknown serial number, invoice
	// card, template, PDF or title QR code, or a setting never set.
	notFoundCodes = map[int]bool{73109: true, 73200: true, 73204: true, 40007: true, 72044: true,
		72028: true, 72029: true}
	// preconditionCodes refuse a change the object's state does not allow.
	preconditionCodes = map[int]bool{72023: true, 72024: true, 72035: true, 72038: true, 72039: true,
		72050: true, 72060: true, 72061: true, 72063: true}
	// invalidCodes are WeChat refusing a value wxsuite cannot check itself: invalid params,
	// mchid, title, PDF, billing numbers or fee, a blue invoice or seller that does not
	// match, an invoice of another user, and the unified interface's empty-field codes.
	invalidCodes = map[int]bool{72017: true, 72030: true, 72031: true, 72037: true, 72040: true, 72041: true,
		72043: true, 72073: true, 73001: true, 73002: true, 73003: true, 73004: true, 73006: true, 73007: true,
		73008: true, 73009: true, 73010: true, 73011: true, 73012: true, 73013: true, 73014: true, 73015: true,
		73016: true, 73101: true}
	// existsCodes refuse something done already.
	existsCodes = map[int]bool{72018: true, 72042: true, 72056: true, 73106: true, 73108: true}
)

// connectError maps the service's errors to connect errors; it is the one mapping
// function of the RPC boundary. Errors it does not know pass through to the server's
// interceptor, which turns them into Internal without exposing their text.
func connectError(err error) error {
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
		case notFoundCodes[we.Code] || (we.Code == 72038 && we.Path == pathGetAuthData):
			return withCode(ce, connect.CodeNotFound)
		case preconditionCodes[we.Code]:
			return withCode(ce, connect.CodeFailedPrecondition)
		case existsCodes[we.Code]:
			return withCode(ce, connect.CodeAlreadyExists)
		case invalidCodes[we.Code]:
			return withCode(ce, connect.CodeInvalidArgument)
		}
		return ce
	case errors.Is(err, ErrBadAnswer):
		return connect.NewError(connect.CodeUnavailable, ErrBadAnswer)
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
