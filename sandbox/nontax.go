package sandbox

// This file will hold the 非税缴费 (non-tax payments) endpoints; the domain's work is in progress.

// nontaxState is an account's 非税缴费 (non-tax payments) state.
type nontaxState struct{}

// registerNontax adds the 非税缴费 (non-tax payments) endpoints to m.
func registerNontax(m map[string]endpoint) {}
