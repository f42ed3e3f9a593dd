package token

import (
	"context"
	"time"

	"google.golang.org/protobuf/types/known/durationpb"
	"google.golang.org/protobuf/types/known/timestamppb"

	tokenv1 "github.com/wxsuite/wxsuite/gen/go/wxsuite/token/v1"
	"github.com/wxsuite/wxsuite/gen/go/wxsuite/token/v1/tokenv1connect"
	"github.com/wxsuite/wxsuite/internal/platform/auth"
	"github.com/wxsuite/wxsuite/internal/platform/config"
)

// Handler serves wxsuite.token.v1.TokenService on top of a Service.
type Handler struct {
	svc *Service
}

var _ tokenv1connect.TokenServiceHandler = (*Handler)(nil)

// NewHandler returns the RPC handler of svc.
func NewHandler(svc *Service) *Handler { return &Handler{svc: svc} }

// ListAccounts reports the configured accounts and their credential status: every
// account, or, for an authenticated caller, those the caller may use.
func (h *Handler) ListAccounts(ctx context.Context, _ *tokenv1.ListAccountsRequest) (*tokenv1.ListAccountsResponse, error) {
	out := &tokenv1.ListAccountsResponse{}
	caller, authenticated := auth.FromContext(ctx)
	for _, id := range h.svc.order {
		if authenticated && !caller.MayUse(id) {
			continue
		}
		out.Accounts = append(out.Accounts, h.svc.accountStatus(ctx, h.svc.accounts[id]))
	}
	return out, nil
}

// GetAccount reports one account and its credential status.
func (h *Handler) GetAccount(ctx context.Context, req *tokenv1.GetAccountRequest) (*tokenv1.GetAccountResponse, error) {
	a, err := h.svc.account(req.GetAppId())
	if err != nil {
		return nil, connectError(err)
	}
	return &tokenv1.GetAccountResponse{Account: h.svc.accountStatus(ctx, a)}, nil
}

// GetAccessToken returns the account's current access token.
func (h *Handler) GetAccessToken(ctx context.Context, req *tokenv1.GetAccessTokenRequest) (*tokenv1.GetAccessTokenResponse, error) {
	c, err := h.svc.GetAccessToken(ctx, req.GetAppId())
	if err != nil {
		return nil, connectError(err)
	}
	return &tokenv1.GetAccessTokenResponse{
		AccessToken: c.Value,
		ExpiresAt:   timestamppb.New(c.ExpiresAt),
		ExpiresIn:   durationpb.New(h.remaining(c)),
	}, nil
}

// RefreshAccessToken is the passive refresh of a rejected token.
func (h *Handler) RefreshAccessToken(ctx context.Context, req *tokenv1.RefreshAccessTokenRequest) (*tokenv1.RefreshAccessTokenResponse, error) {
	c, err := h.svc.Refresh(ctx, req.GetAppId(), req.GetStaleToken())
	if err != nil {
		return nil, connectError(err)
	}
	return &tokenv1.RefreshAccessTokenResponse{
		AccessToken: c.Value,
		ExpiresAt:   timestamppb.New(c.ExpiresAt),
		ExpiresIn:   durationpb.New(h.remaining(c)),
		Refreshed:   c.Refreshed,
	}, nil
}

// GetTicket returns the account's current ticket of the requested type.
func (h *Handler) GetTicket(ctx context.Context, req *tokenv1.GetTicketRequest) (*tokenv1.GetTicketResponse, error) {
	var k TicketKind
	switch req.GetType() {
	case tokenv1.TicketType_TICKET_TYPE_JSAPI:
		k = TicketJSAPI
	case tokenv1.TicketType_TICKET_TYPE_WX_CARD:
		k = TicketWXCard
	}
	c, err := h.svc.Ticket(ctx, req.GetAppId(), k)
	if err != nil {
		return nil, connectError(err)
	}
	return &tokenv1.GetTicketResponse{
		Ticket:    c.Value,
		ExpiresAt: timestamppb.New(c.ExpiresAt),
		ExpiresIn: durationpb.New(h.remaining(c)),
	}, nil
}

func (h *Handler) remaining(c Credential) time.Duration {
	return c.ExpiresAt.Sub(h.svc.now()).Truncate(time.Second)
}

// accountStatus reports a's credentials from Redis, falling back to what this process
// knows when Redis fails.
func (s *Service) accountStatus(ctx context.Context, a *account) *tokenv1.Account {
	endpoint := tokenv1.TokenEndpoint_TOKEN_ENDPOINT_TOKEN
	if a.cfg.TokenEndpoint == config.TokenEndpointStable {
		endpoint = tokenv1.TokenEndpoint_TOKEN_ENDPOINT_STABLE_TOKEN
	}
	shared, _ := s.store.statuses(ctx, a.keys.status()) // best effort: fall back to local state
	now := s.now()
	one := func(c *cred) *tokenv1.CredentialStatus {
		st, ok := shared[c.kind]
		if !ok {
			st = c.status()
		}
		e := c.cur.Load()
		if se, err := s.store.get(ctx, c.key); err == nil {
			e = se
		}
		out := &tokenv1.CredentialStatus{LastErrcode: int32(st.LastErrcode), LastError: st.LastError}
		if e.validAt(now) {
			out.ExpiresAt = timestamppb.New(time.UnixMilli(e.ExpiresAt))
		}
		if st.LastRefresh != 0 {
			out.LastRefreshTime = timestamppb.New(time.UnixMilli(st.LastRefresh))
		}
		if st.LastErrorTime != 0 && st.LastErrorTime >= st.LastRefresh {
			out.LastErrorTime = timestamppb.New(time.UnixMilli(st.LastErrorTime))
		} else {
			out.LastErrcode, out.LastError = 0, ""
		}
		return out
	}
	return &tokenv1.Account{
		AppId:         a.cfg.AppID,
		Name:          a.cfg.Name,
		TokenEndpoint: endpoint,
		AccessToken:   one(a.token),
		JsapiTicket:   one(a.jsapi),
		WxCardTicket:  one(a.wxcard),
	}
}
