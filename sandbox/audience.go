package sandbox

// This file emulates the audience endpoints (being built).

// audienceState is the account's state in this domain. Guarded by Sandbox.mu.
type audienceState struct{}

// registerAudience adds the Audience endpoints to m.
func registerAudience(map[string]endpoint) {}
