package messaging

import (
	"bytes"
	"context"
	"errors"
	"io"
	"math/rand/v2"
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"google.golang.org/protobuf/types/known/timestamppb"

	messagingv1 "github.com/wxsuite/wxsuite/gen/go/wxsuite/messaging/v1"
	"github.com/wxsuite/wxsuite/internal/platform/metrics"
	"github.com/wxsuite/wxsuite/internal/wxcrypto"
)

// answerSuccess acknowledges a push without a passive reply. WeChat's passive-reply doc
// (被动回复用户消息) names "success" and the empty body as the two acknowledgements it
// neither retries nor reports to the user, without distinguishing the modes.
const answerSuccess = "success"

// storeTimeout bounds the Redis work of one push, so that a push Redis cannot take is
// given up (and its connection closed) well inside WeChat's 5 s.
const storeTimeout = 3 * time.Second

// Outcomes of a callback request (the outcome label of wxsuite_callback_requests_total).
const (
	outcomeVerified       = "verified"
	outcomeAccepted       = "accepted"
	outcomeDuplicate      = "duplicate"
	outcomeUnknownAccount = "unknown_account"
	outcomeBadRequest     = "bad_request"
	outcomeModeRefused    = "mode_refused"
	outcomeBadSignature   = "bad_signature"
	outcomeStale          = "stale"
	outcomeTooLarge       = "too_large"
	outcomeBadXML         = "bad_xml"
	outcomeDecryptFailed  = "decrypt_failed"
	outcomeStoreFailed    = "store_failed"
)

// callbackMetrics are the collectors of the callback endpoint.
type callbackMetrics struct {
	requests         *prometheus.CounterVec
	previousKey      *prometheus.CounterVec
	replies          *prometheus.CounterVec
	handlerFallbacks *prometheus.CounterVec
	lateReplies      *prometheus.CounterVec
}

func newCallbackMetrics(reg prometheus.Registerer) (*callbackMetrics, error) {
	m := &callbackMetrics{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: metrics.Namespace, Subsystem: "callback", Name: "requests_total",
			Help: "WeChat callback requests by account, message/event type and outcome.",
		}, []string{"app_id", "type", "outcome"}),
		previousKey: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: metrics.Namespace, Subsystem: "callback", Name: "previous_key_total",
			Help: "Encrypted pushes that only the previous EncodingAESKey decrypted, by account.",
		}, []string{"app_id"}),
		replies: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: metrics.Namespace, Subsystem: "callback", Name: "replies_total",
			Help: "Answers to new pushes by account and source: handler, handler_ack, keyword, welcome, scene, click, default, none (\"success\").",
		}, []string{"app_id", "source"}),
		handlerFallbacks: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: metrics.Namespace, Subsystem: "callback", Name: "handler_fallbacks_total",
			Help: "ReplyHandler answers not used as the passive reply, by account and reason: timeout, error, invalid, no_reply, busy (handler_max_in_flight reached: not called).",
		}, []string{"app_id", "reason"}),
		lateReplies: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: metrics.Namespace, Subsystem: "callback", Name: "late_replies_total",
			Help: "ReplyHandler answers that came after the reply deadline, by account and outcome: delivered (as a customer-service message), failed, disabled, no_reply, handler_error, invalid, undeliverable, no_client.",
		}, []string{"app_id", "outcome"}),
	}
	if reg == nil {
		return m, nil
	}
	for _, c := range []**prometheus.CounterVec{&m.requests, &m.previousKey, &m.replies, &m.handlerFallbacks, &m.lateReplies} {
		registered, err := metrics.Register(reg, *c)
		if err != nil {
			return nil, err
		}
		*c = registered
	}
	return m, nil
}

// knownMessageTypes are the MsgTypes parsed into a payload.
var knownMessageTypes = map[string]bool{
	"text": true, "image": true, "voice": true, "video": true, "shortvideo": true,
	"location": true, "link": true, "file": true,
}

// typeLabel bounds the type label: known types as themselves, anything else "other".
func typeLabel(t string) string {
	if knownMessageTypes[t] {
		return t
	}
	if _, ok := eventNames[lower(t)]; ok {
		return t
	}
	if t == "" {
		return ""
	}
	return "other"
}

func lower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}

// refusal is a refused callback: its HTTP status, the short body the caller sees (never
// details) and the metric outcome.
type refusal struct {
	status  int
	body    string
	outcome string
}

var (
	refuseUnknown    = refusal{http.StatusNotFound, "unknown callback", outcomeUnknownAccount}
	refuseSignature  = refusal{http.StatusUnauthorized, "unauthorized", outcomeBadSignature}
	refuseStale      = refusal{http.StatusUnauthorized, "timestamp outside the replay window", outcomeStale}
	refuseTooLarge   = refusal{http.StatusRequestEntityTooLarge, "request body too large", outcomeTooLarge}
	refuseBadXML     = refusal{http.StatusBadRequest, "malformed message", outcomeBadXML}
	refuseDecrypt    = refusal{http.StatusBadRequest, "malformed message", outcomeDecryptFailed}
	refuseMissing    = refusal{http.StatusBadRequest, "missing query parameters", outcomeBadRequest}
	refuseEncryption = refusal{http.StatusBadRequest, "encryption mode not accepted for this account", outcomeModeRefused}
)

// CallbackHandler returns the HTTP handler of the callback endpoint (Config.CallbackPath):
// GET is WeChat's URL verification, POST a pushed message or event.
func (s *Service) CallbackHandler() http.Handler {
	return http.HandlerFunc(s.serveCallback)
}

func (s *Service) serveCallback(w http.ResponseWriter, r *http.Request) {
	appID := r.PathValue("app_id")
	acc, ok := s.accounts[appID]
	if !ok || acc.token == "" {
		// Unknown app_ids are not used as label values (unbounded cardinality).
		s.refuse(w, "", "", refuseUnknown)
		return
	}
	switch r.Method {
	case http.MethodGet:
		s.serveVerify(w, r, acc)
	case http.MethodPost:
		s.servePush(w, r, acc)
	default:
		w.Header().Set("Allow", "GET, POST")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
	}
}

func (s *Service) refuse(w http.ResponseWriter, appID, typ string, f refusal) {
	label := appID
	if label == "" {
		label = "unknown"
	}
	s.metrics.requests.WithLabelValues(label, typeLabel(typ), f.outcome).Inc()
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(f.status)
	_, _ = io.WriteString(w, f.body)
}

func (s *Service) answer(w http.ResponseWriter, body []byte) {
	if bytes.HasPrefix(body, []byte("<xml>")) {
		w.Header().Set("Content-Type", "text/xml; charset=utf-8") // a passive reply
	} else {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	}
	w.Header().Set("X-Content-Type-Options", "nosniff")
	_, _ = w.Write(body)
}

// fresh reports whether timestamp is within the replay window (always, when it is off).
func (s *Service) fresh(timestamp string) bool {
	window := s.cfg.ReplayWindow.Std()
	if window == 0 {
		return true
	}
	ts, err := strconv.ParseInt(timestamp, 10, 64)
	if err != nil {
		return false
	}
	d := s.now().Sub(time.Unix(ts, 0))
	return d <= window && d >= -window
}

// serveVerify answers the URL verification: echostr, once the signature checks.
func (s *Service) serveVerify(w http.ResponseWriter, r *http.Request, acc *account) {
	q := r.URL.Query()
	ts, nonce, echo := q.Get("timestamp"), q.Get("nonce"), q.Get("echostr")
	if ts == "" || nonce == "" || q.Get("signature") == "" || echo == "" {
		s.refuse(w, acc.appID, "", refuseMissing)
		return
	}
	if !wxcrypto.VerifyURLSignature(acc.token, ts, nonce, q.Get("signature")) {
		s.refuse(w, acc.appID, "", refuseSignature)
		return
	}
	if !s.fresh(ts) {
		s.refuse(w, acc.appID, "", refuseStale)
		return
	}
	s.metrics.requests.WithLabelValues(acc.appID, "", outcomeVerified).Inc()
	s.answer(w, []byte(echo))
}

// servePush verifies, decrypts, parses and stores one push, then answers it.
func (s *Service) servePush(w http.ResponseWriter, r *http.Request, acc *account) {
	arrival := time.Now()
	q := r.URL.Query()
	ts, nonce := q.Get("timestamp"), q.Get("nonce")
	if ts == "" || nonce == "" {
		s.refuse(w, acc.appID, "", refuseMissing)
		return
	}
	var encrypted bool
	switch q.Get("encrypt_type") {
	case "", "raw":
	case "aes":
		encrypted = true
	default:
		s.refuse(w, acc.appID, "", refuseEncryption)
		return
	}
	if (encrypted && (acc.mode == ModePlain || acc.keyring == nil)) || (!encrypted && acc.mode == ModeSafe) {
		s.refuse(w, acc.appID, "", refuseEncryption)
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, s.cfg.MaxBodyBytes))
	if err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			s.refuse(w, acc.appID, "", refuseTooLarge)
			return
		}
		s.refuse(w, acc.appID, "", refuseBadXML)
		return
	}

	msg := body
	var cipher *wxcrypto.Cipher // the key that decrypted the push encrypts the reply
	mode := messagingv1.CallbackMode_CALLBACK_MODE_PLAIN
	if sig := q.Get("signature"); !encrypted || sig != "" {
		// Plaintext pushes are signed by signature alone; encrypted ones carry it too and
		// it must then check as well.
		if !wxcrypto.VerifyURLSignature(acc.token, ts, nonce, sig) {
			s.refuse(w, acc.appID, "", refuseSignature)
			return
		}
	}
	if encrypted {
		mode = messagingv1.CallbackMode_CALLBACK_MODE_ENCRYPTED
		env, err := wxcrypto.ParseEnvelope(body)
		if err != nil {
			s.refuse(w, acc.appID, "", refuseBadXML)
			return
		}
		if !wxcrypto.VerifyMsgSignature(acc.token, ts, nonce, env.Encrypt, q.Get("msg_signature")) {
			s.refuse(w, acc.appID, "", refuseSignature)
			return
		}
		if !s.fresh(ts) {
			s.refuse(w, acc.appID, "", refuseStale)
			return
		}
		plain, used, err := acc.keyring.Decrypt(env.Encrypt)
		if err != nil {
			// The signature checked: the sender knows the token, so this is most likely a
			// wrong or rotated EncodingAESKey. The error names the failure, never the data.
			s.log.Warn("callback: cannot decrypt a signed push", "app_id", acc.appID, "error", err)
			s.refuse(w, acc.appID, "", refuseDecrypt)
			return
		}
		if used != acc.keyring.Current() {
			s.metrics.previousKey.WithLabelValues(acc.appID).Inc()
		}
		msg, cipher = plain, used
	} else if !s.fresh(ts) {
		s.refuse(w, acc.appID, "", refuseStale)
		return
	}

	ev, dedup, err := parseMessage(msg)
	if err != nil {
		s.refuse(w, acc.appID, "", refuseBadXML)
		return
	}
	ev.AppId = acc.appID
	ev.Mode = mode
	ev.ReceiveTime = timestamppb.New(s.now())

	// The store and the recorded answer do not end with the request: when WeChat gives
	// up on this attempt, its retry waits for (and gets) this attempt's answer.
	ctx, cancel := context.WithTimeout(context.WithoutCancel(r.Context()), storeTimeout)
	defer cancel()
	// Without a ReplyHandler the answer depends on the rules alone: computed now from the
	// cached rules, it is recorded by the store itself when their version is still the
	// current one (one Redis round trip per push).
	var pre precomputed
	var preSource string
	if st := acc.reply.Load(); st.handler == nil {
		pre.version = st.version
		pre.answer, preSource = s.ruleAnswer(ev, st)
	}
	res, err := s.storeEvent(ctx, acc, ev, dedup, pre)
	if errors.Is(err, ErrBadXML) {
		s.refuse(w, acc.appID, ev.GetType(), refuseBadXML)
		return
	}
	if err != nil {
		s.log.Error("callback: cannot store a push; WeChat will retry", "app_id", acc.appID, "type", ev.GetType(), "error", err)
		s.metrics.requests.WithLabelValues(acc.appID, typeLabel(ev.GetType()), outcomeStoreFailed).Inc()
		if s.afterStoreFailure != nil {
			s.afterStoreFailure()
		}
		abortWithoutAnswer()
	}
	if res.Duplicate {
		s.metrics.requests.WithLabelValues(acc.appID, typeLabel(ev.GetType()), outcomeDuplicate).Inc()
		s.answer(w, s.sealAnswer(acc, cipher, s.awaitAnswer(r.Context(), acc, dedup, res.Seen)))
		return
	}
	ev.Id = res.ID
	if res.Recorded {
		s.metrics.replies.WithLabelValues(acc.appID, preSource).Inc()
		if s.beforeAnswer != nil {
			s.beforeAnswer()
		}
		s.metrics.requests.WithLabelValues(acc.appID, typeLabel(ev.GetType()), outcomeAccepted).Inc()
		s.answer(w, s.sealAnswer(acc, cipher, pre.answer))
		return
	}
	reply := s.answerFor(acc, ev, s.replyStateAt(ctx, acc, res.ReplyVersion), arrival)
	if s.beforeAnswer != nil {
		s.beforeAnswer()
	}
	// The plaintext answer is recorded: a retry gets the same reply, sealed with the key
	// that decrypted the retry. The ReplyHandler may have used up ctx's time.
	actx, acancel := context.WithTimeout(context.WithoutCancel(r.Context()), storeTimeout)
	defer acancel()
	if err := s.setAnswer(actx, acc, dedup, reply); err != nil {
		// The push is stored: acknowledging it is right; a retry waits retry_wait and then
		// gets "success".
		s.log.Warn("callback: cannot record the answer for retries", "app_id", acc.appID, "error", err)
	}
	s.metrics.requests.WithLabelValues(acc.appID, typeLabel(ev.GetType()), outcomeAccepted).Inc()
	s.answer(w, s.sealAnswer(acc, cipher, reply))
}

// sealAnswer encrypts and signs a passive reply for an encrypted push (safe and
// compatible mode: the platform accepts an encrypted reply in both) with the key that
// decrypted it. "success" and plaintext pushes' replies are sent as they are. When
// encryption fails (it cannot with a valid key), the push is acknowledged with "success"
// rather than answered with a reply WeChat would reject.
func (s *Service) sealAnswer(acc *account, cipher *wxcrypto.Cipher, reply []byte) []byte {
	if cipher == nil || string(reply) == answerSuccess {
		return reply
	}
	nonce := strconv.FormatUint(rand.Uint64()%1e10, 10)
	sealed, err := cipher.EncryptReply(acc.token, reply, s.now().Unix(), nonce, nil)
	if err != nil {
		s.log.Error("callback: cannot encrypt the reply; acknowledging with success", "app_id", acc.appID, "error", err)
		return []byte(answerSuccess)
	}
	return sealed
}

// abortWithoutAnswer ends a push that could not be stored by closing the connection
// without an HTTP answer. WeChat retries a push only when no answer comes (facts.md §2.0):
// any status, 503 included, is an answer that it shows the user as "该公众号暂时无法提供服务"
// and does not retry. http.ErrAbortHandler is net/http's way to do that; the server
// recovers it without logging.
func abortWithoutAnswer() {
	panic(http.ErrAbortHandler)
}
