package sandbox

// This file will hold the datacube and publisher statistics endpoints; the domain's work is in progress.

// analyticsState is an account's datacube and publisher statistics state.
type analyticsState struct{}

// registerAnalytics adds the datacube and publisher statistics endpoints to m.
func registerAnalytics(m map[string]endpoint) {}
