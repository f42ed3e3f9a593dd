package sandbox

import (
	"fmt"
	"time"
)

const (
	// tokenLifetime is the documented access-token lifetime (expires_in 7200).
	tokenLifetime = 7200 * time.Second
	// overlap is how long a superseded token stays valid after a new one is issued, and
	// how early stable_token's normal mode issues a new token.
	overlap = 5 * time.Minute
	// forceSpacing is the minimum spacing of effective stable_token force refreshes.
	forceSpacing = 30 * time.Second
	// pruneEvery and pruneAfter bound the token table: every pruneEvery issues, tokens
	// that expired more than pruneAfter ago are forgotten (and then answer 40001 instead
	// of 42001).
	pruneEvery = 1024
	pruneAfter = 24 * time.Hour
)

// token is one issued access token. Guarded by Sandbox.mu.
type token struct {
	value   string
	appID   string
	stable  bool
	expires time.Time
	// invalidAfter is when a superseded token stops being valid; zero when it was not
	// superseded.
	invalidAfter time.Time
	revoked      bool
}

// errcode returns 0 when t is valid at now, else the errcode a call carrying it gets:
// 40001 when it was revoked or superseded (beyond the overlap), 42001 when it expired.
// When a superseded token also reached its natural expiry, whichever came first decides.
func (t *token) errcode(now time.Time) int {
	if t.revoked {
		return codeInvalidCredential
	}
	end, code := t.expires, codeTokenExpired
	if !t.invalidAfter.IsZero() && t.invalidAfter.Before(end) {
		end, code = t.invalidAfter, codeInvalidCredential
	}
	if !now.Before(end) {
		return code
	}
	return codeOK
}

// invalidateAt makes t invalid from at on, unless it already becomes invalid earlier.
func (t *token) invalidateAt(at time.Time) {
	if t != nil && (t.invalidAfter.IsZero() || at.Before(t.invalidAfter)) {
		t.invalidAfter = at
	}
}

// expiresIn is the whole seconds t has left at now, as expires_in reports it.
func (t *token) expiresIn(now time.Time) int64 {
	return int64(t.expires.Sub(now) / time.Second)
}

// newToken issues a token for a. Callers hold s.mu.
func (s *Sandbox) newToken(a *account, stable bool, now time.Time) *token {
	t := &token{value: s.newTokenValue(), appID: a.AppID, stable: stable, expires: now.Add(tokenLifetime)}
	s.tokens[t.value] = t
	if s.issued++; s.issued >= pruneEvery {
		s.issued = 0
		for v, old := range s.tokens {
			if now.Sub(old.expires) > pruneAfter {
				delete(s.tokens, v)
			}
		}
	}
	return t
}

// issueClassic issues a /cgi-bin/token token: the previous one stays valid for the
// overlap, any older one stops being valid at once. Callers hold s.mu.
func (s *Sandbox) issueClassic(a *account, now time.Time) *token {
	a.classicPrev.invalidateAt(now)
	a.classic.invalidateAt(now.Add(overlap))
	a.classicPrev = a.classic
	a.classic = s.newToken(a, false, now)
	return a.classic
}

// stableToken answers a stable_token call for an authenticated account (facts.md §4):
//   - normal mode returns the current token while it has more than the overlap left,
//     else issues a new one (the old one stays valid until its own expiry);
//   - force mode issues a new token and lets the previous one live for the overlap
//     only, at most forceLimit times a day (then 45009); a force call within 30 s of
//     the last effective one returns the current token without refreshing and does not
//     count against the daily limit [I].
//
// Callers hold s.mu.
func (s *Sandbox) stableToken(a *account, force bool, now time.Time) (*token, int) {
	cur := a.stable
	curValid := cur != nil && cur.errcode(now) == codeOK
	if !force {
		if curValid && cur.expires.Sub(now) > overlap {
			return cur, codeOK
		}
		a.stablePrev = cur
		a.stable = s.newToken(a, true, now)
		return a.stable, codeOK
	}
	if curValid && !a.lastForce.IsZero() && now.Sub(a.lastForce) < forceSpacing {
		return cur, codeOK
	}
	if a.forceRefreshes >= s.forceLimit {
		return nil, codeDailyQuota
	}
	a.forceRefreshes++
	a.lastForce = now
	a.stablePrev.invalidateAt(now)
	cur.invalidateAt(now.Add(overlap))
	a.stablePrev = cur
	a.stable = s.newToken(a, true, now)
	return a.stable, codeOK
}

// checkToken is the one place token rules live: it returns the account a token-carrying
// call is for, or the errcode it gets: 41001 when value is empty; 40001 when it is
// unknown, garbage, revoked or superseded beyond the overlap; 42001 when it expired.
// Callers hold s.mu.
func (s *Sandbox) checkToken(value string, now time.Time) (*account, int) {
	if value == "" {
		return nil, codeTokenMissing
	}
	t, ok := s.tokens[value]
	if !ok {
		return nil, codeInvalidCredential
	}
	if code := t.errcode(now); code != codeOK {
		return nil, code
	}
	a, ok := s.accounts[t.appID]
	if !ok {
		return nil, codeInvalidCredential
	}
	return a, codeOK
}

// tokenOwner returns the AppID an account or sns token was issued for, or "" when
// unknown.
func (s *Sandbox) tokenOwner(value string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if t, ok := s.tokens[value]; ok {
		return t.appID
	}
	if t, ok := s.oauth.tokens[value]; ok {
		return t.grant.appID
	}
	return ""
}

// IssueToken fetches a new /cgi-bin/token access token for an account as an outside
// party would (for example another system sharing the AppSecret): the account's previous
// token stays valid for the five-minute overlap and older ones stop being valid. The
// fetch counts against the account's /cgi-bin/token daily quota; when it is used up the
// error wraps [ErrQuotaExhausted]. An unknown appID gives an error wrapping
// [ErrUnknownAccount].
func (s *Sandbox) IssueToken(appID string) (value string, expiresAt time.Time, err error) {
	now := s.Now()
	s.mu.Lock()
	defer s.mu.Unlock()
	a, ok := s.accounts[appID]
	if !ok {
		return "", time.Time{}, unknownAccount(appID)
	}
	if s.spendQuota(a, pathToken, now) != codeOK {
		return "", time.Time{}, fmt.Errorf("app_id %q /cgi-bin/token: %w", appID, ErrQuotaExhausted)
	}
	t := s.issueClassic(a, now)
	return t.value, t.expires, nil
}
