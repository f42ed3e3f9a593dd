package guide

import (
	"context"
	"errors"
	"fmt"

	"connectrpc.com/connect"

	"github.com/wxsuite/wxsuite/internal/wechat"
)

// ArgumentError is a request field that is missing or malformed; nothing was sent to
// WeChat. Its message is "<field path>: <reason>", e.g. "openid_list[3]: must be 1 to 64
// characters of [A-Za-z0-9_-]".
type ArgumentError struct {
	// Field is the request field path, e.g. "openid_list[3]" or "material[0].word".
	Field string
	// Reason says what is wrong with it.
	Reason string
}

// Error returns "<field>: <reason>".
func (e *ArgumentError) Error() string { return e.Field + ": " + e.Reason }

// argf returns an *ArgumentError for field with a formatted reason.
func argf(field, format string, args ...any) error {
	return &ArgumentError{Field: field, Reason: fmt.Sprintf(format, args...)}
}

// UnknownAccountError is an app_id that is not configured.
type UnknownAccountError struct {
	// AppID is the app_id asked for.
	AppID string
}

// Error names the app_id.
func (e *UnknownAccountError) Error() string {
	return fmt.Sprintf("app_id: account %q is not configured", e.AppID)
}

// DecodeError is an answer of WeChat that does not have the documented shape.
type DecodeError struct {
	// Path is the WeChat API path.
	Path string
}

// Error names the path.
func (e *DecodeError) Error() string {
	return "unexpected answer from " + e.Path
}

// Errcodes of the guide endpoints with a connect code other than the default.
var codeOf = map[int]connect.Code{
	40003:   connect.CodeNotFound,           // invalid openid: no such user
	43004:   connect.CodeFailedPrecondition, // the user does not follow the account
	9300801: connect.CodeInvalidArgument,    // invalid WeChat ID
	9300802: connect.CodeFailedPrecondition, // the account has not enabled advisors
	9300803: connect.CodeAlreadyExists,      // already an advisor
	9300804: connect.CodeNotFound,           // no such advisor
	9300806: connect.CodeNotFound,           // the buyer is not bound to the advisor
	9300807: connect.CodeInvalidArgument,    // not a tag value of the account
	9300809: connect.CodeNotFound,           // the buyer has no display tags
	9300810: connect.CodeInvalidArgument,    // nickname too long
	9300812: connect.CodeResourceExhausted,  // advisor limit
	9300817: connect.CodeResourceExhausted,  // card material limit
	9300819: connect.CodeInvalidArgument,    // bad media_id
	9300821: connect.CodeInvalidArgument,    // bad mini program appid
	-2:      connect.CodeNotFound,           // no relation (delguidebuyerrelation)
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
		dec     *DecodeError
		we      *wechat.Error
	)
	switch {
	case errors.As(err, &arg):
		return connect.NewError(connect.CodeInvalidArgument, arg)
	case errors.As(err, &unknown):
		return connect.NewError(connect.CodeNotFound, unknown)
	case errors.As(err, &dec):
		return connect.NewError(connect.CodeInternal, dec)
	case errors.As(err, &we):
		ce := we.ConnectError()
		if code, ok := codeOf[we.Code]; ok {
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
