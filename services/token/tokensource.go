package token

import (
	"context"
	"time"
)

// Credential is a credential value with its expiry.
type Credential struct {
	// Value is the access token or ticket.
	Value string
	// ExpiresAt is when WeChat stops accepting it.
	ExpiresAt time.Time
	// Refreshed is set when the call fetched it from WeChat (passive refresh only).
	Refreshed bool
}

func credential(e *entry, refreshed bool) Credential {
	return Credential{Value: e.Value, ExpiresAt: time.UnixMilli(e.ExpiresAt), Refreshed: refreshed}
}

// AccessToken returns the account's current access token (wechat.TokenSource).
func (s *Service) AccessToken(ctx context.Context, appID string) (string, error) {
	c, err := s.GetAccessToken(ctx, appID)
	return c.Value, err
}

// RefreshAccessToken returns a token other than staleToken, fetching a new one when
// staleToken is still current (wechat.TokenSource).
func (s *Service) RefreshAccessToken(ctx context.Context, appID, staleToken string) (string, error) {
	c, err := s.Refresh(ctx, appID, staleToken)
	return c.Value, err
}

// GetAccessToken returns the account's current access token with its expiry.
func (s *Service) GetAccessToken(ctx context.Context, appID string) (Credential, error) {
	a, err := s.account(appID)
	if err != nil {
		return Credential{}, err
	}
	e, err := s.get(ctx, a, a.token)
	if err != nil {
		return Credential{}, err
	}
	return credential(e, false), nil
}

// Refresh is the passive refresh of an access token that WeChat rejected. An empty
// staleToken forces a refresh of the current token (subject to min_forced_interval).
func (s *Service) Refresh(ctx context.Context, appID, staleToken string) (Credential, error) {
	a, err := s.account(appID)
	if err != nil {
		return Credential{}, err
	}
	if staleToken == "" {
		e, err := s.get(ctx, a, a.token)
		if err != nil {
			return Credential{}, err
		}
		age := s.now().Sub(time.UnixMilli(e.FetchedAt))
		if min := time.Duration(s.cfg.MinForcedInterval); age < min {
			return Credential{}, &RefreshTooSoonError{AppID: appID, Age: age, Min: min, Explicit: true}
		}
		staleToken = e.Value
	}
	r, err := s.refresh(ctx, a, a.token, staleToken)
	if err != nil {
		return Credential{}, err
	}
	return credential(r.e, r.refreshed), nil
}

// TicketKind selects a ticket.
type TicketKind int

const (
	// TicketJSAPI is the jsapi_ticket.
	TicketJSAPI TicketKind = iota + 1
	// TicketWXCard is the wx_card api_ticket.
	TicketWXCard
)

// Ticket returns the account's current ticket of the given kind.
func (s *Service) Ticket(ctx context.Context, appID string, k TicketKind) (Credential, error) {
	a, err := s.account(appID)
	if err != nil {
		return Credential{}, err
	}
	var c *cred
	switch k {
	case TicketJSAPI:
		c = a.jsapi
	case TicketWXCard:
		c = a.wxcard
	default:
		return Credential{}, ErrTicketType
	}
	e, err := s.get(ctx, a, c)
	if err != nil {
		return Credential{}, err
	}
	return credential(e, false), nil
}
