package sandbox

// WeChat errcodes the sandbox answers, with the errmsg texts the platform documents
// (shared/wechat/facts.md §3, behaviour.md §0, §1 and §6).
const (
	codeSystemError         = -1
	codeOK                  = 0
	codeInvalidCredential   = 40001
	codeInvalidGrantType    = 40002
	codeInvalidOpenID       = 40003
	codeInvalidAppID        = 40013
	codeInvalidCode         = 40029
	codeInvalidRefreshToken = 40030
	codeInvalidArgs         = 40097
	codeInvalidAppSecret    = 40125
	codeCodeUsed            = 40163
	codeInvalidCheckAction  = 40202
	codeInvalidCheckOp      = 40203
	codeTokenMissing        = 41001
	codeAppIDMissing        = 41002
	codeRefreshTokenMissing = 41003
	codeSecretMissing       = 41004
	codeCodeMissing         = 41008
	codeOpenIDMissing       = 41009
	codeMissingFields       = 41011
	codeTokenExpired        = 42001
	codeRefreshTokenExpired = 42002
	codeCodeExpired         = 42003
	codeRequireGET          = 43001
	codeRequirePOST         = 43002
	codeEmptyPostData       = 44002
	codeDailyQuota          = 45009
	codeDataFormat          = 47001
	codeAPIUnauthorized     = 48001
	codeClearQuotaLimit     = 48006
	codeUserUnauthorized    = 50001
)

// Codes of the error page open.weixin.qq.com shows instead of redirecting from
// /connect/oauth2/authorize (the official web-authorization FAQ's 100xx list).
const (
	codeRedirectDomain = 10003
	codeScopeDenied    = 10005
	codeScopeEmpty     = 10010
	codeRedirectEmpty  = 10011
	codeAppIDEmpty     = 10012
)

// errmsgs maps errcodes to their documented errmsg text.
var errmsgs = map[int]string{
	codeSystemError:         "system error",
	codeOK:                  "ok",
	codeInvalidCredential:   "invalid credential, access_token is invalid or not latest",
	codeInvalidGrantType:    "invalid grant_type",
	codeInvalidOpenID:       "invalid openid",
	codeInvalidAppID:        "invalid appid",
	40014:                   "invalid access_token",
	codeInvalidCode:         "invalid code",
	codeInvalidRefreshToken: "invalid refresh_token",
	codeInvalidArgs:         "invalid args",
	codeInvalidAppSecret:    "invalid appsecret",
	codeCodeUsed:            "code been used",
	40164:                   "invalid ip 127.0.0.1 ipv6 ::ffff:127.0.0.1, not in whitelist",
	40201:                   "invalid check url",
	codeInvalidCheckAction:  "invalid check action",
	codeInvalidCheckOp:      "invalid check operator",
	codeTokenMissing:        "access_token missing",
	codeAppIDMissing:        "appid missing",
	codeRefreshTokenMissing: "refresh_token missing",
	codeSecretMissing:       "appsecret missing",
	codeCodeMissing:         "missing code",
	codeOpenIDMissing:       "missing openid",
	codeMissingFields:       "missing required fields! please check document and request json!",
	codeTokenExpired:        "access_token expired",
	codeRefreshTokenExpired: "refresh_token expired",
	codeCodeExpired:         "code expired",
	42007:                   "access_token and refresh_token exception",
	codeRequireGET:          "require GET method",
	codeRequirePOST:         "require POST method",
	codeEmptyPostData:       "empty post data",
	codeDailyQuota:          "reach max api daily quota limit",
	45011:                   "api minute-quota reach limit, must slower, retry next minute",
	codeDataFormat:          "data format error",
	codeAPIUnauthorized:     "api unauthorized",
	codeClearQuotaLimit:     "forbid to clear quota because of reaching the limit",
	codeUserUnauthorized:    "user unauthorized",
	codeRedirectDomain:      "redirect_uri域名与后台配置不一致",
	10004:                   "此公众号被封禁",
	codeScopeDenied:         "此公众号并没有这些scope的权限",
	10006:                   "必须关注此测试号",
	10009:                   "操作太频繁了，请稍后重试",
	codeScopeEmpty:          "scope不能为空",
	codeRedirectEmpty:       "redirect_uri不能为空",
	codeAppIDEmpty:          "appid不能为空",
	10015:                   "公众号未授权第三方平台",
	10016:                   "不支持微信开放平台的Appid，请使用公众号Appid",
}

// errmsgFor returns the documented errmsg of code, or a generic text for codes the
// sandbox has no text for (used by ERRCODE faults).
func errmsgFor(code int) string {
	if msg, ok := errmsgs[code]; ok {
		return msg
	}
	return "sandbox injected error"
}
