package audience

import (
	"context"
	"errors"
	"fmt"

	"connectrpc.com/connect"

	"github.com/wxsuite/wxsuite/internal/wechat"
)

// ArgumentError is a request field that is missing or malformed; nothing was sent to
// WeChat. Its message is "<field path>: <reason>", e.g. "openids[3]: must be 1 to 64
// characters of [A-Za-z0-9_-]".
type ArgumentError struct {
	// Field is the request field path, e.g. "openids[3]" or "scene_id".
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

// ErrImageNotFound is the showqrcode answer for an unknown or expired ticket.
var ErrImageNotFound = errors.New("qr code image not found: the ticket is unknown or expired")

// ImageError is a failure to fetch a QR code image from showqrcode other than an unknown
// ticket: the endpoint could not be reached, answered with an unexpected status, or sent
// something that is not an image.
type ImageError struct {
	// Reason describes the failure without URLs.
	Reason string
}

// Error returns the reason.
func (e *ImageError) Error() string { return "fetch qr code image: " + e.Reason }

// BatchError is the failure of one call of a batch that wxsuite split into several
// platform calls: the calls before it succeeded and stay done.
type BatchError struct {
	// Op names the operation, e.g. "tag users".
	Op string
	// Call is the 1-based number of the failed call and Calls the number of calls planned.
	Call, Calls int
	// Done is how many items the earlier calls handled; Total how many were asked for.
	Done, Total int
	// Err is the failure of the call.
	Err error
}

// Error says which call failed and how far the batch got.
func (e *BatchError) Error() string {
	return fmt.Sprintf("%s: call %d of %d failed after %d of %d openids were done: %v", e.Op, e.Call, e.Calls, e.Done, e.Total, e.Err)
}

// Unwrap returns the call's failure.
func (e *BatchError) Unwrap() error { return e.Err }

// notFoundCodes are WeChat errcodes that mean "no such thing" for the audience endpoints:
// 40003 an openid the account does not know, 45159 an unknown tag id.
var notFoundCodes = map[int]bool{40003: true, 45159: true}

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
		batch   *BatchError
		img     *ImageError
		we      *wechat.Error
	)
	switch {
	case errors.As(err, &arg):
		return connect.NewError(connect.CodeInvalidArgument, arg)
	case errors.As(err, &unknown):
		return connect.NewError(connect.CodeNotFound, unknown)
	case errors.Is(err, ErrImageNotFound):
		return connect.NewError(connect.CodeNotFound, ErrImageNotFound)
	case errors.As(err, &img):
		return connect.NewError(connect.CodeUnavailable, img)
	case errors.As(err, &batch):
		inner, ok := connectError(batch.Err).(*connect.Error)
		if !ok {
			return err
		}
		out := connect.NewError(inner.Code(), fmt.Errorf("%s: call %d of %d failed after %d of %d openids were done: %s",
			batch.Op, batch.Call, batch.Calls, batch.Done, batch.Total, inner.Message()))
		for _, d := range inner.Details() {
			out.AddDetail(d)
		}
		return out
	case errors.As(err, &we):
		ce := we.ConnectError()
		if notFoundCodes[we.Code] || (we.Code == 40097 && we.Path == pathShortenFetch) {
			return withCode(ce, connect.CodeNotFound)
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
