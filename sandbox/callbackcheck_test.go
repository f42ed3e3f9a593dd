package sandbox_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"regexp"
	"testing"

	"github.com/wxsuite/wxsuite/sandbox"
	"github.com/wxsuite/wxsuite/sandbox/sandboxtest"
)

type dnsItem struct {
	IP           string `json:"ip"`
	RealOperator string `json:"real_operator"`
}

type pingItem struct {
	IP           string `json:"ip"`
	FromOperator string `json:"from_operator"`
	PackageLoss  string `json:"package_loss"`
	Time         string `json:"time"`
}

var pingTime = regexp.MustCompile(`^[0-9]+\.[0-9]{3}ms$`)

func TestCallbackCheck(t *testing.T) {
	t.Parallel()
	env, u := startOAuth(t)
	tok := fetchToken(t, env)
	sns := grantFor(t, env, u.OpenID, snsBase).AccessToken
	body := func(action, operator string) string {
		return `{"action":"` + action + `","check_operator":"` + operator + `"}`
	}
	tests := []struct {
		name     string
		method   string
		token    string
		body     string
		want     int
		wantDNS  bool
		wantPing bool
		wantFrom string // from_operator of every ping; "" means the probed address's
	}{
		{"all CHINANET", http.MethodPost, tok, body("all", "CHINANET"), 0, true, true, "CHINANET"},
		{"all DEFAULT", http.MethodPost, tok, body("all", "DEFAULT"), 0, true, true, ""},
		{"dns UNICOM", http.MethodPost, tok, body("dns", "UNICOM"), 0, true, false, ""},
		{"ping CAP", http.MethodPost, tok, body("ping", "CAP"), 0, false, true, "CAP"},
		{"ping DEFAULT", http.MethodPost, tok, body("ping", "DEFAULT"), 0, false, true, ""},
		{"bad action", http.MethodPost, tok, body("trace", "DEFAULT"), 40202, false, false, ""},
		{"action case-sensitive", http.MethodPost, tok, body("ALL", "DEFAULT"), 40202, false, false, ""},
		{"bad operator", http.MethodPost, tok, body("all", "MOBILE"), 40203, false, false, ""},
		{"action missing", http.MethodPost, tok, `{"check_operator":"DEFAULT"}`, 41011, false, false, ""},
		{"operator missing", http.MethodPost, tok, `{"action":"all"}`, 41011, false, false, ""},
		{"action empty", http.MethodPost, tok, body("", "DEFAULT"), 41011, false, false, ""},
		{"action null", http.MethodPost, tok, `{"action":null,"check_operator":"DEFAULT"}`, 41011, false, false, ""},
		{"action not a string", http.MethodPost, tok, `{"action":1,"check_operator":"DEFAULT"}`, 47001, false, false, ""},
		{"not JSON", http.MethodPost, tok, `action=all`, 47001, false, false, ""},
		{"JSON array", http.MethodPost, tok, `["all"]`, 47001, false, false, ""},
		{"empty body", http.MethodPost, tok, ``, 44002, false, false, ""},
		{"GET", http.MethodGet, tok, ``, 43002, false, false, ""},
		{"no token", http.MethodPost, "", body("all", "DEFAULT"), 41001, false, false, ""},
		{"bad token", http.MethodPost, "bogus", body("all", "DEFAULT"), 40001, false, false, ""},
		{"sns token", http.MethodPost, sns, body("all", "DEFAULT"), 40001, false, false, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			q := url.Values{}
			if tt.token != "" {
				q.Set("access_token", tt.token)
			}
			r := do(t, env, tt.method, "/cgi-bin/callback/check", q, tt.body)
			wantCode(t, r, tt.want)
			if tt.want != 0 {
				return
			}
			if _, has := r.Fields["errcode"]; has {
				t.Errorf("success answer carries errcode: %s", r.Raw)
			}
			_, hasDNS := r.Fields["dns"]
			_, hasPing := r.Fields["ping"]
			if hasDNS != tt.wantDNS || hasPing != tt.wantPing {
				t.Fatalf("dns %v ping %v, want %v %v: %s", hasDNS, hasPing, tt.wantDNS, tt.wantPing, r.Raw)
			}
			var dns []dnsItem
			var ping []pingItem
			_ = json.Unmarshal(r.Fields["dns"], &dns)
			_ = json.Unmarshal(r.Fields["ping"], &ping)
			operators := map[string]string{}
			for _, d := range dns {
				if d.IP == "" || d.RealOperator == "" {
					t.Errorf("dns item %+v", d)
				}
				operators[d.IP] = d.RealOperator
			}
			for _, p := range ping {
				want := tt.wantFrom
				if want == "" && tt.wantDNS {
					want = operators[p.IP]
				}
				if p.IP == "" || p.PackageLoss != "0%" || !pingTime.MatchString(p.Time) || (want != "" && p.FromOperator != want) || p.FromOperator == "" {
					t.Errorf("ping item %+v, want from_operator %q", p, want)
				}
			}
		})
	}
}

func TestCallbackCheckQuota(t *testing.T) {
	t.Parallel()
	env := startFrozen(t, sandbox.Options{Quotas: map[string]int64{"/cgi-bin/callback/check": 2}})
	tok := fetchToken(t, env)
	q := url.Values{"access_token": {tok}}
	wantCode(t, do(t, env, http.MethodPost, "/cgi-bin/callback/check", q, `{"action":"dns","check_operator":"DEFAULT"}`), 0)
	// A call with a valid token counts even when its body is wrong.
	wantCode(t, do(t, env, http.MethodPost, "/cgi-bin/callback/check", q, `{}`), 41011)
	wantCode(t, do(t, env, http.MethodPost, "/cgi-bin/callback/check", q, `{"action":"dns","check_operator":"DEFAULT"}`), 45009)
	// clear_quota resets it.
	wantCode(t, clearQuota(t, env, tok, `{"appid":"`+sandboxtest.DemoAppID+`"}`), 0)
	wantCode(t, do(t, env, http.MethodPost, "/cgi-bin/callback/check", q, `{"action":"ping","check_operator":"DEFAULT"}`), 0)
}
