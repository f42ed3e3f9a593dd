package sandbox

import (
	"maps"
	"strings"
	"time"
)

// API paths the sandbox serves.
const (
	pathToken       = "/cgi-bin/token"
	pathStableToken = "/cgi-bin/stable_token"
	pathTicket      = "/cgi-bin/ticket/getticket"
	pathCallbackIP  = "/cgi-bin/getcallbackip"
	pathAPIDomainIP = "/cgi-bin/get_api_domain_ip"
	pathClearQuota  = "/cgi-bin/clear_quota"
	pathCheck       = "/cgi-bin/callback/check"

	pathAuthorize      = "/connect/oauth2/authorize"
	pathSNSAccessToken = "/sns/oauth2/access_token"
	pathSNSRefresh     = "/sns/oauth2/refresh_token"
	pathUserinfo       = "/sns/userinfo"
	pathSNSAuth        = "/sns/auth"
)

// DefaultQuotas returns the daily per-account call limits the sandbox starts with, by API
// path. Paths not listed are unlimited (but still counted, so a later SetQuota applies
// to the calls already made today):
//
//	/cgi-bin/token             2000    documented (facts.md §4)
//	/cgi-bin/stable_token      500000  documented (facts.md §4)
//	/cgi-bin/ticket/getticket  100000  sandbox choice; the platform does not document it
//	/cgi-bin/menu/addconditional   2000  documented (behaviour.md, conditional menus)
//	/cgi-bin/menu/delconditional   2000  documented
//	/cgi-bin/menu/trymatch        20000  documented
//	/cgi-bin/message/template/send 100000  documented default send quota
//
// The /sns/ paths are unlimited by default: the platform documents only a per-minute
// limit for them (facts.md §6.7), which the sandbox does not emulate.
func DefaultQuotas() map[string]int64 {
	return map[string]int64{
		pathToken:                        DefaultTokenDailyLimit,
		pathStableToken:                  500000,
		pathTicket:                       100000,
		"/cgi-bin/menu/addconditional":   2000,
		"/cgi-bin/menu/delconditional":   2000,
		"/cgi-bin/menu/trymatch":         20000,
		"/cgi-bin/message/template/send": 100000,
	}
}

// rollPeriods resets a's daily counters when the simulated Asia/Shanghai day changed,
// and its monthly clear_quota count when the month changed. Callers hold s.mu.
func (a *account) rollPeriods(now time.Time) {
	if d := dayKey(now); d != a.day {
		a.day = d
		clear(a.counts)
		a.forceRefreshes = 0
	}
	if m := monthKey(now); m != a.month {
		a.month = m
		a.clears = 0
	}
}

// spendQuota counts one call of path for a and returns 45009 instead when the path's
// daily limit is already reached (the refused call is not counted). Every call that
// reaches an endpoint with an authenticated account counts, whatever its outcome after
// that [I]. Callers hold s.mu.
func (s *Sandbox) spendQuota(a *account, path string, now time.Time) int {
	a.rollPeriods(now)
	if limit := s.quotas[path]; limit > 0 && a.counts[path] >= limit {
		return codeDailyQuota
	}
	a.counts[path]++
	return codeOK
}

// clearQuota performs an effective clear_quota reset for a: it zeroes every daily
// counter of the account (per-API counts and stable_token force refreshes), or returns
// 48006 when the month's resets are used up. Callers hold s.mu.
func (s *Sandbox) clearQuota(a *account, now time.Time) int {
	a.rollPeriods(now)
	if a.clears >= s.clearLimit {
		return codeClearQuotaLimit
	}
	a.clears++
	clear(a.counts)
	a.forceRefreshes = 0
	return codeOK
}

// SetQuota sets the daily call limit per account of one API path (exact, e.g.
// "/cgi-bin/token"); 0 means unlimited. Counters already spent today are kept. It
// returns an [*ArgumentError] when path does not start with "/" or dailyLimit is
// negative.
func (s *Sandbox) SetQuota(path string, dailyLimit int64) error {
	if !strings.HasPrefix(path, "/") {
		return &ArgumentError{Field: "path", Reason: `must start with "/"`}
	}
	if dailyLimit < 0 {
		return &ArgumentError{Field: "daily_limit", Reason: "must not be negative"}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.quotas[path] = dailyLimit
	return nil
}

// Quotas returns the current daily limits by API path (0 or absent means unlimited).
func (s *Sandbox) Quotas() map[string]int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return maps.Clone(s.quotas)
}
