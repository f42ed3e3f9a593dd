package sandbox

// This file will hold the cards, codes, member cards, special tickets and gift cards endpoints; the domain's work is in progress.

// cardState is an account's cards, codes, member cards, special tickets and gift cards state.
type cardState struct{}

// registerCard adds the cards, codes, member cards, special tickets and gift cards endpoints to m.
func registerCard(m map[string]endpoint) {}
