package token

import (
	"context"

	"google.golang.org/protobuf/types/known/timestamppb"

	tokenv1 "github.com/wxsuite/wxsuite/gen/go/wxsuite/token/v1"
	"github.com/wxsuite/wxsuite/gen/go/wxsuite/token/v1/tokenv1connect"
	"github.com/wxsuite/wxsuite/internal/platform/auth"
)

// OAuthHandler serves wxsuite.token.v1.OAuthService on top of a Service.
type OAuthHandler struct {
	svc *Service
}

var _ tokenv1connect.OAuthServiceHandler = (*OAuthHandler)(nil)

// NewOAuthHandler returns the OAuthService handler of svc.
func NewOAuthHandler(svc *Service) *OAuthHandler { return &OAuthHandler{svc: svc} }

// BuildAuthorizeURL returns the authorize URL to send the user to.
func (h *OAuthHandler) BuildAuthorizeURL(ctx context.Context, req *tokenv1.BuildAuthorizeURLRequest) (*tokenv1.BuildAuthorizeURLResponse, error) {
	var scope OAuthScope
	switch req.GetScope() {
	case tokenv1.AuthorizationScope_AUTHORIZATION_SCOPE_SNSAPI_BASE:
		scope = ScopeBase
	case tokenv1.AuthorizationScope_AUTHORIZATION_SCOPE_SNSAPI_USERINFO:
		scope = ScopeUserInfo
	default:
		return nil, connectError(&ArgumentError{Field: "scope", Reason: "must be AUTHORIZATION_SCOPE_SNSAPI_BASE or AUTHORIZATION_SCOPE_SNSAPI_USERINFO"})
	}
	a, err := h.svc.BuildAuthorizeURL(ctx, AuthorizeRequest{AppID: req.GetAppId(), RedirectURI: req.GetRedirectUri(), Scope: scope, State: req.GetState()})
	if err != nil {
		return nil, connectError(err)
	}
	return &tokenv1.BuildAuthorizeURLResponse{Url: a.URL, State: a.State}, nil
}

// ExchangeCode exchanges the redirect's code and stores the user's tokens.
func (h *OAuthHandler) ExchangeCode(ctx context.Context, req *tokenv1.ExchangeCodeRequest) (*tokenv1.ExchangeCodeResponse, error) {
	g, err := h.svc.ExchangeCode(ctx, req.GetAppId(), req.GetCode())
	if err != nil {
		return nil, connectError(err)
	}
	return &tokenv1.ExchangeCodeResponse{
		Openid: g.OpenID, Unionid: g.UnionID, Scope: scopeToProto(g.Scope),
		ExpiresAt: timestamppb.New(g.ExpiresAt), RefreshExpiresAt: timestamppb.New(g.RefreshExpiresAt),
		SnapshotUser: g.Snapshot, Tokens: userTokens(ctx, g),
	}, nil
}

// RefreshUserToken renews the stored user access token.
func (h *OAuthHandler) RefreshUserToken(ctx context.Context, req *tokenv1.RefreshUserTokenRequest) (*tokenv1.RefreshUserTokenResponse, error) {
	g, err := h.svc.RefreshUserToken(ctx, req.GetAppId(), req.GetOpenid())
	if err != nil {
		return nil, connectError(err)
	}
	return &tokenv1.RefreshUserTokenResponse{
		ExpiresAt: timestamppb.New(g.ExpiresAt), RefreshExpiresAt: timestamppb.New(g.RefreshExpiresAt),
		Scope: scopeToProto(g.Scope), Tokens: userTokens(ctx, g),
	}, nil
}

// GetUserInfo reads the user's profile.
func (h *OAuthHandler) GetUserInfo(ctx context.Context, req *tokenv1.GetUserInfoRequest) (*tokenv1.GetUserInfoResponse, error) {
	u, err := h.svc.UserInfo(ctx, req.GetAppId(), req.GetOpenid(), req.GetLang())
	if err != nil {
		return nil, connectError(err)
	}
	return &tokenv1.GetUserInfoResponse{User: &tokenv1.UserInfo{
		Openid: u.OpenID, Nickname: u.Nickname, Sex: int32(u.Sex), Province: u.Province, City: u.City,
		Country: u.Country, Headimgurl: u.HeadImgURL, Privilege: u.Privilege, Unionid: u.UnionID,
	}}, nil
}

// CheckUserToken asks WeChat whether the stored user token is valid.
func (h *OAuthHandler) CheckUserToken(ctx context.Context, req *tokenv1.CheckUserTokenRequest) (*tokenv1.CheckUserTokenResponse, error) {
	c, err := h.svc.CheckUserToken(ctx, req.GetAppId(), req.GetOpenid())
	if err != nil {
		return nil, connectError(err)
	}
	return &tokenv1.CheckUserTokenResponse{Valid: c.Valid, Errcode: int32(c.Errcode), Errmsg: c.Errmsg}, nil
}

// userTokens returns g's raw tokens only to a caller holding the oauth.tokens scope; a
// call without an authenticated caller gets none.
func userTokens(ctx context.Context, g UserGrant) *tokenv1.UserTokens {
	c, _ := auth.FromContext(ctx)
	if !c.HasScope(auth.ScopeOAuthTokens) {
		return nil
	}
	return &tokenv1.UserTokens{AccessToken: g.AccessToken.Reveal(), RefreshToken: g.RefreshToken.Reveal()}
}

func scopeToProto(s OAuthScope) tokenv1.AuthorizationScope {
	if s == ScopeUserInfo {
		return tokenv1.AuthorizationScope_AUTHORIZATION_SCOPE_SNSAPI_USERINFO
	}
	return tokenv1.AuthorizationScope_AUTHORIZATION_SCOPE_SNSAPI_BASE
}
