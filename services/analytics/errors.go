package analytics

import (
	"context"
	"errors"
	"fmt"

	"connectrpc.com/connect"

	"github.com/wxsuite/wxsuite/internal/wechat"
)

// ArgumentError is a request field that is missing or malformed; nothing was sent to
// WeChat. Its message is "<field path>: <reason>", e.g. "end_date: must be yesterday
// (2025-03-09) or earlier".
type ArgumentError struct {
	// Field is the request field path, e.g. "begin_date".
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

// SplitError is the failure of one call of a range that wxsuite split into several
// platform calls; the answers of the calls before it are dropped.
type SplitError struct {
	// Call is the 1-based number of the failed call and Calls the number planned.
	Call, Calls int
	// Begin and End are the days the failed call asked for.
	Begin, End string
	// Err is the failure of the call.
	Err error
}

// Error says which call failed.
func (e *SplitError) Error() string {
	return fmt.Sprintf("call %d of %d (%s to %s) failed: %v", e.Call, e.Calls, e.Begin, e.End, e.Err)
}

// Unwrap returns the call's failure.
func (e *SplitError) Unwrap() error { return e.Err }

// publisherCodes remaps the publisher statistics' own codes (base_resp.ret), which the
// WeChat client does not know: 1700/1701 parameter errors, 2009 and 1807 an account
// that is not a publisher (流量主), -202 an internal error worth retrying later.
var publisherCodes = map[int]connect.Code{
	1700: connect.CodeInvalidArgument,
	1701: connect.CodeInvalidArgument,
	1807: connect.CodeFailedPrecondition,
	2009: connect.CodeFailedPrecondition,
	2056: connect.CodeFailedPrecondition,
	-202: connect.CodeUnavailable,
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
		split   *SplitError
		we      *wechat.Error
	)
	switch {
	case errors.As(err, &arg):
		return connect.NewError(connect.CodeInvalidArgument, arg)
	case errors.As(err, &unknown):
		return connect.NewError(connect.CodeNotFound, unknown)
	case errors.As(err, &split):
		inner, ok := connectError(split.Err).(*connect.Error)
		if !ok {
			return err
		}
		out := connect.NewError(inner.Code(), fmt.Errorf("call %d of %d (%s to %s) failed: %s",
			split.Call, split.Calls, split.Begin, split.End, inner.Message()))
		for _, d := range inner.Details() {
			out.AddDetail(d)
		}
		return out
	case errors.As(err, &we):
		ce := we.ConnectError()
		if code, ok := publisherCodes[we.Code]; ok && we.Path == pathPublisherStat {
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
