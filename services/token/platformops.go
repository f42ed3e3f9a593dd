package token

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/wxsuite/wxsuite/internal/wechat"
)

// Network-check actions and operators as callback/check takes them.
const (
	CheckActionDNS  = "dns"
	CheckActionPing = "ping"
	CheckActionAll  = "all"

	CheckOperatorChinanet = "CHINANET"
	CheckOperatorUnicom   = "UNICOM"
	CheckOperatorCAP      = "CAP"
	CheckOperatorDefault  = "DEFAULT"
)

// quotaResetsPerMonth is how many clear_quota resets an account has each month.
const quotaResetsPerMonth = 10

// errcodeNoResets is clear_quota's answer when the month's resets are used up.
const errcodeNoResets = 48006

// shanghai is the time zone WeChat's months follow (China has no daylight saving time, so
// a fixed zone needs no tzdata).
var shanghai = time.FixedZone("Asia/Shanghai", 8*60*60)

// ipListResponse is the answer of getcallbackip and get_api_domain_ip.
type ipListResponse struct {
	IPList []string `json:"ip_list"`
}

// CallbackIPs lists the addresses WeChat's callbacks come from.
func (s *Service) CallbackIPs(ctx context.Context, appID string) ([]string, error) {
	return s.ipList(ctx, appID, "/cgi-bin/getcallbackip", "get callback IPs")
}

// APIDomainIPs lists the addresses of api.weixin.qq.com.
func (s *Service) APIDomainIPs(ctx context.Context, appID string) ([]string, error) {
	return s.ipList(ctx, appID, "/cgi-bin/get_api_domain_ip", "get API domain IPs")
}

func (s *Service) ipList(ctx context.Context, appID, path, op string) ([]string, error) {
	a, err := s.account(appID)
	if err != nil {
		return nil, err
	}
	var r ipListResponse
	if err := s.wx.Do(ctx, &wechat.Request{AppID: a.cfg.AppID, Method: http.MethodGet, Path: path}, &r); err != nil {
		return nil, &CallError{AppID: a.cfg.AppID, Op: op, Err: err}
	}
	return r.IPList, nil
}

// NetworkCheck is the result of callback/check.
type NetworkCheck struct {
	DNS  []DNSResult
	Ping []PingResult
}

// DNSResult is one resolved address of the callback domain.
type DNSResult struct {
	IP           string `json:"ip"`
	RealOperator string `json:"real_operator"`
}

// PingResult is one ping of the callback address.
type PingResult struct {
	IP           string `json:"ip"`
	FromOperator string `json:"from_operator"`
	PackageLoss  string `json:"package_loss"`
	Time         string `json:"time"`
}

type networkCheckRequest struct {
	Action        string `json:"action"`
	CheckOperator string `json:"check_operator"`
}

type networkCheckResponse struct {
	DNS  []DNSResult  `json:"dns"`
	Ping []PingResult `json:"ping"`
}

// CheckNetwork asks WeChat to probe the account's callback URL. action is CheckActionDNS,
// CheckActionPing or CheckActionAll; operator one of the CheckOperator constants.
func (s *Service) CheckNetwork(ctx context.Context, appID, action, operator string) (NetworkCheck, error) {
	a, err := s.account(appID)
	if err != nil {
		return NetworkCheck{}, err
	}
	switch action {
	case CheckActionDNS, CheckActionPing, CheckActionAll:
	default:
		return NetworkCheck{}, &ArgumentError{Field: "action", Reason: "must be dns, ping or all"}
	}
	switch operator {
	case CheckOperatorChinanet, CheckOperatorUnicom, CheckOperatorCAP, CheckOperatorDefault:
	default:
		return NetworkCheck{}, &ArgumentError{Field: "operator", Reason: "must be CHINANET, UNICOM, CAP or DEFAULT"}
	}
	var r networkCheckResponse
	err = s.wx.Do(ctx, &wechat.Request{
		AppID: a.cfg.AppID, Method: http.MethodPost, Path: "/cgi-bin/callback/check",
		Body: networkCheckRequest{Action: action, CheckOperator: operator},
		// A probe changes nothing: sending it again is harmless.
		Idempotent: true,
	}, &r)
	if err != nil {
		return NetworkCheck{}, &CallError{AppID: a.cfg.AppID, Op: "check network", Err: err}
	}
	return NetworkCheck(r), nil
}

// QuotaClears counts the quota resets made through wxsuite in the current month.
type QuotaClears struct {
	// ThisMonth counts the resets of this month (Asia/Shanghai), the new one included;
	// 0 when Redis could not count it.
	ThisMonth int
	// Remaining is 10 − ThisMonth, at least 0: an upper bound, since resets made in the
	// WeChat console are not counted.
	Remaining int
}

type clearQuotaRequest struct {
	AppID string `json:"appid"`
}

// ClearQuota resets every daily API quota of the account. confirm must be true: an
// account has only 10 resets a month. Resets made through wxsuite are counted per account
// and month in Redis.
func (s *Service) ClearQuota(ctx context.Context, appID string, confirm bool) (QuotaClears, error) {
	a, err := s.account(appID)
	if err != nil {
		return QuotaClears{}, err
	}
	if !confirm {
		return QuotaClears{}, ErrClearQuotaUnconfirmed
	}
	err = s.wx.Do(ctx, &wechat.Request{
		AppID: a.cfg.AppID, Method: http.MethodPost, Path: "/cgi-bin/clear_quota",
		Body: clearQuotaRequest{AppID: a.cfg.AppID},
	}, nil)
	var werr *wechat.Error
	if errors.As(err, &werr) && werr.Code == errcodeNoResets {
		return QuotaClears{}, &QuotaResetsExhaustedError{AppID: a.cfg.AppID, Err: err}
	}
	if err != nil {
		return QuotaClears{}, &CallError{AppID: a.cfg.AppID, Op: "clear quota", Err: err}
	}
	key := a.keys.quotaClears(s.now().In(shanghai).Format("2006-01"))
	pipe := s.store.rdb.TxPipeline()
	incr := pipe.Incr(ctx, key)
	// Kept past the month's end, then dropped.
	pipe.Expire(ctx, key, 40*24*time.Hour)
	if _, err := pipe.Exec(ctx); err != nil {
		// The reset happened; failing the call would only invite a second one.
		s.log.Warn("count quota reset", "app_id", a.cfg.AppID, "err", err)
		return QuotaClears{}, nil
	}
	n := int(incr.Val())
	return QuotaClears{ThisMonth: n, Remaining: max(quotaResetsPerMonth-n, 0)}, nil
}
