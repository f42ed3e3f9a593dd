package stores

import (
	"context"
	"errors"
	"fmt"

	"connectrpc.com/connect"

	"github.com/wxsuite/wxsuite/internal/wechat"
)

// ArgumentError is a request field that is missing or malformed; nothing was sent to
// WeChat. Its message is "<field path>: <reason>", e.g. "poi.categories[0]: is
// required".
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

// UpstreamError is an answer of WeChat that is not the documented shape (a Tencent Map
// status other than 0, a buffer that is not base64).
type UpstreamError struct {
	// Path is the API path called.
	Path string
	// Reason describes the problem without secrets.
	Reason string
}

// Error returns "<path>: <reason>".
func (e *UpstreamError) Error() string { return "wechat: " + e.Path + ": " + e.Reason }

// errcodeCodes remaps the stores errcodes the shared table does not know.
var errcodeCodes = map[int]connect.Code{
	65104: connect.CodeInvalidArgument,    // invalid categories
	65105: connect.CodeInvalidArgument,    // invalid photo url
	65106: connect.CodeFailedPrecondition, // poi audit state must be approved
	65107: connect.CodeFailedPrecondition, // poi not allowed modify now
	65109: connect.CodeInvalidArgument,    // invalid business name
	65110: connect.CodeInvalidArgument,    // invalid address
	65111: connect.CodeInvalidArgument,    // invalid telephone
	65112: connect.CodeInvalidArgument,    // invalid city
	65113: connect.CodeInvalidArgument,    // invalid province
	65114: connect.CodeInvalidArgument,    // photo list empty
	65115: connect.CodeNotFound,           // poi_id is not exist
	65116: connect.CodeNotFound,           // poi has been deleted
	65118: connect.CodeFailedPrecondition, // store status is invalid
	65120: connect.CodeInvalidArgument,    // category info is not found
}

// connectError maps the package's errors to connect errors; it is the one mapping
// function of the RPC boundary. Errors it does not know pass through to the server's
// interceptor, which turns them into Internal without exposing their text.
func connectError(err error) error {
	if err == nil {
		return nil
	}
	var (
		arg      *ArgumentError
		unknown  *UnknownAccountError
		upstream *UpstreamError
		we       *wechat.Error
	)
	switch {
	case errors.As(err, &arg):
		return connect.NewError(connect.CodeInvalidArgument, arg)
	case errors.As(err, &unknown):
		return connect.NewError(connect.CodeNotFound, unknown)
	case errors.As(err, &upstream):
		return connect.NewError(connect.CodeUnavailable, upstream)
	case errors.As(err, &we):
		ce := we.ConnectError()
		if code, ok := errcodeCodes[we.Code]; ok {
			return withCode(ce, code)
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
