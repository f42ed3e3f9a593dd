package sandbox

// This file emulates the menus endpoints (being built).

// menusState is the account's state in this domain. Guarded by Sandbox.mu.
type menusState struct{}

// registerMenus adds the Menus endpoints to m.
func registerMenus(map[string]endpoint) {}
