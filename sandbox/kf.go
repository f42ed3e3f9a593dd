package sandbox

// This file emulates the kf endpoints (being built).

// kfState is the account's state in this domain. Guarded by Sandbox.mu.
type kfState struct{}

// registerKF adds the KF endpoints to m.
func registerKF(map[string]endpoint) {}
