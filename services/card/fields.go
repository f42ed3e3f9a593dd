package card

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// Shapes of the platform's identifiers.
const (
	maxIDLen     = 64 // card_id (28 characters in practice), openid (28), activate_ticket
	maxCodeLen   = 20 // a card code, custom codes included
	idChars      = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-"
	maxTextBytes = 3072
)

// checkID refuses a missing or malformed id (card_id, openid) in field.
func checkID(field, v string) error {
	switch {
	case v == "":
		return &ArgumentError{Field: field, Reason: "is required"}
	case len(v) > maxIDLen || strings.Trim(v, idChars) != "":
		return &ArgumentError{Field: field, Reason: fmt.Sprintf("must be 1 to %d characters of [A-Za-z0-9_-]", maxIDLen)}
	}
	return nil
}

// checkOptionalID is checkID for an optional id.
func checkOptionalID(field, v string) error {
	if v == "" {
		return nil
	}
	return checkID(field, v)
}

// checkCode refuses a missing or malformed card code: 1 to 20 printable ASCII
// characters without spaces.
func checkCode(field, v string) error {
	if v == "" {
		return &ArgumentError{Field: field, Reason: "is required"}
	}
	if len(v) > maxCodeLen {
		return &ArgumentError{Field: field, Reason: fmt.Sprintf("must be at most %d characters, got %d", maxCodeLen, len(v))}
	}
	for i := 0; i < len(v); i++ {
		if v[i] <= ' ' || v[i] > '~' {
			return &ArgumentError{Field: field, Reason: "must be printable ASCII without spaces"}
		}
	}
	return nil
}

// checkCodes refuses an empty or too long list of codes, or a malformed code in it.
func checkCodes(field string, codes []string, maxN int) error {
	if len(codes) == 0 {
		return &ArgumentError{Field: field, Reason: "must hold at least one code"}
	}
	if len(codes) > maxN {
		return &ArgumentError{Field: field, Reason: fmt.Sprintf("must hold at most %d codes, got %d", maxN, len(codes))}
	}
	for i, c := range codes {
		if err := checkCode(fmt.Sprintf("%s[%d]", field, i), c); err != nil {
			return err
		}
	}
	return nil
}

// checkText refuses text that is not UTF-8 or longer than maxBytes (0: required only
// when required is true).
func checkText(field, v string, maxBytes int, required bool) error {
	switch {
	case required && strings.TrimSpace(v) == "":
		return &ArgumentError{Field: field, Reason: "is required"}
	case !utf8.ValidString(v):
		return &ArgumentError{Field: field, Reason: "must be UTF-8"}
	case maxBytes > 0 && len(v) > maxBytes:
		return &ArgumentError{Field: field, Reason: fmt.Sprintf("must be at most %d bytes (%d Chinese characters), got %d", maxBytes, maxBytes/3, len(v))}
	}
	return nil
}

// checkOneOf refuses a value outside allowed (empty is allowed when optional).
func checkOneOf(field, v string, optional bool, allowed ...string) error {
	if v == "" && optional {
		return nil
	}
	for _, a := range allowed {
		if v == a {
			return nil
		}
	}
	if v == "" {
		return &ArgumentError{Field: field, Reason: "is required: one of " + strings.Join(allowed, ", ")}
	}
	return &ArgumentError{Field: field, Reason: fmt.Sprintf("must be one of %s, got %q", strings.Join(allowed, ", "), clip(v))}
}

// checkRange refuses n outside lo..hi.
func checkRange(field string, n, lo, hi uint32) error {
	if n < lo || n > hi {
		return &ArgumentError{Field: field, Reason: fmt.Sprintf("must be %d to %d, got %d", lo, hi, n)}
	}
	return nil
}

// clip shortens s for an error message.
func clip(s string) string {
	const n = 70
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

// firstErr returns the first non-nil error.
func firstErr(errs ...error) error {
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}
