package sandbox

// WeChat errcodes the sandbox answers, with the errmsg texts the platform documents
// (shared/wechat/facts.md §3, behaviour.md §0, §1 and §6).
const (
	codeSystemError       = -1
	codeOK                = 0
	codeInvalidCredential = 40001
	codeInvalidGrantType  = 40002
	codeInvalidAppID      = 40013
	codeInvalidArgs       = 40097
	codeInvalidAppSecret  = 40125
	codeTokenMissing      = 41001
	codeAppIDMissing      = 41002
	codeSecretMissing     = 41004
	codeTokenExpired      = 42001
	codeRequireGET        = 43001
	codeRequirePOST       = 43002
	codeEmptyPostData     = 44002
	codeDailyQuota        = 45009
	codeDataFormat        = 47001
	codeClearQuotaLimit   = 48006
)

// errmsgs maps errcodes to their documented errmsg text.
var errmsgs = map[int]string{
	codeSystemError:       "system error",
	codeOK:                "ok",
	codeInvalidCredential: "invalid credential, access_token is invalid or not latest",
	codeInvalidGrantType:  "invalid grant_type",
	codeInvalidAppID:      "invalid appid",
	40014:                 "invalid access_token",
	codeInvalidArgs:       "invalid args",
	codeInvalidAppSecret:  "invalid appsecret",
	40164:                 "invalid ip 127.0.0.1 ipv6 ::ffff:127.0.0.1, not in whitelist",
	codeTokenMissing:      "access_token missing",
	codeAppIDMissing:      "appid missing",
	codeSecretMissing:     "appsecret missing",
	41011:                 "missing required fields! please check document and request json!",
	codeTokenExpired:      "access_token expired",
	codeRequireGET:        "require GET method",
	codeRequirePOST:       "require POST method",
	codeEmptyPostData:     "empty post data",
	codeDailyQuota:        "reach max api daily quota limit",
	45011:                 "api minute-quota reach limit, must slower, retry next minute",
	codeDataFormat:        "data format error",
	48001:                 "api unauthorized",
	codeClearQuotaLimit:   "forbid to clear quota because of reaching the limit",
}

// errmsgFor returns the documented errmsg of code, or a generic text for codes the
// sandbox has no text for (used by ERRCODE faults).
func errmsgFor(code int) string {
	if msg, ok := errmsgs[code]; ok {
		return msg
	}
	return "sandbox injected error"
}
