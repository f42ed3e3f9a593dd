package sandbox

import (
	"bytes"
	"context"
	"encoding/xml"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Defaults of the push [Options].
const (
	// DefaultPushTimeout is how long the platform waits for the answer to one push
	// attempt (facts.md §2.0: 5 s).
	DefaultPushTimeout = 5 * time.Second
	// DefaultPushRetries is how many times a push that got no answer is sent again
	// (facts.md §2.0: "retries 3 times"). The sandbox reads it literally: up to 1 + 3 = 4
	// attempts. Some developers report seeing three requests in all; Options.PushRetries
	// = 2 models that reading.
	DefaultPushRetries = 3
	// maxReplyBody bounds the answers the sandbox reads; a larger one is invalid.
	maxReplyBody = 1 << 20
	// pushUserAgent is the User-Agent of the platform's pushes.
	pushUserAgent = "Mozilla/4.0"
)

// PushResult is what happened to one push.
type PushResult struct {
	// MsgID is the MsgId of a message push (0 for events and for raw XML without one).
	MsgID int64
	// XML is the plaintext XML pushed (before encryption); every attempt carried it.
	XML string
	// Attempts is how many HTTP requests were sent: 1 plus the retries.
	Attempts int
	// Delivered is true when an attempt got an answer the platform accepts: an empty
	// body, "success", or a valid passive reply.
	Delivered bool
	// ReplyXML is the passive reply the user received, decrypted; "" when the answer was
	// an acknowledgement or invalid.
	ReplyXML string
	// ReplyMsgType is the MsgType of ReplyXML.
	ReplyMsgType string
	// InvalidReason says why the answer was rejected, or that none came in time; "" when
	// Delivered.
	InvalidReason string
	// RoutedToKf is true when PushMessage's user was in a customer-service session: the
	// message (XML) went to the agent KfAccount (recorded for msgrecord/getmsglist with
	// opercode 2003), not to the callback URL, so Attempts is 0 and Delivered false
	// (behaviour.md §2.4).
	RoutedToKf bool
	// KfAccount is the agent that received a message RoutedToKf.
	KfAccount string
}

// PushMessage makes the simulated user openID send m to the account appID and pushes it
// to the account's callback URL the way the platform does (see [Sandbox.PushXML]), with a
// new MsgId (increasing across the sandbox) and the simulated now as CreateTime. The
// sender must be a simulated user of the account: the error wraps [ErrUnknownUser]
// otherwise, [ErrUnknownAccount] for an unknown account, [ErrNoCallback] when the account
// has no callback URL; invalid message fields give an [*ArgumentError]. What the account's
// server answered is in the result, not the error. A user in a customer-service session
// talks to the agent instead (behaviour.md §2.4): the message is not pushed, even without
// a callback URL, and the result has RoutedToKf set.
func (s *Sandbox) PushMessage(ctx context.Context, appID, openID string, m Message) (PushResult, error) {
	createTime := s.Now().Unix()
	s.mu.Lock()
	if _, err := s.lookupUser(appID, openID); err != nil {
		s.mu.Unlock()
		return PushResult{}, err
	}
	a := s.accounts[appID].clone()
	var media []string
	for range 2 {
		media = append(media, s.randString(64))
	}
	s.mu.Unlock()
	// A user in a customer-service session talks to the agent, not the callback URL
	// (behaviour.md §2.4; see kfRoute in kf_events.go).
	if res, routed, err := s.kfRoute(appID, openID, m, createTime); routed || err != nil {
		return res, err
	}
	if a.CallbackURL == "" {
		return PushResult{}, noCallback(appID)
	}
	// The MsgId is taken after the checks so that a failed push uses none.
	msgID := s.nextMsgID()
	body, err := messageXML(a.OriginalID, openID, createTime, msgID, m, func() string {
		id := media[0]
		media = media[1:]
		return id
	})
	if err != nil {
		return PushResult{}, err
	}
	return s.push(ctx, a, openID, body, msgID)
}

// PushEvent pushes e, triggered by openID, to the account appID's callback URL (see
// [Sandbox.PushXML]) with the simulated now as CreateTime. openID need not be a simulated
// user of the account (platform events such as TEMPLATESENDJOBFINISH and the subscribe of
// a new follower name users the sandbox may not know), but it must be 1 to 64 characters
// of [A-Za-z0-9_-]. Errors are those of [Sandbox.PushMessage], except ErrUnknownUser.
func (s *Sandbox) PushEvent(ctx context.Context, appID, openID string, e Event) (PushResult, error) {
	a, err := s.pushAccount(appID, openID)
	if err != nil {
		return PushResult{}, err
	}
	body, err := eventXML(a.OriginalID, openID, s.Now().Unix(), e)
	if err != nil {
		return PushResult{}, err
	}
	return s.push(ctx, a, openID, body, 0)
}

// PushXML pushes plaintext, a whole <xml>…</xml> message document, as the user openID's
// to the account appID's callback URL, as is: it is for shapes PushMessage and PushEvent
// do not build. Like the platform, the sandbox signs every attempt with the account's
// Token (signature, timestamp, nonce and openid in the query) and, in compatible and
// safe modes, encrypts the XML with the EncodingAESKey and AppID, adds encrypt_type=aes
// and msg_signature, and sends the plaintext elements plus Encrypt (compatible) or only
// ToUserName and Encrypt (safe). An attempt that gets no answer within
// Options.PushTimeout (default 5 s), or whose connection fails, is retried up to
// Options.PushRetries times (default 3) with the same XML (same MsgId and CreateTime) and
// a fresh timestamp, nonce, encryption and signatures. An answer that arrives is never
// retried, even an invalid one: the platform only retries when nothing comes back.
//
// The answer is validated as the platform does (see [PushResult]): a valid passive reply
// is added to the user's inbox; an invalid answer, or none after the last attempt, adds
// one to the inbox's InvalidReplies. Every attempt is in the call log (Push set).
// Errors are those of [Sandbox.PushEvent], an [*ArgumentError] for XML that is not an
// <xml> document, and the context's error when ctx ends first.
func (s *Sandbox) PushXML(ctx context.Context, appID, openID, plaintext string) (PushResult, error) {
	a, err := s.pushAccount(appID, openID)
	if err != nil {
		return PushResult{}, err
	}
	var doc struct {
		XMLName xml.Name
		MsgID   string `xml:"MsgId"`
	}
	if err := checkText("xml", plaintext); err != nil {
		return PushResult{}, err
	}
	if err := xml.Unmarshal([]byte(plaintext), &doc); err != nil || doc.XMLName.Local != "xml" || !strings.HasSuffix(strings.TrimSpace(plaintext), "</xml>") {
		return PushResult{}, &ArgumentError{Field: "xml", Reason: "must be an <xml>…</xml> document"}
	}
	msgID, _ := strconv.ParseInt(doc.MsgID, 10, 64)
	return s.push(ctx, a, openID, strings.TrimSpace(plaintext), msgID)
}

func noCallback(appID string) error { return fmt.Errorf("app_id %q: %w", appID, ErrNoCallback) }

// pushAccount checks openID and returns a copy of the account appID with a callback URL.
func (s *Sandbox) pushAccount(appID, openID string) (Account, error) {
	if openID == "" || len(openID) > maxOpenIDLen || strings.Trim(openID, alphabet) != "" {
		return Account{}, &ArgumentError{Field: "openid", Reason: "must be 1 to " + strconv.Itoa(maxOpenIDLen) + " characters of [A-Za-z0-9_-]"}
	}
	s.mu.Lock()
	acc, ok := s.accounts[appID]
	var a Account
	if ok {
		a = acc.clone()
	}
	s.mu.Unlock()
	switch {
	case !ok:
		return Account{}, unknownAccount(appID)
	case a.CallbackURL == "":
		return Account{}, noCallback(appID)
	}
	return a, nil
}

// nextMsgID returns a new MsgId, greater than every earlier one.
func (s *Sandbox) nextMsgID() int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.msgID++
	return s.msgID
}

// randDigits returns n random decimal digits, the first not 0. Callers hold s.mu.
func (s *Sandbox) randDigits(n int) string {
	return s.randFrom("123456789", 1) + s.randFrom("0123456789", n-1)
}

// push sends body to a's callback URL with retries and records the outcome.
func (s *Sandbox) push(ctx context.Context, a Account, openID, body string, msgID int64) (PushResult, error) {
	res := PushResult{MsgID: msgID, XML: body}
	s.notePush(a.AppID, openID, body)
	target, err := url.Parse(a.CallbackURL)
	if err != nil { // validated when the account was added
		return res, &ArgumentError{Field: "callback_url", Reason: "is not a URL"}
	}
	path := target.EscapedPath()
	if path == "" {
		path = "/"
	}
	var lastErr string
	for attempt := 0; attempt <= s.pushRetries; attempt++ {
		req, err := s.pushRequest(ctx, a, target, openID, body)
		if err != nil {
			return res, err
		}
		res.Attempts++
		call := Call{Time: s.Now(), Method: http.MethodPost, Path: path, AppID: a.AppID, Push: true}
		status, answer, err := s.send(ctx, req)
		call.HTTPStatus = status
		s.record(call)
		if err != nil {
			if ctx.Err() != nil {
				return res, ctx.Err()
			}
			lastErr = err.Error()
			continue
		}
		res.ReplyXML, res.ReplyMsgType, res.InvalidReason = validateAnswer(a, openID, status, answer)
		res.Delivered = res.InvalidReason == ""
		s.deliver(a.AppID, openID, &res)
		if res.Delivered && res.ReplyMsgType == "transfer_customer_service" {
			s.kfTransferByReply(a.AppID, openID, res.ReplyXML)
		}
		return res, nil
	}
	res.InvalidReason = fmt.Sprintf("no answer within %v after %d attempts (last: %s)", s.pushTimeout, res.Attempts, lastErr)
	s.deliver(a.AppID, openID, &res)
	return res, nil
}

// pushHead is what the sandbox's user tracking reads of a pushed message or event.
type pushHead struct {
	MsgType string `xml:"MsgType"`
	Event   string `xml:"Event"`
}

// notePush applies a push the user openID made to the account appID (body: its
// plaintext XML) to what the sandbox tracks of users: their customer-service window
// (noteInteraction) and the upstream message statistics (analyticsNotePush). The head is
// read once for both.
func (s *Sandbox) notePush(appID, openID, body string) {
	var head pushHead
	if xml.Unmarshal([]byte(body), &head) != nil {
		return
	}
	s.noteInteraction(appID, openID, head)
	s.analyticsNotePush(appID, openID, head.MsgType)
}

// pushRequest builds one signed (and, by mode, encrypted) attempt.
func (s *Sandbox) pushRequest(ctx context.Context, a Account, target *url.URL, openID, body string) (*http.Request, error) {
	timestamp := strconv.FormatInt(s.Now().Unix(), 10)
	s.mu.Lock()
	nonce := s.randDigits(10)
	var random [randomPrefixLen]byte
	copy(random[:], s.randAlnum(randomPrefixLen))
	s.mu.Unlock()

	q := target.Query()
	q.Set("signature", Signature(a.CallbackToken, timestamp, nonce))
	q.Set("timestamp", timestamp)
	q.Set("nonce", nonce)
	q.Set("openid", openID)
	send := body
	if a.EncryptMode.encrypted() {
		encrypt, err := EncryptMessage(a.EncodingAESKey, a.AppID, random[:], []byte(body))
		if err != nil { // the key was validated when the account was added
			return nil, &ArgumentError{Field: "encoding_aes_key", Reason: err.Error()}
		}
		q.Set("encrypt_type", "aes")
		q.Set("msg_signature", Signature(a.CallbackToken, timestamp, nonce, encrypt))
		encElem := "<Encrypt><![CDATA[" + encrypt + "]]></Encrypt>\n"
		if a.EncryptMode == EncryptSafe {
			send = "<xml><ToUserName><![CDATA[" + a.OriginalID + "]]></ToUserName>\n" + encElem + "</xml>"
		} else {
			send = strings.TrimSuffix(body, "</xml>") + encElem + "</xml>"
		}
	}
	u := *target
	u.RawQuery = q.Encode()
	u.Fragment = ""
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u.String(), strings.NewReader(send))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "text/xml")
	req.Header.Set("User-Agent", pushUserAgent)
	req.Header.Set("Accept", "*/*")
	return req, nil
}

// send makes one attempt within the push timeout. It returns the status and body of an
// answer, or an error when none came in time or the connection failed.
func (s *Sandbox) send(ctx context.Context, req *http.Request) (int, []byte, error) {
	ctx, cancel := context.WithTimeout(ctx, s.pushTimeout)
	defer cancel()
	resp, err := s.pushClient.Do(req.WithContext(ctx))
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxReplyBody+1))
	if err != nil {
		return resp.StatusCode, nil, err
	}
	return resp.StatusCode, data, nil // over maxReplyBody: validateAnswer rejects it
}

// deliver records res in the user's inbox.
func (s *Sandbox) deliver(appID, openID string, res *PushResult) {
	now := s.Now()
	s.mu.Lock()
	defer s.mu.Unlock()
	a, ok := s.accounts[appID]
	if !ok { // deleted meanwhile
		return
	}
	in := a.inboxFor(openID)
	switch {
	case res.InvalidReason != "":
		in.invalid++
		in.invalidReason = res.InvalidReason
	case res.ReplyXML != "":
		in.items = append(in.items, InboxItem{Time: now, Channel: ChannelPassiveReply, MsgType: res.ReplyMsgType, Body: res.ReplyXML})
	}
}

// newPushClient returns the default push client: it does not follow redirects (a
// redirect is an invalid answer).
func newPushClient() *http.Client {
	return &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

// isEmptyAck reports whether body acknowledges a push without replying.
func isEmptyAck(body []byte) bool { return len(body) == 0 || bytes.Equal(body, []byte("success")) }
