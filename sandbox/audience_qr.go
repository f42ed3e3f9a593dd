package sandbox

// This file emulates parametric QR codes (qrcode/create, mp.weixin.qq.com's
// /cgi-bin/showqrcode, scans that push subscribe or SCAN) and short keys (shorten/gen,
// shorten/fetch). Limits and codes: facts.md §6.5, behaviour.md §3.4–§3.5.

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"net/http"
	"net/url"
	"strconv"
	"time"
	"unicode/utf8"
)

// pathShowQRCode is the QR image path of mp.weixin.qq.com: it takes ?ticket= and no
// access_token, so the API router serves it outside the domain endpoint table.
const pathShowQRCode = "/cgi-bin/showqrcode"

// Limits of QR codes and short keys.
const (
	maxQRExpire          = 2592000 // seconds a temporary code may live (30 days)
	defaultQRExpire      = 60      // seconds when expire_seconds is omitted (current doc)
	maxPermanentScene    = 100000  // QR_LIMIT_SCENE scene_id range 1..100000
	maxPermanentQRCodes  = 100000  // permanent codes per account
	maxShortKeyData      = 4096    // bytes of long_data
	maxShortKeyExpire    = 2592000 // seconds a short key may live (30 days), also the default
	shortKeyLen          = 15      // base62 characters of a short key
	qrSweepEvery         = 1024    // creations between sweeps of expired temporary codes
	qrImageModules       = 25      // modules per side of the generated image
	qrImageModulePixels  = 8       // pixels per module
	qrImageQuietModules  = 2       // white modules around the pattern
	qrURLCodeLen         = 22      // characters after http://weixin.qq.com/q/
	maxQRSceneID         = 1<<32 - 1
	qrActionScene        = "QR_SCENE"
	qrActionStrScene     = "QR_STR_SCENE"
	qrActionLimitScene   = "QR_LIMIT_SCENE"
	qrActionLimitStrScne = "QR_LIMIT_STR_SCENE"
)

// qrState holds an account's QR codes and short keys. Guarded by Sandbox.mu.
type qrState struct {
	codes     map[string]*qrCode   // by ticket
	permanent map[string]string    // permanent scene key ("id:5", "str:x") → ticket
	created   int                  // temporary codes created, for sweeping
	shortKeys map[string]*shortKey // by short_key
}

// qrCode is a created QR code.
type qrCode struct {
	ticket    string
	url       string
	permanent bool
	sceneID   int64  // 0 for a string scene
	sceneStr  string // "" for an integer scene
	expires   time.Time
}

// scene is the scene value as a string: the decimal scene_id or the scene_str.
func (q *qrCode) scene() string {
	if q.sceneStr != "" {
		return q.sceneStr
	}
	return strconv.FormatInt(q.sceneID, 10)
}

// expired reports whether a temporary code has expired at now.
func (q *qrCode) expired(now time.Time) bool { return !q.permanent && !now.Before(q.expires) }

// shortKey is a generated short key.
type shortKey struct {
	data    string
	created time.Time
	expires time.Time
}

// registerAudienceQR adds the QR code and short key endpoints to m.
func registerAudienceQR(m map[string]endpoint) {
	m["/cgi-bin/qrcode/create"] = endpoint{method: http.MethodPost, serve: (*Sandbox).serveQRCreate}
	m["/cgi-bin/shorten/gen"] = endpoint{method: http.MethodPost, serve: (*Sandbox).serveShortenGen}
	m["/cgi-bin/shorten/fetch"] = endpoint{method: http.MethodPost, serve: (*Sandbox).serveShortenFetch}
}

// qrCreateAnswer is the answer of qrcode/create.
type qrCreateAnswer struct {
	Ticket        string `json:"ticket"`
	ExpireSeconds int64  `json:"expire_seconds,omitempty"`
	URL           string `json:"url"`
}

// serveQRCreate answers qrcode/create: 40052 for an unknown action_name; 40053 for a
// missing or out-of-range scene (temporary scene_id 1..4294967295, permanent 1..100000,
// scene_str 1..64 characters); 40097 for expire_seconds below 0 or above 2592000 (sandbox
// choice: the platform's answer is not documented); 45029 past 100,000 permanent codes.
// A permanent scene created before returns its ticket again.
func (s *Sandbox) serveQRCreate(c *apiCall) answer {
	var req struct {
		ExpireSeconds json.Number `json:"expire_seconds"`
		ActionName    string      `json:"action_name"`
		ActionInfo    struct {
			Scene struct {
				SceneID  json.Number `json:"scene_id"`
				SceneStr string      `json:"scene_str"`
			} `json:"scene"`
		} `json:"action_info"`
	}
	if code := c.decode(&req); code != codeOK {
		return fail(code)
	}
	q := &qrCode{}
	switch req.ActionName {
	case qrActionScene, qrActionLimitScene:
		id, err := req.ActionInfo.Scene.SceneID.Int64()
		limit := int64(maxQRSceneID)
		if req.ActionName == qrActionLimitScene {
			limit = maxPermanentScene
		}
		if err != nil || id < 1 || id > limit {
			return fail(codeAudInvalidInfo)
		}
		q.sceneID = id
	case qrActionStrScene, qrActionLimitStrScne:
		n := utf8.RuneCountInString(req.ActionInfo.Scene.SceneStr)
		if n < 1 || n > maxSceneStrLen {
			return fail(codeAudInvalidInfo)
		}
		q.sceneStr = req.ActionInfo.Scene.SceneStr
	default:
		return fail(codeAudInvalidAction)
	}
	st := &c.a.audience.qr
	if st.codes == nil {
		st.codes = make(map[string]*qrCode)
		st.permanent = make(map[string]string)
	}
	q.permanent = req.ActionName == qrActionLimitScene || req.ActionName == qrActionLimitStrScne
	if q.permanent {
		key := "id:" + strconv.FormatInt(q.sceneID, 10)
		if q.sceneStr != "" {
			key = "str:" + q.sceneStr
		}
		if t, ok := st.permanent[key]; ok {
			old := st.codes[t]
			return succeed(qrCreateAnswer{Ticket: old.ticket, URL: old.url})
		}
		if len(st.permanent) >= maxPermanentQRCodes {
			return fail(codeAudQRLimit)
		}
		s.newTicket(q)
		st.permanent[key] = q.ticket
		st.codes[q.ticket] = q
		return succeed(qrCreateAnswer{Ticket: q.ticket, URL: q.url})
	}
	expire := int64(defaultQRExpire)
	if req.ExpireSeconds != "" {
		v, err := req.ExpireSeconds.Int64()
		if err != nil || v < 0 || v > maxQRExpire {
			return fail(codeInvalidArgs)
		}
		if v > 0 {
			expire = v
		}
	}
	q.expires = c.now.Add(time.Duration(expire) * time.Second)
	st.created++
	if st.created%qrSweepEvery == 0 {
		for t, old := range st.codes {
			if old.expired(c.now) {
				delete(st.codes, t)
			}
		}
	}
	s.newTicket(q)
	st.codes[q.ticket] = q
	return succeed(qrCreateAnswer{Ticket: q.ticket, ExpireSeconds: expire, URL: q.url})
}

// newTicket gives q a ticket and URL shaped like the platform's: the ticket is standard
// base64 (with "+", "/" and "=" that must be URL-encoded in showqrcode) of bytes that
// carry the URL, as real tickets do. Callers hold s.mu.
func (s *Sandbox) newTicket(q *qrCode) {
	q.url = "http://weixin.qq.com/q/" + s.randAlnum(qrURLCodeLen)
	var raw bytes.Buffer
	raw.Write([]byte{0x81, 0x01, 0xf8, 0x3a, 0x00})
	raw.WriteString(s.randString(6))
	raw.WriteByte(',')
	raw.WriteString(q.url)
	raw.Write([]byte{0x00, 0x02, 0x04})
	for range 7 {
		raw.WriteByte(byte(s.rng.IntN(256)))
	}
	q.ticket = base64.StdEncoding.EncodeToString(raw.Bytes())
}

// findQRCode finds a ticket in any account. Callers hold s.mu.
func (s *Sandbox) findQRCode(ticket string) (*qrCode, *account) {
	for _, a := range s.accounts {
		if q, ok := a.audience.qr.codes[ticket]; ok {
			return q, a
		}
	}
	return nil, nil
}

// serveShowQRCode answers mp.weixin.qq.com/cgi-bin/showqrcode?ticket=: a JPEG image
// (a generated pattern derived from the ticket that encodes nothing: the sandbox does
// not render real QR codes). An unknown or expired ticket gets HTTP 404 with an empty
// body (sandbox choice: the platform's answer is not documented).
func (s *Sandbox) serveShowQRCode(r *http.Request, q url.Values) answer {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		return answer{status: http.StatusMethodNotAllowed, raw: []byte{}, rawType: "text/plain"}
	}
	ticket := q.Get("ticket")
	now := s.Now()
	s.mu.Lock()
	code, _ := s.findQRCode(ticket)
	found := code != nil && !code.expired(now)
	s.mu.Unlock()
	if ticket == "" || !found {
		return answer{status: http.StatusNotFound, raw: []byte{}, rawType: "text/plain"}
	}
	return answer{raw: qrImage(ticket), rawType: "image/jpeg"}
}

// qrImage renders a QR-like pattern for ticket as a JPEG.
func qrImage(ticket string) []byte {
	const side = (qrImageModules + 2*qrImageQuietModules) * qrImageModulePixels
	img := image.NewGray(image.Rect(0, 0, side, side))
	for i := range img.Pix {
		img.Pix[i] = 0xff
	}
	bits := sha256.Sum256([]byte(ticket))
	stream := bits[:]
	bit := 0
	for my := range qrImageModules {
		for mx := range qrImageModules {
			dark := finderModule(mx, my)
			if !isFinderArea(mx, my) {
				if bit/8 >= len(stream) { // stretch the 256 bits over the modules
					next := sha256.Sum256(stream)
					stream = next[:]
					bit = 0
				}
				dark = stream[bit/8]>>(bit%8)&1 == 1
				bit++
			}
			if dark {
				for y := range qrImageModulePixels {
					for x := range qrImageModulePixels {
						img.SetGray((mx+qrImageQuietModules)*qrImageModulePixels+x, (my+qrImageQuietModules)*qrImageModulePixels+y, color.Gray{})
					}
				}
			}
		}
	}
	var buf bytes.Buffer
	_ = jpeg.Encode(&buf, img, &jpeg.Options{Quality: 75}) // encoding to memory does not fail
	return buf.Bytes()
}

// isFinderArea reports whether module (x, y) is in one of the three 8×8 corner areas.
func isFinderArea(x, y int) bool {
	far := qrImageModules - 8
	return (x < 8 && y < 8) || (x >= far && y < 8) || (x < 8 && y >= far)
}

// finderModule reports whether module (x, y) is dark in a corner finder pattern.
func finderModule(x, y int) bool {
	if !isFinderArea(x, y) {
		return false
	}
	if x >= qrImageModules-8 {
		x -= qrImageModules - 7
	}
	if y >= qrImageModules-8 {
		y -= qrImageModules - 7
	}
	if x < 0 || y < 0 || x > 6 || y > 6 {
		return false
	}
	ring := max(abs(x-3), abs(y-3))
	return ring != 2
}

func abs(v int) int {
	if v < 0 {
		return -v
	}
	return v
}

// serveShortenGen answers shorten/gen: long_data of 1 to 4096 bytes, expire_seconds 0
// (the default, 30 days) to 2592000; anything else is 40097 (sandbox choice of code).
func (s *Sandbox) serveShortenGen(c *apiCall) answer {
	var req struct {
		LongData      string      `json:"long_data"`
		ExpireSeconds json.Number `json:"expire_seconds"`
	}
	if code := c.decode(&req); code != codeOK {
		return fail(code)
	}
	if req.LongData == "" || len(req.LongData) > maxShortKeyData {
		return fail(codeInvalidArgs)
	}
	expire := int64(maxShortKeyExpire)
	if req.ExpireSeconds != "" {
		v, err := req.ExpireSeconds.Int64()
		if err != nil || v < 0 || v > maxShortKeyExpire {
			return fail(codeInvalidArgs)
		}
		if v > 0 {
			expire = v
		}
	}
	st := &c.a.audience.qr
	if st.shortKeys == nil {
		st.shortKeys = make(map[string]*shortKey)
	}
	key := s.randAlnum(shortKeyLen)
	for st.shortKeys[key] != nil {
		key = s.randAlnum(shortKeyLen)
	}
	st.shortKeys[key] = &shortKey{data: req.LongData, created: c.now, expires: c.now.Add(time.Duration(expire) * time.Second)}
	return succeed(struct {
		Errcode  int    `json:"errcode"`
		Errmsg   string `json:"errmsg"`
		ShortKey string `json:"short_key"`
	}{0, "ok", key})
}

// serveShortenFetch answers shorten/fetch: the data, creation time and remaining
// lifetime; an unknown or expired key is 40097 (behaviour.md §3.5: code not documented).
func (s *Sandbox) serveShortenFetch(c *apiCall) answer {
	var req struct {
		ShortKey string `json:"short_key"`
	}
	if code := c.decode(&req); code != codeOK {
		return fail(code)
	}
	st := &c.a.audience.qr
	k, ok := st.shortKeys[req.ShortKey]
	if !ok || !c.now.Before(k.expires) {
		if ok {
			delete(st.shortKeys, req.ShortKey)
		}
		return fail(codeInvalidArgs)
	}
	return succeed(struct {
		Errcode       int    `json:"errcode"`
		Errmsg        string `json:"errmsg"`
		LongData      string `json:"long_data"`
		CreateTime    int64  `json:"create_time"`
		ExpireSeconds int64  `json:"expire_seconds"`
	}{0, "ok", k.data, k.created.Unix(), int64(k.expires.Sub(c.now) / time.Second)})
}

// ErrUnknownTicket is wrapped by the errors of scans of a ticket no account issued, or
// one that expired.
var ErrUnknownTicket = errors.New("unknown or expired QR code ticket")

// ScanResult is what a simulated QR code scan did.
type ScanResult struct {
	// OpenID is the user who scanned (generated for a new follower).
	OpenID string
	// Event is "subscribe" when the scan made the user follow, "SCAN" when they already
	// followed.
	Event string
	// EventKey is the pushed EventKey: "qrscene_" + scene for subscribe, the scene for
	// SCAN.
	EventKey string
	// Ticket is the scanned ticket.
	Ticket string
	// Pushed reports whether the event was pushed: false when the account has no
	// callback URL (the follower state changes anyway).
	Pushed bool
	// Push is what happened to the push when Pushed.
	Push PushResult
}

// ScanQRCode simulates the user openID scanning the QR code ticket of the account appID
// in WeChat. A user who does not follow the account (unknown openids and "" make a new
// user; "" gets a generated openid) follows it with subscribe_scene ADD_SCENE_QR_CODE and
// the code's qr_scene or qr_scene_str, and a subscribe event with EventKey
// "qrscene_<scene>" and Ticket is pushed; a follower causes a SCAN event with EventKey
// "<scene>" (facts.md §2.2). The push goes to the account's callback URL as
// [Sandbox.PushEvent] sends it; without a callback URL nothing is pushed. The error
// wraps [ErrUnknownAccount] or [ErrUnknownTicket] (also for another account's ticket or
// an expired one), is an [*ArgumentError] for a malformed openid, or is the push's
// context error.
func (s *Sandbox) ScanQRCode(ctx context.Context, appID, ticket, openID string) (ScanResult, error) {
	if openID != "" {
		if err := (User{OpenID: openID}).validate(""); err != nil {
			return ScanResult{}, err
		}
	}
	now := s.Now()
	s.mu.Lock()
	a, ok := s.accounts[appID]
	if !ok {
		s.mu.Unlock()
		return ScanResult{}, unknownAccount(appID)
	}
	code, ok := a.audience.qr.codes[ticket]
	if !ok || code.expired(now) {
		s.mu.Unlock()
		return ScanResult{}, fmt.Errorf("app_id %q ticket %q: %w", appID, ticket, ErrUnknownTicket)
	}
	if openID == "" {
		openID = s.newOpenID(a)
	}
	res := ScanResult{OpenID: openID, Ticket: ticket, Event: "SCAN", EventKey: code.scene()}
	old := a.users[openID]
	if !isFollower(old) {
		u := &User{OpenID: openID, Language: "zh_CN"}
		if old != nil {
			c := old.clone()
			u = &c
		}
		u.Unsubscribed = false
		u.SubscribeTime = now.Unix()
		u.SubscribeScene = sceneQRCode
		u.QRScene, u.QRSceneStr = code.sceneID, code.sceneStr
		a.audience.noteUser(old, u)
		a.users[openID] = u
		res.Event, res.EventKey = "subscribe", "qrscene_"+code.scene()
	}
	callback := a.CallbackURL != ""
	s.mu.Unlock()
	var err error
	res.Pushed, res.Push, err = s.pushIfCallback(ctx, callback, appID, openID, Event{Event: res.Event, EventKey: res.EventKey, Fields: map[string]string{"Ticket": ticket}})
	return res, err
}

// pushIfCallback pushes e when the account had a callback URL (callback); pushed is false
// when it had none, or it was removed meanwhile.
func (s *Sandbox) pushIfCallback(ctx context.Context, callback bool, appID, openID string, e Event) (pushed bool, res PushResult, err error) {
	if !callback {
		return false, PushResult{}, nil
	}
	res, err = s.PushEvent(ctx, appID, openID, e)
	if errors.Is(err, ErrNoCallback) {
		return false, PushResult{}, nil
	}
	if err != nil {
		return false, res, err
	}
	return true, res, nil
}
