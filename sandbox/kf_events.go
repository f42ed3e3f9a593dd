package sandbox

// This file pushes the customer-service session events (facts.md §2.2) and routes the
// messages of users in a session to their agent (behaviour.md §2.4).

import (
	"context"
	"encoding/xml"
	"strings"
)

// Customer-service session events (facts.md §2.2).
const (
	kfEventCreate = "kf_create_session"
	kfEventClose  = "kf_close_session"
	kfEventSwitch = "kf_switch_session"
)

// kfEvent is a session event waiting to be pushed, from the user openID.
type kfEvent struct {
	openID string
	event  Event
}

// note queues the event name of the user openID's session with worker (KfAccount).
// Callers hold s.mu and then call [Sandbox.kfFlush].
func (st *kfState) note(name, openID, worker string) {
	st.outbox = append(st.outbox, kfEvent{openID: openID, event: Event{Event: name, Fields: map[string]string{"KfAccount": worker}}})
}

// noteSwitch queues a kf_switch_session of the user openID from one agent to another.
func (st *kfState) noteSwitch(openID, from, to string) {
	st.outbox = append(st.outbox, kfEvent{openID: openID, event: Event{Event: kfEventSwitch, Fields: map[string]string{"FromKfAccount": from, "ToKfAccount": to}}})
}

// kfFlush starts pushing the account appID's queued session events, in order, to its
// callback URL. The pushes run in one background goroutine per account, after the
// caller releases s.mu (as the platform pushes a moment after the change); their
// outcome is in the call log and the user's inbox, and a push nobody answers fails no
// API call. The events of an account without a callback URL are dropped. Callers hold
// s.mu.
func (s *Sandbox) kfFlush(appID string) {
	a, ok := s.accounts[appID]
	if !ok {
		return
	}
	st := &a.kf
	switch {
	case len(st.outbox) == 0 || st.flushing:
	case a.CallbackURL == "":
		st.outbox = nil
	default:
		st.flushing = true
		go s.kfDrain(appID, st)
	}
}

// kfDrain pushes st's queued events one at a time until none is left.
func (s *Sandbox) kfDrain(appID string, st *kfState) {
	for {
		s.mu.Lock()
		a, ok := s.accounts[appID]
		if !ok || &a.kf != st || len(st.outbox) == 0 || a.CallbackURL == "" {
			st.outbox, st.flushing = nil, false
			s.mu.Unlock()
			return
		}
		ev := st.outbox[0]
		st.outbox = st.outbox[1:]
		s.mu.Unlock()
		// Errors (no callback meanwhile, a bad openid) and unanswered pushes are in the
		// call log and the inbox; nobody waits for them here.
		_, _ = s.PushEvent(context.Background(), appID, ev.openID, ev.event)
	}
}

// kfRecordText is the message-record text of m (behaviour.md §2.4: media appear as
// "[image]", "[voice]", "[video]").
func kfRecordText(m Message) string {
	switch m.Type {
	case MsgText:
		return m.Content
	case MsgShortVideo:
		return "[video]"
	case MsgLocation:
		return "[location]"
	case MsgLink:
		return "[link]"
	default:
		return "[" + m.Type + "]"
	}
}

// kfRoute is the routing of PushMessage (behaviour.md §2.4): a message from a user in a
// customer-service session goes to the agent, not to the developer URL. When openID of
// the account appID is in a session (after the 30-minute idle close), kfRoute records m
// as a message the agent received (opercode 2003), keeps the session alive, and returns
// routed true with the result PushMessage gives: RoutedToKf, KfAccount, a new MsgId and
// the message XML as the platform received it, no attempt. The user still talked to the
// account: their customer-service window opens and the upstream statistics count the
// message, as for a pushed one (sandbox choice). Users in no session, including those in
// the waiting queue, are not routed. m is validated first, as for a push. Callers do not
// hold s.mu.
func (s *Sandbox) kfRoute(appID, openID string, m Message, createTime int64) (PushResult, bool, error) {
	if _, err := messageXML("", openID, createTime, 0, m, func() string { return "media" }); err != nil {
		return PushResult{}, false, err
	}
	s.mu.Lock()
	a, ok := s.accounts[appID]
	if !ok {
		s.mu.Unlock()
		return PushResult{}, false, nil
	}
	now := s.Now()
	st := a.kfNow(now)
	s.kfFlush(appID) // the idle close may have queued a kf_close_session
	ss, ok := st.sessions[openID]
	if !ok {
		s.mu.Unlock()
		return PushResult{}, false, nil
	}
	ss.last = now
	st.records = append(st.records, kfRecord{openID: openID, worker: ss.worker, text: kfRecordText(m), opercode: kfOpAgentReceived, time: now})
	s.msgID++
	res := PushResult{MsgID: s.msgID, RoutedToKf: true, KfAccount: ss.worker}
	body, err := messageXML(a.OriginalID, openID, createTime, res.MsgID, m, func() string { return s.randString(64) })
	s.mu.Unlock()
	if err != nil { // validated above
		return PushResult{}, false, err
	}
	res.XML = body
	s.notePush(appID, openID, body)
	return res, true, nil
}

// The session events are the platform's doing, not the user's: they do not open the
// user's customer-service window (see noteInteraction).
func init() {
	for _, e := range []string{kfEventCreate, kfEventClose, kfEventSwitch} {
		platformEvents[e] = true
	}
}

// kfTransferByReply does what a transfer_customer_service passive reply does on the
// platform (behaviour.md §2.4: "a user enters a session by passive reply"): the user goes
// to the agent the reply names in TransInfo/KfAccount, else to an online agent with room,
// else to the waiting queue, as TransferToKf. A reply naming an agent the account does
// not have transfers nothing (the platform documents no error for it: the reply was
// valid, the user simply stays with the developer's server).
func (s *Sandbox) kfTransferByReply(appID, openID, replyXML string) {
	var r struct {
		TransInfo struct {
			KfAccount string `xml:"KfAccount"`
		} `xml:"TransInfo"`
	}
	if err := xml.Unmarshal([]byte(replyXML), &r); err != nil {
		return // validated before: cannot happen
	}
	_, _ = s.TransferToKf(appID, openID, strings.TrimSpace(r.TransInfo.KfAccount))
}
