package sandbox

// This file emulates GET /cgi-bin/get_current_autoreply_info (behaviour.md §2.6): the
// answer is the console configuration set with SetAutoReplyInfo.

import (
	"bytes"
	"encoding/json"
	"net/http"
)

const pathCurrentAutoReplyInfo = "/cgi-bin/get_current_autoreply_info"

// autoReplyOff is the answer of an account whose console auto-replies were never set:
// sandbox choice, both switches off and no rules.
var autoReplyOff = json.RawMessage(`{"is_add_friend_reply_open":0,"is_autoreply_open":0}`)

// registerAutoReply adds the auto-reply endpoint to m (called by registerMenus).
func registerAutoReply(m map[string]endpoint) {
	m[pathCurrentAutoReplyInfo] = endpoint{method: http.MethodGet, serve: (*Sandbox).serveCurrentAutoReplyInfo}
}

func (s *Sandbox) serveCurrentAutoReplyInfo(c *apiCall) answer {
	if c.a.menus.autoReply == nil {
		return succeed(autoReplyOff)
	}
	return succeed(c.a.menus.autoReply)
}

// SetAutoReplyInfo sets what get_current_autoreply_info answers for the account appID:
// data is the whole answer, a JSON object in the platform's shape (behaviour.md §2.6);
// empty resets it to both switches off and no rules. Invalid JSON gives an
// [*ArgumentError] for "json"; an unknown account an error wrapping [ErrUnknownAccount].
func (s *Sandbox) SetAutoReplyInfo(appID string, data []byte) error {
	data = bytes.TrimSpace(data)
	if len(data) > 0 && (data[0] != '{' || !json.Valid(data)) {
		return &ArgumentError{Field: "json", Reason: "must be a JSON object"}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	a, ok := s.accounts[appID]
	if !ok {
		return unknownAccount(appID)
	}
	if len(data) == 0 {
		a.menus.autoReply = nil
		return nil
	}
	a.menus.autoReply = json.RawMessage(bytes.Clone(data))
	return nil
}
