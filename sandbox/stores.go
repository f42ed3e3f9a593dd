package sandbox

// This file will hold the stores (POI), store mini-programs and 一物一码 codes endpoints; the domain's work is in progress.

// storesState is an account's stores (POI), store mini-programs and 一物一码 codes state.
type storesState struct{}

// registerStores adds the stores (POI), store mini-programs and 一物一码 codes endpoints to m.
func registerStores(m map[string]endpoint) {}
