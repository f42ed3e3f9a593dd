package sandbox

// This file will hold the semantic, voice, translation, OCR and image calls endpoints; the domain's work is in progress.

// smartState is an account's semantic, voice, translation, OCR and image calls state.
type smartState struct{}

// registerSmart adds the semantic, voice, translation, OCR and image calls endpoints to m.
func registerSmart(m map[string]endpoint) {}
