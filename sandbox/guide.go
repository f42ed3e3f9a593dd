package sandbox

// This file will hold the 服务号对话 advisors, groups, buyers, tags, materials and mass jobs endpoints; the domain's work is in progress.

// guideState is an account's 服务号对话 advisors, groups, buyers, tags, materials and mass jobs state.
type guideState struct{}

// registerGuide adds the 服务号对话 advisors, groups, buyers, tags, materials and mass jobs endpoints to m.
func registerGuide(m map[string]endpoint) {}
