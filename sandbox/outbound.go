package sandbox

// This file emulates the outbound endpoints (being built).

// outboundState is the account's state in this domain. Guarded by Sandbox.mu.
type outboundState struct{}

// registerOutbound adds the Outbound endpoints to m.
func registerOutbound(map[string]endpoint) {}
