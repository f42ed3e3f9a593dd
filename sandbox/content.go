package sandbox

// This file emulates the content endpoints (being built).

// contentState is the account's state in this domain. Guarded by Sandbox.mu.
type contentState struct{}

// registerContent adds the Content endpoints to m.
func registerContent(map[string]endpoint) {}
