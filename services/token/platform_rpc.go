package token

import (
	"context"

	tokenv1 "github.com/wxsuite/wxsuite/gen/go/wxsuite/token/v1"
	"github.com/wxsuite/wxsuite/gen/go/wxsuite/token/v1/tokenv1connect"
)

// PlatformHandler serves wxsuite.token.v1.PlatformService on top of a Service.
type PlatformHandler struct {
	svc *Service
}

var _ tokenv1connect.PlatformServiceHandler = (*PlatformHandler)(nil)

// NewPlatformHandler returns the PlatformService handler of svc.
func NewPlatformHandler(svc *Service) *PlatformHandler { return &PlatformHandler{svc: svc} }

// GetCallbackIPs lists the addresses WeChat's callbacks come from.
func (h *PlatformHandler) GetCallbackIPs(ctx context.Context, req *tokenv1.GetCallbackIPsRequest) (*tokenv1.GetCallbackIPsResponse, error) {
	ips, err := h.svc.CallbackIPs(ctx, req.GetAppId())
	if err != nil {
		return nil, connectError(err)
	}
	return &tokenv1.GetCallbackIPsResponse{IpList: ips}, nil
}

// GetAPIDomainIPs lists the addresses of api.weixin.qq.com.
func (h *PlatformHandler) GetAPIDomainIPs(ctx context.Context, req *tokenv1.GetAPIDomainIPsRequest) (*tokenv1.GetAPIDomainIPsResponse, error) {
	ips, err := h.svc.APIDomainIPs(ctx, req.GetAppId())
	if err != nil {
		return nil, connectError(err)
	}
	return &tokenv1.GetAPIDomainIPsResponse{IpList: ips}, nil
}

// CheckNetwork asks WeChat to probe the account's callback URL.
func (h *PlatformHandler) CheckNetwork(ctx context.Context, req *tokenv1.CheckNetworkRequest) (*tokenv1.CheckNetworkResponse, error) {
	action := checkAction(req.GetAction())
	if action == "" {
		return nil, connectError(&ArgumentError{Field: "action", Reason: "must be CHECK_ACTION_DNS, CHECK_ACTION_PING or CHECK_ACTION_ALL"})
	}
	operator := checkOperator(req.GetOperator())
	if operator == "" {
		return nil, connectError(&ArgumentError{Field: "operator", Reason: "must be CHECK_OPERATOR_CHINANET, CHECK_OPERATOR_UNICOM, CHECK_OPERATOR_CAP or CHECK_OPERATOR_DEFAULT"})
	}
	r, err := h.svc.CheckNetwork(ctx, req.GetAppId(), action, operator)
	if err != nil {
		return nil, connectError(err)
	}
	out := &tokenv1.CheckNetworkResponse{}
	for _, d := range r.DNS {
		out.Dns = append(out.Dns, &tokenv1.DNSResult{Ip: d.IP, RealOperator: d.RealOperator})
	}
	for _, p := range r.Ping {
		out.Ping = append(out.Ping, &tokenv1.PingResult{Ip: p.IP, FromOperator: p.FromOperator, PackageLoss: p.PackageLoss, Time: p.Time})
	}
	return out, nil
}

// ClearQuota resets the account's daily quotas (confirm required).
func (h *PlatformHandler) ClearQuota(ctx context.Context, req *tokenv1.ClearQuotaRequest) (*tokenv1.ClearQuotaResponse, error) {
	c, err := h.svc.ClearQuota(ctx, req.GetAppId(), req.GetConfirm())
	if err != nil {
		return nil, connectError(err)
	}
	return &tokenv1.ClearQuotaResponse{ClearsThisMonth: int32(c.ThisMonth), RemainingEstimate: int32(c.Remaining)}, nil
}

// checkAction is callback/check's action for a; "" for UNSPECIFIED and unknown values.
func checkAction(a tokenv1.CheckAction) string {
	switch a {
	case tokenv1.CheckAction_CHECK_ACTION_DNS:
		return CheckActionDNS
	case tokenv1.CheckAction_CHECK_ACTION_PING:
		return CheckActionPing
	case tokenv1.CheckAction_CHECK_ACTION_ALL:
		return CheckActionAll
	}
	return ""
}

// checkOperator is callback/check's check_operator for o; "" for UNSPECIFIED and unknown
// values.
func checkOperator(o tokenv1.CheckOperator) string {
	switch o {
	case tokenv1.CheckOperator_CHECK_OPERATOR_CHINANET:
		return CheckOperatorChinanet
	case tokenv1.CheckOperator_CHECK_OPERATOR_UNICOM:
		return CheckOperatorUnicom
	case tokenv1.CheckOperator_CHECK_OPERATOR_CAP:
		return CheckOperatorCAP
	case tokenv1.CheckOperator_CHECK_OPERATOR_DEFAULT:
		return CheckOperatorDefault
	}
	return ""
}
