package sandbox

import (
	"encoding/json"
	"net/http"
	"net/url"
)

// checkActions and checkOperators are the values /cgi-bin/callback/check accepts
// (behaviour.md §1.3).
var (
	checkActions   = map[string]bool{"dns": true, "ping": true, "all": true}
	checkOperators = map[string]bool{"CHINANET": true, "UNICOM": true, "CAP": true, "DEFAULT": true}
)

// checkTargets are the fixed addresses the sandbox pretends the developer's callback
// domain resolves to, with their operators, and the ping times it reports for them
// (the documented example's values). The answer ignores the account's CallbackURL: it is the
// same for every account.
var checkTargets = []struct {
	ip, operator, time string
}{
	{"111.161.64.40", "UNICOM", "23.079ms"},
	{"111.161.64.48", "UNICOM", "21.434ms"},
}

// dnsResult and pingResult are the items of the callback/check answer.
type (
	dnsResult struct {
		IP           string `json:"ip"`
		RealOperator string `json:"real_operator"`
	}
	pingResult struct {
		IP           string `json:"ip"`
		FromOperator string `json:"from_operator"`
		PackageLoss  string `json:"package_loss"`
		Time         string `json:"time"`
	}
)

// checkAnswer is the success answer of /cgi-bin/callback/check (no errcode): dns is
// omitted for action=ping and ping for action=dns.
type checkAnswer struct {
	DNS  []dnsResult  `json:"dns,omitempty"`
	Ping []pingResult `json:"ping,omitempty"`
}

// serveCallbackCheck answers POST /cgi-bin/callback/check {"action","check_operator"}
// (behaviour.md §1.3). After the token (and the quota, which every call with a valid
// token spends) the body is checked: 44002 empty, 47001 not a JSON object or a field
// that is not a string, 41011 a field absent, null or "" (the generic missing-field code
// of behaviour.md §0: the platform documents 40202/40203 for wrong values only), 40202
// an action other than dns, ping or all, 40203 an operator other than CHINANET, UNICOM,
// CAP or DEFAULT. Every probe succeeds ("0%" loss): pings go out from check_operator's
// network, or, for DEFAULT, from the network of the address probed.
func (s *Sandbox) serveCallbackCheck(r *http.Request, q url.Values) answer {
	if r.Method != http.MethodPost {
		return fail(codeRequirePOST)
	}
	now := s.Now()
	s.mu.Lock()
	a, code := s.checkToken(q.Get("access_token"), now)
	if code == codeOK {
		code = s.spendQuota(a, pathCheck, now)
	}
	s.mu.Unlock()
	if code != codeOK {
		return fail(code)
	}
	fields, code := readObject(r)
	if code != codeOK {
		return fail(code)
	}
	var action, operator string
	for _, f := range []struct {
		key string
		dst *string
	}{{"action", &action}, {"check_operator", &operator}} {
		if raw, ok := fields[f.key]; ok && json.Unmarshal(raw, f.dst) != nil {
			return fail(codeDataFormat)
		}
	}
	switch {
	case action == "" || operator == "":
		return fail(codeMissingFields)
	case !checkActions[action]:
		return fail(codeInvalidCheckAction)
	case !checkOperators[operator]:
		return fail(codeInvalidCheckOp)
	}
	var ans checkAnswer
	for _, t := range checkTargets {
		if action != "ping" {
			ans.DNS = append(ans.DNS, dnsResult{IP: t.ip, RealOperator: t.operator})
		}
		if action != "dns" {
			from := operator
			if from == "DEFAULT" {
				from = t.operator
			}
			ans.Ping = append(ans.Ping, pingResult{IP: t.ip, FromOperator: from, PackageLoss: "0%", Time: t.time})
		}
	}
	return succeed(ans)
}
