package wxcrypto

import (
	"crypto/sha1" //nolint:gosec // G505: WeChat's JS-SDK signature is defined as SHA-1; it is not our choice
	"encoding/hex"
	"strconv"
)

// JSSDKSignature returns the wx.config signature of a page: the lowercase hex SHA-1 of
// "jsapi_ticket=T&noncestr=N&timestamp=S&url=U" (the four keys in ASCII order, values raw,
// not URL-encoded). pageURL must already be without its #fragment; nonceStr and timestamp
// must be passed to wx.config exactly as signed.
func JSSDKSignature(jsapiTicket, nonceStr string, timestamp int64, pageURL string) string {
	s := "jsapi_ticket=" + jsapiTicket +
		"&noncestr=" + nonceStr +
		"&timestamp=" + strconv.FormatInt(timestamp, 10) +
		"&url=" + pageURL
	sum := sha1.Sum([]byte(s)) //nolint:gosec // G401: SHA-1 is the algorithm WeChat defines
	return hex.EncodeToString(sum[:])
}
