package config

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// FieldError is a configuration error about one key. Key is the full dotted path with list
// indexes in brackets ("accounts[1].app_secret"); Msg says what is wrong and never contains
// a secret value.
type FieldError struct {
	Key string
	Msg string
}

// Error returns "config: <key>: <msg>".
func (e *FieldError) Error() string {
	return "config: " + e.Key + ": " + e.Msg
}

// JoinKey appends child to the key path parent: a string child is joined with a dot
// ("redis" + "url" = "redis.url"; a child starting with "[" is appended as is) and an int
// child becomes a list index ("accounts" + 1 = "accounts[1]"). An empty parent returns
// the child alone.
func JoinKey(parent string, child any) string {
	var c string
	switch v := child.(type) {
	case int:
		return parent + "[" + strconv.Itoa(v) + "]"
	case string:
		c = v
	default:
		c = fmt.Sprint(v)
	}
	switch {
	case parent == "":
		return c
	case c == "":
		return parent
	case strings.HasPrefix(c, "["):
		return parent + c
	default:
		return parent + "." + c
	}
}

// Nest prefixes the keys in err with parent: every *FieldError (also inside errors.Join
// results) gets Key = JoinKey(parent, Key); any other error is wrapped as
// "config: <parent>: <err>". Validators return keys relative to their own struct; Section
// nests them under the section name.
func Nest(parent string, err error) error {
	if err == nil {
		return nil
	}
	if fe, ok := err.(*FieldError); ok {
		return &FieldError{Key: JoinKey(parent, fe.Key), Msg: fe.Msg}
	}
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		errs := j.Unwrap()
		out := make([]error, 0, len(errs))
		for _, e := range errs {
			out = append(out, Nest(parent, e))
		}
		return errors.Join(out...)
	}
	return fmt.Errorf("config: %s: %w", parent, err)
}
