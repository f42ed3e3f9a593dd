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

	// Audience (audience.go; behaviour.md §3): tags, QR codes, openids of other accounts.
	codeAudInvalidAction:    "invalid action name",
	codeAudInvalidInfo:      "invalid action info, please check document",
	codeAudQRLimit:          "qrcode count out of limit",
	codeAudTooManyTags:      "too many tag now, no need to add new",
	codeAudTagTooManyFans:   "can't delete the tag that has too many fans",
	codeAudSysTag:           "can't modify sys tag",
	codeAudUserTooManyTags:  "can not tagging one user too much",
	codeAudInvalidTagName:   "invalid tag name",
	codeAudTagNameTooLong:   "tag name too long",
	codeAudInvalidTagID:     "invalid tag id",
	codeAudOpenIDOtherAppID: "not match openid with appid",

	// Outbound messaging (outbound_errcodes.go); 40246, 200014 and 200016–200021 texts
	// are sandbox choices (the sources give only their meaning).
	codeOutInvalidMediaID:        "invalid media_id",
	codeOutInvalidMessageType:    "invalid message type",
	codeOutInvalidOpenIDList:     "invalid openid list size",
	codeOutInvalidTemplateID:     "invalid template_id",
	codeOutInvalidArticleIdx:     "invalid article idx",
	codeOutOpenIDListTooShort:    "invalid openid list size, at least two openid",
	codeOutInvalidWeappPagepath:  "invalid weapp pagepath",
	codeOutInvalidWeappAppID:     "invalid weapp appid",
	codeOutInvalidKeywordList:    "invalid keyword_name_list",
	codeOutInvalidPage:           "invalid page",
	codeOutRequireSubscribe:      "require subscribe",
	codeOutChangeIndustryTooSoon: "change template too frequently",
	codeOutUserRefused:           "user refuse to accept the msg",
	codeOutEmptyContent:          "empty content",
	codeOutContentTooLong:        "content size out of limit",
	codeOutArticleSize:           "article size out of limit",
	codeOutResponseOutOfTime:     "response out of time limit or subscription is canceled",
	codeOutTemplateNumLimit:      "template num exceeds limit",
	codeOutTemplateIndustry:      "template conflict with industry",
	codeOutNoMassQuota:           "has no masssend quota",
	codeOutResponseCount:         "out of response count limit",
	codeOutMassInvalidType:       "masssend msg use invalid type",
	codeOutClientMsgIDExists:     "clientmsgid exist",
	codeOutClientMsgIDTooFast:    "same clientmsgid retry too fast",
	codeOutClientMsgIDTooLong:    "clientmsgid size out of limit",
	codeOutInvalidCommand:        "invalid command",
	codeOutTypingNoExchange:      "need sending message to user, or recving message from user in the last 30 seconds before typing",
	codeOutAlreadyTyping:         "you are already typing",
	codeOutSpeedOutOfRange:       "the speed out of range",
	codeOutArgumentInvalid:       "argument invalid!",
	codeOutUserBlock:             "user block receive message",
	codeOutInvalidKfAccount:      "invalid custom service account",
	codeOutPriTmplLimit:          "private template count reach limit",
	codeOutInvalidStart:          "invalid start",
	codeOutInvalidLimit:          "invalid limit",
	codeOutIDsMissing:            "ids missing",
	codeOutIDsInvalid:            "invalid ids",
	codeOutInvalidTid:            "invalid tid",
	codeOutInvalidKidList:        "invalid kidList",
	codeOutInvalidSceneDesc:      "invalid sceneDesc",

	// Content (content_errcodes.go); 40113, 44003, 45003 and 45004 as in WeChat's
	// return-code list, 88xxx as in behaviour.md §4.3.
	codeContentInvalidMediaType: "invalid media type",
	codeContentInvalidFileType:  "invalid file type",
	codeContentInvalidMediaSize: "invalid meida size",
	codeContentInvalidImageSize: "invalid image size",
	codeContentInvalidVoiceSize: "invalid voice size",
	codeContentInvalidVideoSize: "invalid video size",
	codeContentInvalidThumbSize: "invalid thumb size",
	codeContentUnsupportedFile:  "unsupported file type",
	codeContentMediaDataMissing: "media data missing",
	codeContentEmptyMediaData:   "empty media data",
	codeContentEmptyNewsData:    "empty news data",
	codeContentMediaSizeLimit:   "media size out of limit",
	codeContentTitleTooLong:     "title size out of limit",
	codeContentDigestTooLong:    "description size out of limit",
	codeContentPlaytimeLimit:    "playtime out of limit",
	codeContentMaterialLimit:    "material list size out of limit, you should delete the useless material",
	codeContentUsedByMenu:       "forbid to delete material used by auto-reply or menu",
	codeCommentNoPrivilege:      "without comment privilege",
	codeCommentMsgDataNotExists: "msg_data is not exists",
	codeCommentArticleLimited:   "the article is limit for safety",
	codeCommentElectedLimit:     "elected comment upper limit",
	codeCommentDeletedByUser:    "comment was deleted by user",
	codeCommentAlreadyReplied:   "already reply",
	codeCommentReplyLength:      "reply content beyond max len or content len is zero",
	codeCommentNotExists:        "comment is not exists",
	codeCommentReplyNotExists:   "reply is not exists",
	codeCommentCountRange:       "count range error. cout <= 0 or count > 50",

	// Menus and customer service (menus_errcodes.go, kf_errcodes.go); 65320's text is a
	// sandbox choice (behaviour.md Q16).
	codeMenuButtonSize:     "invalid button size",
	codeMenuButtonType:     "invalid button type",
	codeMenuButtonNameSize: "invalid button name size",
	codeMenuKeySize:        "invalid button key size",
	codeMenuURLSize:        "invalid button url size",
	codeMenuSubButtonSize:  "invalid sub button size",
	codeMenuSubButtonType:  "invalid sub button type",
	codeMenuSubNameSize:    "invalid sub button name size",
	codeMenuSubKeySize:     "invalid sub button key size",
	codeMenuSubURLSize:     "invalid sub button url size",
	codeMenuSubURLDomain:   "invalid sub button url domain",
	codeMenuURLDomain:      "invalid button url domain",
	codeMenuMediaIDSize:    "invalid button media_id size",
	codeMenuSubMediaIDSize: "invalid sub button media_id size",
	codeMenuSubMenuMissing: "sub_menu data missing",
	codeMenuNoExist:        "menu no exist",
	codeMenuNotConditional: "this menu is not conditionalmenu",
	codeMenuNoSuchUser:     "no such user",
	codeMenuNoSelfMenu:     "there is no selfmenu, please create selfmenu first",
	codeMenuMatchRuleEmpty: "match rule empty",
	codeMenuCountLimit:     "menu count limit",
	codeMenuCountryEmpty:   "region info: country is empty",
	codeMenuProvinceEmpty:  "region info: province is empty",
	codeMenuDomainLimit:    "domain count reach limit",
	codeMenuInvalidURL:     "contain invalid url",
	codeMenuCharset:        "must use utf-8 charset",
	codeMenuPrivacyRule:    "invalid matchrule: privacy field not supported",
	codeKfNeedBind:         "the custom service account need to bind a wechat user",
	codeKfIllegalNickname:  "illegal nickname",
	codeKfIllegalAccount:   "illegal custom service account",
	codeKfAccountLimit:     "custom service account number reach limit",
	codeKfAccountExists:    "custom service account exists",
	codeKfAlreadyWorker:    "the wechat user have been one of your workers",
	codeKfAlreadyInvited:   "you have already invited the wechat user",
	codeKfWeChatInvalid:    "wechat account invalid",
	codeKfInvitationExists: "a effective invitation to bind the custom service account exists",
	codeKfAlreadyBound:     "the custom service account have been bound by a wechat user",
	codeKfNoSession:        "no effective session for the customer",
	codeKfOtherWorker:      "another worker is serving the customer",
	codeKfNotOnline:        "the worker is not online",
	codeKfParamInvalid:     "param invalid, please check",
	codeKfTimeRangeTooLong: "it is too long from the starttime to endtime",
}

// errmsgFor returns the documented errmsg of code, or a generic text for codes the
// sandbox has no text for (used by ERRCODE faults).
func errmsgFor(code int) string {
	if msg, ok := errmsgs[code]; ok {
		return msg
	}
	return "sandbox injected error"
}
