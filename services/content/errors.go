package content

import (
	"errors"
	"fmt"

	"connectrpc.com/connect"

	"github.com/wxsuite/wxsuite/internal/wechat"
)

// ArgumentError is a request field that is missing or malformed; nothing was sent to
// WeChat.
type ArgumentError struct {
	// Field is the request field path, e.g. "articles[2].title".
	Field string
	// Reason says what is wrong, e.g. "is required".
	Reason string
}

func (e *ArgumentError) Error() string { return e.Field + ": " + e.Reason }

// UnknownAccountError is returned for an app_id that is not configured.
type UnknownAccountError struct {
	// AppID is the account asked for.
	AppID string
}

func (e *UnknownAccountError) Error() string {
	return fmt.Sprintf("account %q is not configured", e.AppID)
}

// CallError is a failed WeChat call.
type CallError struct {
	// AppID is the account.
	AppID string
	// Op names the operation, e.g. "upload media".
	Op string
	// Err is the wechat client's error (a *wechat.Error when WeChat answered an errcode).
	Err error
}

func (e *CallError) Error() string { return fmt.Sprintf("%s for %s: %v", e.Op, e.AppID, e.Err) }

func (e *CallError) Unwrap() error { return e.Err }

// DownloadTooLargeError is a download over content.max_download_bytes.
type DownloadTooLargeError struct {
	// AppID and MediaID name the file.
	AppID, MediaID string
	// Limit is content.max_download_bytes.
	Limit int64
}

func (e *DownloadTooLargeError) Error() string {
	return fmt.Sprintf("media %q of %s is larger than content.max_download_bytes (%d bytes)", e.MediaID, e.AppID, e.Limit)
}

// errcodeStatus is the status of the content errcodes whose generic mapping
// (wechat.CodeFor) does not say what the caller should do.
var errcodeStatus = map[int]connect.Code{
	40007: connect.CodeNotFound,           // invalid media_id: unknown or expired
	88001: connect.CodeNotFound,           // msg_data is not exists
	88008: connect.CodeNotFound,           // comment is not exists
	88009: connect.CodeNotFound,           // reply is not exists
	88000: connect.CodeFailedPrecondition, // without comment privilege / comments closed
	88002: connect.CodeFailedPrecondition, // article limited for safety
	88011: connect.CodeFailedPrecondition,
	88004: connect.CodeFailedPrecondition, // comment deleted by its author
	88005: connect.CodeAlreadyExists,      // already reply
	88003: connect.CodeResourceExhausted,  // elected comment upper limit
	45034: connect.CodeResourceExhausted,  // media file count is out of limit
	45074: connect.CodeResourceExhausted,  // material list size out of limit
	88007: connect.CodeInvalidArgument,    // reply content length
	88010: connect.CodeInvalidArgument,    // count range
}

// connectError maps the service's errors to connect errors; it is the one mapping
// function of the RPC and HTTP boundaries. Errors it does not know pass through to the
// server's interceptor, which turns them into Internal without exposing their text.
func connectError(err error) error {
	if err == nil {
		return nil
	}
	var (
		arg     *ArgumentError
		unknown *UnknownAccountError
		call    *CallError
		big     *DownloadTooLargeError
	)
	switch {
	case errors.As(err, &arg):
		return connect.NewError(connect.CodeInvalidArgument, arg)
	case errors.As(err, &unknown):
		return connect.NewError(connect.CodeNotFound, unknown)
	case errors.As(err, &big):
		return connect.NewError(connect.CodeResourceExhausted, big)
	case errors.As(err, &call):
		return callStatus(call)
	}
	return err
}

// callStatus is the status of a failed WeChat call: the errcode's status with its
// WECHAT_ERRCODE ErrorInfo, transport failures Unavailable.
func callStatus(call *CallError) error {
	var werr *wechat.Error
	if errors.As(call.Err, &werr) {
		ce := werr.ConnectError()
		code := ce.Code()
		if c, ok := errcodeStatus[werr.Code]; ok {
			code = c
		}
		out := connect.NewError(code, fmt.Errorf("%s for %s: WeChat errcode %d (%s)", call.Op, call.AppID, werr.Code, werr.Msg))
		for _, d := range ce.Details() {
			out.AddDetail(d)
		}
		return out
	}
	if ce, ok := wechat.ConnectErrorFrom(call.Err); ok {
		out := connect.NewError(ce.Code(), fmt.Errorf("%s for %s: %s", call.Op, call.AppID, ce.Message()))
		for _, d := range ce.Details() {
			out.AddDetail(d)
		}
		return out
	}
	// A token source failure or a decode error: Internal, logged by the interceptor.
	return call
}
