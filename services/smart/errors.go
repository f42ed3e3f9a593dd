package smart

import (
	"context"
	"errors"
	"fmt"

	"connectrpc.com/connect"

	"github.com/wxsuite/wxsuite/internal/wechat"
)

// ArgumentError is a request field that is missing or malformed; nothing was sent to
// WeChat. Its message is "<field path>: <reason>", e.g. "img: must be at most 2097152
// bytes".
type ArgumentError struct {
	// Field is the request field path, e.g. "img_url" or "categories[2]".
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

// errcodeCodes are the connect codes of the smart pages' own errcodes, which the
// generic table of internal/wechat does not know.
var errcodeCodes = map[int]connect.Code{
	101000:  connect.CodeInvalidArgument,   // image URL invalid or not fetchable
	101001:  connect.CodeNotFound,          // no certificate or code found in the image
	101002:  connect.CodeInvalidArgument,   // image data invalid or too large
	101003:  connect.CodeResourceExhausted, // recognition quota used up
	7000000: connect.CodeNotFound,          // no semantic result
	7000001: connect.CodeInvalidArgument,   // missing parameter
	7000002: connect.CodeInvalidArgument,   // invalid parameter
	7000003: connect.CodePermissionDenied,  // no access
}

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
		if code, ok := errcodeCodes[we.Code]; ok {
			return withCode(ce, code)
		}
		if we.Code == 40097 {
			// Requests are checked before sending, so a 40097 of these paths is about
			// the voice_id: unknown when querying, already used when adding.
			switch we.Path {
			case pathQueryVoice:
				return withCode(ce, connect.CodeNotFound)
			case pathAddVoice:
				return withCode(ce, connect.CodeAlreadyExists)
			}
		}
		return ce
	case errors.Is(err, context.Canceled):
		return connect.NewError(connect.CodeCanceled, err)
	case errors.Is(err, context.DeadlineExceeded):
		return connect.NewError(connect.CodeDeadlineExceeded, err)
	}
	if ce, ok := wechat.ConnectErrorFrom(err); ok {
		return ce
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
