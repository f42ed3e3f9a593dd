package sandbox

import (
	"slices"
	"time"
)

// ChannelPassiveReply is the InboxItem.Channel of passive replies: the answer the
// account's server gave to a push.
const ChannelPassiveReply = "passive_reply"

// InboxItem.Channel values of the messages an account sends through the API; their Body
// is the JSON the account posted (compacted; for mass sends only {"msgtype", "<msgtype>"},
// without the recipients) and MsgType its msgtype ("template" for template messages,
// "subscribe" and "template_subscribe" for subscribe notifications).
const (
	// ChannelCustom is a customer-service message (message/custom/send).
	ChannelCustom = "custom"
	// ChannelTemplate is a template message (message/template/send).
	ChannelTemplate = "template"
	// ChannelSubscribe is a subscribe notification (message/subscribe/bizsend) or a
	// one-time subscription message (message/template/subscribe).
	ChannelSubscribe = "subscribe"
	// ChannelMass is a mass send or a preview (message/mass/*).
	ChannelMass = "mass"
)

// InboxItem is one message a simulated user received from an account.
type InboxItem struct {
	// Time is the simulated time it arrived.
	Time time.Time
	// Channel says how it was sent: ChannelPassiveReply ("passive_reply") for now.
	Channel string
	// MsgType is the message's MsgType (text, image, news, transfer_customer_service …).
	MsgType string
	// Body is the message as received: the plaintext (decrypted) reply XML.
	Body string
}

// Inbox is what a simulated user received from an account.
type Inbox struct {
	// Items are the messages received, oldest first.
	Items []InboxItem
	// InvalidReplies counts the pushes whose answer WeChat would have rejected, or that
	// got no answer at all: each time the user saw "该公众号暂时无法提供服务".
	InvalidReplies int
	// LastInvalidReason says why the latest of them was rejected ("" when none was).
	LastInvalidReason string
}

// inbox is an Inbox as stored. Guarded by Sandbox.mu.
type inbox struct {
	items         []InboxItem
	invalid       int
	invalidReason string
}

// inboxFor returns a's inbox for openID, creating it. Callers hold s.mu.
func (a *account) inboxFor(openID string) *inbox {
	in, ok := a.inboxes[openID]
	if !ok {
		in = &inbox{}
		a.inboxes[openID] = in
	}
	return in
}

// Inbox returns what the user openID received from the account appID. Any openid that
// pushes named has an inbox (event pushes accept openids that are not simulated users);
// another openid that is not a simulated user of the account gives an error wrapping
// [ErrUnknownUser], and an unknown account one wrapping [ErrUnknownAccount].
func (s *Sandbox) Inbox(appID, openID string) (Inbox, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	a, ok := s.accounts[appID]
	if !ok {
		return Inbox{}, unknownAccount(appID)
	}
	in, ok := a.inboxes[openID]
	if !ok {
		if _, known := a.users[openID]; !known {
			return Inbox{}, unknownUser(appID, openID)
		}
		return Inbox{}, nil
	}
	return Inbox{Items: slices.Clone(in.items), InvalidReplies: in.invalid, LastInvalidReason: in.invalidReason}, nil
}
