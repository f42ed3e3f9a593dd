package wechat

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"strconv"

	"connectrpc.com/connect"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
)

// ErrorInfo identifiers attached to every connect error made from a WeChat errcode.
const (
	// ErrorInfoReason is ErrorInfo.Reason for a WeChat errcode.
	ErrorInfoReason = "WECHAT_ERRCODE"
	// ErrorInfoDomain is ErrorInfo.Domain for a WeChat errcode.
	ErrorInfoDomain = "api.weixin.qq.com"
)

// ErrNoTokenSource is returned by Client.Do for a call that needs an access token when the
// client was built without WithTokenSource.
var ErrNoTokenSource = errors.New("wechat: no token source configured")

// Error is a non-zero errcode returned by WeChat.
type Error struct {
	// Code is the errcode.
	Code int
	// Msg is the errmsg as returned (it may end with a " rid: …" trace suffix).
	Msg string
	// Path is the API path called, e.g. "/cgi-bin/menu/create".
	Path string
	// AppID is the official account the call was made for (may be empty).
	AppID string
}

// Error returns e.g. "wechat: /cgi-bin/menu/create for wx123: errcode 40013 (invalid appid)".
func (e *Error) Error() string {
	if e.AppID == "" {
		return fmt.Sprintf("wechat: %s: errcode %d (%s)", e.Path, e.Code, e.Msg)
	}
	return fmt.Sprintf("wechat: %s for %s: errcode %d (%s)", e.Path, e.AppID, e.Code, e.Msg)
}

// ErrorInfo returns the google.rpc.ErrorInfo describing e (reason WECHAT_ERRCODE, domain
// api.weixin.qq.com, metadata errcode, errmsg, path, app_id).
func (e *Error) ErrorInfo() *errdetails.ErrorInfo {
	md := map[string]string{
		"errcode": strconv.Itoa(e.Code),
		"errmsg":  e.Msg,
		"path":    e.Path,
	}
	if e.AppID != "" {
		md["app_id"] = e.AppID
	}
	return &errdetails.ErrorInfo{Reason: ErrorInfoReason, Domain: ErrorInfoDomain, Metadata: md}
}

// ConnectError converts e into a connect error whose code follows the table in the package
// documentation and which carries e.ErrorInfo() as a detail.
func (e *Error) ConnectError() *connect.Error {
	code := CodeFor(e.Code)
	msg := e.Error()
	switch e.Code {
	case 40164:
		msg = whitelistMessage(e)
	case 89501, 89503:
		msg = e.Error() + ": the administrator must confirm calls from this IP in the WeChat console"
	case 89506, 89507:
		msg = e.Error() + ": the administrator refused calls from this IP; the platform blocks it for a while (1 h after one refusal, 24 h after two)"
	}
	ce := connect.NewError(code, errors.New(msg))
	if d, err := connect.NewErrorDetail(e.ErrorInfo()); err == nil {
		ce.AddDetail(d)
	}
	return ce
}

var invalidIPPattern = regexp.MustCompile(`invalid ip ([0-9A-Fa-f.:]+)`)

// whitelistMessage explains a 40164 and names the rejected IP when the errmsg has it.
func whitelistMessage(e *Error) string {
	ip := "of this server"
	if m := invalidIPPattern.FindStringSubmatch(e.Msg); m != nil {
		ip = m[1]
	}
	account := "the account"
	if e.AppID != "" {
		account = "account " + e.AppID
	}
	return fmt.Sprintf("%s: the caller IP %s is not in the API IP whitelist of %s; add it in the WeChat console "+
		"(mp.weixin.qq.com → 设置与开发 → 基本配置 → IP白名单)", e.Error(), ip, account)
}

// CodeFor maps a WeChat errcode to a connect code, following the table in the package
// documentation. It returns connect.CodeUnknown for codes it does not know.
func CodeFor(errcode int) connect.Code {
	switch errcode {
	case -1:
		return connect.CodeUnavailable
	case 40001, 40014, 42001, 41001, 42007:
		return connect.CodeUnauthenticated
	case 40164, 48001, 48002, 48004, 50001, 50002, 50004, 50007, 61024:
		return connect.CodePermissionDenied
	case 89501, 89503, 89506, 89507:
		return connect.CodeFailedPrecondition
	case 45009, 45011, 45047, 45026, 45028, 45029, 45056, 45066, 45074, 48006, 65305, 65405:
		return connect.CodeResourceExhausted
	case 45015, 45080, 45081, 48003, 48005, 43004, 43019, 43101, 45057, 45058, 65400, 65402, 65413, 65414, 65415:
		return connect.CodeFailedPrecondition
	case 45065, 65406:
		return connect.CodeAlreadyExists
	case 43001, 43002:
		// The wrong HTTP method is a bug in this client or its caller's service, not bad input.
		return connect.CodeInternal
	case 49003, 61500, 61501:
		return connect.CodeInvalidArgument
	}
	switch errcode / 1000 {
	case 40, 41, 42, 44, 45, 47:
		// "invalid …", "… missing", expired codes, empty data, sizes out of limit, parse errors.
		return connect.CodeInvalidArgument
	case 46:
		return connect.CodeNotFound
	case 48:
		return connect.CodePermissionDenied
	}
	return connect.CodeUnknown
}

// IsTokenInvalid reports whether err carries errcode 40001, 40014 or 42001 (the access token
// is wrong, not the latest, or expired), either as an *Error or as a connect error with a
// WeChat ErrorInfo detail.
func IsTokenInvalid(err error) bool {
	c, ok := Code(err)
	return ok && isTokenInvalidCode(c)
}

func isTokenInvalidCode(c int) bool { return c == 40001 || c == 40014 || c == 42001 }

// Code returns the WeChat errcode carried by err: from an *Error in its chain, or from the
// ErrorInfo detail of a connect error produced by Error.ConnectError on the far side of an RPC.
func Code(err error) (int, bool) {
	var we *Error
	if errors.As(err, &we) {
		return we.Code, true
	}
	info, ok := ErrorInfoFrom(err)
	if !ok {
		return 0, false
	}
	c, convErr := strconv.Atoi(info.GetMetadata()["errcode"])
	if convErr != nil {
		return 0, false
	}
	return c, true
}

// ErrorInfoFrom returns the WeChat ErrorInfo carried by err: built from an *Error in its
// chain, or decoded from the details of a *connect.Error (as a client of a wxsuite service
// receives it). It reports false when err carries no WeChat errcode.
func ErrorInfoFrom(err error) (*errdetails.ErrorInfo, bool) {
	var we *Error
	if errors.As(err, &we) {
		return we.ErrorInfo(), true
	}
	var ce *connect.Error
	if !errors.As(err, &ce) {
		return nil, false
	}
	for _, d := range ce.Details() {
		v, derr := d.Value()
		if derr != nil {
			continue
		}
		if info, ok := v.(*errdetails.ErrorInfo); ok && info.GetReason() == ErrorInfoReason && info.GetDomain() == ErrorInfoDomain {
			return info, true
		}
	}
	return nil, false
}

// StatusError is a non-2xx HTTP response from the WeChat server.
type StatusError struct {
	// StatusCode is the HTTP status code.
	StatusCode int
	// Path is the API path called.
	Path string
	// AppID is the official account the call was made for (may be empty).
	AppID string
}

// Error returns e.g. "wechat: /cgi-bin/user/get for wx123: HTTP 502 Bad Gateway".
func (e *StatusError) Error() string {
	status := strconv.Itoa(e.StatusCode)
	if t := http.StatusText(e.StatusCode); t != "" {
		status += " " + t
	}
	if e.AppID == "" {
		return fmt.Sprintf("wechat: %s: HTTP %s", e.Path, status)
	}
	return fmt.Sprintf("wechat: %s for %s: HTTP %s", e.Path, e.AppID, status)
}

// ConnectError converts e: Unavailable for 5xx and 429, Unknown otherwise.
func (e *StatusError) ConnectError() *connect.Error {
	code := connect.CodeUnknown
	if e.StatusCode >= 500 || e.StatusCode == http.StatusTooManyRequests {
		code = connect.CodeUnavailable
	}
	return connect.NewError(code, errors.New(e.Error()))
}

// ConnectErrorFrom converts any error returned by Client.Do into a connect error: *Error and
// *StatusError by their ConnectError methods, *TransportError to Unavailable (DeadlineExceeded
// for timeouts), context cancellation and deadlines to Canceled and DeadlineExceeded. It
// reports false for other errors (e.g. a TokenSource failure), which the caller maps itself.
// Messages never contain tokens or secrets.
func ConnectErrorFrom(err error) (*connect.Error, bool) {
	var (
		we *Error
		se *StatusError
		te *TransportError
	)
	switch {
	case errors.As(err, &we):
		return we.ConnectError(), true
	case errors.As(err, &se):
		return se.ConnectError(), true
	case errors.Is(err, context.Canceled):
		return connect.NewError(connect.CodeCanceled, errors.New(err.Error())), true
	case errors.Is(err, context.DeadlineExceeded):
		return connect.NewError(connect.CodeDeadlineExceeded, errors.New(err.Error())), true
	case errors.As(err, &te):
		return connect.NewError(connect.CodeUnavailable, errors.New(te.Error())), true
	}
	return nil, false
}
