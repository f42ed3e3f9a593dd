package rpcserver

import (
	"context"
	"errors"
	"log/slog"

	"connectrpc.com/connect"
)

// connectErrorer is implemented by domain errors that know their RPC status.
type connectErrorer interface {
	ConnectError() *connect.Error
}

// errInternal is the only message a caller sees for an unexpected error.
const msgInternal = "internal error"

// ToConnectError maps a handler's error to the status the caller sees, with four branches:
//
//  1. a *connect.Error anywhere in the chain (errors.As) is returned unchanged;
//  2. an error in the chain implementing ConnectError() *connect.Error returns that;
//  3. context.Canceled and context.DeadlineExceeded become Canceled and DeadlineExceeded;
//  4. anything else becomes Internal "internal error", and the cause is logged on log
//     (never sent to the caller).
//
// A nil err returns nil.
func ToConnectError(err error, log *slog.Logger) error {
	if err == nil {
		return nil
	}
	if ce, ok := knownError(err); ok {
		return ce
	}
	if log != nil {
		log.Error("rpc failed with an internal error", "err", err)
	}
	return connect.NewError(connect.CodeInternal, errors.New(msgInternal))
}

// knownError is branches 1-3 of ToConnectError.
func knownError(err error) (*connect.Error, bool) {
	var ce *connect.Error
	if errors.As(err, &ce) {
		return ce, true
	}
	var ic connectErrorer
	if errors.As(err, &ic) {
		if ce := ic.ConnectError(); ce != nil {
			return ce, true
		}
	}
	switch {
	case errors.Is(err, context.Canceled):
		return connect.NewError(connect.CodeCanceled, context.Canceled), true
	case errors.Is(err, context.DeadlineExceeded):
		return connect.NewError(connect.CodeDeadlineExceeded, context.DeadlineExceeded), true
	}
	return nil, false
}

// codeOf is the code ToConnectError will give err ("ok" for nil).
func codeOf(err error) string {
	if err == nil {
		return "ok"
	}
	if ce, ok := knownError(err); ok {
		return ce.Code().String()
	}
	return connect.CodeInternal.String()
}

func connectNotFound(service string) error {
	return connect.NewError(connect.CodeNotFound, errors.New("unknown service "+service))
}
