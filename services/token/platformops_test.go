package token

import (
	"context"
	"strings"
	"testing"

	"connectrpc.com/connect"

	tokenv1 "github.com/wxsuite/wxsuite/gen/go/wxsuite/token/v1"
	"github.com/wxsuite/wxsuite/sandbox"
)

func TestIPLists(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	h := NewPlatformHandler(e.service())
	ctx := context.Background()
	cb, err := h.GetCallbackIPs(ctx, &tokenv1.GetCallbackIPsRequest{AppId: e.appID})
	if err != nil || len(cb.GetIpList()) == 0 {
		t.Fatalf("GetCallbackIPs = %v, %v", cb, err)
	}
	api, err := h.GetAPIDomainIPs(ctx, &tokenv1.GetAPIDomainIPsRequest{AppId: e.appID})
	if err != nil || len(api.GetIpList()) == 0 {
		t.Fatalf("GetAPIDomainIPs = %v, %v", api, err)
	}
	if e.calls("/cgi-bin/getcallbackip") != 1 || e.calls("/cgi-bin/get_api_domain_ip") != 1 || e.calls(tokenPath) != 1 {
		t.Errorf("calls: getcallbackip %d, get_api_domain_ip %d, token %d; want 1 each",
			e.calls("/cgi-bin/getcallbackip"), e.calls("/cgi-bin/get_api_domain_ip"), e.calls(tokenPath))
	}
}

func TestCheckNetwork(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	h := NewPlatformHandler(e.service())
	ctx := context.Background()
	tests := []struct {
		name              string
		action            tokenv1.CheckAction
		operator          tokenv1.CheckOperator
		wantDNS, wantPing bool
		wantFrom          string
	}{
		{"dns", tokenv1.CheckAction_CHECK_ACTION_DNS, tokenv1.CheckOperator_CHECK_OPERATOR_CHINANET, true, false, ""},
		{"ping", tokenv1.CheckAction_CHECK_ACTION_PING, tokenv1.CheckOperator_CHECK_OPERATOR_UNICOM, false, true, "UNICOM"},
		{"all", tokenv1.CheckAction_CHECK_ACTION_ALL, tokenv1.CheckOperator_CHECK_OPERATOR_CAP, true, true, "CAP"},
		{"default operator", tokenv1.CheckAction_CHECK_ACTION_PING, tokenv1.CheckOperator_CHECK_OPERATOR_DEFAULT, false, true, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := h.CheckNetwork(ctx, &tokenv1.CheckNetworkRequest{AppId: e.appID, Action: tt.action, Operator: tt.operator})
			if err != nil {
				t.Fatal(err)
			}
			if (len(res.GetDns()) > 0) != tt.wantDNS || (len(res.GetPing()) > 0) != tt.wantPing {
				t.Errorf("CheckNetwork = %v; want dns %v ping %v", res, tt.wantDNS, tt.wantPing)
			}
			for _, p := range res.GetPing() {
				if p.GetIp() == "" || p.GetPackageLoss() == "" || p.GetTime() == "" || (tt.wantFrom != "" && p.GetFromOperator() != tt.wantFrom) {
					t.Errorf("ping result %v, want from %q", p, tt.wantFrom)
				}
			}
			for _, d := range res.GetDns() {
				if d.GetIp() == "" || d.GetRealOperator() == "" {
					t.Errorf("dns result %v", d)
				}
			}
		})
	}
}

func TestClearQuota(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	h := NewPlatformHandler(e.service())
	ctx := context.Background()

	_, err := h.ClearQuota(ctx, &tokenv1.ClearQuotaRequest{AppId: e.appID})
	wantStatus(t, "without confirm", err, connect.CodeFailedPrecondition,
		"ClearQuota resets every daily quota and an account has only 10 resets a month: set confirm=true")
	if n := e.allCalls(); n != 0 {
		t.Fatalf("an unconfirmed ClearQuota sent %d calls", n)
	}
	for i := 1; i <= 10; i++ {
		res, err := h.ClearQuota(ctx, &tokenv1.ClearQuotaRequest{AppId: e.appID, Confirm: true})
		if err != nil {
			t.Fatalf("reset %d: %v", i, err)
		}
		if res.GetClearsThisMonth() != int32(i) || res.GetRemainingEstimate() != int32(10-i) {
			t.Errorf("reset %d = %v", i, res)
		}
	}
	_, err = h.ClearQuota(ctx, &tokenv1.ClearQuotaRequest{AppId: e.appID, Confirm: true})
	wantStatus(t, "eleventh reset", err, connect.CodeResourceExhausted, "no quota resets left this month")
	wantStatus(t, "eleventh reset", err, connect.CodeResourceExhausted, "remaining 0")
	wantErrcode(t, "eleventh reset", err, 48006)
	if n := e.calls("/cgi-bin/clear_quota"); n != 11 {
		t.Errorf("clear_quota calls = %d, want 11", n)
	}
}

func TestPlatformBadInput(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	h := NewPlatformHandler(e.service())
	ctx := context.Background()
	check := func(r *tokenv1.CheckNetworkRequest) func() error {
		return func() error { _, err := h.CheckNetwork(ctx, r); return err }
	}
	dns, chinanet := tokenv1.CheckAction_CHECK_ACTION_DNS, tokenv1.CheckOperator_CHECK_OPERATOR_CHINANET
	tests := []struct {
		name     string
		call     func() error
		wantCode connect.Code
		wantText string
	}{
		{"unspecified action", check(&tokenv1.CheckNetworkRequest{AppId: e.appID, Operator: chinanet}), connect.CodeInvalidArgument, "action must be"},
		{"unknown action", check(&tokenv1.CheckNetworkRequest{AppId: e.appID, Action: 9, Operator: chinanet}), connect.CodeInvalidArgument, "action must be"},
		{"unspecified operator", check(&tokenv1.CheckNetworkRequest{AppId: e.appID, Action: dns}), connect.CodeInvalidArgument, "operator must be"},
		{"check unknown app_id", check(&tokenv1.CheckNetworkRequest{AppId: "wxnope", Action: dns, Operator: chinanet}), connect.CodeNotFound, "wxnope"},
		{"callback IPs empty app_id", func() error {
			_, err := h.GetCallbackIPs(ctx, &tokenv1.GetCallbackIPsRequest{})
			return err
		}, connect.CodeInvalidArgument, "app_id is required"},
		{"API IPs unknown app_id", func() error {
			_, err := h.GetAPIDomainIPs(ctx, &tokenv1.GetAPIDomainIPsRequest{AppId: "wxnope"})
			return err
		}, connect.CodeNotFound, "wxnope"},
		{"clear unknown app_id", func() error {
			_, err := h.ClearQuota(ctx, &tokenv1.ClearQuotaRequest{AppId: "wxnope", Confirm: true})
			return err
		}, connect.CodeNotFound, "wxnope"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			wantStatus(t, tt.name, tt.call(), tt.wantCode, tt.wantText)
		})
	}
	if n := e.allCalls(); n != 0 {
		t.Errorf("bad input sent %d calls to WeChat", n)
	}
}

func TestPlatformErrorsCarryTheErrcode(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	s := e.service()
	ctx := context.Background()
	if _, err := s.GetAccessToken(ctx, e.appID); err != nil {
		t.Fatal(err)
	}
	// A 48001 from getcallbackip: PermissionDenied with WeChat's ErrorInfo.
	if _, err := e.sb.Sandbox.AddFault(faultErrcode(48001, "/cgi-bin/getcallbackip")); err != nil {
		t.Fatal(err)
	}
	_, err := NewPlatformHandler(s).GetCallbackIPs(ctx, &tokenv1.GetCallbackIPsRequest{AppId: e.appID})
	wantStatus(t, "48001", err, connect.CodePermissionDenied, "get callback IPs for "+e.appID)
	wantErrcode(t, "48001", err, 48001)
	if strings.Contains(err.Error(), "access_token=") {
		t.Errorf("status names the access token: %v", err)
	}
}

// faultErrcode is a sandbox fault answering errcode on paths.
func faultErrcode(errcode int, paths ...string) sandbox.Fault {
	return sandbox.Fault{Kind: sandbox.FaultErrcode, Errcode: errcode, Paths: paths}
}
