package sandbox

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
)

// ErrKfState is wrapped by the errors of the customer-service simulation methods when
// the account's customer-service state does not allow the action (no waiting
// invitation, an unbound agent, a user in no session).
var ErrKfState = errors.New("customer-service state does not allow it")

// ErrUnknownKfAccount is wrapped by the errors of the customer-service simulation
// methods given a kf_account the official account does not have.
var ErrUnknownKfAccount = errors.New("unknown customer-service account")

// KfDirection says who wrote a customer-service message.
type KfDirection int

const (
	// KfFromUser is a message the user wrote to the agent (opercode 2003: the agent
	// received it).
	KfFromUser KfDirection = iota + 1
	// KfFromAgent is a message the agent wrote to the user (opercode 2002).
	KfFromAgent
)

// kfLookup returns the account appID's swept customer-service state and the agent
// kfAccount. Callers hold s.mu.
func (s *Sandbox) kfLookup(appID, kfAccount string) (*account, *kfState, *kfAccount, error) {
	a, ok := s.accounts[appID]
	if !ok {
		return nil, nil, nil, unknownAccount(appID)
	}
	st := a.kfNow(s.Now())
	if kfAccount == "" {
		return a, st, nil, nil
	}
	k := st.find(kfAccount)
	if k == nil {
		return nil, nil, nil, fmt.Errorf("app_id %q kf_account %q: %w", appID, kfAccount, ErrUnknownKfAccount)
	}
	return a, st, k, nil
}

// AnswerKfInvitation makes the WeChat user invited to bind kfAccount accept (the
// account is bound to them) or reject the invitation. The error wraps
// [ErrUnknownAccount], [ErrUnknownKfAccount], or [ErrKfState] when no invitation is
// waiting (never sent, answered, or expired after 7 days).
func (s *Sandbox) AnswerKfInvitation(appID, kfAccount string, accept bool) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	defer s.kfFlush(appID) // pushes the session events queued below, after the unlock
	_, _, k, err := s.kfLookup(appID, kfAccount)
	if err != nil {
		return err
	}
	if k.inviteStatus != kfInviteWaiting {
		return fmt.Errorf("kf_account %q has no waiting invitation: %w", kfAccount, ErrKfState)
	}
	if !accept {
		k.inviteStatus = kfInviteRejected
		return nil
	}
	k.wx, k.inviteWx, k.inviteStatus, k.inviteExpire = k.inviteWx, "", "", time.Time{}
	return nil
}

// SetKfOnline signs the bound agent kfAccount in (online, accepting up to autoAccept
// sessions automatically; 0 means 3) or out of the web client. Signing out does not end
// the agent's sessions. The error wraps [ErrUnknownAccount], [ErrUnknownKfAccount], or
// [ErrKfState] for an unbound account; a negative autoAccept is an [*ArgumentError].
func (s *Sandbox) SetKfOnline(appID, kfAccount string, online bool, autoAccept int) error {
	if autoAccept < 0 {
		return &ArgumentError{Field: "auto_accept", Reason: "must not be negative"}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	defer s.kfFlush(appID) // pushes the session events queued below, after the unlock
	_, _, k, err := s.kfLookup(appID, kfAccount)
	if err != nil {
		return err
	}
	if k.wx == "" {
		return fmt.Errorf("kf_account %q is not bound to a WeChat user: %w", kfAccount, ErrKfState)
	}
	if autoAccept == 0 {
		autoAccept = kfDefaultAutoAccept
	}
	k.online, k.autoAccept = online, autoAccept
	return nil
}

// TransferToKf does to the simulated user openID what a transfer_customer_service reply
// does (behaviour.md §2.4): a user already in a session stays with their agent; with
// agent set (TransInfo) and bound, the user gets a session with that agent whatever
// its capacity; otherwise with the online agent serving the fewest sessions below its
// auto_accept (the earliest created on a tie); otherwise the user joins (or stays in)
// the waiting queue. A new session pushes kf_create_session to the account's callback
// URL in the background. It returns the agent now serving the user, "" when waiting. The
// error wraps [ErrUnknownAccount], [ErrUnknownUser] or [ErrUnknownKfAccount].
func (s *Sandbox) TransferToKf(appID, openID, agent string) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	defer s.kfFlush(appID) // pushes the session events queued below, after the unlock
	if _, err := s.lookupUser(appID, openID); err != nil {
		return "", err
	}
	_, st, named, err := s.kfLookup(appID, agent)
	if err != nil {
		return "", err
	}
	now := s.Now()
	if ss, ok := st.sessions[openID]; ok {
		return ss.worker, nil
	}
	if named != nil && named.wx != "" {
		st.startSession(openID, named.name, now)
		return named.name, nil
	}
	var best *kfAccount
	bestLoad := 0
	for _, k := range st.accounts {
		if !k.online || k.wx == "" {
			continue
		}
		if load := st.accepted(k.name); load < k.autoAccept && (best == nil || load < bestLoad) {
			best, bestLoad = k, load
		}
	}
	if best != nil {
		st.startSession(openID, best.name, now)
		return best.name, nil
	}
	if i := slices.IndexFunc(st.waiting, func(w kfWaiting) bool { return w.openID == openID }); i >= 0 {
		st.waiting[i].latest = now
	} else {
		st.waiting = append(st.waiting, kfWaiting{openID: openID, latest: now})
	}
	return "", nil
}

// AddKfMessage records text (e.g. "hello", or "[image]" for media) between the simulated
// user openID and the agent serving them, at the simulated now, and keeps the session
// from its 30-minute idle close. The error wraps [ErrUnknownAccount], [ErrUnknownUser],
// or [ErrKfState] when the user is in no session; an empty text or unknown direction is
// an [*ArgumentError].
func (s *Sandbox) AddKfMessage(appID, openID string, dir KfDirection, text string) error {
	opercode := 0
	switch dir {
	case KfFromUser:
		opercode = kfOpAgentReceived
	case KfFromAgent:
		opercode = kfOpAgentSent
	default:
		return &ArgumentError{Field: "direction", Reason: "must be from user or from agent"}
	}
	if strings.TrimSpace(text) == "" {
		return &ArgumentError{Field: "text", Reason: "is required"}
	}
	if err := checkText("text", text); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	defer s.kfFlush(appID) // pushes the session events queued below, after the unlock
	if _, err := s.lookupUser(appID, openID); err != nil {
		return err
	}
	_, st, _, err := s.kfLookup(appID, "")
	if err != nil {
		return err
	}
	ss, ok := st.sessions[openID]
	if !ok {
		return fmt.Errorf("openid %q is in no customer-service session: %w", openID, ErrKfState)
	}
	now := s.Now()
	ss.last = now
	st.records = append(st.records, kfRecord{openID: openID, worker: ss.worker, text: text, opercode: opercode, time: now})
	return nil
}

// SwitchKfSession makes the agent serving the simulated user openID hand the session over
// to the agent to, as an agent's transfer in the customer-service client does: the
// session keeps its createtime, its idle time starts again, and kf_switch_session
// (FromKfAccount, ToKfAccount) is pushed to the account's callback URL when it has one.
// Switching to the agent already serving the user does nothing. The error wraps
// [ErrUnknownAccount], [ErrUnknownUser], [ErrUnknownKfAccount], or [ErrKfState] when the
// user is in no session or to is not bound and online.
func (s *Sandbox) SwitchKfSession(appID, openID, to string) error {
	if to == "" {
		return &ArgumentError{Field: "kf_account", Reason: "is required"}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	defer s.kfFlush(appID) // pushes the session events queued below, after the unlock
	if _, err := s.lookupUser(appID, openID); err != nil {
		return err
	}
	_, st, k, err := s.kfLookup(appID, to)
	if err != nil {
		return err
	}
	ss, ok := st.sessions[openID]
	switch {
	case !ok:
		return fmt.Errorf("openid %q is in no customer-service session: %w", openID, ErrKfState)
	case k.wx == "" || !k.online:
		return fmt.Errorf("kf_account %q is not bound and online: %w", to, ErrKfState)
	case ss.worker == to:
		return nil
	}
	st.noteSwitch(openID, ss.worker, to)
	ss.worker, ss.last = to, s.Now()
	return nil
}
