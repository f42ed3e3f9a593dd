package nontax

import (
	"context"
	"net/http"

	nontaxv1 "github.com/wxsuite/wxsuite/gen/go/wxsuite/nontax/v1"
	"github.com/wxsuite/wxsuite/internal/wechat"
)

// WeChat paths of the identity endpoints. intp/getuserclientip is on mp.weixin.qq.com
// at the platform; the client sends it to the configured API base URL.
const (
	pathUserClientIP    = "/intp/getuserclientip"
	pathRealNameAuthURL = "/intp/realname/getauthurl"
	pathGetRealName     = "/nontax/getrealname"
)

// maxTokenLen bounds a wx_realname_token.
const maxTokenLen = 512

// GetUserClientIP returns the client IP the platform sees (intp/getuserclientip).
func (s *Service) GetUserClientIP(ctx context.Context, r *nontaxv1.GetUserClientIPRequest) (*nontaxv1.GetUserClientIPResponse, error) {
	if err := s.checkAccount(r.GetAppId()); err != nil {
		return nil, err
	}
	var res struct {
		IP string `json:"ip"`
	}
	if err := s.wc.Do(ctx, &wechat.Request{AppID: r.GetAppId(), Method: http.MethodGet, Path: pathUserClientIP}, &res); err != nil {
		return nil, err
	}
	return &nontaxv1.GetUserClientIPResponse{Ip: res.IP}, nil
}

// GetRealNameAuthURL returns the real-name authorization page
// (intp/realname/getauthurl).
func (s *Service) GetRealNameAuthURL(ctx context.Context, r *nontaxv1.GetRealNameAuthURLRequest) (*nontaxv1.GetRealNameAuthURLResponse, error) {
	if err := s.checkAccount(r.GetAppId()); err != nil {
		return nil, err
	}
	var c checker
	c.url("redirect_url", r.GetRedirectUrl(), true)
	if c.err != nil {
		return nil, c.err
	}
	var res struct {
		AuthURL string `json:"auth_url"`
	}
	if err := s.post(ctx, r.GetAppId(), pathRealNameAuthURL, true, map[string]string{"redirect_url": r.GetRedirectUrl()}, &res); err != nil {
		return nil, err
	}
	return &nontaxv1.GetRealNameAuthURLResponse{AuthUrl: res.AuthURL}, nil
}

// GetRealName exchanges a wx_realname_token for the payer's identity
// (nontax/getrealname). The identity is never logged.
func (s *Service) GetRealName(ctx context.Context, r *nontaxv1.GetRealNameRequest) (*nontaxv1.GetRealNameResponse, error) {
	if err := s.checkAccount(r.GetAppId()); err != nil {
		return nil, err
	}
	var c checker
	switch t := r.GetWxRealnameToken(); {
	case t == "":
		c.fail("wx_realname_token", "is required")
	case len(t) > maxTokenLen:
		c.fail("wx_realname_token", "is too long")
	}
	if c.err != nil {
		return nil, c.err
	}
	var res struct {
		OpenID   string `json:"openid"`
		RealName string `json:"real_name"`
		CredID   string `json:"cred_id"`
		CredType int32  `json:"cred_type"`
	}
	if err := s.post(ctx, r.GetAppId(), pathGetRealName, true, map[string]string{"wx_realname_token": r.GetWxRealnameToken()}, &res); err != nil {
		return nil, err
	}
	return &nontaxv1.GetRealNameResponse{Openid: res.OpenID, RealName: res.RealName, CredId: res.CredID, CredType: res.CredType}, nil
}
