package messaging

import (
	"context"
	"sync"
	"time"

	"connectrpc.com/connect"
	"google.golang.org/protobuf/types/known/timestamppb"

	messagingv1 "github.com/wxsuite/wxsuite/gen/go/wxsuite/messaging/v1"
)

// Reasons a ReplyHandler's answer was not used (the reason label of
// wxsuite_callback_handler_fallbacks_total).
const (
	fallbackTimeout = "timeout"
	fallbackError   = "error"
	fallbackInvalid = "invalid"
	fallbackNoReply = "no_reply"
	fallbackBusy    = "busy"
)

// handlerOutcome is what a ReplyHandler call returned.
type handlerOutcome struct {
	resp *messagingv1.HandleEventResponse
	err  error
}

// handlerCall hands a ReplyHandler's outcome to the waiting callback request, or, once
// that request stopped waiting (abandoned), to the late delivery.
type handlerCall struct {
	mu        sync.Mutex
	abandoned bool
	ch        chan handlerOutcome // buffered: the call never blocks on it
}

// answerFor computes the plaintext answer to a new push: the ReplyHandler's reply when
// one comes by arrival + reply_deadline, else the first rule that applies, else
// "success".
func (s *Service) answerFor(acc *account, ev *messagingv1.Event, st *replyState, arrival time.Time) []byte {
	if st.handler != nil {
		reply, decided := s.askHandler(acc, ev, st.handler, arrival)
		if decided {
			if reply == nil {
				s.metrics.replies.WithLabelValues(acc.appID, "handler_ack").Inc()
				return []byte(answerSuccess)
			}
			s.metrics.replies.WithLabelValues(acc.appID, "handler").Inc()
			return s.renderReply(ev, appendReplyBody(nil, reply))
		}
	}
	reply, source := s.ruleAnswer(ev, st)
	s.metrics.replies.WithLabelValues(acc.appID, source).Inc()
	return reply
}

// ruleAnswer is the answer of st's rules to ev and its source (the replies_total label):
// the first rule that applies, else "success" with source "none".
func (s *Service) ruleAnswer(ev *messagingv1.Event, st *replyState) ([]byte, string) {
	if t, source := st.rules.match(ev); t != nil {
		return s.renderReply(ev, t.body), source
	}
	return []byte(answerSuccess), "none"
}

// renderReply builds the plaintext reply XML to ev's sender with body.
func (s *Service) renderReply(ev *messagingv1.Event, body []byte) []byte {
	dst := make([]byte, 0, 160+len(ev.GetFromUserName())+len(ev.GetToUserName())+len(body))
	return appendReplyXML(dst, ev.GetFromUserName(), ev.GetToUserName(), s.now().Unix(), body)
}

// askHandler calls the account's ReplyHandler and waits for it until arrival +
// reply_deadline. decided is true when its answer is to be used: reply nil then means
// "success" without rules (acknowledge_only). When the deadline passes first, the call
// goes on (until arrival + late_reply_timeout) and its reply is delivered late
// (deliverLate); decided is false and the rules answer.
func (s *Service) askHandler(acc *account, ev *messagingv1.Event, h *handlerTarget, arrival time.Time) (reply *messagingv1.PassiveReply, decided bool) {
	if acc.handlerCalls.Add(1) > int64(s.cfg.HandlerMaxInFlight) {
		// The handler is slow or down and calls pile up: answer by the rules.
		acc.handlerCalls.Add(-1)
		s.metrics.handlerFallbacks.WithLabelValues(acc.appID, fallbackBusy).Inc()
		return nil, false
	}
	deadline := arrival.Add(s.cfg.ReplyDeadline.Std())
	callCtx, cancel := context.WithDeadline(s.bg, arrival.Add(s.cfg.LateReplyTimeout.Std()))
	call := &handlerCall{ch: make(chan handlerOutcome, 1)}
	req := &messagingv1.HandleEventRequest{Event: ev, ReplyDeadline: timestamppb.New(deadline)}
	s.background.Add(1)
	go func() {
		defer s.background.Done()
		resp, err := h.client.HandleEvent(callCtx, req)
		cancel()
		defer acc.handlerCalls.Add(-1)
		out := handlerOutcome{resp: resp, err: err}
		call.mu.Lock()
		if !call.abandoned {
			call.ch <- out
			call.mu.Unlock()
			return
		}
		call.mu.Unlock()
		s.deliverLate(acc, ev, h, out)
	}()

	timer := time.NewTimer(max(time.Until(deadline), 0))
	defer timer.Stop()
	select {
	case out := <-call.ch:
		return s.handlerReply(acc, ev, out)
	case <-timer.C:
	}
	call.mu.Lock()
	call.abandoned = true
	select {
	case out := <-call.ch:
		call.mu.Unlock()
		return s.handlerReply(acc, ev, out)
	default:
	}
	call.mu.Unlock()
	s.metrics.handlerFallbacks.WithLabelValues(acc.appID, fallbackTimeout).Inc()
	return nil, false
}

// handlerReply checks a ReplyHandler's timely outcome.
func (s *Service) handlerReply(acc *account, ev *messagingv1.Event, out handlerOutcome) (*messagingv1.PassiveReply, bool) {
	if out.err != nil {
		// The error comes from the backend or the network; its text names no secret.
		s.log.Warn("callback: the ReplyHandler failed; the reply rules answer", "app_id", acc.appID,
			"type", ev.GetType(), "code", connect.CodeOf(out.err).String(), "error", out.err)
		s.metrics.handlerFallbacks.WithLabelValues(acc.appID, fallbackError).Inc()
		return nil, false
	}
	if out.resp.GetAcknowledgeOnly() {
		return nil, true
	}
	r := out.resp.GetReply()
	if r == nil {
		s.metrics.handlerFallbacks.WithLabelValues(acc.appID, fallbackNoReply).Inc()
		return nil, false
	}
	if err := checkPassiveReply("reply", r, maxArticlesFor(ev)); err != nil {
		s.log.Warn("callback: the ReplyHandler's reply is invalid; the reply rules answer", "app_id", acc.appID,
			"type", ev.GetType(), "error", err)
		s.metrics.handlerFallbacks.WithLabelValues(acc.appID, fallbackInvalid).Inc()
		return nil, false
	}
	return r, true
}
