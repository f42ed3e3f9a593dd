package token

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/wxsuite/wxsuite/internal/wxcrypto"
)

// maxNonceLen bounds a caller-chosen nonce (WeChat's nonce fields take up to 32 characters).
const maxNonceLen = 32

// JSSDKConfigRequest describes a page whose wx.config to sign.
type JSSDKConfigRequest struct {
	// AppID is the account.
	AppID string
	// URL is the page URL as location.href has it; the #fragment is dropped. Its host must
	// be one of the account's JSDomains.
	URL string
	// NonceStr is used when set (1 to 32 of [a-zA-Z0-9]); 16 random characters otherwise.
	NonceStr string
	// Timestamp (Unix seconds) is used when positive; the service clock otherwise.
	Timestamp int64
}

// JSSDKConfig is the signed part of wx.config.
type JSSDKConfig struct {
	AppID     string
	Timestamp int64
	NonceStr  string
	Signature string
	// URL is the URL signed (without fragment).
	URL string
}

// SignJSSDKConfig signs a page's wx.config with the account's jsapi ticket.
func (s *Service) SignJSSDKConfig(ctx context.Context, r JSSDKConfigRequest) (JSSDKConfig, error) {
	a, err := s.account(r.AppID)
	if err != nil {
		return JSSDKConfig{}, err
	}
	page, _, _ := strings.Cut(r.URL, "#")
	if _, err := checkURL(a, "url", page, "js_domains", a.cfg.JSDomains); err != nil {
		return JSSDKConfig{}, err
	}
	ts, nonce, err := s.nonceAndTime(r.Timestamp, r.NonceStr)
	if err != nil {
		return JSSDKConfig{}, err
	}
	t, err := s.Ticket(ctx, a.cfg.AppID, TicketJSAPI)
	if err != nil {
		return JSSDKConfig{}, err
	}
	return JSSDKConfig{
		AppID: a.cfg.AppID, Timestamp: ts, NonceStr: nonce, URL: page,
		Signature: wxcrypto.JSSDKSignature(t.Value, nonce, ts, page),
	}, nil
}

// CardExtRequest describes a card for wx.addCard.
type CardExtRequest struct {
	AppID  string
	CardID string
	// Code is the card code, for cards with self-defined codes.
	Code string
	// OpenID restricts the card to one user.
	OpenID string
	// Timestamp (Unix seconds) is used when positive; the service clock otherwise.
	Timestamp int64
	// NonceStr is used when set; 16 random characters otherwise.
	NonceStr string
	// OuterStr comes back in the card events.
	OuterStr string
	// FixedBeginTimestamp is the start of a fixed term starting later (not signed).
	FixedBeginTimestamp int64
}

// CardExt is the signed cardExt of wx.addCard.
type CardExt struct {
	// JSON is the cardExt string to pass to wx.addCard.
	JSON      string
	Signature string
	Timestamp int64
	NonceStr  string
}

// cardExtJSON is the cardExt object. code and openid are always present, as in the
// official examples.
type cardExtJSON struct {
	Code                string `json:"code"`
	OpenID              string `json:"openid"`
	Timestamp           string `json:"timestamp"`
	NonceStr            string `json:"nonce_str"`
	FixedBeginTimestamp int64  `json:"fixed_begintimestamp,omitempty"`
	OuterStr            string `json:"outer_str,omitempty"`
	Signature           string `json:"signature"`
}

// SignCardExt signs the cardExt of wx.addCard with the account's wx_card ticket: the
// signature covers api_ticket, timestamp, card_id, code, openid and nonce_str.
func (s *Service) SignCardExt(ctx context.Context, r CardExtRequest) (CardExt, error) {
	a, err := s.account(r.AppID)
	if err != nil {
		return CardExt{}, err
	}
	if r.CardID == "" {
		return CardExt{}, &ArgumentError{Field: "card_id", Reason: "is required"}
	}
	if r.FixedBeginTimestamp < 0 {
		return CardExt{}, &ArgumentError{Field: "fixed_begintimestamp", Reason: "must not be negative"}
	}
	ts, nonce, err := s.nonceAndTime(r.Timestamp, r.NonceStr)
	if err != nil {
		return CardExt{}, err
	}
	t, err := s.Ticket(ctx, a.cfg.AppID, TicketWXCard)
	if err != nil {
		return CardExt{}, err
	}
	tss := strconv.FormatInt(ts, 10)
	sig := wxcrypto.CardSignature(t.Value, tss, r.CardID, r.Code, r.OpenID, nonce)
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(cardExtJSON{
		Code: r.Code, OpenID: r.OpenID, Timestamp: tss, NonceStr: nonce,
		FixedBeginTimestamp: r.FixedBeginTimestamp, OuterStr: r.OuterStr, Signature: sig,
	}); err != nil {
		return CardExt{}, fmt.Errorf("encode cardExt: %w", err)
	}
	return CardExt{JSON: strings.TrimSuffix(buf.String(), "\n"), Signature: sig, Timestamp: ts, NonceStr: nonce}, nil
}

// ChooseCardRequest holds the filters of wx.chooseCard.
type ChooseCardRequest struct {
	AppID string
	// ShopID is the store (location_id) filter.
	ShopID string
	// CardType is the card type filter, e.g. GROUPON.
	CardType string
	// CardID is the card filter.
	CardID string
	// Timestamp (Unix seconds) is used when positive; the service clock otherwise.
	Timestamp int64
	// NonceStr is used when set; 16 random characters otherwise.
	NonceStr string
}

// ChooseCard is wx.chooseCard's signed arguments.
type ChooseCard struct {
	CardSign  string
	Timestamp int64
	NonceStr  string
	// SignType is always "SHA1".
	SignType string
	ShopID   string
	CardType string
	CardID   string
}

// SignChooseCard signs wx.chooseCard with the account's wx_card ticket: the signature
// covers api_ticket, appid, location_id, timestamp, nonce_str, card_id and card_type
// (empty ones left out).
func (s *Service) SignChooseCard(ctx context.Context, r ChooseCardRequest) (ChooseCard, error) {
	a, err := s.account(r.AppID)
	if err != nil {
		return ChooseCard{}, err
	}
	ts, nonce, err := s.nonceAndTime(r.Timestamp, r.NonceStr)
	if err != nil {
		return ChooseCard{}, err
	}
	t, err := s.Ticket(ctx, a.cfg.AppID, TicketWXCard)
	if err != nil {
		return ChooseCard{}, err
	}
	sig := wxcrypto.CardSignature(t.Value, a.cfg.AppID, r.ShopID, strconv.FormatInt(ts, 10), nonce, r.CardID, r.CardType)
	return ChooseCard{
		CardSign: sig, Timestamp: ts, NonceStr: nonce, SignType: "SHA1",
		ShopID: r.ShopID, CardType: r.CardType, CardID: r.CardID,
	}, nil
}

// nonceAndTime checks a caller's timestamp and nonce, filling in the service clock and a
// random nonce where they are not given.
func (s *Service) nonceAndTime(ts int64, nonce string) (int64, string, error) {
	switch {
	case ts < 0:
		return 0, "", &ArgumentError{Field: "timestamp", Reason: "must not be negative"}
	case ts == 0:
		ts = s.now().Unix()
	}
	switch {
	case nonce == "":
		nonce = randomAlnum(16)
	case len(nonce) > maxNonceLen || !isAlnum(nonce):
		return 0, "", &ArgumentError{Field: "nonce_str", Reason: "must be 1 to 32 characters of [a-zA-Z0-9]"}
	}
	return ts, nonce, nil
}
