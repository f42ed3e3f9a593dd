package guide

import (
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Platform limits checked before sending (docs/guide.md lists their sources).
const (
	maxBatch        = 200   // buyers per batch call
	maxNickname     = 16    // characters of an advisor nickname
	maxFastReplies  = 10    // fast replies per advisor
	maxTagOptions   = 50    // values per tag name
	maxTaskName     = 16    // characters of a mass job name
	maxTaskRemark   = 100   // characters of a mass job remark
	maxJobMaterials = 3     // materials per mass job
	maxJobBuyers    = 15000 // buyers per mass send
	maxWordBytes    = 10240 // bytes of a mass job text
	maxOpenIDLen    = 64    // bound of openids (real ones are 28 characters)
	maxChatDays     = 30    // days of chat records kept
	jobWindow       = 30 * 24 * time.Hour
)

// openIDChars are the characters of openids.
const openIDChars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-"

// weChatIDRe is the shape of a WeChat ID: 6 to 20 letters, digits, "_" or "-", starting
// with a letter.
var weChatIDRe = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_-]{5,19}$`)

// appIDRe is the shape of a mini program AppID.
var appIDRe = regexp.MustCompile(`^wx[0-9a-f]{16}$`)

// clip shortens s for an error message.
func clip(s string) string {
	const n = 40
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

// checkOpenID refuses a missing or malformed openid in field.
func checkOpenID(field, id string) error {
	switch {
	case id == "":
		return argf(field, "is required")
	case len(id) > maxOpenIDLen || strings.Trim(id, openIDChars) != "":
		return argf(field, "must be 1 to %d characters of [A-Za-z0-9_-], got %q", maxOpenIDLen, clip(id))
	}
	return nil
}

// checkWeChatID refuses a malformed WeChat ID in field.
func checkWeChatID(field, id string) error {
	if !weChatIDRe.MatchString(id) {
		return argf(field, "must be a WeChat ID (6 to 20 letters, digits, _ or -, starting with a letter), got %q", clip(id))
	}
	return nil
}

// checkGuide checks an advisor named by exactly one of account (guide_account) and
// openID (guide_openid); prefix is "" or "old_"/"new_". With optional, naming none is
// allowed.
func checkGuide(prefix, account, openID string, optional bool) error {
	switch {
	case account != "" && openID != "":
		return argf(prefix+"guide_account", "give only one of %sguide_account and %sguide_openid", prefix, prefix)
	case account != "":
		return checkWeChatID(prefix+"guide_account", account)
	case openID != "":
		return checkOpenID(prefix+"guide_openid", openID)
	case !optional:
		return argf(prefix+"guide_account", "one of %sguide_account and %sguide_openid is required", prefix, prefix)
	}
	return nil
}

// checkTargets checks a call that takes one buyer (openid) or a list (openid_list).
func checkTargets(openID string, list []string, listField string) error {
	switch {
	case openID != "" && len(list) > 0:
		return argf("openid", "give only one of openid and %s", listField)
	case openID != "":
		return checkOpenID("openid", openID)
	case len(list) == 0:
		return argf("openid", "one of openid and %s is required", listField)
	case len(list) > maxBatch:
		return argf(listField, "must hold at most %d openids, got %d", maxBatch, len(list))
	}
	for i, id := range list {
		if err := checkOpenID(fieldIndex(listField, i), id); err != nil {
			return err
		}
	}
	return nil
}

// fieldIndex is "field[i]".
func fieldIndex(field string, i int) string {
	return field + "[" + strconv.Itoa(i) + "]"
}

// checkText refuses a blank value of field.
func checkText(field, v string) error {
	if strings.TrimSpace(v) == "" {
		return argf(field, "is required")
	}
	if !utf8.ValidString(v) {
		return argf(field, "must be UTF-8")
	}
	return nil
}

// checkPaging checks page/num (or start/num) paging.
func checkPaging(pageField string, page, num int32) error {
	switch {
	case page < 0:
		return argf(pageField, "must not be negative")
	case num <= 0:
		return argf("num", "must be positive")
	}
	return nil
}

// checkProfile checks an advisor nickname and avatar URL.
func checkProfile(nickname, headImgURL string) error {
	if n := utf8.RuneCountInString(nickname); n > maxNickname {
		return argf("guide_nickname", "must be at most %d characters, got %d", maxNickname, n)
	}
	if headImgURL != "" {
		u, err := url.Parse(headImgURL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Hostname() != "mmbiz.qpic.cn" {
			return argf("guide_headimgurl", "must be an image URL of mmbiz.qpic.cn (upload it with media/uploadimg)")
		}
	}
	return nil
}

// checkAppID refuses a malformed mini program AppID.
func checkAppID(field, id string) error {
	if !appIDRe.MatchString(id) {
		return argf(field, "must be a mini program AppID (wx and 16 hex digits), got %q", clip(id))
	}
	return nil
}

// checkMaterialType refuses a material type other than 0.
func checkMaterialType(t int32) error {
	if t != 0 {
		return argf("type", "must be 0 (the account's materials), got %d", t)
	}
	return nil
}
