package sandbox

import (
	"errors"
	"fmt"
)

// ErrUnknownAccount is wrapped by the errors of methods given an AppID the sandbox does
// not know; the error text names the AppID.
var ErrUnknownAccount = errors.New("unknown account")

// ErrQuotaExhausted is wrapped by [Sandbox.IssueToken] when the account has used up its
// /cgi-bin/token daily quota (the API would answer 45009).
var ErrQuotaExhausted = errors.New("daily quota exhausted")

// ArgumentError reports an invalid argument to a sandbox method, naming the field.
type ArgumentError struct {
	// Field names the offending field, e.g. "fault.ratio".
	Field string
	// Reason says what is wrong with it, e.g. "must be in [0, 1]".
	Reason string
}

// Error returns "<field> <reason>".
func (e *ArgumentError) Error() string { return e.Field + " " + e.Reason }

func unknownAccount(appID string) error {
	return fmt.Errorf("app_id %q: %w", appID, ErrUnknownAccount)
}
